"""Exports of projects (same filters as /api/projects) and boundary layers: GeoJSON, GeoPackage, zipped Shapefile
(UTF-8 with .cpg), KML and Excel.  The project Excel uses the register's headers, so it imports back unchanged."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.enums import LAYERS, LIGHTS, STATUSES
from geo.errors import InvalidInput, UnknownValue
from geo.files import GEOJSON, XLSX, Download
from geo.periods import month_label
from geo.progress.cycle import shown_month
from geo.projects.queries import ProjectFilter, project_rows
from geo.settings import Settings
from geo.transfer.register import REGISTER_COLUMNS
from geo.transfer.sheets import write_xlsx

FORMATS = {
    "geojson": (GEOJSON, ".geojson", "GeoJSON"),
    "gpkg": ("application/geopackage+sqlite3", ".gpkg", "GPKG"),
    "shp": ("application/zip", ".zip", "ESRI Shapefile"),
    "kml": ("application/vnd.google-earth.kml+xml", ".kml", "KML"),
    "xlsx": (XLSX, ".xlsx", None),
}
# GIS field names: ASCII and at most 10 characters, as Shapefile allows
PROJECT_FIELDS = {
    "code": "code",
    "name": "name",
    "declared_district": "district",
    "district": "located",
    "county": "county",
    "cluster": "cluster",
    "status": "status",
    "status_zh": "status_zh",
    "progress": "progress",
    "planned_progress": "planned",
    "light": "light",
    "light_zh": "light_zh",
    "investment_total": "inv_total",
    "investment_year": "inv_year",
    "investment_completed": "inv_done",
    "unit": "unit",
    "person": "person",
    "leader_name": "leader",
    "leader_title": "ldr_title",
    "leader_unit": "ldr_unit",
    "start_date": "start",
    "end_date": "end",
    "zones": "zones",
    "bases": "bases",
    "demo": "demo",
}
EXTRA_EXCEL = (
    ("所在区县/功能区", "district"),
    ("所属县级区市", "county"),
    ("所在五区", "zones"),
    ("所在基地", "bases"),
    ("计划进度(%)", "planned_progress"),
    ("亮灯", "light_zh"),
    ("亮灯代码", "light"),
    ("累计完成投资(亿元)", "investment_completed"),
    ("分包责任人", "leader_name"),
    ("责任人职务", "leader_title"),
    ("责任人单位", "leader_unit"),
)


def _format(fmt: str) -> tuple[str, str, str | None]:
    if fmt not in FORMATS:
        raise InvalidInput(
            f"未知格式 {fmt!r},可选 {', '.join(FORMATS)} / unknown format",
            errors=[{"field": "format", "message": f"one of {', '.join(FORMATS)}"}],
        )
    return FORMATS[fmt]


def _flat(value):
    return "、".join(map(str, value)) if isinstance(value, (list, tuple)) else value


def write_frame(frame: gpd.GeoDataFrame, fmt: str, stem: str) -> bytes:
    """A GeoDataFrame (EPSG:4326) as the bytes of a GeoJSON, GeoPackage, zipped Shapefile or KML file."""
    _, suffix, driver = _format(fmt)
    frame = frame.copy()
    for column in frame.columns:
        if column != "geometry" and frame[column].dtype == object:
            frame[column] = frame[column].map(_flat)
    with tempfile.TemporaryDirectory(prefix="warroom-export-") as folder:
        if fmt == "shp":
            path = Path(folder) / f"{stem}.shp"
            frame.to_file(path, driver=driver, encoding="UTF-8")
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
                for part in sorted(Path(folder).glob(f"{stem}.*")):
                    z.write(part, part.name)
            if not (Path(folder) / f"{stem}.cpg").exists():
                raise RuntimeError("the Shapefile writer left out the .cpg")
            return out.getvalue()
        path = Path(folder) / f"{stem}{suffix}"
        frame.to_file(path, driver=driver, layer=stem if fmt == "gpkg" else None)
        return path.read_bytes()


STATUS_ZH = {s.code: s.name for s in STATUSES}
LIGHT_ZH = {light.code: light.name for light in LIGHTS}


def readable(row: dict) -> dict:
    """A project row with the Chinese names of its status and light next to the codes (people read the file)."""
    return {**row, "status_zh": STATUS_ZH.get(row["status"]), "light_zh": LIGHT_ZH.get(row["light"])}


def projects_frame(
    session: Session, *, settings: Settings, filters: ProjectFilter, month: dt.date | None = None
) -> tuple[list[dict], gpd.GeoDataFrame]:
    """The filtered projects at the end of `month` (default 最新) as rows and as a GeoDataFrame of short ASCII names."""
    rows = [readable(r) for r in project_rows(session, settings=settings, filters=filters, month=month)]
    frame = gpd.GeoDataFrame(
        [{short: r[key] for key, short in PROJECT_FIELDS.items()} for r in rows],
        columns=list(PROJECT_FIELDS.values()),
        geometry=shapely.points([r["lon"] for r in rows], [r["lat"] for r in rows]) if rows else [],
        crs=4326,
    )
    for column in ("progress", "planned", "inv_total", "inv_year", "inv_done"):
        frame[column] = frame[column].astype(float)
    for column in ("start", "end"):  # dates as dates (GIS Date fields), not text
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ms]")
    return rows, frame


def _register_rows(rows: list[dict]):
    status_name = {s.code: s.name for s in STATUSES}
    for r in rows:
        yield (
            r["code"],
            r["name"],
            r["declared_district"],
            r["cluster"],
            r["investment_total"],
            r["investment_year"],
            r["lon"],
            r["lat"],
            status_name[r["status"]],
            r["progress"],
            r["unit"],
            r["person"],
            r["start_date"],
            r["end_date"],
            *(r[key] for _, key in EXTRA_EXCEL),
        )


def export_projects(
    session: Session,
    *,
    settings: Settings,
    filters: ProjectFilter,
    fmt: str,
    month: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> Download:
    """The projects matching filters as they stood at the end of `month` (default 最新) in one format (Excel in the
    register's layout, with the computed siting after); the file is named after the month."""
    media_type, suffix, _ = _format(fmt)
    month = month or shown_month(session, settings)
    rows, frame = projects_frame(session, settings=settings, filters=filters, month=month)
    if fmt == "xlsx":
        headers = [names[0] for names in REGISTER_COLUMNS.values()] + [h for h, _ in EXTRA_EXCEL]
        data = write_xlsx({"项目台账": (headers, _register_rows(rows))})
    else:
        data = write_frame(frame, fmt, "projects")
    if progress:
        progress(len(rows))
    return Download(data, media_type, f"projects-{month_label(month)}{suffix}")


_LAYER_SQL = {
    "districts": "SELECT l.code, l.name, l.name_en, l.kind, p.name AS parent, l.schematic, ST_AsBinary(l.geom) AS wkb "
    "FROM districts l LEFT JOIN districts p ON p.id = l.parent_id ORDER BY l.code",
    "zones": "SELECT code, name, name_en, schematic, carrier, district, ST_AsBinary(geom) AS wkb "
    "FROM zones ORDER BY code",
    "bases": "SELECT l.code, l.name, l.name_en, l.schematic, l.carrier, l.district, c.name AS cluster, "
    "ST_AsBinary(l.geom) AS wkb FROM bases l LEFT JOIN industry_clusters c ON c.id = l.cluster_id ORDER BY l.code",
}


def layer_frame(session: Session, *, layer: str) -> gpd.GeoDataFrame:
    """A boundary layer at full precision as a GeoDataFrame."""
    if layer not in LAYERS:
        raise UnknownValue("layer", layer, LAYERS)
    rows = [dict(r) for r in session.execute(text(_LAYER_SQL[layer])).mappings()]
    geoms = shapely.from_wkb([bytes(r.pop("wkb")) for r in rows])
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=4326)


def export_layer(session: Session, *, layer: str, fmt: str) -> Download:
    """One boundary layer in one format (Excel: attributes and area, with the geometry as WKT)."""
    media_type, suffix, _ = _format(fmt)
    frame = layer_frame(session, layer=layer)
    if fmt == "xlsx":
        headers = [c for c in frame.columns if c != "geometry"] + ["wkt"]
        data = write_xlsx({layer: (headers, ([*r[:-1], r[-1].wkt] for r in frame.itertuples(index=False)))})
    else:
        data = write_frame(frame, fmt, layer)
    return Download(data, media_type, f"{layer}{suffix}")
