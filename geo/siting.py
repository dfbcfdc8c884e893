"""Siting: which district, county, zone(s) and base(s) contain a point, or which base is nearest, in metres.

One SQL rule serves the single lookup, the batch check and the stored siting of projects, so they always agree.
Containment uses ST_Intersects so a point on a shared edge is never lost (functional areas win over counties);
the nearest base is ordered by KNN on the UTM 51N copy of each base, so "nearest" is nearest in metres.
"""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.types import Float, Integer

from geo.models import METRIC_SRID, SRID

SITE_POINTS = f"""
SELECT pts.ord,
       dist.id AS district_id,
       county.id AS county_id,
       COALESCE(zs.ids, '{{}}') AS zone_ids,
       COALESCE(bs.ids, '{{}}') AS base_ids,
       nb.id AS nearest_base_id,
       nb.distance_m
FROM points pts
LEFT JOIN LATERAL (
    SELECT d.id FROM districts d WHERE ST_Intersects(d.geom, pts.geom)
    ORDER BY d.kind = 'functional' DESC, d.id LIMIT 1) dist ON true
LEFT JOIN LATERAL (
    SELECT d.id FROM districts d WHERE d.kind = 'county' AND ST_Intersects(d.geom, pts.geom)
    ORDER BY d.id LIMIT 1) county ON true
LEFT JOIN LATERAL (
    SELECT array_agg(z.id ORDER BY z.code) AS ids FROM zones z WHERE ST_Intersects(z.geom, pts.geom)) zs ON true
LEFT JOIN LATERAL (
    SELECT array_agg(b.id ORDER BY b.code) AS ids FROM bases b WHERE ST_Intersects(b.geom, pts.geom)) bs ON true
LEFT JOIN LATERAL (
    SELECT b.id, ST_Distance(b.geom_utm, pts.geom_utm) AS distance_m FROM bases b
    WHERE bs.ids IS NULL
    ORDER BY b.geom_utm <-> pts.geom_utm LIMIT 1) nb ON true
"""

POINTS_FROM_ARRAYS = f"""
points AS (
    SELECT t.ord, g.geom, ST_Transform(g.geom, {METRIC_SRID}) AS geom_utm
    FROM unnest(:lons, :lats) WITH ORDINALITY AS t(lon, lat, ord)
    CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(t.lon, t.lat), {SRID}) AS geom) g
)"""

# The same rows with the names a person reads, resolved in the same query.
NAMED_SITES = f"""
SELECT s.*, d.name AS district_name, d.kind AS district_kind, c.name AS county_name, c.kind AS county_kind,
       ARRAY(SELECT json_build_object('code', z.code, 'name', z.name, 'schematic', z.schematic)
             FROM zones z WHERE z.id = ANY(s.zone_ids) ORDER BY z.code) AS zones,
       ARRAY(SELECT json_build_object('code', b.code, 'name', b.name, 'schematic', b.schematic)
             FROM bases b WHERE b.id = ANY(s.base_ids) ORDER BY b.code) AS bases,
       nb.code AS nearest_base_code, nb.name AS nearest_base_name, nb.schematic AS nearest_base_schematic
FROM ({SITE_POINTS}) s
LEFT JOIN districts d ON d.id = s.district_id
LEFT JOIN districts c ON c.id = s.county_id
LEFT JOIN bases nb ON nb.id = s.nearest_base_id"""

_site_arrays = text(f"WITH {POINTS_FROM_ARRAYS} {NAMED_SITES} ORDER BY s.ord").bindparams(
    bindparam("lons", type_=ARRAY(Float)), bindparam("lats", type_=ARRAY(Float))
)


def site_points(session: Session, *, lons: Sequence[float], lats: Sequence[float]) -> list[dict]:
    """Site many points in one query; rows come back in input order with the ids and names of what contains each."""
    rows = session.execute(_site_arrays, {"lons": list(lons), "lats": list(lats)}).mappings().all()
    return [dict(r) for r in rows]


_refresh_projects = text(f"""
WITH points AS (
    SELECT p.id AS ord, p.geom, ST_Transform(p.geom, {METRIC_SRID}) AS geom_utm FROM projects p
    WHERE CAST(:ids AS integer[]) IS NULL OR p.id = ANY(CAST(:ids AS integer[]))
), sited AS ({SITE_POINTS})
UPDATE projects p
SET located_district_id = s.district_id, county_id = s.county_id, zone_ids = s.zone_ids, base_ids = s.base_ids,
    zone_names = ARRAY(SELECT z.name FROM zones z WHERE z.id = ANY(s.zone_ids) ORDER BY z.code),
    base_names = ARRAY(SELECT b.name FROM bases b WHERE b.id = ANY(s.base_ids) ORDER BY b.code)
FROM sited s WHERE p.id = s.ord
""").bindparams(bindparam("ids", type_=ARRAY(Integer)))


def refresh_project_siting(session: Session, *, project_ids: Sequence[int] | None = None) -> int:
    """Recompute the stored siting of the given projects (all when None); call after any project or boundary write."""
    result = session.execute(_refresh_projects, {"ids": list(project_ids) if project_ids is not None else None})
    return result.rowcount
