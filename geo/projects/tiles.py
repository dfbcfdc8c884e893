"""The map's projects as Mapbox vector tiles: the same rows, filters, month and light as /api/projects, built in
PostGIS with ST_AsMVT; up to CLUSTER_MAX_ZOOM projects near each other are one grid cell with its counts.

Two layers per tile: `projects` (one point per project: name, progress, light, status, district, cluster,
investment_total; the feature id is the project's id) and `clusters` (up to zoom 14, a cell of two or more projects at
its members' centroid: `point_count`, projects per progress band `b0…` and per light `l0…` in the order of /api/meta,
and the worst light `light`). A project is in exactly one tile of a zoom level (its tile's west and south edges are
its own), so counts over tiles add up.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.enums import LIGHTS, PROGRESS_BANDS
from geo.errors import InvalidInput
from geo.projects.queries import ProjectFilter, _params, _rows_sql, _where
from geo.settings import Settings

MAX_ZOOM = 22
EXTENT = 4096  # tile coordinates per side, as ST_AsMVT's default
# The map shows each tile at 1024 px, two zoom levels below its own (web/js/tiles.js): a view takes about 6 requests,
# one round of the browser's 6 connections per host, where 256-px tiles took 4 rounds of 24.
GRID = 16  # cells per tile side up to CLUSTER_MAX_ZOOM: 64 px cells, near supercluster's 56 px radius in markers.js
CLUSTER_MAX_ZOOM = 14  # map zoom 16, markers.js's MAX_CLUSTER_ZOOM: from tile zoom 15 every project is its own point
HALF_WORLD = 20037508.342789244  # EPSG:3857 metres from the origin to the edge
# EPSG:3857 from degrees, the spherical Mercator formula PROJ applies: as arithmetic it costs a fraction of an
# ST_Transform per point (a city tile transforms 100,000), and every tile computes it alike, so each point still falls
# in exactly one tile.
MERCATOR_X = f"({{lon}} * {HALF_WORLD} / 180.0)"
MERCATOR_Y = f"(ln(tan(radians(90.0 + {{lat}}) / 2.0)) * {HALF_WORLD} / pi())"


def _band_sql(column: str) -> str:
    """The index of a progress's band, as markers.js bandIndex (min <= p < max, the last band including its max)."""
    last = len(PROGRESS_BANDS) - 1
    whens = [
        f"WHEN {column} >= {b.min} AND ({column} < {b.max}{f' OR {column} <= {b.max}' if i == last else ''}) THEN {i}"
        for i, b in enumerate(PROGRESS_BANDS)
    ]
    return (
        f"CASE WHEN {column} IS NULL THEN -1 {' '.join(whens)} WHEN {column} < {PROGRESS_BANDS[0].min} THEN 0 "
        f"ELSE {last} END"
    )


# Red is worse than yellow, yellow than green (the order of geo.enums.LIGHTS reversed is not assumed).
_SEVERITY = {"green": 1, "yellow": 2, "red": 3}


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """The tile's (west, south, east, north) in degrees; InvalidInput when x or y is outside zoom z's grid."""
    if not 0 <= z <= MAX_ZOOM:
        raise InvalidInput(
            f"缩放级别应在 0–{MAX_ZOOM} 之间,收到 {z} / zoom runs from 0 to {MAX_ZOOM}; got {z}",
            errors=[{"field": "z", "message": f"0..{MAX_ZOOM}"}],
        )
    n = 2**z
    if not (0 <= x < n and 0 <= y < n):
        raise InvalidInput(
            f"瓦片 {z}/{x}/{y} 不存在:第 {z} 级的 x、y 应在 0–{n - 1} 之间 / tile {z}/{x}/{y} does not exist: at zoom "
            f"{z} x and y run from 0 to {n - 1}",
            errors=[{"field": "x" if not 0 <= x < n else "y", "message": f"0..{n - 1} at zoom {z}"}],
        )

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return x / n * 360 - 180, lat(y + 1), (x + 1) / n * 360 - 180, lat(y)


def _within(f: ProjectFilter, tile: tuple[float, float, float, float]) -> ProjectFilter | None:
    """The filter narrowed to the tile (on the projects' GiST index), or None when its own bbox misses the tile."""
    if f.bbox is None:
        return dataclasses.replace(f, bbox=tile)
    w, s, e, n = max(f.bbox[0], tile[0]), max(f.bbox[1], tile[1]), min(f.bbox[2], tile[2]), min(f.bbox[3], tile[3])
    return dataclasses.replace(f, bbox=(w, s, e, n)) if w <= e and s <= n else None


