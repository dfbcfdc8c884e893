"""Project register import (项目台账): Excel/CSV with Chinese headers, every row checked, upsert by 项目编号.

Nothing is written unless every row passes (or allow_partial, which writes the rows that pass).  Header variants are
matched loosely (full-width brackets, spaces, case) against REGISTER_COLUMNS, the documented mapping.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.crs import gcj02_to_wgs84, parse_crs, to_wgs84
from geo.enums import CLUSTERS, DISTRICTS, STATUSES, WEIHAI_BOUNDS
from geo.errors import InvalidInput
from geo.siting.engine import refresh_project_siting
from geo.transfer.archives import ArchiveLimits
from geo.transfer.places import district_of_place
from geo.transfer.sheets import cell_text, find_columns, read_table, write_xlsx

# field -> accepted headers (first is the canonical one, written by the Excel export)
REGISTER_COLUMNS: dict[str, tuple[str, ...]] = {
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
COORDS = ("wgs84", "gcj02")
FIELD_ZH = {f: names[0] for f, names in REGISTER_COLUMNS.items()}
REPORT_HEADERS = ("行号", "列", "值", "问题", "建议")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass
class RowError:
    """One problem in one cell of the register."""

    row: int
    column: str
    value: str
    message: str
    suggestion: str = ""

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
            "suggestion": self.suggestion,
        }


@dataclass
class RegisterCheck:
    """The checked register: clean rows ready to write, errors, and what writing would do."""

    rows: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    bad_rows: set[int] = field(default_factory=set)

    def error_report_xlsx(self) -> bytes:
        """The row-level error report as an Excel workbook."""
        return write_xlsx(
            {"错误报告": (REPORT_HEADERS, [(e.row, e.column, e.value, e.message, e.suggestion) for e in self.errors])}
        )


def _decimal(value) -> Decimal | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Decimal(str(value))
    raw = cell_text(value).replace(",", "").replace(",", "").removesuffix("%").strip()
    try:
        number = Decimal(raw)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _date(value) -> dt.date | None | str:
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


def _closest(value: str, choices) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.3)
    return f"是否为“{close[0]}”? / did you mean {close[0]!r}?" if close else ""


def _district_hint(value: str, districts) -> str:
    """Which district an unknown 所属区市 means (a town or managed area names its district), and always the list."""
    place = district_of_place(value)
    first = f"“{value}”属于“{place}”,请填“{place}” / {value} lies in {place}" if place else _closest(value, districts)
    listing = "可选:" + "、".join(districts) + " / one of the names listed"
    return f"{first};{listing}" if first else listing


def _amount_hint(raw) -> str:
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


def _in_weihai(lon: float, lat: float) -> bool:
    x1, y1, x2, y2 = WEIHAI_BOUNDS
    return x1 <= lon <= x2 and y1 <= lat <= y2


def check_register(
    data: bytes, filename: str, *, coords: str = "wgs84", crs: str | None = None, limits: ArchiveLimits | None = None
) -> RegisterCheck:
    """Read and check every row; coords 'gcj02' converts from web-map coordinates, `crs` from any EPSG CRS."""
    if coords not in COORDS:
        raise InvalidInput(
            f"coords 应为 {' 或 '.join(COORDS)} / coords must be one of {', '.join(COORDS)}",
            errors=[{"field": "coords", "message": "unknown"}],
        )
    source_crs = parse_crs(crs, field="crs") if crs else None
    table = read_table(data, filename, limits=limits)
    cols = find_columns(table.headers, REGISTER_COLUMNS)
    missing = [FIELD_ZH[f] for f in REQUIRED if f not in cols]
    if missing:
        raise InvalidInput(
            f"缺少必需的列:{'、'.join(missing)}。现有列:{'、'.join(table.headers)} / missing columns: "
            f"{', '.join(missing)}",
            errors=[{"field": m, "message": "column missing"} for m in missing],
        )
    check = RegisterCheck(ignored_columns=[h for i, h in enumerate(table.headers) if i not in cols.values() and h])
    districts = [d.name for d in DISTRICTS]
    clusters = [c.name for c in CLUSTERS]
    statuses = {s.name: s.code for s in STATUSES} | {s.code: s.code for s in STATUSES}
    first_row_of: dict[str, int] = {}

    for row_no, row in table.rows:

        def err(f: str, message: str, suggestion: str = "", *, value=None, row=row, row_no=row_no) -> None:
            shown = cell_text(row[cols[f]]) if f in cols and value is None else cell_text(value)
            check.errors.append(
                RowError(row_no, table.headers[cols[f]] if f in cols else FIELD_ZH[f], shown, message, suggestion)
            )
            check.bad_rows.add(row_no)

        get = lambda f, row=row: row[cols[f]] if f in cols else None  # noqa: E731
        out: dict = {"row": row_no}
        for f in ("code", "name", "district", "cluster", "unit", "person"):
            out[f] = cell_text(get(f)) or None
        for f in REQUIRED:
            if f not in ("lon", "lat", "investment_total", "investment_year") and not out.get(f) and f != "status":
                err(f, "必填项为空 / required")
        code = out["code"]
        if code:
            if code in first_row_of:
                err(
                    "code",
                    f"项目编号重复(与第 {first_row_of[code]} 行相同)/ "
                    f"duplicated code, first on row {first_row_of[code]}",
                )
            else:
                first_row_of[code] = row_no
            if len(code) > 32:
                err("code", "项目编号超过 32 个字符 / code longer than 32 characters")
        if out["district"] and out["district"] not in districts:
            err(
                "district",
                f"未知区市“{out['district']}” / unknown district",
                _district_hint(out["district"], districts),
            )
        if out["cluster"] and out["cluster"] not in clusters:
            close = _closest(out["cluster"], clusters)
            listing = "可选:" + "、".join(clusters)
            err(
                "cluster",
                f"未知产业集群“{out['cluster']}” / unknown cluster",
                f"{close};{listing}" if close else listing,
            )
        status = cell_text(get("status"))
        if status not in statuses:
            err(
                "status",
                f"未知建设状态“{status}” / unknown status" if status else "必填项为空 / required",
                _closest(status, [s.name for s in STATUSES])
                if status
                else "可选:" + "、".join(s.name for s in STATUSES),
            )
        out["status"] = statuses.get(status)
        for f in ("investment_total", "investment_year", "progress"):
            raw = get(f)
            if f == "progress" and cell_text(raw) == "":
                out[f] = Decimal(0)
                continue
            number = _decimal(raw)
            if number is None:
                err(
                    f,
                    "不是数字 / not a number" if cell_text(raw) else "必填项为空 / required",
                    _amount_hint(raw) if f != "progress" else "只填数字,如 45 / a plain number, e.g. 45",
                )
            elif number < 0 or (f == "progress" and number > 100):
                err(f, "应在 0–100 之间 / must be 0..100" if f == "progress" else "不能为负 / must not be negative")
            out[f] = number
        for f in ("start_date", "end_date"):
            value = _date(get(f))
            if value == "bad":
                err(f, "日期无法识别 / not a date", "如 2026-03-01 / e.g. 2026-03-01")
                value = None
            out[f] = value
        if out["start_date"] and out["end_date"] and out["end_date"] < out["start_date"]:
            err("end_date", "计划竣工日期早于开工日期 / ends before it starts")
        lon, lat = _decimal(get("lon")), _decimal(get("lat"))
        for f, v in (("lon", lon), ("lat", lat)):
            if v is None:
                err(f, "坐标不是数字 / not a number" if cell_text(get(f)) else "必填项为空 / required")
        if lon is not None and lat is not None:
            out["lon"], out["lat"] = _place(float(lon), float(lat), coords, source_crs, lambda f, m, s="": err(f, m, s))
        check.rows.append(out)
    return check


def _place(lon: float, lat: float, coords: str, source_crs, err: Callable) -> tuple[float | None, float | None]:
    """WGS84 lon/lat of a row's coordinates, or (None, None) after reporting why they cannot be used."""
    if source_crs is not None:
        (x,), (y,) = to_wgs84([lon], [lat], source_crs)
        lon, lat = float(x), float(y)
    elif abs(lon) > 180 or (abs(lat) > 90 and not _in_weihai(lat, lon)):
        err(
            "lon",
            "坐标像是投影坐标(米),请指定坐标系,如 crs=EPSG:4549(CGCS2000 高斯-克吕格)/ projected metres? give the CRS",
        )
        return None, None
    if not _in_weihai(lon, lat):
        if _in_weihai(lat, lon):
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


