"""Point lookup (落位查询): which district, zone(s) and base(s) contain a point, or the nearest base."""
from __future__ import annotations

from sqlalchemy.orm import Session

from geo.enums import WEIHAI_BOUNDS
from geo.errors import InvalidInput
from geo.siting import site_points


def _in_box(lon: float, lat: float) -> bool:
    x1, y1, x2, y2 = WEIHAI_BOUNDS
    return x1 <= lon <= x2 and y1 <= lat <= y2


def describe_sites(sites: list[dict]) -> list[dict]:
    """Shape rows of site_points as answers: district, county, zones, bases, nearest base (when in no base)."""
    answers = []
    for s in sites:
        nearest = None
        if s["nearest_base_id"]:
            nearest = {"code": s["nearest_base_code"], "name": s["nearest_base_name"],
                       "schematic": s["nearest_base_schematic"], "distance_m": round(float(s["distance_m"]), 1)}
        answers.append({
            "district": {"name": s["district_name"], "kind": s["district_kind"]} if s["district_id"] else None,
            "county": {"name": s["county_name"], "kind": s["county_kind"]} if s["county_id"] else None,
            "zones": list(s["zones"]),
            "bases": list(s["bases"]),
            "nearest_base": nearest,
        })
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
    detail = f"坐标超出范围:经度应在 -180~180,纬度应在 -90~90(收到 lon={lon}, lat={lat})/ lon must be -180..180, lat -90..90"
    if _in_box(lat, lon):
        detail = (f"经纬度可能写反了:威海的经度约为 121–123,纬度约为 36.6–37.7(收到 lon={lon}, lat={lat})"
                  " / longitude and latitude look swapped")
    raise InvalidInput(detail, errors=[{"field": "lon" if abs(lon) > 180 else "lat", "message": "out of range"}])


def lookup_point(session: Session, *, lon: float, lat: float) -> dict:
    """Answer for one point; outside Weihai's box an empty answer that says so."""
    check_lonlat(lon, lat)
    inside_box = _in_box(lon, lat)
    if inside_box:
        answer = describe_sites(site_points(session, lons=[lon], lats=[lat]))[0]
    else:
        answer = {"district": None, "county": None, "zones": [], "bases": [], "nearest_base": None}
    return {"lon": lon, "lat": lat, "inside_weihai": answer["district"] is not None, **answer,
            "message": _message(lon, lat, answer)}
