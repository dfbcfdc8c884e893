"""Key projects: filtered FeatureCollection, one project, and summaries."""

from fastapi import APIRouter

from api.caching import NOT_MODIFIED, CacheDep
from api.deps import SessionDep, SettingsDep, require
from api.params import FieldsQuery, FilterDep, MonthQuery, ProjectId
from api.responses import FEATURE, FEATURE_COLLECTION, SUMMARY, GeoJSONResponse, RawJSONResponse, documented
from geo.enums import Permission
from geo.projects.queries import project_feature, projects_geojson, projects_summary

router = APIRouter(prefix="/api", tags=["projects"], dependencies=[require(Permission.read_public)])


@router.get(
    "/projects",
    response_class=GeoJSONResponse,
    responses=documented(GeoJSONResponse.media_type, FEATURE_COLLECTION) | NOT_MODIFIED,
    summary="项目点 / projects as GeoJSON",
)
def list_projects(
    session: SessionDep,
    settings: SettingsDep,
    filters: FilterDep,
    month: MonthQuery,
    fields: FieldsQuery,
    cache: CacheDep,
):
    """Projects matching every given filter, each with its progress, light, district, zone(s) and base(s)."""
    return cache.answer(
        GeoJSONResponse,
        lambda: projects_geojson(session, settings=settings, filters=filters, month=month, fields=fields),
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
def get_summary(session: SessionDep, settings: SettingsDep, filters: FilterDep, month: MonthQuery, cache: CacheDep):
    """Count, total and this-year investment (亿元), mean progress, and counts per status and light."""
    return cache.answer(
        RawJSONResponse, lambda: projects_summary(session, settings=settings, filters=filters, month=month)
    )
