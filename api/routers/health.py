"""Liveness of the service and readiness of its database and photo store."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import SessionDep, SettingsDep, require
from api.schemas import Health, Liveness, Readiness
from geo.db.engine import postgis_version
from geo.enums import Permission
from geo.ops.health import readiness

router = APIRouter(prefix="/api", tags=["health"], dependencies=[require(Permission.public)])


@router.get("/health", response_model=Health, summary="健康检查 / database reachable and PostGIS version")
def get_health(session: SessionDep):
    """Whether the database answers, and its PostGIS version (503 problem+json when it does not)."""
    return {"status": "ok", "postgis": postgis_version(session)}


@router.get("/health/live", response_model=Liveness, summary="存活 / the process answers (no dependency asked)")
async def get_liveness():
    """200 while the process can answer at all: restart it only when this fails."""
    return {"status": "ok"}


@router.get(
    "/health/ready",
    response_model=Readiness,
    responses={503: {"description": "未就绪 / a dependency does not answer", "model": Readiness}},
    summary="就绪 / database and photo store answer",
)
def get_readiness(session: SessionDep, settings: SettingsDep):
    """200 when the database and the photo store answer, else 503 with which one does not: take the process out of
    the load balancer's rotation until it is ready."""
    report = readiness(session, settings=settings)
    return JSONResponse(report, status_code=200 if report["ready"] else 503, headers={"Cache-Control": "no-store"})
