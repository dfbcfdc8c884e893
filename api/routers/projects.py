"""Key projects: filtered FeatureCollection, one project, and summaries."""
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from api.deps import SessionDep, SettingsDep, require
from api.responses import FEATURE, FEATURE_COLLECTION, SUMMARY, GeoJSONResponse, RawJSONResponse, documented
from geo.enums import CLUSTER_NAMES, DISTRICT_NAMES, STATUS_CODES, Permission
from geo.periods import parse_month
from geo.projects.queries import ProjectFilter, parse_bbox, parse_fields, project_feature, projects_geojson, projects_summary

router = APIRouter(prefix="/api", tags=["projects"], dependencies=[require(Permission.read_public)])


async def project_filter(
    district: str | None = Query(None, description="区市 name, e.g. 荣成市", json_schema_extra={"enum": list(DISTRICT_NAMES)}),
    cluster: str | None = Query(None, description="产业集群 name", json_schema_extra={"enum": list(CLUSTER_NAMES)}),
    zone: str | None = Query(None, description="功能区 name or code"),
    base: str | None = Query(None, description="基地 name or code"),
    status: str | None = Query(None, description="建设状态 code", json_schema_extra={"enum": list(STATUS_CODES)}),
    q: str | None = Query(None, max_length=100, description="name or code contains"),
    bbox: str | None = Query(None, description="minLon,minLat,maxLon,maxLat"),
) -> ProjectFilter:
    """Parse the shared filter parameters."""
    return ProjectFilter(district=district, cluster=cluster, zone=zone, base=base, status=status, q=q, bbox=parse_bbox(bbox))


FilterDep = Annotated[ProjectFilter, Depends(project_filter)]
MonthQuery = Annotated[str | None, Query(description="YYYY-MM: state at that month's end (reports as of then)")]


@router.get("/projects", response_class=GeoJSONResponse, responses=documented(GeoJSONResponse.media_type, FEATURE_COLLECTION), summary="项目点 / projects as GeoJSON")
def list_projects(session: SessionDep, settings: SettingsDep, filters: FilterDep, month: MonthQuery = None,
                  fields: str | None = Query(None, description="comma-separated subset of properties, e.g. id,name,progress,light")):
    """Projects matching every given filter, each with its progress, light, district, zone(s) and base(s)."""
    return GeoJSONResponse(projects_geojson(session, settings=settings, filters=filters, month=parse_month(month),
                                            fields=parse_fields(fields)))


@router.get("/projects/{project_id}", response_class=GeoJSONResponse, responses=documented(GeoJSONResponse.media_type, FEATURE), summary="单个项目 / one project")
def get_project(session: SessionDep, settings: SettingsDep, project_id: int = Path(ge=1, le=2**31 - 1),
                month: MonthQuery = None):
    """One project as a GeoJSON Feature."""
    return GeoJSONResponse(project_feature(session, settings=settings, project_id=project_id, month=parse_month(month)))


@router.get("/summary", response_class=RawJSONResponse, responses=documented(RawJSONResponse.media_type, SUMMARY), summary="汇总 / totals of the filtered projects")
def get_summary(session: SessionDep, settings: SettingsDep, filters: FilterDep, month: MonthQuery = None):
    """Count, total and this-year investment (亿元), mean progress, and counts per status and light."""
    return RawJSONResponse(projects_summary(session, settings=settings, filters=filters, month=parse_month(month)))
