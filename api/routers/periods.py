"""The monthly dispatch cycle: which month is due and shown, each month's state, closing, completeness, 催报单."""

from typing import Annotated

from fastapi import APIRouter
from fastapi.responses import Response

from api.deps import SessionDep, SettingsDep, require
from api.params import DistrictQuery, MonthPath
from api.responses import RawJSONResponse, documented, download, files
from api.schemas import COMPLETENESS, PERIOD_CLOSED, PERIODS
from geo.accounts.principal import Principal
from geo.enums import Permission
from geo.files import XLSX
from geo.progress.completeness import completeness_json, reminder_xlsx
from geo.progress.cycle import close_month, periods_overview

router = APIRouter(prefix="/api/periods", tags=["dispatch cycle"], dependencies=[require(Permission.read_public)])


@router.get("", summary="调度周期 / the dispatch cycle's months", responses=documented("application/json", PERIODS))
def get_periods(session: SessionDep, settings: SettingsDep) -> dict:
    """Today's due month (the forms' default) and shown month (最新), and the recent months with their states."""
    return periods_overview(session, settings)


@router.post(
    "/{month}/close",
    summary="月度关账 / close a month",
    responses={**documented("application/json", PERIOD_CLOSED), 409: {"description": "already closed"}},
)
def post_close(
    session: SessionDep,
    settings: SettingsDep,
    actor: Annotated[Principal, require(Permission.close_periods)],
    month: MonthPath,
) -> dict:
    """Close an ended month: the city's figures move to it; later changes are corrections awaiting approval."""
    return close_month(session, settings=settings, actor=actor, month=month)


@router.get(
    "/{month}/completeness",
    response_class=RawJSONResponse,
    responses=documented(RawJSONResponse.media_type, COMPLETENESS),
    summary="填报率 / reported and due, photos, the unreported list",
)
def get_completeness(session: SessionDep, month: MonthPath, district: DistrictQuery):
    """Reported / due and photos received / due, city-wide and by district, and the projects not yet reported."""
    return RawJSONResponse(completeness_json(session, month=month, district=district))


@router.get(
    "/{month}/reminders.xlsx",
    summary="催报单 / reminder list (Excel)",
    response_class=Response,
    responses=files(XLSX),
    dependencies=[require(Permission.read)],
)
def get_reminders(session: SessionDep, settings: SettingsDep, month: MonthPath, district: DistrictQuery):
    """The projects not yet reported, with responsible unit and person, one sheet per district."""
    return download(reminder_xlsx(session, settings=settings, month=month, district=district))
