"""The one check of a project's library fields, shared by the register import (a row) and the browser's form.

Each field is checked as the register import always did: swapped lon/lat, points outside Weihai, projected metres
without a CRS, GCJ-02 web-map coordinates, unknown districts and clusters with the nearest names (or the list of
valid ones), amounts as exact decimals, dates in the usual Chinese spellings.  Errors go to `err(field, message,
suggestion)`; the checked values come back ready to write.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation

from geo.crs import gcj02_to_wgs84, to_wgs84
from geo.enums import CLUSTERS, DISTRICTS, STATUSES, WEIHAI_BOUNDS
from geo.transfer.places import district_of_place
from geo.transfer.sheets import cell_text

# field -> accepted register headers (the first is the field's Chinese label, written by the Excel export)
PROJECT_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("项目编号", "编号", "项目代码", "code"),
    "name": ("项目名称", "名称", "name"),
    "district": ("所属区市", "区市", "所在区市", "县市区", "district"),
    "cluster": ("产业集群", "所属集群", "集群", "cluster"),
    "investment_total": ("总投资(亿元)", "总投资", "计划总投资(亿元)", "investment_total"),
    "investment_year": ("年度计划投资(亿元)", "年度计划投资", "年度投资(亿元)", "年度投资", "investment_year"),
    "lon": ("经度", "lon", "lng", "longitude", "x"),
    "lat": ("纬度", "lat", "latitude", "y"),
    "status": ("建设状态", "状态", "status"),
    "progress": ("形象进度(%)", "形象进度", "进度(%)", "进度", "progress"),
    "unit": ("责任单位", "unit"),
    "person": ("责任人", "person"),
    "start_date": ("开工日期", "开工时间", "start_date"),
    "end_date": ("计划竣工日期", "竣工日期", "计划竣工时间", "end_date"),
}
REQUIRED = ("code", "name", "district", "cluster", "investment_total", "investment_year", "lon", "lat", "status")
FIELD_ZH = {f: names[0] for f, names in PROJECT_COLUMNS.items()}
COORDS = ("wgs84", "gcj02")
TEXT_FIELDS = ("code", "name", "district", "cluster", "unit", "person")
AMOUNTS = ("investment_total", "investment_year")
MAX_AMOUNT = Decimal("9999999999.99")  # numeric(12, 2), in 亿元
MAX_TEXT = 500

Err = Callable[..., None]


def decimal_of(value) -> Decimal | None:
    """An exact decimal from a cell or JSON value ('1,234.5', '12%', 3), or None when it is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return Decimal(str(value)) if value == value and abs(value) != float("inf") else None
    raw = cell_text(value).replace(",", "").replace(",", "").removesuffix("%").strip()
    try:
        number = Decimal(raw)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def date_of(value) -> dt.date | None | str:
    """A date from a cell or text (2026-03-01, 2026/3/1, 2026年3月1日), None when empty, 'bad' when unreadable."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = cell_text(value).replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-").removesuffix("日")
    try:
        return dt.date.fromisoformat("-".join(p.zfill(2) for p in raw.split("-")))
    except ValueError:
        return "bad"


def closest(value: str, choices) -> str:
    """The nearest known name as a hint, else the list of valid names, so a person always sees what to write."""
    choices = list(choices)
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.3)
    if close:
        return f"是否为“{close[0]}”? / did you mean {close[0]!r}?"
    return f"可选:{'、'.join(choices)} / one of: {', '.join(choices)}"


def district_hint(value: str, districts) -> str:
    """Which district an unknown 所属区市 means (a town or managed area names its district), and always the list."""
    found = district_of_place(value)
    first = f"“{value}”属于“{found}”,请填“{found}” / {value} lies in {found}" if found else ""
    listing = "可选:" + "、".join(districts) + " / one of the names listed"
    if not first:
        close = difflib.get_close_matches(value, list(districts), n=1, cutoff=0.3)
        first = f"是否为“{close[0]}”? / did you mean {close[0]!r}?" if close else ""
    return f"{first};{listing}" if first else listing


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def amount_hint(raw) -> str:
    """For an amount written as words (约5亿, 5亿元, 3000万元): the plain number in 亿元 the column expects."""
    text_ = cell_text(raw)
    match = _NUMBER.search(text_.replace(",", "").replace(",", ""))
    if not match:
        return "只填数字,单位见表头,如 12.5 / a plain number, e.g. 12.5"
    number = Decimal(match.group())
    if "万" in text_[match.end() :]:
        number = number / 10000
    shown = format(number.normalize(), "f")
    return f"只填数字(亿元),是否为 {shown}?/ a plain number in 亿元: {shown}?"


def in_weihai(lon: float, lat: float) -> bool:
    """Whether a point lies in the box around Weihai (land and near-shore sea)."""
    x1, y1, x2, y2 = WEIHAI_BOUNDS
    return x1 <= lon <= x2 and y1 <= lat <= y2


def place(lon: float, lat: float, coords: str, source_crs, err: Err) -> tuple[float | None, float | None]:
    """WGS84 lon/lat of given coordinates, or (None, None) after reporting why they cannot be used."""
    if source_crs is not None:
        (x,), (y,) = to_wgs84([lon], [lat], source_crs)
        lon, lat = float(x), float(y)
    elif abs(lon) > 180 or (abs(lat) > 90 and not in_weihai(lat, lon)):
        err(
            "lon",
            "坐标像是投影坐标(米),请指定坐标系,如 crs=EPSG:4549(CGCS2000 高斯-克吕格)/ projected metres? give the CRS",
        )
        return None, None
    if not in_weihai(lon, lat):
        if in_weihai(lat, lon):
            err("lon", "经纬度写反了 / longitude and latitude are swapped", f"经度应为 {lat},纬度应为 {lon}")
        else:
            err(
                "lon",
                f"坐标({lon}, {lat})不在威海范围内 / outside Weihai",
                f"威海经度约 {WEIHAI_BOUNDS[0]}–{WEIHAI_BOUNDS[2]},纬度约 {WEIHAI_BOUNDS[1]}–{WEIHAI_BOUNDS[3]}",
            )
        return None, None
    if coords == "gcj02":
        (x,), (y,) = gcj02_to_wgs84([lon], [lat])
        lon, lat = float(x), float(y)
    return lon, lat


def check_fields(
    raw: Mapping[str, object],
    *,
    err: Err,
    coords: str = "wgs84",
    source_crs=None,
    partial: bool = False,
    exact: bool = False,
) -> dict:
    """Check the given fields (all of REQUIRED unless `partial`, when only those present are checked).

    With `exact`, amounts and progress with more than two decimals are refused rather than rounded when stored.
    `raw` maps field names to cell or JSON values; `err(field, message, suggestion="")` hears of each problem.
    The answer holds the checked values of the given fields (`lon`/`lat` in WGS84 once both are usable)."""
    given = (lambda f: f in raw) if partial else (lambda f: True)  # noqa: E731
    get = raw.get
    out: dict = {}
    for f in TEXT_FIELDS:
        if given(f):
            out[f] = cell_text(get(f)) or None
            if out[f] and len(out[f]) > MAX_TEXT:
                err(f, f"{FIELD_ZH[f]}超过 {MAX_TEXT} 个字符 / longer than {MAX_TEXT} characters")
    for f in ("code", "name", "district", "cluster"):
        if given(f) and not out.get(f):
            err(f, "必填项为空 / required")
    code = out.get("code")
    if code and len(code) > 32:
        err("code", "项目编号超过 32 个字符 / code longer than 32 characters")
    districts = [d.name for d in DISTRICTS]
    clusters = [c.name for c in CLUSTERS]
    if out.get("district") and out["district"] not in districts:
        err("district", f"未知区市“{out['district']}” / unknown district", district_hint(out["district"], districts))
    if out.get("cluster") and out["cluster"] not in clusters:
        close = difflib.get_close_matches(out["cluster"], clusters, n=1, cutoff=0.3)
        listing = "可选:" + "、".join(clusters)
        hint = f"是否为“{close[0]}”? / did you mean {close[0]!r}?;{listing}" if close else listing
        err("cluster", f"未知产业集群“{out['cluster']}” / unknown cluster", hint)
    if given("status"):
        statuses = {s.name: s.code for s in STATUSES} | {s.code: s.code for s in STATUSES}
        status = cell_text(get("status"))
        if status not in statuses:
            err(
                "status",
                f"未知建设状态“{status}” / unknown status" if status else "必填项为空 / required",
                closest(status, [s.name for s in STATUSES])
                if status
                else "可选:" + "、".join(s.name for s in STATUSES),
            )
        out["status"] = statuses.get(status)
    for f in (*AMOUNTS, "progress"):
        if not given(f):
            continue
        value = get(f)
        if f == "progress" and cell_text(value) == "":
            out[f] = Decimal(0)
            continue
        number = decimal_of(value)
        if number is None:
            err(
                f,
                "不是数字 / not a number" if cell_text(value) else "必填项为空 / required",
                amount_hint(value) if f != "progress" else "只填数字,如 45 / a plain number, e.g. 45",
            )
        elif number < 0 or (f == "progress" and number > 100):
            err(f, "应在 0–100 之间 / must be 0..100" if f == "progress" else "不能为负 / must not be negative")
        elif number > MAX_AMOUNT:
            err(f, f"数值过大(上限 {MAX_AMOUNT})/ too large")
        elif exact and number != number.quantize(Decimal("0.01")):
            err(f, "最多两位小数 / at most two decimals", f"如 {number.quantize(Decimal('0.01'))}")
        out[f] = number
    for f in ("start_date", "end_date"):
        if not given(f):
            continue
        value = date_of(get(f))
        if value == "bad":
            err(f, "日期无法识别 / not a date", "如 2026-03-01 / e.g. 2026-03-01")
            value = None
        out[f] = value
    if out.get("start_date") and out.get("end_date") and out["end_date"] < out["start_date"]:
        err("end_date", "计划竣工日期早于开工日期 / ends before it starts")
    if given("lon") or given("lat"):
        lon, lat = decimal_of(get("lon")), decimal_of(get("lat"))
        for f, v in (("lon", lon), ("lat", lat)):
            if v is None:
                err(f, "坐标不是数字 / not a number" if cell_text(get(f)) else "必填项为空 / required")
        if lon is not None and lat is not None:
            out["lon"], out["lat"] = place(float(lon), float(lat), coords, source_crs, err)
    return out
