"""The assessment's raw figures, as SQL: for each month of a range and each unit (district or lead department), the
numerator and denominator of every criterion (geo.assessment.criteria), from the same rules the rest of the war-room
reads — the month-end state and light (geo.progress.state, lights), the task state and light (geo.tasks.register),
the problems' dates (geo.problems), evidence photos (geo.photos.evidence), milestones (geo.workplan) and tour scores
(geo.tours).

A report is filed on time when a version of it was filed (the app's date, filed_on) by the month's due day
(geo.progress.cycle.due_date); the generated demo history has no filing date and counts as filed on time.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.db.sql import JOIN_REPORTING_DISTRICT
from geo.enums import DISTRICT_NAMES
from geo.periods import Period, add_months
from geo.photos.evidence import counts_as_evidence
from geo.progress.lights import LIGHT_SQL, light_params
from geo.progress.state import retired_by, state_joins
from geo.settings import Settings
from geo.tasks.register import TASK_LIGHT_SQL, TASK_STATE_JOIN

# {month: {unit: {criterion: (numerator, denominator)}}}
Counts = dict[dt.date, dict[str, dict[str, tuple[Decimal, Decimal]]]]

_MONTHS = (
    "SELECT m::date AS month FROM generate_series(CAST(:first AS date), CAST(:last AS date), interval '1 month') m"
)
_MONTH_END = "(m.month + interval '1 month' - interval '1 day')::date"
_DUE_DAY = "((m.month + interval '1 month')::date + CAST(:due_day AS integer) - 1)"
# The app's date when filed (filed_on, migration 0018); rows from before it: their stored time's date in Weihai.
_FILED_ON = "COALESCE({a}.filed_on, ({a}.created_at AT TIME ZONE 'Asia/Shanghai')::date)"


def _on_time(alias: str) -> str:
    return f"({_FILED_ON.format(a=alias)} <= {_DUE_DAY} OR ({alias}.demo AND {alias}.submitted_by IS NULL))"


_DISTRICT_SQL = f"""
WITH months AS ({_MONTHS}),
due AS (
    SELECT m.month, d.name AS unit,
        EXISTS (SELECT 1 FROM progress_reports r WHERE r.project_id = p.id AND r.month = m.month AND {_on_time("r")})
            AS on_time,
        EXISTS (SELECT 1 FROM photos ph WHERE ph.project_id = p.id AND ph.report_month = m.month
                AND {counts_as_evidence("ph")}) AS photo
    FROM months m CROSS JOIN projects p {JOIN_REPORTING_DISTRICT}
    WHERE NOT {retired_by("m.month")}),
state AS (
    SELECT m.month, d.name AS unit, {LIGHT_SQL} AS light,
        CASE WHEN EXISTS (SELECT 1 FROM progress_plans pp WHERE pp.project_id = p.id
                          AND pp.planned_investment IS NOT NULL
                          AND date_trunc('year', pp.month) = date_trunc('year', m.month))
             THEN (SELECT COALESCE(sum(pp.planned_investment), 0) FROM progress_plans pp
                   WHERE pp.project_id = p.id AND pp.month BETWEEN date_trunc('year', m.month) AND m.month)
             ELSE round(p.investment_year * extract(month FROM m.month) / 12, 2) END AS plan_to_date,
        (SELECT COALESCE(sum(y.investment_month), 0) FROM progress_reports y
         WHERE y.project_id = p.id AND y.superseded_at IS NULL AND y.review_state = 'passed'
           AND y.month BETWEEN date_trunc('year', m.month) AND m.month) AS completed_year
    FROM months m CROSS JOIN projects p {JOIN_REPORTING_DISTRICT}
    {state_joins(report_until="m.month", as_of=_MONTH_END)}),
reviewed AS (
    SELECT r.month, d.name AS unit, count(*) FILTER (WHERE r.review_state = 'passed') AS passed, count(*) AS n
    FROM progress_reports r JOIN projects p ON p.id = r.project_id {JOIN_REPORTING_DISTRICT}
    WHERE r.month BETWEEN CAST(:first AS date) AND CAST(:last AS date) AND r.review_state IN ('passed', 'returned')
    GROUP BY r.month, d.name),
