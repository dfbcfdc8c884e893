"""Project queries: filtered FeatureCollections, one project, and summaries, all assembled in PostGIS."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.db.sql import JOIN_REPORTING_DISTRICT, feature_collection, project_not_found
from geo.enums import CLUSTER_NAMES, DISTRICT_NAMES, STATUS_CODES
from geo.errors import InvalidInput, UnknownValue
from geo.periods import local_today, month_end
from geo.problems.rules import overdue_count_sql
from geo.progress.completeness import COMPLETENESS_JSON_SQL, completeness_params
from geo.progress.cycle import month_state, shown_month
from geo.progress.lights import LIGHT_SQL
from geo.progress.state import STATE_JOINS_SQL, state_joins, state_params
from geo.settings import Settings


@dataclass(frozen=True)
class ProjectFilter:
    """Combinable filters of the project map; every field optional."""

    district: str | None = None
    cluster: str | None = None
    zone: str | None = None
    base: str | None = None
    status: str | None = None
    q: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    overdue_problems: bool = False  # only projects with an open problem past its deadline (geo/problems/rules.py)
    ids: tuple[int, ...] | None = None  # just these projects (a tour's stops)
    task: int | None = None  # only the projects that carry out this key task (task_projects)


def parse_bbox(raw: str | None) -> tuple[float, float, float, float] | None:
    """Parse 'minLon,minLat,maxLon,maxLat' or raise InvalidInput saying what is wrong."""
    if raw is None or raw == "":
        return None
    parts = raw.split(",")
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        values = ()
    if len(values) != 4 or any(v != v or v in (float("inf"), float("-inf")) for v in values):
        raise InvalidInput(
            f"bbox 应为 4 个数字 minLon,minLat,maxLon,maxLat,例如 122.0,37.3,122.3,37.6 / bbox must be four numbers "
            f"minLon,minLat,maxLon,maxLat; got {raw!r}",
            errors=[{"field": "bbox", "message": "expected four comma-separated numbers"}],
        )
    x1, y1, x2, y2 = values
    if not (-180 <= x1 <= 180 and -180 <= x2 <= 180 and -90 <= y1 <= 90 and -90 <= y2 <= 90):
        raise InvalidInput(
            "bbox 超出经纬度范围 / bbox is outside longitude -180..180, latitude -90..90",
            errors=[{"field": "bbox", "message": "out of range"}],
        )
    if x1 > x2 or y1 > y2:
        raise InvalidInput(
            "bbox 的最小值大于最大值,是否写反了? / bbox minimum exceeds maximum: order is minLon,minLat,maxLon,maxLat",
            errors=[{"field": "bbox", "message": "min greater than max"}],
        )
    return values


def _names(session: Session, table: str) -> list[str]:
    return list(session.execute(text(f"SELECT name FROM {table} ORDER BY code")).scalars())


# Problems are overdue as of the month's end when a month is asked for, as of today otherwise (geo/problems/rules.py).
PROBLEMS_AS_OF = "CAST(:problems_as_of AS date)"

# Filters whose values are fixed enumerations, and the column each one compares.
_ENUMERATED = (
    ("district", DISTRICT_NAMES, "d.name"),
    ("cluster", CLUSTER_NAMES, "cl.name"),
    ("status", STATUS_CODES, "st.status"),
)  # status as of the month shown


def _where(session: Session, f: ProjectFilter) -> tuple[str, dict]:
    """SQL conditions and parameters for a filter; unknown names raise InvalidInput listing the known ones."""
    clauses, params = [], {}
    for field, known, column in _ENUMERATED:
        value = getattr(f, field)
        if value:
            if value not in known:
                raise UnknownValue(field, value, known)
            clauses.append(f"{column} = :{field}")
            params[field] = value
    for field, table, column in (("zone", "zones", "zone_ids"), ("base", "bases", "base_ids")):
        value = getattr(f, field)
        if value:
            found = session.execute(text(f"SELECT id FROM {table} WHERE name = :n OR code = :n"), {"n": value}).scalar()
            if found is None:
                raise UnknownValue(field, value, _names(session, table))
            clauses.append(f":{field}_id = ANY(p.{column})")
            params[f"{field}_id"] = found
    if f.q:
        clauses.append("(p.name ILIKE :q ESCAPE '\\' OR p.code ILIKE :q ESCAPE '\\')")
        escaped = f.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params["q"] = f"%{escaped}%"
    if f.ids is not None:
        clauses.append("p.id = ANY(CAST(:ids AS integer[]))")
        params["ids"] = list(f.ids)
    if f.task is not None:
        if session.execute(text("SELECT 1 FROM tasks WHERE id = :t"), {"t": f.task}).scalar() is None:
            raise InvalidInput(
                f"重点任务 {f.task} 不存在 / key task {f.task} does not exist",
                errors=[{"field": "task", "message": "unknown task id"}],
            )
        clauses.append("EXISTS (SELECT 1 FROM task_projects tp WHERE tp.project_id = p.id AND tp.task_id = :task)")
        params["task"] = f.task
    if f.bbox:
        clauses.append("p.geom && ST_MakeEnvelope(:x1, :y1, :x2, :y2, 4326)")
        params.update(zip(("x1", "y1", "x2", "y2"), f.bbox))
    if f.overdue_problems:
        clauses.append(f"{overdue_count_sql(day=PROBLEMS_AS_OF)} > 0")
    return (" AND ".join(clauses) or "true"), params


def _rows_sql(where: str, *, include_retired: bool = False, ordered: bool = True) -> str:
    """The project rows with names, siting, state as of the month (geo.progress.state) and light; `geom` last.
    Projects retired (退库) by the month are left out unless include_retired; in id order unless not `ordered` (a
    reader that only counts saves the sort: 100,000 rows spill to disk at the default work_mem)."""
    return f"""