_UPSERT = text("""
INSERT INTO projects (code, name, district_id, cluster_id, investment_total, investment_year, status, progress, unit,
                      person, start_date, end_date, demo, geom)
VALUES (:code, :name, (SELECT id FROM districts WHERE name = :district),
        (SELECT id FROM industry_clusters WHERE name = :cluster), :investment_total, :investment_year, :status,
            :progress,
        :unit, :person, :start_date, :end_date, false, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))
ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, district_id = EXCLUDED.district_id, cluster_id =
    EXCLUDED.cluster_id,
    investment_total = EXCLUDED.investment_total, investment_year = EXCLUDED.investment_year, status = EXCLUDED.status,
    progress = EXCLUDED.progress, unit = EXCLUDED.unit, person = EXCLUDED.person, start_date = EXCLUDED.start_date,
    end_date = EXCLUDED.end_date, demo = false, geom = EXCLUDED.geom, updated_at = now()
WHERE (projects.name, projects.district_id, projects.cluster_id, projects.investment_total, projects.investment_year,
       projects.status, projects.progress, projects.unit, projects.person, projects.start_date, projects.end_date,
       ST_AsBinary(projects.geom))
   IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.district_id, EXCLUDED.cluster_id, EXCLUDED.investment_total,
       EXCLUDED.investment_year, EXCLUDED.status, EXCLUDED.progress, EXCLUDED.unit, EXCLUDED.person,
           EXCLUDED.start_date,
       EXCLUDED.end_date, ST_AsBinary(EXCLUDED.geom))
RETURNING id, (xmax = 0) AS inserted""")

