"""The key tasks (重点任务): register, one task, dashboard counts, monthly task reports, evidence; the departments."""

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.deps import SessionDep, SettingsDep, require
from api.errors import problems
from api.params import MAX_ID, DepartmentId, EvidenceId, MonthPath, MonthQuery, TaskFilterDep, TaskId
from api.responses import RawJSONResponse, documented, download, files
from api.schemas import (
    DEPARTMENT,
    DEPARTMENTS,
    TASK_CARD,
    TASK_EVIDENCE,
    TASK_EVIDENCE_LIST,
    TASK_LIST,
    TASK_REPORT,
    TASK_REPORTS,
    TASKS_SUMMARY,
)
from api.uploads import read_upload
from geo.accounts.principal import Principal
from geo.enums import DOCUMENT_FORMATS, Permission
from geo.periods import parse_month
from geo.tasks.departments import create_department, list_departments, update_department
from geo.tasks.editing import TaskChange, create_task, update_task
from geo.tasks.evidence import add_evidence, evidence_file, list_evidence
from geo.tasks.register import get_task, list_tasks, tasks_summary
from geo.tasks.reports import (
    TaskReportInput,
    list_task_reports,
    review_task_report,
    submit_task_report,
    task_report_history,
)

router = APIRouter(prefix="/api", tags=["key tasks"], dependencies=[require(Permission.read_public)])
Reporter = Annotated[Principal, require(Permission.submit_task_reports)]
DepartmentEditor = Annotated[Principal, require(Permission.edit_departments)]
TaskEditor = Annotated[Principal, require(Permission.edit_tasks)]


class Milestone(BaseModel):
    """A milestone (节点) of a task."""

    month: str = Field(max_length=7, description="YYYY-MM")
    kind: Literal["monthly", "quarterly"] = "monthly"
    text: str = Field(max_length=500)


@router.get(
    "/departments",
    summary="部门名录 / city departments",
    responses=documented("application/json", DEPARTMENTS),
)
def get_departments(session: SessionDep) -> list[dict]:
    """Every city department, with its former name (alias) and how many tasks it leads and cooperates on."""
    return list_departments(session)


class NewDepartment(BaseModel):
    """A department to add."""

    code: str = Field(min_length=1, max_length=16, description="short code, e.g. SWJ")
    name: str = Field(min_length=1, max_length=64, description="部门名称, e.g. 市商务局")
    alias: str | None = Field(None, max_length=200, description="曾用名, several separated by 、")


class DepartmentChange(BaseModel):
    """Fields to change; a new name makes the old one an alias unless `alias` is given."""

    name: str | None = Field(None, max_length=64)
    alias: str | None = Field(None, max_length=200)
    active: bool | None = None


@router.post(
    "/departments",
    status_code=201,
    summary="新增部门 / add a department",
    responses={201: documented("application/json", DEPARTMENT)[200]},
)
def post_department(session: SessionDep, actor: DepartmentEditor, body: NewDepartment) -> dict:
    """Add a city department (409 when its code or name is taken); audited."""
    return create_department(session, actor=actor, code=body.code, name=body.name, alias=body.alias)


@router.patch(
    "/departments/{department_id}",
    summary="修改部门 / rename or retire a department",
    responses=documented("application/json", DEPARTMENT),
)
def patch_department(session: SessionDep, actor: DepartmentEditor, department_id: DepartmentId, body: DepartmentChange):
    """Rename (the old name stays findable as its alias), set the alias, or mark it inactive; audited."""
    return update_department(session, actor=actor, department_id=department_id, **body.model_dump())


@router.get(
    "/tasks",
    summary="重点任务台账 / the key task register",
    responses=documented("application/json", TASK_LIST),
)
def get_tasks(session: SessionDep, settings: SettingsDep, filters: TaskFilterDep, month: MonthQuery) -> dict:
    """The tasks matching the filters, each with its lead department, status and light at the month's end (最新 by
    default). Light: red = 滞后 or past the deadline and not completed; yellow = 未启动 within 90 days of it."""
    return list_tasks(session, settings=settings, filters=filters, month=month)


