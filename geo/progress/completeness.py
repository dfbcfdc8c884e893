"""Completeness of a month (填报率) and the reminder list (催报): who has reported, what awaits review, which photos.

One SQL fragment, COMPLETENESS_JSON_SQL, is embedded by the dashboard, the map summary and the bulletin, so every
screen counts the same way. It binds :c_month (first day of the month) and :c_district (a district name or NULL).
A project has reported a month when a passed or pending report of it exists; a returned one must be filed again.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.db.sql import REPORTING_DISTRICT_ID
from geo.enums import DISTRICT_NAMES
from geo.files import XLSX, Download
from geo.periods import month_label
from geo.photos.evidence import counts_as_evidence
from geo.progress.state import retired_by
from geo.settings import Settings

# A photo counts as the month's site evidence by one rule (geo.photos.evidence): taken in the month it was filed for,
# at a known place within the radius (usable GPS, or a hand placement a planner verified), not a suspected or
# confirmed reuse, and published.
EVIDENCE_PHOTO_SQL = counts_as_evidence("ph")

# A project without any report for the month has NULL aggregates; COALESCE keeps it in the unreported list.
_PER_PROJECT = f"""
SELECT p.id, p.code, p.name, d.name AS district, p.unit, p.person,
       COALESCE(bool_or(r.review_state = 'passed'), false) AS passed,
       COALESCE(bool_or(r.review_state = 'pending' AND NOT r.correction), false) AS pending,
       COALESCE(bool_or(r.review_state = 'pending' AND r.correction), false) AS correction_pending,
       COALESCE(bool_or(r.review_state = 'returned'), false) AS returned,
       max(r.review_reason) FILTER (WHERE r.review_state = 'returned') AS review_reason,
       EXISTS (SELECT 1 FROM photos ph WHERE ph.project_id = p.id AND ph.report_month = CAST(:c_month AS date)
               AND {EVIDENCE_PHOTO_SQL}) AS photo
FROM projects p
JOIN districts d ON d.id = {REPORTING_DISTRICT_ID}
LEFT JOIN progress_reports r ON r.project_id = p.id AND r.month = CAST(:c_month AS date) AND r.superseded_at IS NULL
WHERE (CAST(:c_district AS text) IS NULL OR d.name = CAST(:c_district AS text))
  AND NOT {retired_by("CAST(:c_month AS date)")}
GROUP BY p.id, d.name"""

_COUNTS = """'due', count(*), 'reported', count(*) FILTER (WHERE c.passed OR c.pending),
    'passed', count(*) FILTER (WHERE c.passed), 'pending', count(*) FILTER (WHERE c.pending),
    'returned', count(*) FILTER (WHERE c.returned AND NOT c.passed AND NOT c.pending),
    'corrections_pending', count(*) FILTER (WHERE c.correction_pending),
    'photos_received', count(*) FILTER (WHERE c.photo), 'photos_due', count(*)"""

COMPLETENESS_JSON_SQL = f"""
WITH c AS ({_PER_PROJECT})
SELECT json_build_object(
    'month', to_char(CAST(:c_month AS date), 'YYYY-MM'), {_COUNTS},
    'by_district', (SELECT json_agg(x.j ORDER BY x.ord) FROM (
        SELECT g.ord, json_build_object('name', g.name, {_COUNTS}) AS j
        FROM unnest(CAST(:c_districts AS text[])) WITH ORDINALITY g(name, ord) JOIN c ON c.district = g.name
        GROUP BY g.name, g.ord) x),
    'unreported', COALESCE((SELECT json_agg(json_build_object(
        'id', c.id, 'code', c.code, 'name', c.name, 'district', c.district, 'unit', c.unit, 'person', c.person,
        'returned', c.returned, 'review_reason', c.review_reason) ORDER BY c.district, c.code)
        FROM c WHERE NOT (c.passed OR c.pending)), '[]'::json))
FROM c"""


def completeness_params(month: dt.date, district: str | None = None) -> dict:
    """Bind parameters of COMPLETENESS_JSON_SQL."""
    return {"c_month": month, "c_district": district, "c_districts": list(DISTRICT_NAMES)}


def completeness_json(session: Session, *, month: dt.date, district: str | None = None) -> str:
    """JSON text: reported / due, review counts, photos received / due, by district, and the unreported list."""
    sql = f"SELECT ({COMPLETENESS_JSON_SQL})::text"
    return session.execute(text(sql), completeness_params(month, district)).scalar_one()


def reminder_xlsx(session: Session, *, settings: Settings, month: dt.date, district: str | None = None) -> Download:
    """The 催报单: a district's (or every district's) projects not yet reported for the month, one sheet each."""
    from geo.progress.cycle import due_date
    from geo.transfer.sheets import write_xlsx

    data = json.loads(completeness_json(session, month=month, district=district))
    header = ("区市 district", "项目编号 code", "项目名称 project", "责任单位 unit", "责任人 person", "情况 state")
    due = due_date(settings, month)
    label = month_label(month)
    sheets = {
        f"说明 {label}": (
            ("事项 item", "内容 value"),
            [
                ("月份 month", label),
                ("报送截止 due", f"{due.year}年{due.month}月{due.day}日"),
                ("应报 due", data["due"]),
                ("已报 reported", data["reported"]),
                ("待审核 pending", data["pending"]),
                ("未报 not reported", len(data["unreported"])),
            ],
        )
    }
    for group in data["by_district"] or []:
        rows = [
            (
                u["district"],
                u["code"],
                u["name"],
                u["unit"],
                u["person"],
                f"已退回:{u['review_reason']}" if u["returned"] else "未报送",
            )
            for u in data["unreported"]
            if u["district"] == group["name"]
        ]
        # Sheet titles refuse "/" and other punctuation, so the count is spelled out.
        title = f"{group['name']} 未报{len(rows)}项"
        sheets[title[:31]] = (header, rows)
    name = f"催报单-{district or '全市'}-{label}.xlsx"
    return Download(write_xlsx(sheets), XLSX, name)
