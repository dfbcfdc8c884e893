"""Response classes for bodies that PostGIS has already serialised."""

from urllib.parse import quote

from fastapi.responses import Response

from geo.files import GEOJSON, JSON, Download


class GeoJSONResponse(Response):
    """A GeoJSON body assembled in the database."""

    media_type = GEOJSON


class RawJSONResponse(Response):
    """A JSON body assembled in the database."""

    media_type = JSON


class VectorTileResponse(Response):
    """A Mapbox vector tile assembled in the database (an empty body is a tile with nothing in it)."""

    media_type = "application/vnd.mapbox-vector-tile"


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


def download(file: Download) -> Response:
    """A file handed back as an attachment: an ASCII name for old clients and the UTF-8 name (RFC 6266)."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in file.filename)
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file.filename)}"
    return Response(file.data, media_type=file.media_type, headers={"Content-Disposition": disposition})


BINARY = {"type": "string", "format": "binary"}


def files(*media_types: str) -> dict:
    """OpenAPI `responses` entry for a 200 that is a file in one of these media types."""

    def schema(media_type: str) -> dict:
        return {"type": "object"} if media_type.endswith("json") else BINARY

    return {200: {"description": "文件 / the file", "content": {m: {"schema": schema(m)} for m in media_types}}}
