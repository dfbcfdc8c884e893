"""Key projects: filtered FeatureCollection, one project, and summaries."""

from typing import Annotated

from fastapi import APIRouter, Path

from api.caching import NOT_MODIFIED, CacheDep
from api.deps import SessionDep, SettingsDep, require
from api.params import FieldsQuery, FilterDep, MonthQuery, ProjectId
from api.responses import (
    BINARY,
    FEATURE,
    FEATURE_COLLECTION,
    SUMMARY,
    GeoJSONResponse,
    RawJSONResponse,
    VectorTileResponse,
    documented,
)
from geo.enums import Permission
from geo.projects.queries import project_feature, projects_geojson, projects_summary
from geo.projects.tiles import MAX_ZOOM, projects_tile

router = APIRouter(prefix="/api", tags=["projects"], dependencies=[require(Permission.read_public)])


@router.get(
    "/projects",
    response_class=GeoJSONResponse,
    responses=documented(GeoJSONResponse.media_type, FEATURE_COLLECTION) | NOT_MODIFIED,
    summary="项目点 / projects as GeoJSON",
)
async def list_projects(
    session: SessionDep,
    settings: SettingsDep,
    filters: FilterDep,
    month: MonthQuery,
    fields: FieldsQuery,
    cache: CacheDep,
):
    """Projects matching every given filter, each with its progress, light, district, zone(s) and base(s)."""
    return await cache.answer(
        GeoJSONResponse,
        lambda: projects_geojson(session, settings=settings, filters=filters, month=month, fields=fields),
    )


TileZ = Annotated[int, Path(ge=0, le=MAX_ZOOM, description="缩放级别 / zoom level")]
TileXY = Annotated[int, Path(ge=0, le=2**MAX_ZOOM - 1, description="瓦片列或行 / tile column or row (XYZ)")]


@router.get(
    "/projects/tiles/{z}/{x}/{y}.mvt",
    response_class=VectorTileResponse,
    responses=documented(VectorTileResponse.media_type, BINARY) | NOT_MODIFIED,
    summary="项目矢量瓦片 / projects as vector tiles",
)
async def project_tile(
    session: SessionDep,
    settings: SettingsDep,
    z: TileZ,
    x: TileXY,
    y: TileXY,
    filters: FilterDep,
    month: MonthQuery,
    cache: CacheDep,
):
    """The map's projects in one XYZ tile (layers `projects` and, up to zoom 14, `clusters` of nearby projects with
    their counts per band and light, 64 px apart on a tile drawn at 1024 px), with the same filters, month and
    lights as /api/projects."""
    return await cache.answer(
        VectorTileResponse,
        lambda: projects_tile(session, settings=settings, filters=filters, z=z, x=x, y=y, month=month),
        store="tile_cache",
    )


@router.get(
    "/projects/{project_id}",
    response_class=GeoJSONResponse,
    responses=documented(GeoJSONResponse.media_type, FEATURE),
    summary="单个项目 / one project",
)
def get_project(session: SessionDep, settings: SettingsDep, project_id: ProjectId, month: MonthQuery):
    """One project as a GeoJSON Feature."""
    return GeoJSONResponse(project_feature(session, settings=settings, project_id=project_id, month=month))


@router.get(
    "/summary",
    response_class=RawJSONResponse,
    responses=documented(RawJSONResponse.media_type, SUMMARY) | NOT_MODIFIED,
    summary="汇总 / totals of the filtered projects",
)
async def get_summary(
    session: SessionDep, settings: SettingsDep, filters: FilterDep, month: MonthQuery, cache: CacheDep
):
    """Count, total and this-year investment (亿元), mean progress, and counts per status and light."""
    return await cache.answer(
        RawJSONResponse, lambda: projects_summary(session, settings=settings, filters=filters, month=month)
    )
