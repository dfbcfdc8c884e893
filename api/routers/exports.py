"""Exports: projects (filtered as /api/projects) and boundary layers as GeoJSON, GeoPackage, Shapefile, KML, Excel."""

from typing import Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import SessionDep, SettingsDep, require
from api.params import FilterDep, MonthQuery
from api.responses import download, files
from geo.enums import Permission
from geo.files import HTML, Download
from geo.transfer.exports import FORMATS, export_layer, export_projects
from geo.transfer.offline_map import district_map_html

router = APIRouter(prefix="/api/exports", tags=["exports"], dependencies=[require(Permission.export_data)])
MEDIA_TYPES = sorted({media for media, _, _ in FORMATS.values()})
Format = Literal["geojson", "gpkg", "shp", "kml", "xlsx"]


@router.get(
    "/projects",
    response_class=Response,
    responses=files(*MEDIA_TYPES),
    summary="导出项目 / projects as a file",
)
def get_projects_export(
    session: SessionDep,
    settings: SettingsDep,
    filters: FilterDep,
    month: MonthQuery,
    format: Format = Query("xlsx", description="geojson, gpkg, shp (zipped, UTF-8 .cpg), kml or xlsx"),
):
    """The projects /api/projects would return for the same filters and month; Excel uses the register's headers."""
    return download(export_projects(session, settings=settings, filters=filters, month=month, fmt=format))


@router.get(
    "/layers/{layer}",
    response_class=Response,
    responses=files(*MEDIA_TYPES),
    summary="导出图层 / a layer as a file",
)
def get_layer_export(
    session: SessionDep,
    layer: Literal["districts", "zones", "bases"],
    format: Format = Query("gpkg", description="geojson, gpkg, shp (zipped, UTF-8 .cpg), kml or xlsx"),
):
    """Districts, zones or bases at full precision (imports back unchanged)."""
    return download(export_layer(session, layer=layer, fmt=format))


@router.get(
    "/map",
    response_class=Response,
    responses=files(HTML),
    summary="离线地图 / one district's projects and layers as a single offline HTML file (folium)",
)
def get_offline_map(
    session: SessionDep,
    settings: SettingsDep,
    district: str = Query(description="区市, e.g. 荣成市"),
):
    """The same file as `warroom export-map`: Leaflet inlined, no tiles, no CDN; opens from disk."""
    html = district_map_html(session, settings=settings, district=district)
    return download(Download(html.encode("utf-8"), HTML, f"{district}-离线地图.html"))
