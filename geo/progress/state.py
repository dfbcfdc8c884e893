"""Project state as of a month and its planned progress: the one implementation, as SQL (the light: lights.py).

Every reader of progress or lights (/api/projects, /api/summary, the dashboard, the bulletin) joins
STATE_JOINS_SQL after `FROM projects p` and binds state_params(); the columns it adds are
`st.progress`, `st.status`, `st.investment_completed`, `st.planned`, `st.report_month`,
`st.milestone_overdue_days` and `rep.*`; it also drops the projects retired (退库) by that month, so they leave
every figure from their retirement month on.
A month's figures read only passed reports (current_report); what the default view shows is geo.progress.cycle's.
"""

from __future__ import annotations

import datetime as dt

from geo.periods import month_end
from geo.progress.lights import MILESTONE_OVERDUE_SQL, light_params
from geo.settings import Settings

# Linear from start to planned completion, as of {as_of}; NULL without dates.
_LINEAR_PLANNED = """
CASE WHEN p.start_date IS NULL OR p.end_date IS NULL THEN NULL
     WHEN {as_of} <= p.start_date THEN 0
     WHEN {as_of} >= p.end_date THEN 100
     ELSE round(100.0 * ({as_of} - p.start_date) / GREATEST(p.end_date - p.start_date, 1), 1)
END"""

_REGISTERED = "(p.created_at AT TIME ZONE 'Asia/Shanghai')::date"  # the register's figures hold from this day


def current_report(alias: str = "r") -> str:
    """The condition that a report row is the one that counts for its month: the latest passed version."""
    return f"{alias}.superseded_at IS NULL AND {alias}.review_state = 'passed'"


# The latest passed report up to {report_until}; without one, the register's figures from the day the project was
# registered on, and not started before.
# A monthly plan (progress_plans) for a month up to {as_of} wins over the linear plan; months that plan only
# investment leave the progress to the month before.
_STATE_JOINS = """
LEFT JOIN LATERAL (
    SELECT r.month, r.progress, r.status, r.investment_cumulative, r.investment_month, r.milestone, r.problems,
           r.next_steps
    FROM progress_reports r
    WHERE r.project_id = p.id AND {current} AND r.month <= {report_until}
    ORDER BY r.month DESC LIMIT 1) rep ON true
LEFT JOIN LATERAL (
    SELECT pp.planned_progress FROM progress_plans pp
    WHERE pp.project_id = p.id AND pp.month <= {as_of} AND pp.planned_progress IS NOT NULL
    ORDER BY pp.month DESC LIMIT 1) plan ON true
CROSS JOIN LATERAL ({milestones}) ms_late
CROSS JOIN LATERAL (SELECT
    CASE WHEN rep.month IS NOT NULL THEN rep.progress WHEN {registered} > {as_of} THEN 0 ELSE p.progress END
        AS progress,
    CASE WHEN rep.month IS NOT NULL THEN rep.status WHEN {registered} > {as_of} THEN 'planning' ELSE p.status END
        AS status,
    COALESCE(rep.investment_cumulative, 0) AS investment_completed,
    rep.month AS report_month,
    COALESCE(plan.planned_progress, {linear}) AS planned,
    ms_late.overdue_days AS milestone_overdue_days) st{in_library}"""

# 退库: a project retired in month M is gone from the state at the end of M and of every later month; the months
# before still show it. Joined (not a WHERE) so every reader of the state applies it without saying so.
_IN_LIBRARY = """
JOIN LATERAL (SELECT 1 WHERE p.retired_month IS NULL OR p.retired_month > {report_until}) in_library ON true"""


def state_joins(
    *,
    report_until: str = "CAST(:report_until AS date)",
    as_of: str = "CAST(:as_of AS date)",
    include_retired: bool = False,
) -> str:
    """STATE_JOINS_SQL with other SQL expressions for its two inputs (e.g. a generated month column); with
    include_retired, projects retired by then stay (the card of a retired project, the month's 退库 count)."""
    linear = _LINEAR_PLANNED.format(as_of=as_of)
    return _STATE_JOINS.format(
        report_until=report_until,
        as_of=as_of,
        registered=_REGISTERED,
        linear=linear,
        current=current_report(),
        in_library="" if include_retired else _IN_LIBRARY.format(report_until=report_until),
        milestones=MILESTONE_OVERDUE_SQL.format(as_of=as_of),
    )


STATE_JOINS_SQL = state_joins()


def retired_by(report_until: str = "CAST(:report_until AS date)") -> str:
    """SQL condition: the project `p` is retired (退库) as of the month starting at report_until."""
    return f"(p.retired_month IS NOT NULL AND p.retired_month <= {report_until})"


def state_params(settings: Settings, month: dt.date) -> dict:
    """Bind parameters of STATE_JOINS_SQL and LIGHT_SQL: the state at the end of `month`."""
    return {
        "as_of": month_end(month),
        "report_until": month.replace(day=1),
        **light_params(settings),
    }
