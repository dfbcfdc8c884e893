"""Enumerations and settings the front end needs, from their single definitions in geo/."""

from fastapi import APIRouter

from api.deps import SessionDep, SettingsDep, require
from api.schemas import Meta
from geo.enums import Permission
from geo.meta import meta

router = APIRouter(prefix="/api", tags=["meta"], dependencies=[require(Permission.read_public)])


@router.get("/meta", response_model=Meta, summary="枚举与配置 / enumerations and map settings")
def get_meta(session: SessionDep, settings: SettingsDep):
    """Districts, clusters, statuses, progress bands, lights, zones, bases, basemap and data notes."""
    return meta(session, settings=settings)
