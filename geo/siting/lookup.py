"""Point lookup (落位查询): which district, zone(s) and base(s) contain a point, or the nearest base."""

from __future__ import annotations

import numpy as np
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.enums import WEIHAI_BOUNDS
from geo.errors import InvalidInput
from geo.siting.engine import site_points


def _in_box(lon: float, lat: float) -> bool:
    x1, y1, x2, y2 = WEIHAI_BOUNDS
    return x1 <= lon <= x2 and y1 <= lat <= y2


def _by_id(session: Session, table: str, ids: set[int], columns: str) -> dict[int, dict]:
    if not ids:
        return {}
    rows = session.execute(
        text(f"SELECT id, {columns} FROM {table} WHERE id = ANY(:ids)"), {"ids": list(ids)}
    ).mappings()
    return {r["id"]: {k: v for k, v in r.items() if k != "id"} for r in rows}


def describe_sites(session: Session, sites: list[dict]) -> list[dict]:
    """Turn rows of site_points into named answers (district, county, zones, bases, nearest base)."""
    district_ids = {s[k] for s in sites for k in ("district_id", "county_id") if s[k]}
    zone_ids = {i for s in sites for i in s["zone_ids"]}
    base_ids = {i for s in sites for i in s["base_ids"]} | {s["nearest_base_id"] for s in sites if s["nearest_base_id"]}
    districts = _by_id(session, "districts", district_ids, "name, kind")
    zones = _by_id(session, "zones", zone_ids, "code, name, schematic")
    bases = _by_id(session, "bases", base_ids, "code, name, schematic")
    shared: dict[tuple, dict] = {}  # 100,000 points fall in a few dozen combinations: build each once
    answers = []
    for s in sites:
        key = (s["district_id"], s["county_id"], tuple(s["zone_ids"]), tuple(s["base_ids"]))
        common = shared.get(key)
        if common is None:
            common = shared[key] = {
                "district": districts.get(s["district_id"]),
                "county": districts.get(s["county_id"]),
                "zones": [zones[i] for i in s["zone_ids"]],
                "bases": [bases[i] for i in s["base_ids"]],
            }
        nearest = None
        if s["nearest_base_id"]:
            nearest = {**bases[s["nearest_base_id"]], "distance_m": round(float(s["distance_m"]), 1)}
        answers.append({**common, "nearest_base": nearest})
    return answers


def _message(lon: float, lat: float, answer: dict) -> str:
    if answer["district"] is None:
        return "该点不在威海市陆域范围内(可能在海上或市外)。/ The point is not on Weihai's land."
    parts = [f"{answer['district']['name']}"]
    if answer["county"] and answer["county"]["name"] != answer["district"]["name"]:
        parts[0] += f"(属{answer['county']['name']})"
    if answer["bases"]:
        parts.append("位于" + "、".join(b["name"] for b in answer["bases"]))
    elif answer["nearest_base"]:
        nb = answer["nearest_base"]
        parts.append(f"不在任何基地内,最近的是{nb['name']},约 {nb['distance_m'] / 1000:.1f} 公里")
    if answer["zones"]:
        parts.append("属" + "、".join(z["name"] for z in answer["zones"]))
    return ";".join(parts) + "。(功能区和基地范围为示意)"


def check_lonlat(lon: float, lat: float) -> None:
    """Raise InvalidInput for a point off the globe, saying so when longitude and latitude look swapped."""
    if -180 <= lon <= 180 and -90 <= lat <= 90:
        return
    detail = (
        f"坐标超出范围:经度应在 -180~180,纬度应在 -90~90(收到 lon={lon}, lat={lat})/ lon must be -180..180, lat -90..90"
    )
    if _in_box(lat, lon):
        detail = (
            f"经纬度可能写反了:威海的经度约为 121–123,纬度约为 36.6–37.7(收到 lon={lon}, lat={lat})"
            " / longitude and latitude look swapped"
        )
    raise InvalidInput(detail, errors=[{"field": "lon" if abs(lon) > 180 else "lat", "message": "out of range"}])


EMPTY_ANSWER = {"district": None, "county": None, "zones": [], "bases": [], "nearest_base": None}


def lookup_points(session: Session, *, lons: list[float], lats: list[float]) -> list[dict]:
    """Answers for many points, each exactly as GET /api/lookup gives it; off-globe points get an `error` instead."""
    x, y = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
    on_globe = (np.abs(x) <= 180) & (np.abs(y) <= 90)
    x1, y1, x2, y2 = WEIHAI_BOUNDS
    in_box = on_globe & (x >= x1) & (x <= x2) & (y >= y1) & (y <= y2)
    answers: list[dict | None] = [None] * len(lons)
    for i in np.flatnonzero(~in_box).tolist():
        try:
            check_lonlat(lons[i], lats[i])
        except InvalidInput as exc:
            answers[i] = {"lon": lons[i], "lat": lats[i], "error": exc.detail}
            continue
        answers[i] = {
            "lon": lons[i],
            "lat": lats[i],
            "inside_weihai": False,
            **EMPTY_ANSWER,
            "message": _message(lons[i], lats[i], EMPTY_ANSWER),
        }
    inside = np.flatnonzero(in_box).tolist()
    sited = describe_sites(
        session, site_points(session, lons=[lons[i] for i in inside], lats=[lats[i] for i in inside])
    )
    messages: dict[tuple, str] = {}
    for i, answer in zip(inside, sited):
        nb = answer["nearest_base"]
        key = (id(answer["bases"]), nb["name"] if nb else None, f"{nb['distance_m'] / 1000:.1f}" if nb else None)
        message = messages.get(key)
        if message is None:
            message = messages[key] = _message(lons[i], lats[i], answer)
        answers[i] = {
            "lon": lons[i],
            "lat": lats[i],
            "inside_weihai": answer["district"] is not None,
            **answer,
            "message": message,
        }
    return answers


def lookup_point(session: Session, *, lon: float, lat: float) -> dict:
    """Answer for one point; outside Weihai's box an empty answer that says so."""
    check_lonlat(lon, lat)
    return lookup_points(session, lons=[lon], lats=[lat])[0]
