"""The FastAPI application: API routers, problem+json errors, gzip, and the static front end."""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager, suppress

import asyncpg
from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from starlette.routing import Mount

from api.caching import install_caches
from api.errors import install_error_handlers
from api.headers import SecurityHeaders
from api.limits import BodyLimit
from api.observe import Observe
from api.ogc import create_ogc_app, start_ogc, stop_ogc
from api.openapi import install_openapi
from api.routers import (
    assessment,
    audit,
    auth,
    bulletins,
    dashboard,
    docs,
    exports,
    health,
    imports,
    layers,
    lookup,
    manuals,
    meta,
    periods,
    photos,
    problems,
    progress_reports,
    project_edit,
    projects,
    reviews,
    siting,
    tasks,
    tours,
    users,
    workplan,
)
from api.web import FrontEnd, KeptFiles, WebFiles
from geo.db.engine import Database, open_database
from geo.db.roles import warn_if_privileged
from geo.ops.supervise import Supervisor
from geo.photos import store
from geo.settings import Settings, get_settings

log = logging.getLogger("warroom.app")

# The first path segments the app answers itself; the front end's files are never looked up under them.
API_SEGMENTS = frozenset({"api", "ogc", "docs", "openapi.json"})
ROUTERS = (
    docs,
    health,
    meta,
    periods,
    layers,
    projects,
    project_edit,
    lookup,
    photos,
    progress_reports,
    problems,
    workplan,
    reviews,
    dashboard,
    tasks,
    assessment,
    bulletins,
    manuals,
    siting,
    tours,
    imports,
    exports,
    auth,
    users,
    audit,
)


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    """Build the app; without `db` it opens (and on shutdown closes) the database the settings name."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        owned = db is None
        app.state.db = db or open_database(settings)
        for key in store.get_store(settings).remove_temp_files():
            log.warning("removed a photo temp file left by an interrupted write: %s", key)
        # In a thread with a deadline: an unreachable database must not hold up the start (it answers 503 later).
        with suppress(TimeoutError):
            await asyncio.wait_for(asyncio.to_thread(warn_if_privileged, app.state.db.engine), timeout=10)
        pool = None
        try:
            pool = await start_ogc(app, ogc)
            app.state.async_pool = pool  # also reads the data's version for the cached answers (api/caching)
        except (OSError, asyncpg.PostgresError) as exc:  # /ogc/ then answers 503, the rest of the app still serves
            log.warning("OGC API not started: %s", exc)
        supervisor = None
        if app.state.db.cluster is not None and settings.supervise_database:
            supervisor = Supervisor(app.state.db.cluster)
            supervisor.start()
        try:
            yield
        finally:
            if supervisor is not None:
                supervisor.stop()
            app.state.async_pool = None
            await stop_ogc(ogc, pool)
            if owned:
                app.state.db.close()

    app = FastAPI(
        title="威海新旧动能转换挂图作战 / Weihai war-room map",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,  # /docs is served from local assets by api/routers/docs.py
        openapi_url=None,  # and /openapi.json too, behind the same sign-in check
        description="Districts, the five zones and nine bases, and key projects of Weihai, served as GeoJSON.",
    )
    app.state.settings = settings
    if db is not None:
        app.state.db = db
    install_error_handlers(app)
    install_caches(app, settings)
    install_openapi(app)
    # Level 5: level 9 (the default) tripled the time of a 5 MB answer for a 6% smaller body.
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=settings.gzip_level)
    app.add_middleware(BodyLimit, settings=settings)
    # Outside even Starlette's ServerErrorMiddleware, so a 500 carries the headers and the request id too (413s and
    # 401s included); Observe outermost, so the request id and timing cover everything.
    inner_stack = app.build_middleware_stack
    app.build_middleware_stack = lambda: Observe(SecurityHeaders(inner_stack(), settings=settings), settings=settings)
    for module in ROUTERS:
        app.include_router(module.router)
    ogc = create_ogc_app()
    app.mount("/ogc", ogc)  # unnamed: tipg's request.url_for("openapi") then finds /ogc/api
    # The front end is tried first (see FrontEnd), so the catch-all "/" never swallows a slash redirect: keep the
    # old answer to /api/x/ (a 404), not a redirect.
    app.router.redirect_slashes = False
    web = settings.web_dir
    if web.is_dir():
        app.router.routes.insert(0, FrontEnd(WebFiles(directory=web, html=True), api_segments=API_SEGMENTS, name="web"))
    if (web / "node_modules").is_dir():
        app.router.routes.insert(0, Mount("/vendor", app=KeptFiles(directory=web / "node_modules"), name="vendor"))
    return app


def create_worker_app() -> FastAPI:
    """The app of one `warroom serve --workers N` process: its own pool, the embedded cluster the parent started."""
    from api.cli.common import setup_logging

    setup_logging()
    return create_app()