SELECT p.id, p.code, p.name, d.name AS district, c.name AS county, cl.name AS cluster, st.status,
       st.progress, st.planned AS planned_progress, {LIGHT_SQL} AS light,
       p.investment_total, p.investment_year, st.investment_completed,
       to_char(st.report_month, 'YYYY-MM') AS report_month,
       p.unit, p.person, p.leader_name, p.leader_title, p.leader_unit, st.milestone_overdue_days,
       p.start_date, p.end_date, p.demo,
       p.zone_names AS zones, p.base_names AS bases, {overdue_count_sql(day=PROBLEMS_AS_OF)} AS overdue_problems,
       p.geom
FROM projects p
{JOIN_REPORTING_DISTRICT}
LEFT JOIN districts c ON c.id = p.county_id
JOIN industry_clusters cl ON cl.id = p.cluster_id
{state_joins(include_retired=True) if include_retired else STATE_JOINS_SQL}
WHERE {where}{" ORDER BY p.id" if ordered else ""}"""


# Every property a project feature carries, in order; `fields=` may ask for a subset (the map needs a third).
PROJECT_PROPERTIES = (
    "id",
    "code",
    "name",
    "district",
    "county",
    "cluster",
    "status",
    "progress",
    "planned_progress",
    "light",
    "investment_total",
    "investment_year",
    "investment_completed",
    "report_month",
    "unit",
    "person",
    "leader_name",
    "leader_title",
    "leader_unit",
    "milestone_overdue_days",
    "start_date",
    "end_date",
    "demo",
    "zones",
    "bases",
    "overdue_problems",
)


def parse_fields(raw: str | None) -> tuple[str, ...] | None:
    """The requested subset of PROJECT_PROPERTIES (id always included), or None for all."""
    if not raw:
        return None
    wanted = [f.strip() for f in raw.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in PROJECT_PROPERTIES]
    if unknown:
        raise InvalidInput(
            f"未知字段 {', '.join(unknown)};可选:{', '.join(PROJECT_PROPERTIES)} / unknown fields",
            errors=[{"field": "fields", "message": "unknown field", "allowed": list(PROJECT_PROPERTIES)}],
        )
    return tuple(f for f in PROJECT_PROPERTIES if f in wanted or f == "id")


def projects_geojson_statement(
    session: Session,
    *,
    settings: Settings,
    filters: ProjectFilter,
    month: dt.date | None = None,
    as_of: dt.date | None = None,
    fields: tuple[str, ...] | None = None,
) -> tuple[str, dict]:
    """The SQL text and parameters of projects_geojson (also run bare by bench/api_projects.py as its floor)."""
    where, params = _where(session, filters)
    columns = ", ".join(fields or PROJECT_PROPERTIES)
    sql = feature_collection(f"SELECT {columns}, geom FROM ({_rows_sql(where)}) r")
    return sql, {**params, **_params(session, settings, month, as_of)}


def projects_geojson(
    session: Session,
    *,
    settings: Settings,
    filters: ProjectFilter,
    month: dt.date | None = None,
    as_of: dt.date | None = None,
    fields: tuple[str, ...] | None = None,
) -> str:
    """A GeoJSON FeatureCollection (text) of the projects matching filters, as they stood at the end of `month`."""
    sql, params = projects_geojson_statement(
        session, settings=settings, filters=filters, month=month, as_of=as_of, fields=fields
    )
    return session.execute(text(sql), params).scalar_one()


def project_feature(
    session: Session, *, settings: Settings, project_id: int, month: dt.date | None = None, as_of: dt.date | None = None
) -> str:
    """One project as a GeoJSON Feature (text); a retired one too, saying since when (`retired_month`), and the
    district declared for it (`declared_district`, which its point may override as `district`) and the library's own
    status and progress (`library_status`, `library_progress`; `status` and `progress` are as of the month)."""
    sql = f"""
