"""The project library edited from the browser: create, edit, retire (退库), restore; versions; reporters' proposals."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from api.deps import SessionDep, SettingsDep, require
from api.params import MAX_ID, ProjectId
from geo.accounts.principal import Principal
from geo.enums import Permission
from geo.periods import parse_month
from geo.projects.edit import create_project, restore_project, retire_project, update_project
from geo.projects.proposals import decide_proposal, list_proposals, propose_change
from geo.projects.versions import project_history

router = APIRouter(prefix="/api", tags=["project library"])

Editor = Annotated[Principal, require(Permission.edit_projects)]
ProposalId = Annotated[int, Path(ge=1, le=MAX_ID, description="提议 id / proposal id")]

Text = Annotated[str, Field(max_length=500)]
Value = Text | int | float | None  # numbers may come as text ("12.50", exact) or JSON numbers


class ProjectFields(BaseModel):
    """A project's library fields, checked as a register row is; on PATCH only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    code: Value = Field(None, description="项目编号 (≤ 32 characters, unique)")
    name: Value = Field(None, description="项目名称")
    district: Value = Field(None, description="所属区市, e.g. 荣成市")
    cluster: Value = Field(None, description="产业集群")
    investment_total: Value = Field(None, description='总投资(亿元), exact decimal such as "12.50"')
    investment_year: Value = Field(None, description="年度计划投资(亿元)")
    status: Value = Field(None, description="建设状态: code or name (planning | construction | completed | stalled)")
    progress: Value = Field(None, description="形象进度 %, 0–100")
    unit: Value = Field(None, description="责任单位")
    person: Value = Field(None, description="责任人")
    start_date: Value = Field(None, description="开工日期 YYYY-MM-DD")
    end_date: Value = Field(None, description="计划竣工日期 YYYY-MM-DD")
    lon: Value = Field(None, description="经度 (WGS84 unless coords/crs say otherwise)")
    lat: Value = Field(None, description="纬度")
    coords: Literal["wgs84", "gcj02"] = Field("wgs84", description="gcj02: picked from a Chinese web map (高德/腾讯)")
    crs: str | None = Field(None, max_length=32, description="the lon/lat columns' CRS, e.g. EPSG:4549")
    note: str | None = Field(None, max_length=1000, description="说明, kept with the version")

    def fields(self) -> dict:
        """The project fields that were sent (absent ones stay as they are)."""
        return {k: getattr(self, k) for k in self.model_fields_set if k not in ("coords", "crs", "note")}


class Written(BaseModel):
    """The project as now stored (a GeoJSON Feature) and the version the write made (null when nothing changed)."""

    project: dict[str, Any]
    version: dict[str, Any] | None


class RetireBody(BaseModel):
    """退库: why, and from which month (default: the month shown as 最新)."""

    reason: str = Field(max_length=1000, description="退库原因")
    month: str | None = Field(None, max_length=7, description="YYYY-MM: the first month without the project")


class RestoreBody(BaseModel):
    """恢复入库, optionally saying why."""

    reason: str | None = Field(None, max_length=1000)


class History(BaseModel):
    """A project's versions, newest first; each change as label, before and after."""

    project_id: int
    versions: list[dict[str, Any]]


class Proposals(BaseModel):
    """Proposals, oldest first."""

    proposals: list[dict[str, Any]]


class Decision(BaseModel):
    """A planner's decision on a proposal."""

    decision: Literal["accept", "reject"] = Field(description="accept (采纳) | reject (驳回)")
    reason: str | None = Field(None, max_length=1000, description="驳回原因, required to reject")


@router.post("/projects", status_code=201, response_model=Written, summary="新建项目 / add a project")
def post_project(session: SessionDep, settings: SettingsDep, actor: Editor, body: ProjectFields):
    """Add a project; every field is checked as a register row is (swapped lon/lat, outside Weihai, unknown names
    with the nearest ones, exact amounts) and its district, zone and base are computed from the point."""
    return create_project(
        session,
        settings=settings,
        actor=actor,
        fields=body.fields(),
        coords=body.coords,
        crs=body.crs,
        note=body.note,
    )


