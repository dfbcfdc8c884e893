"""SQL written once: the FeatureCollection wrapper, the reporting-district join and "the project exists"."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.errors import NotFound

# A project reports to the unit its point lies in (a functional area wins over its county), else to the declared one.
REPORTING_DISTRICT_ID = "COALESCE(p.located_district_id, p.district_id)"
JOIN_REPORTING_DISTRICT = f"JOIN districts d ON d.id = {REPORTING_DISTRICT_ID}"


def feature_collection(rows_sql: str) -> str:
    """A statement answering one text FeatureCollection of rows_sql's rows: `geom` the geometry, 6 decimals."""
    # Each feature is ST_AsGeoJSON's JSON text, joined as text: casting it to json to aggregate parsed every feature
    # again (a tenth of /api/projects at 10,000 projects).
    return f"""
WITH rows AS ({rows_sql})
SELECT '{{"type": "FeatureCollection", "features": ['
       || COALESCE(string_agg(ST_AsGeoJSON(rows.*, 'geom', 6), ', '), '') || ']}}'
FROM rows"""


def project_not_found(project_id: int) -> NotFound:
    """The one answer for a project id that is not in the library."""
    return NotFound(f"项目 {project_id} 不存在 / project {project_id} does not exist")


def require_project(session: Session, project_id: int) -> None:
    """Raise NotFound unless the project exists."""
    if session.execute(text("SELECT 1 FROM projects WHERE id = :id"), {"id": project_id}).scalar() is None:
        raise project_not_found(project_id)
