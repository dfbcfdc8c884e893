"""Enumerations and settings the front end needs, from their single definitions in geo/."""

from fastapi import APIRouter

from api.caching import NOT_MODIFIED, CacheDep
from api.deps import SessionDep, SettingsDep, require
from api.responses import RawJSONResponse
from api.schemas import Meta
from geo.enums import Permission
from geo.meta import meta

router = APIRouter(prefix="/api", tags=["meta"], dependencies=[require(Permission.read_public)])


@router.get(
    "/meta",
    response_model=Meta,
    responses=NOT_MODIFIED,
    summary="枚举与配置 / enumerations and map settings",
)
async def get_meta(session: SessionDep, settings: SettingsDep, cache: CacheDep):
    """Districts, clusters, statuses, progress bands, lights, zones, bases, basemap and data notes."""
    # Kept per data version like the map's answers: every page asks for it first, and building it took 5 ms.
    return await cache.answer(
        RawJSONResponse, lambda: Meta.model_validate(meta(session, settings=settings)).model_dump_json(by_alias=True)
    )
