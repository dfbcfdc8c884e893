"""Siting: which district, county, zone(s) and base(s) contain a point, or which base is nearest, in metres.

One rule serves the single lookup, the batch check, the stored siting of projects and past months' membership, so
they always agree.  The boundaries are read from PostGIS into an in-memory snapshot (prepared shapely polygons, and
the bases in UTM 51N) that is checked against boundary_state.token on every call: any committed boundary write, by
any process, gives a new token (a trigger in migration 0003) and the next call reloads.  Containment is
"intersects", so a point on a shared edge is never lost (functional areas win over counties, then the lower id);
zones and bases are listed by code; the nearest base is nearest in UTM metres (ties go to the lower code).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely import STRtree
from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.types import Integer, Text

from geo.crs import METRIC_SRID, lonlat_to_utm

DISTRICT, ZONE, BASE = 0, 1, 2
_LAYER_CODE = {"districts": DISTRICT, "zones": ZONE, "bases": BASE}

_CURRENT = """
SELECT 0 AS layer, id, code, kind, ST_AsBinary(geom) AS wkb, NULL::bytea AS utm FROM districts
UNION ALL SELECT 1, id, code, NULL, ST_AsBinary(geom), NULL FROM zones
UNION ALL SELECT 2, id, code, NULL, ST_AsBinary(geom), ST_AsBinary(geom_utm) FROM bases"""

_AS_OF = f"""
SELECT CASE layer WHEN 'districts' THEN 0 WHEN 'zones' THEN 1 ELSE 2 END AS layer, feature_id AS id, code, kind,
       ST_AsBinary(geom) AS wkb,
       CASE WHEN layer = 'bases' THEN ST_AsBinary(ST_Transform(geom, {METRIC_SRID})) END AS utm
FROM boundary_versions WHERE valid_from <= :at AND (valid_to IS NULL OR valid_to > :at)"""


@dataclass(frozen=True)
class Snapshot:
    """Boundaries at one token: polygons with their layer, owner id and order key; bases in UTM for nearest."""

    token: str
    polygons: np.ndarray
    layer: np.ndarray
    owner: np.ndarray
    rank: np.ndarray  # lower wins: districts functional first then id; zones and bases by code
    county: np.ndarray
    base_owner: np.ndarray
    base_rank: np.ndarray
    base_tree: STRtree | None


def _snapshot(token: str, rows: Sequence) -> Snapshot:
    rows = sorted(rows, key=lambda r: (r.layer, r.code))
    layer = np.array([r.layer for r in rows], dtype=np.int8)
    owner = np.array([r.id for r in rows], dtype=np.int64)
    by_code = np.arange(len(rows), dtype=np.int64)
    functional_first = np.array([(0 if r.kind == "functional" else 1) * 2**32 + r.id for r in rows], dtype=np.int64)
    polygons = shapely.from_wkb([bytes(r.wkb) for r in rows]) if rows else np.array([], dtype=object)
    shapely.prepare(polygons)
    bases = [i for i, r in enumerate(rows) if r.layer == BASE]
    base_utm = shapely.from_wkb([bytes(rows[i].utm) for i in bases]) if bases else np.array([], dtype=object)
    return Snapshot(
        token=token,
        polygons=polygons,
        layer=layer,
        owner=owner,
        rank=np.where(layer == DISTRICT, functional_first, by_code),
        county=np.array([r.kind == "county" for r in rows], dtype=bool),
        base_owner=owner[bases],
        base_rank=by_code[bases],
        base_tree=STRtree(base_utm) if bases else None,
    )


_cache: dict[str, Snapshot] = {}
_lock = threading.Lock()


def current_snapshot(session: Session) -> Snapshot:
    """The snapshot of the boundaries this session sees, reloaded when their token changed."""
    token = session.execute(text("SELECT token::text FROM boundary_state")).scalar_one()
    cached = _cache.get("current")
    if cached is not None and cached.token == token:
        return cached
    snap = _snapshot(token, session.execute(text(_CURRENT)).all())
    with _lock:
        _cache["current"] = snap
    return snap


def snapshot_as_of(session: Session, *, at: dt.datetime) -> Snapshot:
    """The boundaries that were valid at `at`, from boundary_versions (not cached)."""
    return _snapshot(f"as-of {at.isoformat()}", session.execute(text(_AS_OF), {"at": at}).all())


def _first_by_rank(n: int, points: np.ndarray, ranks: np.ndarray, owners: np.ndarray) -> list[int | None]:
    best = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(best, points, ranks)
    owner_of_rank = dict(zip(ranks.tolist(), owners.tolist()))
    return [owner_of_rank.get(b) for b in best.tolist()]


def _lists_by_rank(n: int, points: np.ndarray, ranks: np.ndarray, owners: np.ndarray) -> list[list[int]]:
    out: list[list[int]] = [_NONE] * n  # one shared empty list: callers only read
    order = np.lexsort((ranks, points))
    for p, o in zip(points[order].tolist(), owners[order].tolist()):
        ids = out[p]
        if ids is _NONE:
            out[p] = [o]
        elif ids[-1] != o:
            ids.append(o)
    return out


_NONE: list[int] = []


def site_with(snap: Snapshot, *, lons: Sequence[float], lats: Sequence[float]) -> list[dict]:
    """Site points against a snapshot; rows in input order (ord from 1) with ids of what contains each."""
    x, y = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
    n = len(x)
    if n == 0:
        return []
    points = shapely.points(x, y)
    poly_idx, point_idx = STRtree(points).query(snap.polygons, predicate="intersects")
    layer, owner, rank = snap.layer[poly_idx], snap.owner[poly_idx], snap.rank[poly_idx]
    d = layer == DISTRICT
    c = d & snap.county[poly_idx]
    district = _first_by_rank(n, point_idx[d], rank[d], owner[d])
    county = _first_by_rank(n, point_idx[c], owner[c], owner[c])
    z, b = layer == ZONE, layer == BASE
    zones = _lists_by_rank(n, point_idx[z], rank[z], owner[z])
    bases = _lists_by_rank(n, point_idx[b], rank[b], owner[b])
    nearest: list[int | None] = [None] * n
    distance: list[float | None] = [None] * n
    outside = np.array([not ids for ids in bases], dtype=bool)
    if snap.base_tree is not None and outside.any():
        which = np.flatnonzero(outside)
        ux, uy = lonlat_to_utm(x[which], y[which])
        (q, t), dist = snap.base_tree.query_nearest(shapely.points(ux, uy), return_distance=True, all_matches=True)
        best = np.full(len(which), np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(best, q, snap.base_rank[t])  # ties: lowest code
        keep = snap.base_rank[t] == best[q]
        for qi, ti, di in zip(q[keep].tolist(), t[keep].tolist(), dist[keep].tolist()):
            i = int(which[qi])
            nearest[i], distance[i] = int(snap.base_owner[ti]), float(di)
    keys = ("district_id", "county_id", "zone_ids", "base_ids", "nearest_base_id", "distance_m")
    return [
        dict(zip(keys, row), ord=i) for i, row in enumerate(zip(district, county, zones, bases, nearest, distance), 1)
    ]


def site_points(session: Session, *, lons: Sequence[float], lats: Sequence[float]) -> list[dict]:
    """Site many points; rows come back in input order with ids of what contains each (the one siting rule)."""
    return site_with(current_snapshot(session), lons=lons, lats=lats)


_update_projects = text("""
UPDATE projects p
SET located_district_id = s.district_id, county_id = s.county_id,
    zone_ids = CAST(s.zone_ids AS integer[]), base_ids = CAST(s.base_ids AS integer[]),
    zone_names = ARRAY(SELECT z.name FROM zones z WHERE z.id = ANY(CAST(s.zone_ids AS integer[])) ORDER BY
        z.code)::text[],
    base_names = ARRAY(SELECT b.name FROM bases b WHERE b.id = ANY(CAST(s.base_ids AS integer[])) ORDER BY
        b.code)::text[]
