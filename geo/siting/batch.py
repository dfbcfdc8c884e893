"""Siting check (落位核查): many points answered exactly as GET /api/lookup answers one; declared vs real siting."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import orjson
from sqlalchemy.orm import Session

from geo.errors import InvalidInput
from geo.ops.metrics import SITING_POINTS
from geo.siting.lookup import lookup_points
from geo.transfer.sheets import cell_text, find_columns, read_table, write_xlsx

POINT_COLUMNS = {
    "lon": ("经度", "lon", "lng", "longitude", "x", "东经"),
    "lat": ("纬度", "lat", "latitude", "y", "北纬"),
    "id": ("编号", "项目编号", "id", "code", "序号"),
    "name": ("名称", "项目名称", "name"),
    "district": ("所属区市", "区市", "申报区市", "所在区市", "district"),
    "base": ("所属基地", "基地", "申报基地", "base"),
}
OPTIONAL_KEYS = ("id", "name", "district", "base")


@dataclass
class PointIn:
    """One point to check, with what was declared for it (optional)."""

    lon: float
    lat: float
    extra: dict = field(default_factory=dict)


def _number(value) -> float | None:
    try:
        number = float(cell_text(value).replace(",", "")) if not isinstance(value, (int, float)) else float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def too_many_points(max_points: int, count: int | None = None) -> InvalidInput:
    """The refusal of a siting check with more than max_points points (count: how many, when they were counted)."""
    got = f"收到 {count} 个" if count is not None else "收到的更多"
    return InvalidInput(
        f"一次最多核查 {max_points} 个点({got})/ at most {max_points} points per request",
        errors=[{"field": "points", "message": f"at most {max_points}"}],
    )


_WHITESPACE = json.decoder.WHITESPACE


def _count_items(body: bytes, stop: int) -> int | None:
    """How many items the points list holds, counted one item at a time and forgotten, stopping past `stop`;
    None when the JSON is not shaped as expected (the full parse then says what is wrong)."""
    text = body.decode("utf-8", errors="replace").lstrip("\ufeff")
    scan = json.JSONDecoder().scan_once
    at = _WHITESPACE.match(text, 0).end()
    try:
        if text[at : at + 1] == "{":  # find "points" among the object's members, skipping the others
            at = _WHITESPACE.match(text, at + 1).end()
            while text[at : at + 1] == '"':
                key, at = scan(text, at)
                at = _WHITESPACE.match(text, at).end() + 1  # past ':'
                at = _WHITESPACE.match(text, at).end()
                if key == "points":
                    break
                _, at = scan(text, at)
                at = _WHITESPACE.match(text, at).end()
                at = _WHITESPACE.match(text, at + 1).end() if text[at : at + 1] == "," else at
            else:
                return None
        if text[at : at + 1] != "[":
            return None
        count, at = 0, _WHITESPACE.match(text, at + 1).end()
        while text[at : at + 1] not in ("]", ""):
            _, at = scan(text, at)
            count += 1
            if count > stop:
                return count
            at = _WHITESPACE.match(text, at).end()
            at = _WHITESPACE.match(text, at + 1).end() if text[at : at + 1] == "," else at
        return count
    except StopIteration:
        return None


def points_from_json(body: bytes, *, max_points: int | None = None) -> list[PointIn]:
    """{"points": [[lon, lat], …] or [{"lon", "lat", "id"?, "name"?, "district"?, "base"?}, …]} (or the bare list).

    More than max_points points are refused before the body is parsed into objects (2 million of them took 670 MB)."""
    # Each point opens at least one bracket: few brackets prove few points without counting them.
    if max_points is not None and body.count(b"[") + body.count(b"{") > max_points + 2:
        count = _count_items(body, max_points)
        if count is not None and count > max_points:
            raise too_many_points(max_points)
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise InvalidInput(f"JSON 格式有误:{exc} / invalid JSON") from None
    items = payload.get("points") if isinstance(payload, dict) else payload
    if not isinstance(items, list):
        raise InvalidInput(
            '请求体应为 {"points": [[经度, 纬度], …]} / body must be {"points": [[lon, lat], …]}',
            errors=[{"field": "points", "message": "expected a list"}],
        )
    points, errors = [], []
    for i, item in enumerate(items):
        if isinstance(item, (list, tuple)) and len(item) == 2:
            lon, lat, extra = _number(item[0]), _number(item[1]), {}
        elif isinstance(item, dict):
            lon, lat = _number(item.get("lon")), _number(item.get("lat"))
            extra = {k: item[k] for k in OPTIONAL_KEYS if item.get(k) not in (None, "")}
        else:
            lon = lat = None
        if lon is None or lat is None:
            errors.append({"field": f"points[{i}]", "message": "expected [lon, lat] or {lon, lat} with numbers"})
            continue
        points.append(PointIn(lon, lat, extra))
    if errors:
        raise InvalidInput(
            f"有 {len(errors)} 个点不是数字坐标,例如第 {errors[0]['field']} 项 / {len(errors)} points are not numeric",
            errors=errors[:100],
        )
    return points


def points_from_table(data: bytes, filename: str, *, max_points: int | None = None) -> list[PointIn]:
    """Points from a CSV or Excel sheet with 经度/纬度 columns (and optionally 编号, 名称, 所属区市, 所属基地)."""
    table = read_table(data, filename)
    if max_points is not None and len(table.rows) > max_points:
        raise too_many_points(max_points, len(table.rows))
    cols = find_columns(table.headers, POINT_COLUMNS)
    missing = [f for f in ("lon", "lat") if f not in cols]
    if missing:
        raise InvalidInput(
            f"找不到经度/纬度列。表头应含“经度”“纬度”(或 lon/lat);现有列:{'、'.join(table.headers)} / "
            f"no lon/lat columns; found: {', '.join(table.headers)}",
            errors=[{"field": f, "message": "column missing"} for f in missing],
        )
    points, errors = [], []
    for row_no, row in table.rows:
        lon, lat = _number(row[cols["lon"]]), _number(row[cols["lat"]])
        if lon is None or lat is None:
            bad = "lon" if lon is None else "lat"
            errors.append(
                {
                    "row": row_no,
                    "field": table.headers[cols[bad]],
                    "value": cell_text(row[cols[bad]]),
                    "message": "不是数字 / not a number",
                }
            )
            continue
        extra = {k: cell_text(row[cols[k]]) for k in OPTIONAL_KEYS if k in cols and cell_text(row[cols[k]])}
        points.append(PointIn(lon, lat, {"row": row_no, **extra}))
    if errors:
        raise InvalidInput(
            f"有 {len(errors)} 行坐标不是数字,例如第 {errors[0]['row']} 行 / {len(errors)} rows have "
            "non-numeric coordinates",
            errors=errors[:100],
        )
    return points


def _agreement(answer: dict, declared: dict) -> dict:
    out = {}
    if "district" in declared:
        names = {(answer.get(k) or {}).get("name") for k in ("district", "county")} - {None}
        out["district"] = declared["district"] in names
    if "base" in declared:
        out["base"] = any(declared["base"] in (b["name"], b["code"]) for b in answer.get("bases", []))
    return out


def check_points(session: Session, *, points: list[PointIn], max_points: int) -> list[dict]:
    """Each point's answer as GET /api/lookup gives it, plus its id/name and, when declared, whether that agrees."""
    if len(points) > max_points:
        raise too_many_points(max_points, len(points))
    SITING_POINTS.observe(len(points))
    answers = lookup_points(session, lons=[p.lon for p in points], lats=[p.lat for p in points])
    for p, answer in zip(points, answers):
        if p.extra:
            declared = {k: v for k, v in p.extra.items() if k in ("district", "base")}
            answer.update({k: v for k, v in p.extra.items() if k not in ("district", "base")})
            if declared and "error" not in answer:
                answer["declared"] = declared
                answer["agrees"] = _agreement(answer, declared)
    return answers


