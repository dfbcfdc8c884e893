"""Boundary layers (districts, zones, bases) as GeoJSON assembled in PostGIS."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.db.sql import feature_collection
from geo.enums import LAYERS
from geo.errors import InvalidInput, UnknownValue

MAX_SIMPLIFY = 0.05  # degrees (~5 km): beyond this the shapes stop being recognisable

_PROPERTIES = {
    "districts": """l.id, l.code, l.name, l.full_name, l.name_en, l.kind, parent.name AS parent, l.schematic,
                    l.source, l.description""",
    "zones": "l.id, l.code, l.name, l.name_en, l.schematic, l.carrier, l.district, l.description",
    "bases": "l.id, l.code, l.name, l.name_en, l.schematic, l.carrier, l.district, cl.name AS cluster, l.description",
}
_JOINS = {
    "districts": "LEFT JOIN districts parent ON parent.id = l.parent_id",
    "zones": "",
    "bases": "LEFT JOIN industry_clusters cl ON cl.id = l.cluster_id",
}


def layer_geojson(session: Session, *, layer: str, simplify: float = 0.0) -> str:
    """A FeatureCollection (text) of one boundary layer, optionally simplified (tolerance in degrees)."""
    if layer not in LAYERS:
        raise UnknownValue("layer", layer, LAYERS)
    if not 0 <= simplify <= MAX_SIMPLIFY:
        raise InvalidInput(
            f"simplify 应在 0 到 {MAX_SIMPLIFY} 度之间 / simplify must be between 0 and {MAX_SIMPLIFY} degrees",
            errors=[{"field": "simplify", "message": f"must be 0..{MAX_SIMPLIFY}"}],
        )
    geom = "ST_SimplifyPreserveTopology(l.geom, :tol)" if simplify > 0 else "l.geom"
    sql = feature_collection(
        f"SELECT {_PROPERTIES[layer]}, {geom} AS geom FROM {layer} l {_JOINS[layer]} ORDER BY l.code"
    )
    return session.execute(text(sql), {"tol": simplify}).scalar_one()


def layer_items(session: Session, *, layer: str) -> list[dict]:
    """Code, name and flags of each feature of a zone or base layer, for the front end's enumerations."""
    sql = f"SELECT code, name, name_en, schematic FROM {layer} ORDER BY code"
    return [dict(r) for r in session.execute(text(sql)).mappings()]


def extent(session: Session) -> list[float] | None:
    """[minLon, minLat, maxLon, maxLat] of all districts."""
    box = session.execute(
        text(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom) AS e FROM districts) s"
        )
    ).one()
    return None if box[0] is None else [round(v, 6) for v in box]
