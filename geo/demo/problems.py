"""Demo problems to coordinate: a deterministic handful tracked from the demo reports' 存在问题 (flagged demo),
some closed, some in hand, some past their deadline."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.enums import PROBLEM_DEPARTMENTS
from geo.periods import add_months

DEMO_PROBLEMS = 8
DEMO_ACTOR = "演示数据"
# (status, months from the report's month to the deadline, day of that month): the first four are past due by the
# demo's last month's end plus a month, so the dashboard and the bulletin have overdue problems to show.
_PLAN = (
    ("open", 1, 15),
    ("coordinating", 1, 20),
    ("open", 1, 25),
    ("coordinating", 1, 10),
    ("open", 4, 15),
    ("coordinating", 4, 30),
    ("resolved", 1, 20),
    ("resolved", 2, 10),
)
_ACTIONS = ("协调办理相关手续", "召开专题协调会", "协调解决要素保障", "督促相关单位限期办结")


def _deadline(month: dt.date, months: int, day: int) -> dt.date:
    first = add_months(month, months)
    return first.replace(day=min(day, 28))


def seed_demo_problems(session: Session) -> int:
    """Replace the demo problems: one per project from the latest demo reports that name a problem, by code."""
    session.execute(text("DELETE FROM problems WHERE demo"))
    sources = session.execute(
        text("""
        SELECT DISTINCT ON (p.id) r.id AS report_id, p.id AS project_id, r.month, r.problems, p.code
        FROM progress_reports r JOIN projects p ON p.id = r.project_id
        WHERE p.demo AND r.demo AND r.problems IS NOT NULL AND r.superseded_at IS NULL
        ORDER BY p.id, r.month DESC""")
    ).all()
    sources = sorted(sources, key=lambda s: s.code)[:: max(1, len(sources) // DEMO_PROBLEMS)][:DEMO_PROBLEMS]
    for i, (src, (status, months, day)) in enumerate(zip(sources, _PLAN, strict=False)):
        opened = add_months(src.month, 1).replace(day=5)
        resolved = opened + dt.timedelta(days=18) if status == "resolved" else None
        problem_id = session.execute(
            text("""
            INSERT INTO problems (project_id, report_id, source_month, description, department, action, deadline,
                                  status, resolution, resolved_at, opened_on, resolved_on, demo, created_at)
            VALUES (:project_id, :report_id, :month, :description, :department, :action, :deadline, :status,
                    :resolution, CAST(:resolved AS date) + time '10:00', :opened, :resolved, true,
                    CAST(:opened AS date) + time '09:00')
            RETURNING id"""),
            {
                "project_id": src.project_id,
                "report_id": src.report_id,
                "month": src.month,
                "description": src.problems,
                "department": PROBLEM_DEPARTMENTS[(i * 5) % len(PROBLEM_DEPARTMENTS)],
                "action": _ACTIONS[i % len(_ACTIONS)],
                "deadline": _deadline(src.month, months, day),
                "status": status,
                "resolution": "经协调已解决,项目正常推进(演示)" if resolved else None,
                "resolved": resolved,
                "opened": opened,
            },
        ).scalar_one()
        steps = [("create", None, "open", opened)]
        if status != "open":
            steps.append(("transition", "open", "coordinating", opened + dt.timedelta(days=3)))
        if resolved:
            steps.append(("transition", "coordinating", "resolved", resolved))
        for kind, before, after, day_ in steps:
            session.execute(
                text("""
                INSERT INTO problem_events (problem_id, at, actor_name, kind, from_status, to_status, note)
                VALUES (:id, CAST(:day AS date) + time '09:00', :actor, :kind, :before, :after, :note)"""),
                {
                    "id": problem_id,
                    "day": day_,
                    "actor": DEMO_ACTOR,
                    "kind": kind,
                    "before": before,
                    "after": after,
                    "note": "经协调已解决,项目正常推进(演示)" if after == "resolved" else None,
                },
            )
    return len(sources)
