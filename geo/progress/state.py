"""Project state as of a month and its planned progress: the one implementation, as SQL (the light: lights.py).

Every reader of progress or lights (/api/projects, /api/summary, the dashboard, the bulletin) joins
STATE_JOINS_SQL after `FROM projects p` and binds state_params(); the columns it adds are
`st.progress`, `st.status`, `st.investment_completed`, `st.planned`, `st.report_month` and `rep.*`.
"""

from __future__ import annotations

import datetime as dt

from geo.periods import month_end
from geo.progress.lights import light_params
from geo.settings import Settings

# Linear from start to planned completion, as of {as_of}; NULL without dates.
_LINEAR_PLANNED = """
CASE WHEN p.start_date IS NULL OR p.end_date IS NULL THEN NULL
     WHEN {as_of} <= p.start_date THEN 0
     WHEN {as_of} >= p.end_date THEN 100
     ELSE round(100.0 * ({as_of} - p.start_date) / GREATEST(p.end_date - p.start_date, 1), 1)
END"""

# The latest current report up to {report_until}; with {at_month}, no report means not started yet.
# A monthly plan (progress_plans) for a month up to {as_of} wins over the linear plan.
_STATE_JOINS = """
LEFT JOIN LATERAL (
    SELECT r.month, r.progress, r.status, r.investment_cumulative, r.investment_month, r.milestone, r.problems,
           r.next_steps
    FROM progress_reports r
    WHERE r.project_id = p.id AND r.superseded_at IS NULL AND r.month <= {report_until}
    ORDER BY r.month DESC LIMIT 1) rep ON true
LEFT JOIN LATERAL (
    SELECT pp.planned_progress FROM progress_plans pp
    WHERE pp.project_id = p.id AND pp.month <= {as_of}
    ORDER BY pp.month DESC LIMIT 1) plan ON true
CROSS JOIN LATERAL (SELECT
    CASE WHEN rep.month IS NOT NULL THEN rep.progress WHEN {at_month} THEN 0 ELSE p.progress END AS progress,
    CASE WHEN rep.month IS NOT NULL THEN rep.status WHEN {at_month} THEN 'planning' ELSE p.status END AS status,
    COALESCE(rep.investment_cumulative, 0) AS investment_completed,
    rep.month AS report_month,
    COALESCE(plan.planned_progress, {linear}) AS planned) st"""


def state_joins(
    *,
    report_until: str = "CAST(:report_until AS date)",
    as_of: str = "CAST(:as_of AS date)",
    at_month: str = "CAST(:at_month AS boolean)",
) -> str:
    """STATE_JOINS_SQL with other SQL expressions for its three inputs (e.g. a generated month column)."""
    linear = _LINEAR_PLANNED.format(as_of=as_of)
    return _STATE_JOINS.format(report_until=report_until, as_of=as_of, at_month=at_month, linear=linear)


STATE_JOINS_SQL = state_joins()


def state_params(settings: Settings, month: dt.date | None = None, *, today: dt.date | None = None) -> dict:
    """Bind parameters of STATE_JOINS_SQL and LIGHT_SQL: now (latest report), or at the end of `month`."""
    if month is None:
        as_of, report_until, at_month = today or dt.date.today(), dt.date.max, False
    else:
        as_of, report_until, at_month = month_end(month), month.replace(day=1), True
    return {
        "as_of": as_of,
        "report_until": report_until,
        "at_month": at_month,
        **light_params(settings),
    }
