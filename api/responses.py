"""Response classes for bodies that PostGIS has already serialised."""

from fastapi.responses import Response


class GeoJSONResponse(Response):
    """A GeoJSON body assembled in the database."""

    media_type = "application/geo+json"


class RawJSONResponse(Response):
    """A JSON body assembled in the database."""

    media_type = "application/json"


def documented(media_type: str, schema: dict) -> dict:
    """OpenAPI `responses` entry for a 200 body assembled in the database."""
    return {200: {"description": "OK", "content": {media_type: {"schema": schema}}}}


FEATURE = {
    "type": "object",
    "required": ["type", "geometry", "properties"],
    "properties": {"type": {"const": "Feature"}, "geometry": {"type": "object"}, "properties": {"type": "object"}},
}
FEATURE_COLLECTION = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {"type": {"const": "FeatureCollection"}, "features": {"type": "array", "items": FEATURE}},
}
SUMMARY = {
    "type": "object",
    "required": ["count", "investment_total", "investment_year", "by_status", "by_light"],
    "properties": {
        "count": {"type": "integer"},
        "investment_total": {"type": "number"},
        "investment_year": {"type": "number"},
        "progress_avg": {"type": ["number", "null"]},
        "by_status": {"type": "object"},
        "by_light": {"type": "object"},
    },
}