ms AS (
    SELECT date_trunc('month', ms.planned_date)::date AS month, d.name AS unit,
        count(*) FILTER (WHERE ms.done_date IS NOT NULL AND ms.done_date <= ms.planned_date) AS met, count(*) AS n
    FROM milestones ms JOIN projects p ON p.id = ms.project_id {JOIN_REPORTING_DISTRICT}
    WHERE ms.planned_date BETWEEN CAST(:first AS date) AND (CAST(:last AS date) + interval '1 month' - interval '1 day')
    GROUP BY 1, 2),
pr AS (
    SELECT date_trunc('month', pr.deadline)::date AS month, d.name AS unit,
        count(*) FILTER (WHERE pr.resolved_on IS NOT NULL AND pr.resolved_on <= pr.deadline) AS met, count(*) AS n
    FROM problems pr JOIN projects p ON p.id = pr.project_id {JOIN_REPORTING_DISTRICT}
    WHERE pr.deadline BETWEEN CAST(:first AS date) AND (CAST(:last AS date) + interval '1 month' - interval '1 day')
    GROUP BY 1, 2),
rows AS (
    SELECT month, unit, 'timeliness' AS criterion, count(*) FILTER (WHERE on_time)::numeric AS num,
           count(*)::numeric AS den FROM due GROUP BY month, unit
    UNION ALL
    SELECT month, unit, 'photos', count(*) FILTER (WHERE photo), count(*) FROM due GROUP BY month, unit
    UNION ALL
    SELECT month, unit, 'lights', count(*) FILTER (WHERE light = 'green') + 0.5 * count(*) FILTER (
           WHERE light = 'yellow'), count(*) FROM state GROUP BY month, unit
    UNION ALL
    SELECT month, unit, 'lights_green', count(*) FILTER (WHERE light = 'green'), 0 FROM state GROUP BY month, unit
    UNION ALL
    SELECT month, unit, 'lights_yellow', count(*) FILTER (WHERE light = 'yellow'), 0 FROM state GROUP BY month, unit
    UNION ALL
    SELECT month, unit, 'lights_red', count(*) FILTER (WHERE light = 'red'), 0 FROM state GROUP BY month, unit
    UNION ALL
    SELECT month, unit, 'investment', COALESCE(sum(completed_year), 0), COALESCE(sum(plan_to_date), 0)
    FROM state GROUP BY month, unit
    UNION ALL
    SELECT month, unit, 'review', passed, n FROM reviewed
    UNION ALL
    SELECT month, unit, 'milestones', met, n FROM ms
    UNION ALL
    SELECT month, unit, 'problems', met, n FROM pr)
SELECT month, unit, criterion, num, den FROM rows"""

_TASK_JOIN = TASK_STATE_JOIN.replace("CAST(:t_month AS date)", "m.month")
_TASK_LIGHT = TASK_LIGHT_SQL.replace("CAST(:t_as_of AS date)", _MONTH_END)
# The task's latest passed state before month m: a task reported 已完成 is not due any more.
_DONE_BEFORE = """COALESCE((SELECT b.status = 'completed' FROM task_reports b
    WHERE b.task_id = t.id AND b.superseded_at IS NULL AND b.review_state = 'passed' AND b.month < m.month
    ORDER BY b.month DESC LIMIT 1), false)"""

_DEPARTMENT_SQL = f"""
WITH months AS ({_MONTHS}),
due AS (
    SELECT m.month, ld.name AS unit,
        EXISTS (SELECT 1 FROM task_reports r WHERE r.task_id = t.id AND r.month = m.month AND {_on_time("r")})
            AS on_time
    FROM months m CROSS JOIN tasks t JOIN departments ld ON ld.id = t.lead_department_id
    WHERE NOT {_DONE_BEFORE}),
state AS (
    SELECT m.month, ld.name AS unit, COALESCE(tr.status, 'not_started') AS status, {_TASK_LIGHT} AS light
    FROM months m CROSS JOIN tasks t JOIN departments ld ON ld.id = t.lead_department_id
    {_TASK_JOIN}),
