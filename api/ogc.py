"""OGC API – Features and Tiles under /ogc/: tipg mounted on the curated views of schema `ogc`.

A sub-application rather than routers in the main app: its OpenAPI (OGC's, at /ogc/api) stays its own, and the main
OpenAPI and its schemathesis run cover only the app's own /api/ (tipg's routes are tipg's, checked by GDAL here). The
main app's middleware (gzip, security headers, body limit, request log) still wraps it, and the same sign-in rule
applies: with WARROOM_ANONYMOUS_READ=false every /ogc/ route needs a token. Starlette gives a mounted app the
parent's base URL, so tipg's links need router_prefix="/ogc" (with a prefixed include_router too they would double).
"""

from __future__ import annotations

import asyncpg
import orjson
from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from tipg import collections as tipg_collections
from tipg import factory as tipg_factory
from tipg.collections import register_collection_catalog
from tipg.errors import DEFAULT_STATUS_CODES, add_exception_handlers
from tipg.factory import Endpoints
from tipg.settings import DatabaseSettings

from api.deps import require
from api.errors import install_error_handlers
from api.routers.docs import swagger_html
from geo.enums import Permission
from geo.errors import DatabaseUnavailable
from geo.ogc.catalog import CATALOG_SCHEMA, SCHEMA

# One pool beside SQLAlchemy's (10 + 10 overflow): tipg's queries are short; 4 keeps both within max_connections.
POOL_SIZE = 4
MAX_LIMIT = 10_000  # declared in the OpenAPI as `limit`'s maximum, so GDAL asks for large pages
DEFAULT_LIMIT = 1_000
OPENAPI_MEDIA_TYPE = "application/vnd.oai.openapi+json;version=3.0"

# tipg reads these once at import; the layer is named after the collection (not "default") for QGIS.
for _module in (tipg_factory, tipg_collections):
    _module.mvt_settings.set_mvt_layername = True
    _module.features_settings.max_features_per_query = MAX_LIMIT
    _module.features_settings.default_features_limit = DEFAULT_LIMIT


async def _init_connection(conn: asyncpg.Connection) -> None:
    """JSON codecs and the search path; tipg's functions are already installed by the owner (geo/ogc/catalog.py)."""
    await conn.set_type_codec("json", encoder=orjson.dumps, decoder=orjson.loads, schema="pg_catalog")
    await conn.set_type_codec("jsonb", encoder=orjson.dumps, decoder=orjson.loads, schema="pg_catalog")
    await conn.execute(f"SET search_path = {CATALOG_SCHEMA}, {SCHEMA}, public")


def _connect_args(engine) -> dict:
    """asyncpg's arguments from the app's SQLAlchemy URL (the embedded cluster's socket is its `host` query)."""
    url = engine.url
    host = url.query.get("host") or url.host
    return {
        "user": url.username,
        "password": url.password,
        "host": host,
        "port": url.port,
        "database": url.database,
    }


async def _pool_ready(request: Request) -> None:
    """503 instead of a crash while tipg's pool could not be opened at start (database down then)."""
    if getattr(request.app.state, "collection_catalog", None) is None:
        raise DatabaseUnavailable("OGC 接口未能连接数据库,请稍后再试 / the OGC API could not reach the database yet")


def create_ogc_app() -> FastAPI:
    """The /ogc/ sub-application (its pool and catalog are opened by start_ogc)."""
    sub = FastAPI(
        title="威海挂图作战 OGC API / Weihai war-room OGC API",
        openapi_url=None,  # served below, behind the same sign-in rule as the collections
        docs_url=None,
        redoc_url=None,
        dependencies=[require(Permission.read_public), Depends(_pool_ready)],
    )

    # Named as FastAPI's own, since tipg's landing page links them as service-desc and service-doc.
    @sub.get("/api", name="openapi", include_in_schema=False)
    def openapi_document() -> JSONResponse:
        """OGC's OpenAPI 3 document of /ogc/ (what GDAL and QGIS read)."""
        return JSONResponse(sub.openapi(), media_type=OPENAPI_MEDIA_TYPE)

    @sub.get("/api.html", name="swagger_ui_html", include_in_schema=False)
    def openapi_page() -> HTMLResponse:
        """Swagger UI for /ogc/api, from the app's own copy."""
        return HTMLResponse(swagger_html(sub.title, "/ogc/api"))

    install_error_handlers(sub)
    add_exception_handlers(sub, DEFAULT_STATUS_CODES)
    sub.include_router(Endpoints(title="威海挂图作战 OGC API", with_tiles_viewer=False, router_prefix="/ogc").router)
    return sub


async def start_ogc(app: FastAPI, sub: FastAPI) -> asyncpg.Pool:
    """Share the main app's state, open tipg's pool and read the catalog of the published views; the pool."""
    sub.state.db = app.state.db
    sub.state.settings = app.state.settings
    pool = await asyncpg.create_pool(
        **_connect_args(app.state.db.engine), min_size=1, max_size=POOL_SIZE, init=_init_connection
    )
    sub.state.pool = pool
    settings = DatabaseSettings(schemas=[SCHEMA], functions=[], application_schema=CATALOG_SCHEMA)
    await register_collection_catalog(sub, db_settings=settings)
    return pool


async def stop_ogc(sub: FastAPI, pool: asyncpg.Pool | None) -> None:
    """Close the pool this lifespan opened (an app run twice at once, as tests do, has one pool per event loop)."""
    if pool is None:
        return
    if getattr(sub.state, "pool", None) is pool:
        sub.state.pool = None
    await pool.close()
