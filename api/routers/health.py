"""Liveness of the service and its database."""

from fastapi import APIRouter

from api.deps import SessionDep, require
from api.schemas import Health
from geo.db.engine import postgis_version
from geo.enums import Permission

router = APIRouter(prefix="/api", tags=["health"], dependencies=[require(Permission.public)])


@router.get("/health", response_model=Health, summary="健康检查 / database reachable and PostGIS version")
def get_health(session: SessionDep):
    """Whether the database answers, and its PostGIS version (503 problem+json when it does not)."""
    return {"status": "ok", "postgis": postgis_version(session)}
