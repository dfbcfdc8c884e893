"""Planned progress and the traffic light (亮灯), as SQL expressions evaluated in PostGIS."""
from __future__ import annotations

import datetime as dt

from geo.settings import Settings

# Planned image progress: linear from start to planned completion, as of :as_of.
PLANNED_PROGRESS_SQL = """
CASE WHEN p.start_date IS NULL OR p.end_date IS NULL THEN NULL
     WHEN CAST(:as_of AS date) <= p.start_date THEN 0
     WHEN CAST(:as_of AS date) >= p.end_date THEN 100
     ELSE round(100.0 * (CAST(:as_of AS date) - p.start_date) / GREATEST(p.end_date - p.start_date, 1), 1)
END"""

# Green when on schedule, yellow when lagging more than :yellow_lag points, red beyond :red_lag or when stalled.
LIGHT_SQL = """
CASE WHEN p.status = 'completed' THEN 'green'
     WHEN p.status = 'stalled' THEN 'red'
     WHEN pl.planned IS NULL OR pl.planned - p.progress <= :yellow_lag THEN 'green'
     WHEN pl.planned - p.progress <= :red_lag THEN 'yellow'
     ELSE 'red'
END"""


def light_params(settings: Settings, as_of: dt.date | None = None) -> dict:
    """Bind parameters for PLANNED_PROGRESS_SQL and LIGHT_SQL."""
    return {
        "as_of": as_of or dt.date.today(),
        "yellow_lag": settings.light_yellow_lag,
        "red_lag": settings.light_red_lag,
    }
