"""The traffic light (亮灯): green on schedule, yellow or red when image progress lags the plan; the one rule, as SQL.

It reads the columns geo.progress.state adds (`st.status`, `st.progress`, `st.planned`); the thresholds are settings.
"""

from __future__ import annotations

from geo.settings import Settings

# Green when on schedule, yellow when lagging more than :yellow_lag points, red beyond :red_lag or when stalled.
LIGHT_SQL = """
CASE WHEN st.status = 'completed' THEN 'green'
     WHEN st.status = 'stalled' THEN 'red'
     WHEN st.planned IS NULL OR st.planned - st.progress <= CAST(:yellow_lag AS numeric) THEN 'green'
     WHEN st.planned - st.progress <= CAST(:red_lag AS numeric) THEN 'yellow'
     ELSE 'red'
END"""


def light_params(settings: Settings) -> dict:
    """Bind parameters of LIGHT_SQL: the lag thresholds, in percentage points."""
    return {"yellow_lag": settings.light_yellow_lag, "red_lag": settings.light_red_lag}
