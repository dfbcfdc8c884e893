"""The assessment (考核): league tables of districts and lead departments, one unit's breakdown and trend, Excel."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from api.deps import SessionDep, SettingsDep, require
from api.responses import documented, download, files
from api.schemas import ASSESSMENT_LEAGUE, ASSESSMENT_UNIT
from geo.assessment.criteria import KINDS
from geo.assessment.league import check_kind, league, league_xlsx, parse_period, unit_detail
from geo.enums import Permission
from geo.files import XLSX

router = APIRouter(prefix="/api", tags=["assessment"], dependencies=[require(Permission.read_public)])


async def _period(period: str | None = Query(None, max_length=7, description="YYYY-MM or YYYY-Qn; default 最新")):
    return period


async def _kind(
    kind: str = Query(
        "district",
        max_length=16,
        description="district (区市) | department (牵头部门)",
        json_schema_extra={"enum": list(KINDS)},
    ),
) -> str:
    return check_kind(kind)


PeriodQuery = Annotated[str | None, Depends(_period)]
KindQuery = Annotated[str, Depends(_kind)]


@router.get(
    "/assessment",
    summary="考核排名 / assessment league table",
    responses=documented("application/json", ASSESSMENT_LEAGUE),
)
def get_league(session: SessionDep, settings: SettingsDep, period: PeriodQuery, kind: KindQuery) -> dict:
    """Every district's (or lead department's) score for the month or quarter: rank, movement, breakdown, 红黑榜."""
    return league(session, settings=settings, kind=kind, period=parse_period(period, session, settings))


@router.get(
    "/assessment.xlsx",
    summary="考核排名 Excel / the league table as Excel",
    responses=files(XLSX),
)
def get_league_xlsx(session: SessionDep, settings: SettingsDep, period: PeriodQuery, kind: KindQuery):
    """The league table, every breakdown and the weights as an Excel workbook."""
    p = parse_period(period, session, settings)
    return download(league_xlsx(session, settings=settings, kind=kind, period=p))


@router.get(
    "/assessment/{kind}/{name}",
    summary="考核明细 / one unit's breakdown and trend",
    responses=documented("application/json", ASSESSMENT_UNIT),
)
def get_unit(
    session: SessionDep,
    settings: SettingsDep,
    period: PeriodQuery,
    kind: Annotated[
        str, Path(max_length=16, description="district | department", json_schema_extra={"enum": list(KINDS)})
    ],
    name: Annotated[str, Path(max_length=64, description="区市 or 部门 name")],
) -> dict:
    """One unit's breakdown per criterion (raw, score, weight, points), rank and movement, and its 12-month trend."""
    check_kind(kind)
    return unit_detail(session, settings=settings, kind=kind, name=name, period=parse_period(period, session, settings))
