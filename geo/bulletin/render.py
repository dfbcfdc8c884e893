"""The monthly / quarterly 简报: the dashboard figures rendered as PDF (reportlab) and Excel (openpyxl)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.errors import InvalidInput
from geo.files import PDF, XLSX, Download
from geo.periods import Period, add_months, local_today
from geo.progress.dashboard import dashboard_json
from geo.settings import Settings

FORMATS = {"pdf": PDF, "xlsx": XLSX}


def previous_period(period: Period) -> Period:
    """The month or quarter before, for the 环比 (a January is compared with December)."""
    months = 1 if period.kind == "monthly" else 3
    return Period(period.kind, add_months(period.first, -months), add_months(period.last, -months))


def _figures(session: Session, settings: Settings, period: Period) -> dict:
    return json.loads(dashboard_json(session, settings=settings, period=period), parse_float=Decimal, parse_int=Decimal)


def _notes(session: Session) -> dict:
    """What the data itself flags as not real: schematic district outlines, zones and bases; demo projects."""
    row = session.execute(
        text("""SELECT (SELECT array_agg(name ORDER BY name) FROM districts WHERE schematic),
                       EXISTS (SELECT 1 FROM zones WHERE schematic) OR EXISTS (SELECT 1 FROM bases WHERE schematic),
                       EXISTS (SELECT 1 FROM projects WHERE demo)""")
    ).one()
    return {"schematic_districts": list(row[0] or []), "schematic_areas": bool(row[1]), "demo": bool(row[2])}


def bulletin_data(
    session: Session, *, settings: Settings, period: Period, today: dt.date | None = None, with_map: bool = True
) -> dict:
    """The period's dashboard figures (exact Decimals) with the previous period's, the 期号, notes, photos and map."""
    from geo.bulletin.issues import find_issue, issue_dict
    from geo.bulletin.maps import map_layers
    from geo.bulletin.photos import district_photos
    from geo.problems.tracking import overdue_problems

    data = _figures(session, settings, period)
    data["title"] = period.title_zh
    data["previous"] = _figures(session, settings, previous_period(period))
    issue = find_issue(session, period)
    data["issue"] = issue_dict(issue) if issue is not None else None
    data["date"] = (
        dt.date.fromisoformat(data["issue"]["issued_on"]) if data["issue"] else (today or local_today(settings.today))
    )
    data["masthead"] = {"title": settings.bulletin_title, "issuer": settings.bulletin_issuer}
    data["notes"] = _notes(session)
    data["has_demo"] = data["notes"]["demo"]
    data["photos"] = district_photos(session, settings=settings, period=period)
    data["map"] = map_layers(session, period.last) if with_map else None
    data["coordination"] = overdue_problems(session, settings=settings, month=period.last)
    if period.kind == "quarterly":
        from geo.assessment.league import league

        data["assessment"] = league(session, settings=settings, kind="district", period=period)
    return data


def render_bulletin(session: Session, *, settings: Settings, period: Period, fmt: str) -> Download:
    """The period's bulletin as PDF or Excel."""
    if fmt not in FORMATS:
        raise InvalidInput(
            f"简报格式只支持 pdf 或 xlsx,收到 {fmt!r} / format must be pdf or xlsx",
            errors=[{"field": "format", "message": "pdf or xlsx", "allowed": list(FORMATS)}],
        )
    data = bulletin_data(session, settings=settings, period=period, with_map=fmt == "pdf")
    if fmt == "pdf":
        from geo.bulletin.pdf import render_pdf

        content = render_pdf(data)
    else:
        from geo.bulletin.xlsx import render_xlsx

        content = render_xlsx(data)
    return Download(content, FORMATS[fmt], f"weihai-bulletin-{period.label}.{fmt}")