def projects_tile(
    session: Session,
    *,
    settings: Settings,
    filters: ProjectFilter,
    z: int,
    x: int,
    y: int,
    month: dt.date | None = None,
) -> bytes:
    """The projects of tile z/x/y matching filters, as they stood at the end of `month`, as an MVT (b'' if none)."""
    narrowed = _within(filters, tile_bounds(z, x, y))
    if narrowed is None:
        return b""
    where, params = _where(session, narrowed)
    size = 2 * HALF_WORLD / 2**z
    xmin, ymax = -HALF_WORLD + x * size, HALF_WORLD - y * size
    cells = GRID if z <= CLUSTER_MAX_ZOOM else 1
    band = _band_sql("r.progress")
    band_counts = ", ".join(f"count(*) FILTER (WHERE band = {i}) AS b{i}" for i in range(len(PROGRESS_BANDS)))
    light_counts = ", ".join(f"count(*) FILTER (WHERE light = '{lt.code}') AS l{i}" for i, lt in enumerate(LIGHTS))
    # The worst light by its severity's maximum, and a cell's centroid as its points' mean (what ST_Centroid gives
    # for points): plain aggregates, so a city tile's 100,000 points are grouped by hash, not sorted per cell.
    severity = "CASE r.light " + " ".join(f"WHEN '{c}' THEN {n}" for c, n in _SEVERITY.items()) + " ELSE 0 END"
    worst = "CASE max(sev) " + " ".join(f"WHEN {n} THEN '{c}'" for c, n in _SEVERITY.items()) + " END"
    # A point on the tile's east or north edge belongs to the next tile, so no project is counted twice.
    sql = f"""
WITH merc AS (
    SELECT r.*, {MERCATOR_X.format(lon="ST_X(r.geom)")} AS mx, {MERCATOR_Y.format(lat="ST_Y(r.geom)")} AS my
    FROM ({_rows_sql(where, ordered=False)}) r
),
pts AS (
    SELECT r.id, r.name, CAST(r.progress AS float8) AS progress, r.light, r.status, r.district, r.cluster,
           CAST(r.investment_total AS float8) AS investment_total, {band} AS band, {severity} AS sev, r.mx, r.my,
           least(floor((r.mx - :xmin) / :cell), {cells - 1}) AS cx,
           least(floor((:ymax - r.my) / :cell), {cells - 1}) AS cy
    FROM merc r
    WHERE r.mx >= :xmin AND r.mx < :xmin + :size AND r.my > :ymax - :size AND r.my <= :ymax
),
cells AS (
    SELECT cx, cy, count(*) AS n FROM pts GROUP BY cx, cy
),
singles AS (
    SELECT pts.id, pts.name, pts.progress, pts.light, pts.status, pts.district, pts.cluster, pts.investment_total,
           ST_AsMVTGeom(ST_SetSRID(ST_MakePoint(pts.mx, pts.my), 3857), ST_TileEnvelope(:z, :x, :y), {EXTENT}, 0,
                        false) AS geom
    FROM pts JOIN cells USING (cx, cy) WHERE cells.n = 1 OR {cells} = 1
),
groups AS (
    SELECT count(*) AS point_count, {band_counts}, {light_counts}, {worst} AS light,
           ST_AsMVTGeom(ST_SetSRID(ST_MakePoint(avg(mx), avg(my)), 3857), ST_TileEnvelope(:z, :x, :y),
                        {EXTENT}, 0, false) AS geom
    FROM pts WHERE {cells} > 1 GROUP BY cx, cy HAVING count(*) > 1
)
SELECT COALESCE((SELECT ST_AsMVT(singles, 'projects', {EXTENT}, 'geom', 'id') FROM singles), ''::bytea)
    || COALESCE((SELECT ST_AsMVT(groups, 'clusters', {EXTENT}, 'geom') FROM groups), ''::bytea)"""
    params.update(
        {"z": z, "x": x, "y": y, "xmin": xmin, "ymax": ymax, "size": size, "cell": size / cells},
        **_params(session, settings, month, None),
    )
    return bytes(session.execute(text(sql), params).scalar_one() or b"")