SELECT ST_AsGeoJSON(rows.*, 'geom', 6) FROM (
    SELECT r.*, to_char(px.retired_month, 'YYYY-MM') AS retired_month, px.retired_reason,
           (px.retired_month IS NOT NULL AND px.retired_month <= CAST(:report_until AS date)) AS retired,
           dx.name AS declared_district, px.status AS library_status, px.progress AS library_progress
    FROM ({_rows_sql("p.id = :project_id", include_retired=True)}) r JOIN projects px ON px.id = r.id
    JOIN districts dx ON dx.id = px.district_id) rows"""
    found = session.execute(text(sql), {"project_id": project_id, **_params(session, settings, month, as_of)}).scalar()
    if found is None:
        raise project_not_found(project_id)
    return found


def projects_summary(
    session: Session,
    *,
    settings: Settings,
    filters: ProjectFilter,
    month: dt.date | None = None,
    as_of: dt.date | None = None,
) -> str:
    """JSON text: count, investment totals (exact decimals), mean progress and counts per status and light."""
    where, params = _where(session, filters)
    # 退库 in the month shown: "2026-11 退库 1 个" (they are no longer among the rows counted above)
    retired_sql = _rows_sql(
        f"({where}) AND p.retired_month = CAST(:report_until AS date)", include_retired=True, ordered=False
    )
    sql = f"""
WITH rows AS ({_rows_sql(where, ordered=False)})
SELECT json_build_object(
    'count', count(*),
    'investment_total', COALESCE(sum(investment_total), 0),
    'investment_year', COALESCE(sum(investment_year), 0),
    'investment_completed', COALESCE(sum(investment_completed), 0),
    'month', CAST(:month_label AS text), 'month_state', CAST(:month_state AS text), 'as_of', CAST(:as_of AS date),
    'completeness', ({COMPLETENESS_JSON_SQL}),
    'progress_avg', round(avg(progress), 1),
    'by_status', COALESCE((SELECT json_object_agg(status, n) FROM (SELECT status, count(*) AS n FROM rows GROUP BY
        status) s), '{{}}'),
    'by_light', COALESCE((SELECT json_object_agg(light, n) FROM (SELECT light, count(*) AS n FROM rows GROUP BY
        light) s), '{{}}'),
    'retired_in_month', (SELECT count(*) FROM ({retired_sql}) gone)
)::text FROM rows"""
    state = _params(session, settings, month, as_of)
    shown = state["report_until"]
    extra = {**completeness_params(shown, filters.district), "month_state": month_state(session, settings, shown)}
    return session.execute(text(sql), {**params, **state, **extra}).scalar_one()


def _params(session: Session, settings: Settings, month: dt.date | None, as_of: dt.date | None) -> dict:
    """State at the end of `month`; without one, of the month 最新 means (the latest closed, geo.progress.cycle)."""
    problems_as_of = month_end(month) if month else (as_of or local_today(settings.today))
    month = month or shown_month(session, settings, today=as_of)
    params = state_params(settings, month)
    params["problems_as_of"] = problems_as_of
    params["month_label"] = month.strftime("%Y-%m")
    return params


def project_rows(
    session: Session,
    *,
    settings: Settings,
    filters: ProjectFilter,
    month: dt.date | None = None,
    as_of: dt.date | None = None,
) -> list[dict]:
    """The filtered projects as plain rows with the declared district and full-precision lon/lat (for exports)."""
    where, params = _where(session, filters)
    sql = f"""
SELECT r.*, dd.name AS declared_district, ST_X(r.geom) AS lon, ST_Y(r.geom) AS lat
FROM ({_rows_sql(where)}) r JOIN projects p2 ON p2.id = r.id JOIN districts dd ON dd.id = p2.district_id ORDER BY
    r.id"""
    rows = session.execute(text(sql), {**params, **_params(session, settings, month, as_of)}).mappings()
    return [{k: v for k, v in r.items() if k != "geom"} for r in rows]


def project_district(session: Session, *, project_id: int) -> str:
    """The district a project reports to, as /api/projects shows it (where it lies, else where it was declared)."""
    found = session.execute(
        text(f"SELECT d.name FROM projects p {JOIN_REPORTING_DISTRICT} WHERE p.id = :project_id"),
        {"project_id": project_id},
    ).scalar()
    if found is None:
        raise project_not_found(project_id)
    return found
