"""Boundary layers: districts, zones (五区) and bases (九基地) as GeoJSON."""

from typing import Literal

from fastapi import APIRouter, Query

from api.caching import NOT_MODIFIED, CacheDep
from api.deps import SessionDep, require
from api.responses import FEATURE_COLLECTION, GeoJSONResponse, documented
from geo.boundaries.layers import MAX_SIMPLIFY, layer_geojson
from geo.enums import Permission

router = APIRouter(prefix="/api/layers", tags=["layers"], dependencies=[require(Permission.read_public)])


@router.get(
    "/{layer}",
    response_class=GeoJSONResponse,
    responses=documented(GeoJSONResponse.media_type, FEATURE_COLLECTION) | NOT_MODIFIED,
    summary="边界图层 / a boundary layer as GeoJSON",
)
async def get_layer(
    session: SessionDep,
    layer: Literal["districts", "zones", "bases"],
    cache: CacheDep,
    simplify: float = Query(0.0, ge=0, le=MAX_SIMPLIFY, description="simplification tolerance in degrees"),
):
    """A FeatureCollection of one layer; zones, bases and functional areas carry `schematic: true`."""
    return await cache.answer(GeoJSONResponse, lambda: layer_geojson(session, layer=layer, simplify=simplify))