FIELDS = (
    "code",
    "name",
    "district",
    "cluster",
    "investment_total",
    "investment_year",
    "status",
    "progress",
    "unit",
    "person",
    "start_date",
    "end_date",
    "lon",
    "lat",
)


def import_register(
    session: Session,
    check: RegisterCheck,
    *,
    apply: bool,
    allow_partial: bool = False,
    progress: Callable[[int], None] | None = None,
) -> dict:
    """Summarise (and with apply, upsert in the caller's transaction) the checked rows; refuses rows with errors."""
    good = [r for r in check.rows if r["row"] not in check.bad_rows]
    summary = {
        "rows": len(check.rows),
        "valid": len(good),
        "errors": [e.as_dict() for e in check.errors],
        "ignored_columns": check.ignored_columns,
        "applied": False,
        "added": 0,
        "updated": 0,
        "unchanged": 0,
        "added_codes": [],
        "updated_codes": [],
    }
    if check.errors and not allow_partial:
        summary["unchanged"] = None
        return summary
    # A dry run does the very same writes inside a savepoint and rolls them back: its counts are exact.
    savepoint = session.begin_nested()
    try:
        written = []
        for r in good:
            hit = session.execute(_UPSERT, {k: r[k] for k in FIELDS}).first()
            if hit is None:
                summary["unchanged"] += 1
            else:
                written.append(hit.id)
                summary["added" if hit.inserted else "updated"] += 1
                summary["added_codes" if hit.inserted else "updated_codes"].append(r["code"])
            if progress:
                progress(1)
        if written:
            refresh_project_siting(session, project_ids=written)
    except BaseException:
        savepoint.rollback()
        raise
    if apply:
        savepoint.commit()
        summary["applied"] = True
    else:
        savepoint.rollback()
    return summary