pr AS (
    SELECT date_trunc('month', pr.deadline)::date AS month, dp.name AS unit,
        count(*) FILTER (WHERE pr.resolved_on IS NOT NULL AND pr.resolved_on <= pr.deadline) AS met, count(*) AS n
    FROM problems pr JOIN departments dp
        ON pr.department = dp.name OR pr.department = ANY(string_to_array(COALESCE(dp.alias, ''), '、'))
    WHERE pr.deadline BETWEEN CAST(:first AS date) AND (CAST(:last AS date) + interval '1 month' - interval '1 day')
    GROUP BY 1, 2),
rows AS (
    SELECT month, unit, 'timeliness' AS criterion, count(*) FILTER (WHERE on_time)::numeric AS num,
           count(*)::numeric AS den FROM due GROUP BY month, unit
    UNION ALL
    SELECT month, unit, 'task_status', count(*) FILTER (WHERE status = 'completed' OR light <> 'red'), count(*)
    FROM state GROUP BY month, unit
    UNION ALL
    SELECT month, unit, 'status_completed', count(*) FILTER (WHERE status = 'completed'), 0 FROM state
    GROUP BY month, unit
    UNION ALL
    SELECT month, unit, 'status_lagging', count(*) FILTER (WHERE status <> 'completed' AND light = 'red'), 0
    FROM state GROUP BY month, unit
    UNION ALL
    SELECT month, unit, 'task_lights', count(*) FILTER (WHERE light = 'green') + 0.5 * count(*) FILTER (
           WHERE light = 'yellow'), count(*) FROM state GROUP BY month, unit
    UNION ALL
    SELECT month, unit, 'lights_green', count(*) FILTER (WHERE light = 'green'), 0 FROM state GROUP BY month, unit
    UNION ALL
    SELECT month, unit, 'lights_yellow', count(*) FILTER (WHERE light = 'yellow'), 0 FROM state GROUP BY month, unit
    UNION ALL
    SELECT month, unit, 'lights_red', count(*) FILTER (WHERE light = 'red'), 0 FROM state GROUP BY month, unit
    UNION ALL
    SELECT month, unit, 'problems', met, n FROM pr)
SELECT month, unit, criterion, num, den FROM rows"""


def units(session: Session, kind: str) -> list[str]:
    """The units assessed: the eight reporting districts, or every active department that leads a task."""
    if kind == "district":
        return list(DISTRICT_NAMES)
    return list(
        session.execute(
            text("""SELECT d.name FROM departments d WHERE d.active
                    AND EXISTS (SELECT 1 FROM tasks t WHERE t.lead_department_id = d.id) ORDER BY d.code""")
        ).scalars()
    )


def monthly_counts(session: Session, *, settings: Settings, kind: str, first: dt.date, last: dt.date) -> Counts:
    """Every month's numerators and denominators, per unit and criterion, for months first..last (first days)."""
    sql = _DISTRICT_SQL if kind == "district" else _DEPARTMENT_SQL
    params = {"first": first, "last": last, "due_day": settings.report_due_day, **light_params(settings)}
    counts: Counts = defaultdict(lambda: defaultdict(dict))
    for month, unit, criterion, num, den in session.execute(text(sql), params):
        counts[month][unit][criterion] = (Decimal(num), Decimal(den))
    if kind == "district":
        _add_tours(session, counts, first, last)
    return counts


def _add_tours(session: Session, counts: Counts, first: dt.date, last: dt.date) -> None:
    from geo.tours.tours import tour_scores

    month = first
    while month <= last:
        for district, score in tour_scores(session, Period("monthly", month, month)).items():
            counts[month][district]["tours"] = (Decimal(score), Decimal(100))
        month = add_months(month, 1)


def period_tours(session: Session, period: Period) -> dict[str, tuple[Decimal, Decimal]]:
    """{district: (tour score, 100)} over the whole period (a quarter's mean is over its tours, not its months)."""
    from geo.tours.tours import tour_scores

    return {d: (Decimal(s), Decimal(100)) for d, s in tour_scores(session, period).items()}