FROM unnest(:ids, :districts, :counties, :zones, :bases) AS s(id, district_id, county_id, zone_ids, base_ids)
WHERE p.id = s.id AND (p.located_district_id IS DISTINCT FROM s.district_id OR p.county_id IS DISTINCT FROM s.county_id
      OR p.zone_ids IS DISTINCT FROM CAST(s.zone_ids AS integer[]) OR p.base_ids IS DISTINCT FROM CAST(s.base_ids AS
          integer[])
      OR p.zone_names IS DISTINCT FROM ARRAY(SELECT z.name FROM zones z WHERE z.id = ANY(CAST(s.zone_ids AS
          integer[])) ORDER BY z.code)::text[]
      OR p.base_names IS DISTINCT FROM ARRAY(SELECT b.name FROM bases b WHERE b.id = ANY(CAST(s.base_ids AS
          integer[])) ORDER BY b.code)::text[])
""").bindparams(
    *(bindparam(k, type_=ARRAY(Integer)) for k in ("ids", "districts", "counties")),
    *(bindparam(k, type_=ARRAY(Text)) for k in ("zones", "bases")),
)


def _pg_array(ids: list[int]) -> str:
    return "{" + ",".join(map(str, ids)) + "}"


def refresh_project_siting(session: Session, *, project_ids: Sequence[int] | None = None) -> int:
    """Recompute the stored siting of the given projects (all when None); call after any project or boundary write.

    Returns how many projects' stored siting changed."""
    rows = session.execute(
        text(
            "SELECT id, ST_X(geom), ST_Y(geom) FROM projects "
            "WHERE CAST(:ids AS integer[]) IS NULL OR id = ANY(CAST(:ids AS integer[])) ORDER BY id"
        ).bindparams(bindparam("ids", type_=ARRAY(Integer))),
        {"ids": list(project_ids) if project_ids is not None else None},
    ).all()
    if not rows:
        return 0
    sites = site_points(session, lons=[r[1] for r in rows], lats=[r[2] for r in rows])
    result = session.execute(
        _update_projects,
        {
            "ids": [r[0] for r in rows],
            "districts": [s["district_id"] for s in sites],
            "counties": [s["county_id"] for s in sites],
            "zones": [_pg_array(s["zone_ids"]) for s in sites],
            "bases": [_pg_array(s["base_ids"]) for s in sites],
        },
    )
    return result.rowcount
