"""The month's war-room dashboard: every figure of web/dashboard.html in one answer."""

from fastapi import APIRouter

from api.caching import NOT_MODIFIED, CacheDep
from api.deps import SessionDep, SettingsDep, require
from api.params import MonthQuery
from api.responses import RawJSONResponse, documented
from api.schemas import DASHBOARD
from geo.enums import Permission
from geo.progress.dashboard import dashboard_json

router = APIRouter(prefix="/api", tags=["dashboard"], dependencies=[require(Permission.read_public)])


@router.get(
    "/dashboard",
    response_class=RawJSONResponse,
    responses=documented(RawJSONResponse.media_type, DASHBOARD) | NOT_MODIFIED,
    summary="月度调度看板 / monthly dashboard data",
)
async def get_dashboard(
    session: SessionDep,
    settings: SettingsDep,
    month: MonthQuery,
    cache: CacheDep,
):
    """The month (default 最新, the latest closed): investment, lights, completeness by group; the trend."""
    return await cache.answer(RawJSONResponse, lambda: dashboard_json(session, settings=settings, month=month))
