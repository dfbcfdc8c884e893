"""Path and query parameters shared by the routers, parsed once into the typed values the domain takes.

The parsers are `async def` though they never wait: FastAPI runs a plain `def` dependency in a worker thread, and
the hops cost more than the parsing (four of them were 0.4 ms of a 3.5 ms 304).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Header, Path, Query

from geo.enums import (
    CLUSTER_NAMES,
    DISTRICT_NAMES,
    LIGHTS,
    STATUS_CODES,
    TASK_CATEGORY_CODES,
    TASK_SOURCE_CODES,
    TASK_STATUS_CODES,
)
from geo.errors import UnknownValue
from geo.periods import parse_month
from geo.projects.queries import ProjectFilter, parse_bbox, parse_fields
from geo.tasks.register import TaskFilter

MAX_ID = 2**31 - 1  # PostgreSQL integer: larger ids cannot exist, so they are a 422, not a database error

ProjectId = Annotated[int, Path(ge=1, le=MAX_ID, description="项目 id / project id")]
PhotoId = Annotated[int, Path(ge=1, le=MAX_ID, description="照片 id / photo id")]
UserId = Annotated[int, Path(ge=1, le=MAX_ID, description="用户 id / account id")]
TaskId = Annotated[int, Path(ge=1, le=MAX_ID, description="重点任务 id / key task id")]
DepartmentId = Annotated[int, Path(ge=1, le=MAX_ID, description="部门 id / department id")]
EvidenceId = Annotated[int, Path(ge=1, le=MAX_ID, description="佐证材料 id / evidence document id")]
TokenId = Annotated[int, Path(ge=1, le=MAX_ID, description="令牌 id / token id")]
SessionId = Annotated[int, Path(ge=1, le=MAX_ID, description="登录会话 id / session id")]
ProblemId = Annotated[int, Path(ge=1, le=MAX_ID, description="督办问题 id / problem id")]
# The document format of a download route ({name}.{fmt}); the renderer refuses what it cannot write.
DocumentFormat = Annotated[str, Path(description="pdf or xlsx", max_length=4)]


async def month_query(
    month: str | None = Query(None, max_length=7, description="YYYY-MM: state at that month's end"),
) -> dt.date | None:
    """An optional month as the first day of that month."""
    return parse_month(month)


async def month_path(month: str = Path(max_length=7, description="YYYY-MM")) -> dt.date:
    """A month in the path as the first day of that month."""
    return parse_month(month)


MonthQuery = Annotated[dt.date | None, Depends(month_query)]


async def idempotency_key_header(
    key: str | None = Header(
        None,
        alias="Idempotency-Key",
        max_length=80,
        pattern=r"^[A-Za-z0-9._:-]{8,80}$",
        description="a queued item's own key (web/js/outbox.js): a resend after a lost answer gets the first answer",
    ),
) -> str | None:
    """The client's idempotency key of a write, if it sent one."""
    return key


IdempotencyKey = Annotated[str | None, Depends(idempotency_key_header)]
MonthPath = Annotated[dt.date, Depends(month_path)]


async def district_query(
    district: str | None = Query(
        None, max_length=32, description="区市 name, e.g. 荣成市", json_schema_extra={"enum": list(DISTRICT_NAMES)}
    ),
) -> str | None:
    """An optional district, one of the eight reporting units."""
    if district and district not in DISTRICT_NAMES:
        raise UnknownValue("district", district, DISTRICT_NAMES)
    return district or None


DistrictQuery = Annotated[str | None, Depends(district_query)]


async def project_filter(
    district: DistrictQuery,
    cluster: str | None = Query(
        None, max_length=32, description="产业集群 name", json_schema_extra={"enum": list(CLUSTER_NAMES)}
    ),
    zone: str | None = Query(None, max_length=64, description="功能区 name or code"),
    base: str | None = Query(None, max_length=64, description="基地 name or code"),
    status: str | None = Query(
        None, max_length=16, description="建设状态 code", json_schema_extra={"enum": list(STATUS_CODES)}
    ),
    q: str | None = Query(None, max_length=100, description="name or code contains"),
    bbox: str | None = Query(None, max_length=200, description="minLon,minLat,maxLon,maxLat"),
    overdue_problems: bool = Query(False, description="有逾期问题: only projects with an open overdue problem"),
    task: int | None = Query(None, ge=1, le=MAX_ID, description="重点任务 id: only the projects carrying it out"),
) -> ProjectFilter:
    """The project filters shared by the map, the summary and the exports."""
    return ProjectFilter(
        district=district,
        cluster=cluster,
        zone=zone,
        base=base,
        status=status,
        q=q,
        bbox=parse_bbox(bbox),
        overdue_problems=overdue_problems,
        task=task,
    )


FilterDep = Annotated[ProjectFilter, Depends(project_filter)]


async def fields_query(
    fields: str | None = Query(None, max_length=500, description="comma-separated properties, e.g. id,name,light"),
) -> tuple[str, ...] | None:
    """The subset of project properties asked for, or None for all."""
    return parse_fields(fields)


FieldsQuery = Annotated[tuple[str, ...] | None, Depends(fields_query)]


async def task_filter(
    district: DistrictQuery,
    source: str | None = Query(
        None, max_length=16, description="来源 省规划 | 市方案", json_schema_extra={"enum": list(TASK_SOURCE_CODES)}
    ),
    category: str | None = Query(
        None, max_length=16, description="任务类别 code", json_schema_extra={"enum": list(TASK_CATEGORY_CODES)}
    ),
    department: str | None = Query(None, max_length=64, description="牵头单位: id, code, name or former name"),
    status: str | None = Query(
        None, max_length=16, description="任务状态 code", json_schema_extra={"enum": list(TASK_STATUS_CODES)}
    ),
    light: str | None = Query(
        None, max_length=8, description="亮灯 code", json_schema_extra={"enum": [light.code for light in LIGHTS]}
    ),
    q: str | None = Query(None, max_length=100, description="title, code or lead department contains"),
    project: int | None = Query(None, ge=1, le=MAX_ID, description="only tasks this project carries out"),
    pending: bool = Query(False, description="only tasks with a monthly report awaiting review"),
) -> TaskFilter:
    """The filters of the task register page."""
    return TaskFilter(
        source=source or None,
        category=category or None,
        department=department or None,
        district=district,
        status=status or None,
        light=light or None,
        q=q or None,
        project=project,
        pending=pending,
    )


TaskFilterDep = Annotated[TaskFilter, Depends(task_filter)]
