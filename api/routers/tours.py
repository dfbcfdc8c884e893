"""观摩 inspection tours: list, create (from the map's filters or picked projects), reorder, documents, scores."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.deps import SessionDep, SettingsDep, require
from api.params import MAX_ID, FilterDep, MonthQuery
from api.responses import download, files
from api.schemas import Out
from geo.accounts.principal import Principal
from geo.enums import Permission
from geo.files import PDF, XLSX
from geo.periods import monthly, quarterly
from geo.tours.itinerary import itinerary_pdf, scoresheet
from geo.tours.tours import (
    COMMISSION,
    LIGHT_CODES,
    MAX_STOPS,
    ScoreInput,
    Start,
    create_tour,
    get_tour,
    list_tours,
    project_tour_scores,
    select_projects,
    set_stops,
    tour_scores,
)
from geo.tours.tours import enter_scores as store_scores

router = APIRouter(prefix="/api/tours", tags=["tours"], dependencies=[require(Permission.read)])
Planner = Annotated[Principal, require(Permission.plan_tours)]
TourId = Annotated[int, Path(ge=1, le=MAX_ID, description="观摩路线 id / tour id")]
ProjectIds = Annotated[list[Annotated[int, Field(ge=1, le=MAX_ID)]], Field(max_length=MAX_STOPS * 10)]


class StartBody(BaseModel):
    """Where the tour sets out from, e.g. the commission."""

    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
    label: str = Field("起点", min_length=1, max_length=50)


class TourBody(BaseModel):
    """A new tour; without project_ids the projects are those matching the query's map filters."""

    name: str = Field(min_length=1, max_length=100, description="观摩路线名称")
    date: dt.date = Field(description="观摩日期 YYYY-MM-DD")
    note: str | None = Field(None, max_length=1000, description="组织说明 / organiser's note")
    start: StartBody | None = Field(None, description="where the tour sets out from")
    from_commission: bool = Field(False, description="set out from the commission (市发改委) when no start is given")
    project_ids: ProjectIds | None = Field(None, description="picked projects; omit to take the filter's")


class StopsBody(BaseModel):
    """The stops in the order wanted; `optimise` reorders them by straight-line distance instead."""

    project_ids: ProjectIds
    optimise: bool = False


class ScoreItem(BaseModel):
    """One score of one stop on one criterion (0–100); null clears it."""

    project_id: int = Field(ge=1, le=MAX_ID)
    criterion: str = Field(min_length=1, max_length=50)
    score: Decimal | None = Field(None, description="0–100", max_digits=8, decimal_places=3)


class ScoresBody(BaseModel):
    """One inspecting official's scores."""

    scorer: str = Field(min_length=1, max_length=50, description="评分人")
    scores: list[ScoreItem] = Field(max_length=1000)


class TourSummary(Out):
    """A tour in the list."""

    id: int
    name: str
    date: str
    note: str | None
    stops: int
    scores: int


class Tour(Out):
    """A tour with its ordered stops (facts at the latest closed month, straight-line legs), criteria and scores."""

    id: int
    name: str
    date: str
    note: str | None
    start: dict[str, Any] | None
    criteria: list[dict[str, Any]]
    month: str
    route_note: str
    total_km: float
    stops: list[dict[str, Any]]
    scores: list[dict[str, Any]]


class TourScores(Out):
    """Weighted tour scores of a period by district and by project (the assessment's tour criterion)."""

    period: str
    districts: dict[str, float]
    projects: dict[str, float]


@router.get("", summary="观摩路线 / tours")
def get_tours(session: SessionDep) -> list[TourSummary]:
    """Every tour, latest date first."""
    return list_tours(session)


@router.post("", status_code=201, summary="新建观摩路线 / create a tour")
def post_tour(
    session: SessionDep,
    settings: SettingsDep,
    actor: Planner,
    body: TourBody,
    filters: FilterDep,
    month: MonthQuery,
    light: str | None = Query(None, max_length=8, json_schema_extra={"enum": list(LIGHT_CODES)}),
) -> Tour:
    """Make a tour of the picked projects, or of the projects the map shows for the query's filters (district, cluster,
    zone, base, status, light, month), ordered by straight-line distance from the start; audited."""
    ids = body.project_ids
    if ids is None:
        ids = select_projects(session, settings=settings, filters=filters, month=month, light=light)
    start = Start(body.start.lon, body.start.lat, body.start.label) if body.start else None
    if start is None and body.from_commission:
        start = Start(COMMISSION["lon"], COMMISSION["lat"], COMMISSION["label"])
    return create_tour(
        session,
        settings=settings,
        actor=actor,
        name=body.name,
        date=body.date,
        note=body.note,
        start=start,
        project_ids=list(ids),
    )


@router.get("/scores", summary="观摩评分汇总 / weighted tour scores of a period")
def get_tour_scores(
    session: SessionDep,
    period: str = Query(max_length=7, description="YYYY-MM or YYYY-Qn"),
) -> TourScores:
    """Each district's and project's weighted tour score over the tours dated in the month or quarter."""
    parsed = quarterly(period) if "q" in period.lower() else monthly(period)
    return {
        "period": parsed.label,
        "districts": tour_scores(session, parsed),
        "projects": {str(k): v for k, v in project_tour_scores(session, parsed).items()},
    }


@router.get("/{tour_id}", summary="观摩路线详情 / a tour")
def get_one(session: SessionDep, settings: SettingsDep, tour_id: TourId) -> Tour:
    """The tour's stops in order with facts, straight-line legs and total, criteria, scores."""
    return get_tour(session, settings=settings, tour_id=tour_id)


@router.put("/{tour_id}/stops", summary="调整站点和顺序 / set or reorder the stops")
def put_stops(session: SessionDep, settings: SettingsDep, actor: Planner, tour_id: TourId, body: StopsBody) -> Tour:
    """Replace the stops in the order given, or reorder them by distance (`optimise`); audited."""
    return set_stops(
        session,
        settings=settings,
        actor=actor,
        tour_id=tour_id,
        project_ids=list(body.project_ids),
        optimise=body.optimise,
    )


@router.put("/{tour_id}/scores", summary="录入观摩评分 / enter an official's scores")
def put_scores(session: SessionDep, settings: SettingsDep, actor: Planner, tour_id: TourId, body: ScoresBody) -> Tour:
    """Store one official's scores per stop and criterion (all or none); audited."""
    return store_scores(
        session,
        settings=settings,
        actor=actor,
        tour_id=tour_id,
        scorer=body.scorer,
        scores=[ScoreInput(s.project_id, s.criterion, s.score) for s in body.scores],
    )


@router.get(
    "/{tour_id}/itinerary.pdf",
    summary="观摩路线手册 / itinerary PDF",
    response_class=Response,
    responses=files(PDF),
)
def get_itinerary(session: SessionDep, settings: SettingsDep, tour_id: TourId):
    """Cover, map of the numbered stops with straight connecting lines, and one section per stop."""
    return download(itinerary_pdf(session, settings=settings, tour_id=tour_id))


@router.get(
    "/{tour_id}/scoresheet.{fmt}",
    summary="观摩评分表 / scoring sheet (pdf | xlsx)",
    response_class=Response,
    responses=files(PDF, XLSX),
)
def get_scoresheet(session: SessionDep, settings: SettingsDep, tour_id: TourId, fmt: Literal["pdf", "xlsx"]):
    """One row per stop, one column per criterion with its weight, for the inspecting officials."""
    return download(scoresheet(session, settings=settings, tour_id=tour_id, fmt=fmt))
