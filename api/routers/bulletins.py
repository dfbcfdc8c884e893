"""The monthly and quarterly 简报 as PDF or Excel downloads, and issuing one (its 期号)."""

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from api.deps import SessionDep, SettingsDep, require
from api.params import DocumentFormat
from api.responses import download, files
from geo.accounts.principal import Principal
from geo.bulletin.issues import issue_bulletin, list_issues
from geo.bulletin.render import render_bulletin
from geo.enums import Permission
from geo.files import PDF, XLSX
from geo.periods import monthly, quarterly

router = APIRouter(prefix="/api/reports", tags=["bulletins"], dependencies=[require(Permission.read)])
Issuer = Annotated[Principal, require(Permission.issue_bulletins)]
PERIOD_OF = {"monthly": monthly, "quarterly": quarterly}


@router.get("/issues", summary="已签发的简报 / issued bulletins")
def get_issues(session: SessionDep, year: int | None = Query(None, ge=1900, le=2999)) -> list[dict]:
    """Issued bulletins, newest first: kind, period, 期号 (year, seq), when and by whom."""
    return list_issues(session, year=year)


@router.post("/{kind}/{period}/issue", status_code=201, summary="签发简报 / issue a bulletin (gives it its 期号)")
def post_issue(
    session: SessionDep,
    settings: SettingsDep,
    actor: Issuer,
    kind: Literal["monthly", "quarterly"],
    period: str = Path(description="YYYY-MM (monthly) or YYYY-Qn (quarterly)", max_length=7),
) -> dict:
    """Number the period's bulletin (the next 期号 of its kind and year), audited; 409 when already issued."""
    return issue_bulletin(session, settings=settings, actor=actor, period=PERIOD_OF[kind](period))


@router.get(
    "/monthly/{month}.{fmt}",
    summary="月度工作简报 / monthly bulletin (pdf | xlsx)",
    response_class=Response,
    responses=files(PDF, XLSX),
)
def get_monthly(
    session: SessionDep,
    settings: SettingsDep,
    fmt: DocumentFormat,
    month: str = Path(description="YYYY-MM", max_length=7),
):
    """Headline figures, tables by district and cluster, charts, lagging projects and site photos of the month."""
    return download(render_bulletin(session, settings=settings, period=monthly(month), fmt=fmt))


@router.get(
    "/quarterly/{quarter}.{fmt}",
    summary="季度工作简报 / quarterly bulletin (pdf | xlsx)",
    response_class=Response,
    responses=files(PDF, XLSX),
)
def get_quarterly(
    session: SessionDep,
    settings: SettingsDep,
    fmt: DocumentFormat,
    quarter: str = Path(description="YYYY-Qn", max_length=7),
):
    """The quarter's bulletin: figures at the quarter's end, investment completed in the quarter and the year."""
    return download(render_bulletin(session, settings=settings, period=quarterly(quarter), fmt=fmt))
