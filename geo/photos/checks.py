"""A photo's evidence checks: usable GPS, distance to the project, inside its zone/base, taken in the month; badges."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session
from sqlalchemy.types import Float

from geo.db.models import SRID
from geo.siting.engine import site_points


def classify_gps(session: Session, *, lon: float | None, lat: float | None, far_m: float) -> tuple[str, str | None]:
    """('ok'|'missing'|'invalid', problem): missing, out of range, 0,0, or farther than far_m from every district."""
    if lon is None or lat is None:
        return "missing", None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return "invalid", "out_of_range"
    if abs(lon) < 1e-7 and abs(lat) < 1e-7:
        return "invalid", "zero"
    near = session.execute(
        text(f"""
        SELECT EXISTS (SELECT 1 FROM districts d
                       WHERE ST_DWithin(d.geom::geography, ST_SetSRID(ST_MakePoint(:lon, :lat), {SRID})::geography,
                           :far))"""),
        {"lon": lon, "lat": lat, "far": far_m},
    ).scalar()
    return ("ok", None) if near else ("invalid", "far")


_distance = text(f"""
SELECT ST_Distance(p.geom::geography, ST_SetSRID(ST_MakePoint(:lon, :lat), {SRID})::geography) AS distance_m,
       p.zone_ids, p.base_ids
FROM projects p WHERE p.id = :project_id""").bindparams(bindparam("lon", type_=Float), bindparam("lat", type_=Float))


def verify(
    session: Session,
    *,
    project_id: int,
    lon: float | None,
    lat: float | None,
    usable: bool,
    taken_at: dt.datetime | None,
    report_month: dt.date,
    radius_m: float,
) -> dict:
    """Distance (geography, metres), within radius, inside the project's zone/base, taken in the month."""
    checks = {
        "distance_m": None,
        "radius_m": radius_m,
        "within_radius": None,
        "in_project_area": None,
        "in_month": None
        if taken_at is None
        else (taken_at.year, taken_at.month) == (report_month.year, report_month.month),
    }
    if lon is None or lat is None:
        return checks
    row = session.execute(_distance, {"lon": lon, "lat": lat, "project_id": project_id}).mappings().one()
    checks["distance_m"] = round(row["distance_m"], 1)
    if not usable:
        return checks
    checks["within_radius"] = row["distance_m"] <= radius_m
    project_areas = set(row["zone_ids"] or []) | {-b for b in row["base_ids"] or []}
    if project_areas:
        sited = site_points(session, lons=[lon], lats=[lat])[0]
        photo_areas = set(sited["zone_ids"] or []) | {-b for b in sited["base_ids"] or []}
        checks["in_project_area"] = bool(project_areas & photo_areas)
    return checks


def badges(r: dict) -> list[str]:
    """Badge codes (geo.enums.PHOTO_BADGES) of a photo row: the EXIF facts always, then the hand placement as a claim
    of its own, whose position checks show only once a planner verified it."""
    out = []
    if r["gps_status"] == "invalid":
        out.append("gps_invalid")
    elif r["gps_status"] == "missing":
        out.append("no_location")
    placement = r.get("placement_status")
    if placement:
        out.append(f"manual_{placement}")
    if placement == "verified":
        within, in_area = r["placed_within_radius"], r["placed_in_project_area"]
    else:
        within, in_area = r["within_radius"], r["in_project_area"]
    if within is not None:
        out.append("near" if within else "far")
    if in_area is not None:
        out.append("in_area" if in_area else "out_area")
    if r["taken_at"] is None:
        out.append("no_time")
    elif r["in_month"] is not None:
        out.append("in_month" if r["in_month"] else "off_month")
    if r.get("reuse_status"):
        out.append(f"reuse_{r['reuse_status']}")
    return out
