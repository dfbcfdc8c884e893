"""Problems to coordinate (问题清单): track a report's 存在问题, edit, move through its states, list with the overdue
rule."""

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import SessionDep, SettingsDep, require
from api.errors import problems
from api.params import MAX_ID, DistrictQuery, MonthQuery, ProblemId
from api.responses import RawJSONResponse, documented
from geo.accounts.principal import Principal
from geo.enums import PROBLEM_STATE_CODES, Permission
from geo.problems.tracking import (
    ProblemFilter,
    create_problem,
    list_problems,
    transition_problem,
    update_problem,
)

router = APIRouter(prefix="/api/problems", tags=["problems"], dependencies=[require(Permission.read_public)])

_STATE = {"enum": list(PROBLEM_STATE_CODES)}
PROBLEM = {
    "type": "object",
    "required": ["id", "project_id", "description", "department", "deadline", "status", "overdue", "history"],
    "properties": {
        "id": {"type": "integer"},
        "project_id": {"type": "integer"},
        "district": {"type": "string"},
        "source_month": {"type": ["string", "null"]},
        "deadline": {"type": "string", "format": "date"},
        "status": _STATE,
        "overdue": {"type": "boolean"},
        "overdue_days": {"type": ["integer", "null"]},
        "history": {"type": "array", "items": {"type": "object", "required": ["at", "actor", "kind"]}},
    },
}
PROBLEM_LIST = {
    "type": "object",
    "required": ["as_of", "count", "open", "overdue", "by_district", "problems"],
    "properties": {
        "as_of": {"type": "string", "format": "date"},
        "count": {"type": "integer"},
        "open": {"type": "integer"},
        "overdue": {"type": "integer"},
        "by_district": {
            "type": "array",
            "items": {"type": "object", "required": ["district", "open", "overdue"]},
        },
        "problems": {"type": "array", "items": PROBLEM},
    },
}


class NewProblem(BaseModel):
    """A problem to track: from a report (its 存在问题 is the default description) or for a project directly."""

    project_id: int | None = Field(None, ge=1, le=MAX_ID, description="项目 id (optional with report_id)")
    report_id: int | None = Field(None, ge=1, le=MAX_ID, description="月度进度 id whose 存在问题 this is")
    description: str | None = Field(None, max_length=2000, description="问题描述 (default: the report's 存在问题)")
    department: str = Field(max_length=100, description="牵头协调部门 (free text; /api/meta suggests some)")
    action: str | None = Field(None, max_length=2000, description="协调事项 / requested action")
    deadline: dt.date = Field(description="办结时限 / deadline (YYYY-MM-DD)")


class ProblemChange(BaseModel):
    """The fields to change; those left out stay as they are."""

    description: str | None = Field(None, max_length=2000)
    department: str | None = Field(None, max_length=100)
    action: str | None = Field(None, max_length=2000)
    deadline: dt.date | None = None


class Transition(BaseModel):
    """The state to move to, and a note (required to close: how the problem was solved)."""

    to: Literal["open", "coordinating", "resolved"] = Field(
        description="coordinating (协调中) | resolved (已解决·销号)"
    )
    note: str | None = Field(None, max_length=2000, description="说明; 销号时必填 / required to resolve")


@router.get(
    "",
    response_class=RawJSONResponse,
    responses={**documented(RawJSONResponse.media_type, PROBLEM_LIST), **problems(404)},  # an unknown project
    summary="督办问题清单 / problems to coordinate",
)
def get_problems(
    session: SessionDep,
    settings: SettingsDep,
    district: DistrictQuery,
    month: MonthQuery,
    status: Annotated[
        str | None, Query(max_length=16, description="状态", json_schema_extra={"enum": list(PROBLEM_STATE_CODES)})
    ] = None,
    overdue: Annotated[bool | None, Query(description="true: only overdue; false: only not overdue")] = None,
    project: Annotated[int | None, Query(ge=1, le=MAX_ID, description="项目 id")] = None,
):
    """Overdue first; overdue means past the deadline and not closed, as of the month's end (or today)."""
    filters = ProblemFilter(district=district, status=status, overdue=overdue, project_id=project, month=month)
    return RawJSONResponse(list_problems(session, settings=settings, filters=filters))


@router.post(
    "",
    status_code=201,
    responses={201: documented("application/json", PROBLEM)[200], **problems(404)},  # unknown project or report
    summary="登记督办问题 / track a problem",
)
def post_problem(
    session: SessionDep,
    settings: SettingsDep,
    actor: Annotated[Principal, require(Permission.track_problems)],
    body: NewProblem,
) -> dict:
    """Planners for any project, district reporters for their own district's; it starts 待协调."""
    return create_problem(session, settings=settings, actor=actor, **body.model_dump())


@router.patch(
    "/{problem_id}",
    responses=documented("application/json", PROBLEM),
    summary="修改督办问题 / change a problem",
)
def patch_problem(
    session: SessionDep,
    settings: SettingsDep,
    actor: Annotated[Principal, require(Permission.track_problems)],
    problem_id: ProblemId,
    body: ProblemChange,
) -> dict:
    """Change description, department, requested action or deadline of a problem not yet closed."""
    return update_problem(
        session, settings=settings, actor=actor, problem_id=problem_id, changes=body.model_dump(exclude_unset=True)
    )


@router.post(
    "/{problem_id}/transition",
    responses=documented("application/json", PROBLEM),
    summary="推进或销号 / move on or close",
)
def post_transition(
    session: SessionDep,
    settings: SettingsDep,
    actor: Annotated[Principal, require(Permission.coordinate_problems)],
    problem_id: ProblemId,
    body: Transition,
) -> dict:
    """待协调 → 协调中 → 已解决 (销号); closing needs the note saying how it was solved."""
    return transition_problem(
        session, settings=settings, actor=actor, problem_id=problem_id, to=body.to, note=body.note
    )
