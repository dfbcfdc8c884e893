"""A photo's evidence checks: usable GPS, distance to the project, inside its zone/base, taken in the month; badges."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session
from sqlalchemy.types import Float

from geo.db.models import SRID
from geo.errors import InvalidInput
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
    return out + device_badges(r)


@dataclass(frozen=True)
class DevicePosition:
    """Where the phone said it was when the photo was taken or chosen (navigator.geolocation), with its accuracy."""

    lon: float
    lat: float
    accuracy_m: float


def parse_device_position(lon: str | None, lat: str | None, accuracy: str | None) -> DevicePosition | None:
    """The three form fields as one position (all or none), or InvalidInput saying which is wrong."""
    given = {"device_lon": lon, "device_lat": lat, "device_accuracy_m": accuracy}
    if not any(v not in (None, "") for v in given.values()):
        return None
    values: dict[str, float] = {}
    errors = []
    for field, raw in given.items():
        try:
            v = float(raw) if raw not in (None, "") else None
        except ValueError:
            v = None
        if v is None or not math.isfinite(v):
            errors.append({"field": field, "message": "a number is required"})
        else:
            values[field] = v
    if not errors:
        if not -180 <= values["device_lon"] <= 180:
            errors.append({"field": "device_lon", "message": "between -180 and 180"})
        if not -90 <= values["device_lat"] <= 90:
            errors.append({"field": "device_lat", "message": "between -90 and 90"})
        if not 0 <= values["device_accuracy_m"] <= 100_000:
            errors.append({"field": "device_accuracy_m", "message": "between 0 and 100000 m"})
    if errors:
        raise InvalidInput(
            "设备定位需同时给出经度、纬度和精度(米)/ the device position needs its longitude, latitude and accuracy "
            "(metres) together: " + ", ".join(f"{e['field']} {e['message']}" for e in errors),
            errors=errors,
        )
    return DevicePosition(values["device_lon"], values["device_lat"], values["device_accuracy_m"])


_device = text(f"""
SELECT ST_Distance(p.geom::geography, d.pt::geography) AS distance_m,
       ST_Distance(d.pt::geography, ST_SetSRID(ST_MakePoint(CAST(:exif_lon AS double precision),
                                                             CAST(:exif_lat AS double precision)), {SRID})::geography)
           AS gap_m
FROM projects p, (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), {SRID}) AS pt) d
WHERE p.id = :project_id""").bindparams(
    bindparam("lon", type_=Float),
    bindparam("lat", type_=Float),
    bindparam("exif_lon", type_=Float),
    bindparam("exif_lat", type_=Float),
)


def verify_device(
    session: Session,
    *,
    project_id: int,
    device: DevicePosition | None,
    exif_lon: float | None,
    exif_lat: float | None,
    radius_m: float,
    agree_m: float,
) -> dict:
    """The device position's own columns: distance to the project (within the radius, widened by its accuracy), and
    its gap to a usable EXIF point; they disagree when the gap is more than agree_m plus the accuracy."""
    if device is None:
        return {}
    row = (
        session.execute(
            _device,
            {
                "lon": device.lon,
                "lat": device.lat,
                "exif_lon": exif_lon,
                "exif_lat": exif_lat,
                "project_id": project_id,
            },
        )
        .mappings()
        .one()
    )
    gap = row["gap_m"]
    return {
        "device_lon": device.lon,
        "device_lat": device.lat,
        "device_accuracy_m": round(device.accuracy_m, 1),
        "device_distance_m": round(row["distance_m"], 1),
        "device_within_radius": row["distance_m"] <= radius_m + device.accuracy_m,
        "device_exif_gap_m": None if gap is None else round(gap, 1),
        "device_agrees": None if gap is None else gap <= agree_m + device.accuracy_m,
    }


def device_badges(r: dict) -> list[str]:
    """Badge codes of the device position, shown beside (never instead of) the EXIF ones."""
    if r.get("device_lon") is None:
        return []
    out = ["device_near" if r["device_within_radius"] else "device_far"]
    if r["device_agrees"] is False:
        out.append("device_exif_disagree")
    return out
