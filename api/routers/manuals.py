"""The two 推进手册 as PDF or Excel downloads: key tasks by category, major projects by district."""

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import SessionDep, SettingsDep, require
from api.params import DocumentFormat
from api.responses import download, files
from geo.enums import Permission
from geo.files import PDF, XLSX
from geo.manuals.projects import project_manual
from geo.manuals.tasks import task_manual

router = APIRouter(prefix="/api/manuals", tags=["manuals"], dependencies=[require(Permission.read)])


@router.get(
    "/tasks.{fmt}",
    summary="重点任务推进手册 / key task manual (pdf | xlsx)",
    response_class=Response,
    responses=files(PDF, XLSX),
)
def get_task_manual(
    session: SessionDep,
    settings: SettingsDep,
    fmt: DocumentFormat,
    department: str | None = Query(None, max_length=100, description="牵头单位: id, code, name or former name"),
    category: str | None = Query(None, max_length=32, description="task category code (see /api/meta)"),
):
    """The key tasks by category: lead and cooperating units, districts, clusters, deliverable, target, deadline,
    milestones and linked projects."""
    return download(task_manual(session, settings=settings, fmt=fmt, department=department, category=category))


@router.get(
    "/projects.{fmt}",
    summary="重大项目推进手册 / major project manual (pdf | xlsx)",
    response_class=Response,
    responses=files(PDF, XLSX),
)
def get_project_manual(
    session: SessionDep,
    settings: SettingsDep,
    fmt: DocumentFormat,
    district: str | None = Query(None, max_length=32, description="区市 (reporting district name)"),
):
    """The projects by district: cluster, investment, the monthly investment plan, milestones, responsible unit,
    contact and 分包责任人."""
    return download(project_manual(session, settings=settings, fmt=fmt, district=district))