@router.patch("/projects/{project_id}", response_model=Written, summary="修改项目 / change a project")
def patch_project(
    session: SessionDep, settings: SettingsDep, actor: Editor, project_id: ProjectId, body: ProjectFields
):
    """Change the fields sent (a new point is sited again); stored as the next version with before → after."""
    return update_project(
        session,
        settings=settings,
        actor=actor,
        project_id=project_id,
        fields=body.fields(),
        coords=body.coords,
        crs=body.crs,
        note=body.note,
    )


@router.post("/projects/{project_id}/retire", response_model=Written, summary="项目退库 / retire a project")
def post_retire(session: SessionDep, settings: SettingsDep, actor: Editor, project_id: ProjectId, body: RetireBody):
    """From `month` on the project leaves the map, totals, dashboard, bulletin and exports; earlier months, its
    reports, photos and history stay."""
    return retire_project(
        session,
        settings=settings,
        actor=actor,
        project_id=project_id,
        reason=body.reason,
        month=parse_month(body.month) if body.month else None,
    )


@router.post("/projects/{project_id}/restore", response_model=Written, summary="恢复入库 / restore a project")
def post_restore(
    session: SessionDep, settings: SettingsDep, actor: Editor, project_id: ProjectId, body: RestoreBody | None = None
):
    """Bring a retired project back: it counts again in every month."""
    return restore_project(
        session, settings=settings, actor=actor, project_id=project_id, reason=body.reason if body else None
    )


@router.get(
    "/projects/{project_id}/history",
    response_model=History,
    dependencies=[require(Permission.read)],
    summary="项目变更历史 / a project's versions",
)
def get_history(session: SessionDep, project_id: ProjectId):
    """Who changed what and when, each field as 旧值 → 新值 with its Chinese label."""
    return project_history(session, project_id=project_id)


@router.post(
    "/projects/{project_id}/proposals",
    status_code=201,
    response_model=dict[str, Any],
    summary="提议修改项目 / propose a change",
)
def post_proposal(
    session: SessionDep,
    actor: Annotated[Principal, require(Permission.propose_projects)],
    project_id: ProjectId,
    body: ProjectFields,
):
    """A district reporter proposes a change to a project of their district (checked now); a planner decides."""
    return propose_change(
        session,
        actor=actor,
        project_id=project_id,
        fields=body.fields(),
        coords=body.coords,
        crs=body.crs,
        note=body.note,
    )


@router.get(
    "/projects/{project_id}/proposals",
    response_model=Proposals,
    dependencies=[require(Permission.read)],
    summary="项目的修改提议 / a project's proposals",
)
def get_project_proposals(
    session: SessionDep,
    project_id: ProjectId,
    state: Literal["pending", "accepted", "rejected"] | None = Query(None, description="only in this state"),
):
    """A project's proposals, oldest first."""
    from geo.db.sql import require_project

    require_project(session, project_id)
    return list_proposals(session, state=state, project_id=project_id)


@router.get(
    "/project-proposals",
    response_model=Proposals,
    dependencies=[require(Permission.edit_projects)],
    summary="待处理的修改提议 / proposals to decide",
)
def get_proposals(
    session: SessionDep,
    state: Literal["pending", "accepted", "rejected"] = Query("pending", description="proposals in this state"),
):
    """Proposals of every project in a state (pending by default), oldest first."""
    return list_proposals(session, state=state)


@router.post(
    "/projects/{project_id}/proposals/{proposal_id}/decision",
    response_model=dict[str, Any],
    summary="采纳或驳回提议 / accept or reject a proposal",
)
def post_decision(session: SessionDep, actor: Editor, project_id: ProjectId, proposal_id: ProposalId, body: Decision):
    """Accept (applied, checked again, as the project's next version) or reject with a reason."""
    return decide_proposal(
        session,
        actor=actor,
        project_id=project_id,
        proposal_id=proposal_id,
        decision=body.decision,
        reason=body.reason,
    )
