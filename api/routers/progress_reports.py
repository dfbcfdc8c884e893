"""Monthly progress reports of a project: submit or correct, list, and a month's correction history."""

from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import SessionDep, SettingsDep, require
from api.params import IdempotencyKey, MonthPath, ProjectId
from api.responses import RawJSONResponse, documented
from api.schemas import REPORT, REPORTS
from geo.accounts.principal import Principal
from geo.enums import Permission
from geo.progress.reports import ReportInput, list_reports, report_history, review_report, submit_report

router = APIRouter(prefix="/api/projects", tags=["progress reports"], dependencies=[require(Permission.read_public)])


class ReportBody(BaseModel):
    """A monthly report: image progress %, investment completed (亿元), status, milestone, problems, next steps."""

    progress: Decimal = Field(description="形象进度 %, 0–100")
    investment_month: Decimal = Field(description="本月完成投资, 亿元")
    investment_cumulative: Decimal = Field(description="累计完成投资, 亿元 (≤ total investment)")
    status: str = Field(max_length=16, description="planning | construction | completed | stalled")
    milestone: str | None = Field(None, max_length=500, description="节点 reached")
    problems: str | None = Field(None, max_length=2000, description="存在问题")
    next_steps: str | None = Field(None, max_length=2000, description="下步计划")
    regress_reason: str | None = Field(
        None, max_length=500, description="required when progress is below the previous month"
    )
    reported_by: str | None = Field(None, max_length=100)


@router.get(
    "/{project_id}/reports",
    response_class=RawJSONResponse,
    responses=documented(RawJSONResponse.media_type, REPORTS),
    summary="月度进度 / a project's monthly reports",
)
def get_reports(session: SessionDep, project_id: ProjectId):
    """The current report of every month, newest first."""
    return RawJSONResponse(list_reports(session, project_id=project_id))


@router.put(
    "/{project_id}/reports/{month}",
    response_class=RawJSONResponse,
    responses={
        **documented(RawJSONResponse.media_type, REPORT),
        201: documented(RawJSONResponse.media_type, REPORT)[200],
    },
    summary="填报或更正月度进度 / submit or correct",
)
def put_report(
    session: SessionDep,
    settings: SettingsDep,
    actor: Annotated[Principal, require(Permission.submit_reports)],
    project_id: ProjectId,
    month: MonthPath,
    body: ReportBody,
    idempotency_key: IdempotencyKey,
):
    """File the month's report (201 the first time, else 200; earlier versions stay in the history). It awaits review
    when review is on, and is a correction awaiting approval when the month is closed."""
    stored, created = submit_report(
        session,
        settings=settings,
        actor=actor,
        project_id=project_id,
        month=month,
        report=ReportInput(**body.model_dump()),
        idempotency_key=idempotency_key,
    )
    return RawJSONResponse(stored, status_code=201 if created else 200)


@router.get(
    "/{project_id}/reports/{month}/history",
    response_class=RawJSONResponse,
    responses=documented(RawJSONResponse.media_type, REPORTS),
    summary="更正记录 / correction history",
)
def get_history(session: SessionDep, project_id: ProjectId, month: MonthPath):
    """Every version of the month's report, the current one first."""
    return RawJSONResponse(report_history(session, project_id=project_id, month=month))


class ReviewBody(BaseModel):
    """A planner's decision on a submission: pass it, or return it with the reason the reporter will read."""

    decision: Literal["pass", "return"] = Field(description="pass (通过) | return (退回)")
    reason: str | None = Field(None, max_length=1000, description="退回原因, required to return")


@router.post(
    "/{project_id}/reports/{month}/review",
    response_class=RawJSONResponse,
    responses={**documented(RawJSONResponse.media_type, REPORT), 409: {"description": "nothing awaits review"}},
    summary="审核月度进度 / pass or return a report",
)
def post_review(
    session: SessionDep,
    actor: Annotated[Principal, require(Permission.review_reports)],
    project_id: ProjectId,
    month: MonthPath,
    body: ReviewBody,
):
    """Pass (it then counts in every figure, replacing the passed version) or return with a reason."""
    return RawJSONResponse(
        review_report(
            session, actor=actor, project_id=project_id, month=month, decision=body.decision, reason=body.reason
        )
    )