class TaskBody(BaseModel):
    """A task's register entry; on a change (PATCH) absent fields stay as they are."""

    code: str | None = Field(None, max_length=16, description="编号, e.g. C-084")
    title: str | None = Field(None, max_length=500, description="任务名称")
    source: str | None = Field(None, max_length=16, description="province (省规划) | city (市方案)")
    category: str | None = Field(None, max_length=16, description="类别 code (/api/meta task_categories)")
    lead: str | None = Field(None, max_length=64, description="牵头单位: department id, code, name or former name")
    cooperators: list[Annotated[str, Field(max_length=64)]] | None = Field(None, max_length=30, description="配合单位")
    districts: list[Annotated[str, Field(max_length=32)]] | None = Field(None, max_length=8, description="涉及区市")
    clusters: list[Annotated[str, Field(max_length=32)]] | None = Field(None, max_length=7, description="服务产业集群")
    deliverable: str | None = Field(None, max_length=1000, description="成果形式")
    target: str | None = Field(None, max_length=1000, description="目标要求")
    deadline: dt.date | None = Field(None, description="完成时限 YYYY-MM-DD")
    milestones: list[Milestone] | None = Field(None, max_length=60, description="节点")
    projects: list[Annotated[int, Field(ge=1, le=MAX_ID)]] | None = Field(
        None, max_length=500, description="承载项目 ids"
    )

    def change(self) -> TaskChange:
        """The domain's change record."""
        data = self.model_dump()
        if self.milestones is not None:
            data["milestones"] = [m.model_dump() for m in self.milestones]
        return TaskChange(**data)


@router.post(
    "/tasks",
    status_code=201,
    summary="新增重点任务 / add a key task",
    responses={201: documented("application/json", TASK_CARD)[200]},
)
def post_task(session: SessionDep, settings: SettingsDep, actor: TaskEditor, body: TaskBody) -> dict:
    """Add a task (code, title, source, category, lead and deadline required); audited. 409 when the code is taken."""
    task_id = create_task(session, actor=actor, change=body.change())
    return get_task(session, settings=settings, task_id=task_id)


@router.patch(
    "/tasks/{task_id}",
    summary="修改重点任务 / change a key task",
    responses=documented("application/json", TASK_CARD),
)
def patch_task(session: SessionDep, settings: SettingsDep, actor: TaskEditor, task_id: TaskId, body: TaskBody) -> dict:
    """Change the entry: the fields given (lists replace the whole list, e.g. `projects`); audited before and after."""
    update_task(session, actor=actor, task_id=task_id, change=body.change())
    return get_task(session, settings=settings, task_id=task_id)


@router.get(
    "/tasks/summary",
    summary="重点任务完成情况 / completed, on schedule, lagging by department and category",
    responses=documented("application/json", TASKS_SUMMARY),
)
def get_tasks_summary(session: SessionDep, settings: SettingsDep, month: MonthQuery) -> dict:
    """The dashboard's task counts at the month's end, by lead department, by category and by source."""
    return tasks_summary(session, settings=settings, month=month)


@router.get(
    "/tasks/{task_id}",
    summary="重点任务卡片 / one key task",
    responses=documented("application/json", TASK_CARD),
)
def get_one_task(session: SessionDep, settings: SettingsDep, task_id: TaskId, month: MonthQuery) -> dict:
    """The task with its milestones, this month's narrative and problems, and the projects that carry it out."""
    return get_task(session, settings=settings, task_id=task_id, month=month)


@router.get(
    "/tasks/{task_id}/reports",
    response_class=RawJSONResponse,
    summary="重点任务月度进展 / a task's monthly reports",
    responses=documented(RawJSONResponse.media_type, TASK_REPORTS),
)
def get_task_reports(session: SessionDep, task_id: TaskId):
    """Each month's passed report, and any submission awaiting review or returned, newest first."""
    return RawJSONResponse(list_task_reports(session, task_id=task_id))


class TaskReportBody(BaseModel):
    """A task's month: status, what was done, problems (required when 滞后)."""

    status: str = Field(
        max_length=16, description="not_started 未启动 | in_progress 推进中 | completed 已完成 | lagging 滞后"
    )
    narrative: str = Field(max_length=2000, description="本月进展情况")
    problems: str | None = Field(None, max_length=2000, description="存在问题, required when lagging")
    reported_by: str | None = Field(None, max_length=100)


