"""The traffic light (亮灯): green on schedule, yellow or red when image progress lags the plan or a milestone is
overdue; the one rule, as SQL.

It reads the columns geo.progress.state adds (`st.status`, `st.progress`, `st.planned`, `st.milestone_overdue_days`);
the thresholds are settings.
"""

from __future__ import annotations

from geo.settings import Settings

# Green when on schedule, yellow when lagging more than :yellow_lag points, red beyond :red_lag or when stalled.
# A milestone (节点) not done by the month's end although planned before it turns the light at least yellow, and red
# when it is more than :milestone_red_days late (geo.workplan.milestones).
LIGHT_SQL = """
CASE WHEN st.status = 'completed' THEN 'green'
     WHEN st.status = 'stalled' THEN 'red'
     WHEN st.milestone_overdue_days > CAST(:milestone_red_days AS integer) THEN 'red'
     WHEN st.planned - st.progress > CAST(:red_lag AS numeric) THEN 'red'
     WHEN st.milestone_overdue_days > 0 THEN 'yellow'
     WHEN st.planned IS NULL OR st.planned - st.progress <= CAST(:yellow_lag AS numeric) THEN 'green'
     ELSE 'yellow'
END"""

# Days the most overdue milestone is late at {as_of} (a month's end): planned before it and not done by it; 0 if none.
MILESTONE_OVERDUE_SQL = """
SELECT COALESCE(max({as_of} - ms.planned_date), 0) AS overdue_days FROM milestones ms
WHERE ms.project_id = p.id AND ms.planned_date < {as_of} AND (ms.done_date IS NULL OR ms.done_date > {as_of})"""


def light_params(settings: Settings) -> dict:
    """Bind parameters of LIGHT_SQL: the lag thresholds (percentage points) and the milestone lateness (days)."""
    return {
        "yellow_lag": settings.light_yellow_lag,
        "red_lag": settings.light_red_lag,
        "milestone_red_days": settings.milestone_red_days,
    }
