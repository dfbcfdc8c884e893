"""Response classes for bodies that PostGIS has already serialised."""
from fastapi.responses import Response


class GeoJSONResponse(Response):
    """A GeoJSON body assembled in the database."""

    media_type = "application/geo+json"


class RawJSONResponse(Response):
    """A JSON body assembled in the database."""

    media_type = "application/json"