@router.put(
    "/tasks/{task_id}/reports/{month}",
    response_class=RawJSONResponse,
    responses={
        **documented(RawJSONResponse.media_type, TASK_REPORT),
        201: documented(RawJSONResponse.media_type, TASK_REPORT)[200],
    },
    summary="填报或更正重点任务月度进展 / submit or correct a task's month",
)
def put_task_report(
    session: SessionDep, settings: SettingsDep, actor: Reporter, task_id: TaskId, month: MonthPath, body: TaskReportBody
):
    """File the month (201 the first time, else 200): the lead department's reporter or a planner. It awaits review
    when review is on, and is a correction awaiting approval when the month is closed — as for projects."""
    stored, created = submit_task_report(
        session,
        settings=settings,
        actor=actor,
        task_id=task_id,
        month=month,
        report=TaskReportInput(**body.model_dump()),
    )
    return RawJSONResponse(stored, status_code=201 if created else 200)


class TaskReviewBody(BaseModel):
    """A planner's decision on a task submission."""

    decision: Literal["pass", "return"] = Field(description="pass (通过) | return (退回)")
    reason: str | None = Field(None, max_length=1000, description="退回原因, required to return")


@router.post(
    "/tasks/{task_id}/reports/{month}/review",
    response_class=RawJSONResponse,
    responses={**documented(RawJSONResponse.media_type, TASK_REPORT), 409: {"description": "nothing awaits review"}},
    summary="审核重点任务月度进展 / pass or return a task's month",
)
def post_task_review(
    session: SessionDep,
    actor: Annotated[Principal, require(Permission.review_reports)],
    task_id: TaskId,
    month: MonthPath,
    body: TaskReviewBody,
):
    """Pass (it then counts, replacing the passed version) or return with a reason."""
    return RawJSONResponse(
        review_task_report(
            session, actor=actor, task_id=task_id, month=month, decision=body.decision, reason=body.reason
        )
    )


@router.get(
    "/tasks/{task_id}/reports/{month}/history",
    response_class=RawJSONResponse,
    responses=documented(RawJSONResponse.media_type, TASK_REPORTS),
    summary="重点任务更正记录 / a task month's versions",
)
def get_task_history(session: SessionDep, task_id: TaskId, month: MonthPath):
    """Every version of the month's report, the newest first."""
    return RawJSONResponse(task_report_history(session, task_id=task_id, month=month))


@router.get(
    "/tasks/{task_id}/evidence",
    summary="佐证材料 / a task's evidence documents",
    responses=documented("application/json", TASK_EVIDENCE_LIST),
)
def get_evidence(session: SessionDep, task_id: TaskId) -> list[dict]:
    """The task's evidence documents (PDF, Office), newest month first."""
    return list_evidence(session, task_id=task_id)


EVIDENCE_FORM = {
    "type": "object",
    "required": ["file"],
    "properties": {"file": {"type": "string", "contentMediaType": "application/octet-stream"}},
}


@router.post(
    "/tasks/{task_id}/evidence",
    status_code=201,
    summary="上传佐证材料 / upload an evidence document",
    responses={201: documented("application/json", TASK_EVIDENCE)[200], **problems(409, 413, 415)},
    openapi_extra={
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": EVIDENCE_FORM}}},
        "parameters": [
            {"name": "month", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 7}}
        ],
    },
)
async def post_evidence(request: Request, session: SessionDep, settings: SettingsDep, actor: Reporter, task_id: TaskId):
    """A PDF or Office file (recognised by its content, up to WARROOM_EVIDENCE_MAX_BYTES) for the task's month
    (`?month=YYYY-MM`, default this month): the lead department's reporter or a planner; audited."""
    month = parse_month(request.query_params.get("month") or None)
    upload = await read_upload(request, settings)
    return add_evidence(session, settings=settings, actor=actor, task_id=task_id, month=month, upload=upload)


@router.get(
    "/task-evidence/{evidence_id}",
    summary="佐证材料文件 / an evidence document",
    responses=files(*sorted({mime for mime, _ in DOCUMENT_FORMATS.values()})),
    dependencies=[require(Permission.read)],
)
def get_evidence_file(session: SessionDep, settings: SettingsDep, evidence_id: EvidenceId) -> Response:
    """The stored document as an attachment (signed-in readers)."""
    return download(evidence_file(session, settings=settings, evidence_id=evidence_id))
