"""The month's war-room dashboard: every figure of web/dashboard.html in one answer."""

from fastapi import APIRouter

from api.deps import SessionDep, SettingsDep, require
from api.params import MonthQuery
from api.responses import RawJSONResponse, documented
from api.schemas import DASHBOARD
from geo.enums import Permission
from geo.periods import Period
from geo.progress.dashboard import dashboard_json, latest_report_month

router = APIRouter(prefix="/api", tags=["dashboard"], dependencies=[require(Permission.read_public)])


@router.get(
    "/dashboard",
    response_class=RawJSONResponse,
    responses=documented(RawJSONResponse.media_type, DASHBOARD),
    summary="月度调度看板 / monthly dashboard data",
)
def get_dashboard(
    session: SessionDep,
    settings: SettingsDep,
    month: MonthQuery,
):
    """Planned vs completed investment by district, cluster and base, status and light counts, trends, lagging list."""
    last = month or latest_report_month(session)  # default: the newest reported month
    return RawJSONResponse(dashboard_json(session, settings=settings, period=Period("monthly", last, last)))
