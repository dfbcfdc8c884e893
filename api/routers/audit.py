"""The audit log for admins: filtered listing and Excel export."""

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from api.deps import SessionDep, require
from api.responses import download, files
from api.schemas import AuditPage
from geo.accounts.audit import AuditFilter, audit_xlsx, list_audit
from geo.enums import Permission
from geo.files import XLSX, Download

router = APIRouter(prefix="/api/audit", tags=["audit"], dependencies=[require(Permission.read_audit)])


async def audit_filter(
    actor: str | None = Query(None, max_length=64, description="username or display name"),
    action: str | None = Query(None, max_length=64, description="action code or its prefix, e.g. user"),
    since: dt.date | None = Query(None, description="from this day (YYYY-MM-DD)"),
    until: dt.date | None = Query(None, description="to this day, inclusive"),
) -> AuditFilter:
    """Parse the audit filters."""
    return AuditFilter(actor=actor or None, action=action or None, since=since, until=until)


FilterDep = Annotated[AuditFilter, Depends(audit_filter)]


@router.get("", response_model=AuditPage, summary="审计日志 / audit log")
def get_audit(
    session: SessionDep,
    filters: FilterDep,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=10_000_000),
):
    """Matching entries, newest first, with the total count."""
    return list_audit(session, filters=filters, limit=limit, offset=offset)


@router.get("/export.xlsx", response_class=Response, responses=files(XLSX), summary="导出审计日志 / audit log as Excel")
def export_audit(session: SessionDep, filters: FilterDep):
    """The matching entries (at most 100,000) as an .xlsx workbook."""
    return download(Download(audit_xlsx(session, filters=filters), XLSX, "audit-log.xlsx"))