RESULT_HEADERS = (
    "行号",
    "编号",
    "名称",
    "经度",
    "纬度",
    "所在区县/功能区",
    "所属区市",
    "五区",
    "九基地",
    "最近基地",
    "距最近基地(米)",
    "申报区市",
    "申报基地",
    "区市一致",
    "基地一致",
    "说明",
)


def _yes_no(value) -> str:
    return "" if value is None else ("是" if value else "否")


def results_xlsx(results: list[dict]) -> bytes:
    """The siting check as an Excel sheet, one row per point."""

    def row(r):
        nb, declared, agrees = r.get("nearest_base"), r.get("declared", {}), r.get("agrees", {})
        return (
            r.get("row"),
            r.get("id"),
            r.get("name"),
            r["lon"],
            r["lat"],
            (r.get("district") or {}).get("name"),
            (r.get("county") or {}).get("name"),
            [z["name"] for z in r.get("zones", [])],
            [b["name"] for b in r.get("bases", [])],
            nb and nb["name"],
            nb and nb["distance_m"],
            declared.get("district"),
            declared.get("base"),
            _yes_no(agrees.get("district")),
            _yes_no(agrees.get("base")),
            r.get("error") or r.get("message"),
        )

    return write_xlsx({"落位核查": (RESULT_HEADERS, (row(r) for r in results))})
