"""The monthly and quarterly 工作简报 as PDF or Excel downloads."""

from fastapi import APIRouter, Path
from fastapi.responses import Response

from api.deps import SessionDep, SettingsDep, require
from api.responses import download, files
from geo.bulletin.render import render_bulletin
from geo.enums import Permission
from geo.files import PDF, XLSX
from geo.periods import monthly, quarterly

router = APIRouter(prefix="/api/reports", tags=["bulletins"], dependencies=[require(Permission.read)])


@router.get(
    "/monthly/{month}.{fmt}",
    summary="月度工作简报 / monthly bulletin (pdf | xlsx)",
    response_class=Response,
    responses=files(PDF, XLSX),
)
def get_monthly(
    session: SessionDep,
    settings: SettingsDep,
    month: str = Path(description="YYYY-MM", max_length=7),
    fmt: str = Path(description="pdf or xlsx", max_length=4),
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
    quarter: str = Path(description="YYYY-Qn", max_length=7),
    fmt: str = Path(description="pdf or xlsx", max_length=4),
):
    """The quarter's bulletin: figures at the quarter's end, investment completed in the quarter and the year."""
    return download(render_bulletin(session, settings=settings, period=quarterly(quarter), fmt=fmt))
