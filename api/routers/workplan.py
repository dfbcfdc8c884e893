"""A project's work plan: the monthly plan (定投资计划), milestones (节点) with evidence, the responsible leader."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.deps import SessionDep, SettingsDep, require
from api.errors import problems
from api.params import MAX_ID, ProjectId
from api.responses import download, files
from api.uploads import read_upload
from geo.accounts.principal import Principal
from geo.enums import Permission
from geo.workplan.documents import MEDIA_TYPES, attach_document, read_document
from geo.workplan.leaders import put_leader
from geo.workplan.milestones import create_milestone, delete_milestone, list_milestones, update_milestone
from geo.workplan.plans import MAX_YEAR, MIN_YEAR, MonthPlan, get_plan, put_plan

router = APIRouter(prefix="/api/projects", tags=["work plan"], dependencies=[require(Permission.read_public)])
Planner = Annotated[Principal, require(Permission.plan_projects)]
MilestoneId = Annotated[int, Path(ge=1, le=MAX_ID, description="节点 id / milestone id")]
YearQuery = Annotated[
    int | None, Query(ge=MIN_YEAR, le=MAX_YEAR, description="年份, default WARROOM_PLAN_YEAR (the plan year)")
]


class MonthBody(BaseModel):
    """One month of the plan; either figure may be left out."""

    month: str = Field(max_length=7, description="YYYY-MM, within the plan's year")
    planned_investment: Decimal | None = Field(None, description="计划投资, 亿元 (≥ 0, 2 decimals)")
    planned_progress: Decimal | None = Field(None, description="计划形象进度 % at the month's end, 0–100")


class PlanBody(BaseModel):
    """The whole year's plan: months left out are cleared; the investments must sum to the year plan."""

    months: list[MonthBody] = Field(max_length=12)


@router.get("/{project_id}/plan", summary="月度投资计划 / a project's monthly plan")
def get_project_plan(session: SessionDep, settings: SettingsDep, project_id: ProjectId, year: YearQuery = None):
    """Twelve months of planned investment and image progress, their sum and its difference from the year plan."""
    return get_plan(session, settings=settings, project_id=project_id, year=year)


@router.put("/{project_id}/plan", summary="编制月度投资计划 / set a project's monthly plan")
def put_project_plan(
    session: SessionDep,
    settings: SettingsDep,
    actor: Planner,
    project_id: ProjectId,
    body: PlanBody,
    year: YearQuery = None,
):
    """Replace the year's plan. For the plan year the months' investments must sum exactly to the project's 年度计划
    投资 (422 states the difference); planned progress must not fall from month to month. The lights read it."""
    months = [MonthPlan(**m.model_dump()) for m in body.months]
    return put_plan(
        session, settings=settings, actor=actor, project_id=project_id, year=year or settings.plan_year, months=months
    )


class MilestoneBody(BaseModel):
    """A milestone: name, planned date, and optionally done date, responsible unit, an evidence photo of the project."""

    name: str = Field(max_length=200, description="节点名称")
    planned_date: dt.date = Field(description="计划完成日期")
    done_date: dt.date | None = Field(None, description="实际完成日期 (marks it done; not in the future)")
    responsible_unit: str | None = Field(None, max_length=200, description="责任单位")
    evidence_photo_id: int | None = Field(None, ge=1, le=MAX_ID, description="佐证照片: a photo of this project")


class MilestoneChange(BaseModel):
    """Fields to change; those left out stay as they are (send done_date null to reopen)."""

    name: str | None = Field(None, max_length=200)
    planned_date: dt.date | None = None
    done_date: dt.date | None = None
    responsible_unit: str | None = Field(None, max_length=200)
    evidence_photo_id: int | None = Field(None, ge=1, le=MAX_ID)


@router.get("/{project_id}/milestones", summary="节点清单 / a project's milestones")
def get_milestones(session: SessionDep, settings: SettingsDep, project_id: ProjectId):
    """The milestones by planned date, each with its days overdue today (0 when done or not yet due)."""
    return list_milestones(session, settings=settings, project_id=project_id)


@router.post("/{project_id}/milestones", status_code=201, summary="新增节点 / add a milestone")
def post_milestone(
    session: SessionDep, settings: SettingsDep, actor: Planner, project_id: ProjectId, body: MilestoneBody
):
    """Add a milestone; once its planned date has passed at a month's end without a done date, the light turns yellow
    (red beyond WARROOM_MILESTONE_RED_DAYS)."""
    return create_milestone(session, settings=settings, actor=actor, project_id=project_id, fields=body.model_dump())


@router.patch("/{project_id}/milestones/{milestone_id}", summary="修改节点 / change a milestone")
def patch_milestone(
    session: SessionDep,
    settings: SettingsDep,
    actor: Planner,
    project_id: ProjectId,
    milestone_id: MilestoneId,
    body: MilestoneChange,
):
    """Change the fields sent (a done date marks it done)."""
    return update_milestone(
        session,
        settings=settings,
        actor=actor,
        project_id=project_id,
        milestone_id=milestone_id,
        change=body.model_dump(exclude_unset=True),
    )


@router.delete(
    "/{project_id}/milestones/{milestone_id}",
    status_code=204,
    response_class=Response,
    summary="删除节点 / delete a milestone",
)
def remove_milestone(session: SessionDep, actor: Planner, project_id: ProjectId, milestone_id: MilestoneId):
    """Delete the milestone (the audit log keeps what it was)."""
    delete_milestone(session, actor=actor, project_id=project_id, milestone_id=milestone_id)
    return Response(status_code=204)


@router.put(
    "/{project_id}/milestones/{milestone_id}/document",
    responses=problems(413, 415),
    summary="上传节点佐证材料 / attach a milestone's evidence document",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {"file": {"type": "string", "contentMediaType": "application/octet-stream"}},
                    }
                }
            },
        }
    },
)
async def put_document(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    actor: Planner,
    project_id: ProjectId,
    milestone_id: MilestoneId,
):
    """A PDF or Office document (multipart `file`, recognised by its content, at most WARROOM_DOCUMENT_MAX_MB) as the
    milestone's evidence; it replaces the one before."""
    upload = await read_upload(request, settings)
    attach_document(
        session, settings=settings, actor=actor, project_id=project_id, milestone_id=milestone_id, upload=upload
    )
    return list_milestones(session, settings=settings, project_id=project_id)


@router.get(
    "/{project_id}/milestones/{milestone_id}/document",
    response_class=Response,
    responses=files(*sorted(set(MEDIA_TYPES.values()))),
    dependencies=[require(Permission.read)],
    summary="节点佐证材料 / a milestone's evidence document",
)
def get_document(session: SessionDep, settings: SettingsDep, project_id: ProjectId, milestone_id: MilestoneId):
    """The document as uploaded (signed-in accounts only)."""
    return download(read_document(session, settings=settings, project_id=project_id, milestone_id=milestone_id))


class LeaderBody(BaseModel):
    """分包责任人: the leader answering for the project (blank fields clear)."""

    name: str | None = Field(None, max_length=100, description="姓名")
    title: str | None = Field(None, max_length=100, description="职务")
    unit: str | None = Field(None, max_length=200, description="单位")


@router.put("/{project_id}/leader", summary="设置分包责任人 / set a project's responsible leader")
def put_project_leader(session: SessionDep, actor: Planner, project_id: ProjectId, body: LeaderBody):
    """Set the leader's name, title and unit, shown on the card and in exports."""
    return put_leader(session, actor=actor, project_id=project_id, name=body.name, title=body.title, unit=body.unit)
