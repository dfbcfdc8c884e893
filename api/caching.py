"""Answers cached honestly: a strong ETag from the data's version, 304 on If-None-Match, gzipped bodies kept per
version.

The version is read from the database on every request (one row), so a write committed by any process, the CLI's
month close or a boundary import included, is seen on the very next request. Bodies are kept per version, path and
query; a newer version simply never hits the older entries, which age out of the small LRU.

A 304 or a kept body is answered on the event loop: the version is read on the app's async pool (one round trip, no
worker thread, no transaction), and only a body that must be built goes to a worker thread.
"""

from __future__ import annotations

import gzip
import hashlib
from collections import OrderedDict
from collections.abc import Callable
from threading import Lock
from typing import Annotated

import asyncpg
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.deps import SessionDep, SettingsDep
from geo.db.version import data_version
from geo.periods import local_today
from geo.settings import Settings

# A handful of filters × months; one 10,000-project map is about 1 MB gzipped.
MAX_ENTRIES = 64
MAX_BYTES = 128 * 1024 * 1024
GZIP_MIN_BYTES = 1024  # as the app's GZipMiddleware


class AnswerCache:
    """A small LRU of (identity body, gzipped body) keyed by the representation's ETag."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES):
        self._entries: OrderedDict[str, tuple[bytes, bytes | None]] = OrderedDict()
        self._size = 0
        self._lock = Lock()
        self.max_entries, self.max_bytes = max_entries, max_bytes

    def get(self, key: str) -> tuple[bytes, bytes | None] | None:
        """The bodies kept for this key, if any."""
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: str, body: bytes, zipped: bytes | None) -> None:
        """Keep the bodies, dropping the least recently used beyond the limits."""
        size = len(body) + len(zipped or b"")
        if size > self.max_bytes:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = (body, zipped)
            self._size += size
            while len(self._entries) > self.max_entries or self._size > self.max_bytes:
                _, (old, old_zipped) = self._entries.popitem(last=False)
                self._size -= len(old) + len(old_zipped or b"")


def settings_fingerprint(settings: Settings) -> str:
    """A digest of the settings, so a restart with other rules (light thresholds, …) changes every ETag."""
    return hashlib.sha256(settings.model_dump_json().encode()).hexdigest()[:8]


def install_caches(app, settings: Settings) -> None:
    """The app's answer caches, made before the first request: made lazily, the first requests of a page (which
    arrive together) raced to make them and one could read the fingerprint before it was set."""
    app.state.answer_caches = {
        "": AnswerCache(),
        # The map's many small tiles would push the large answers out of the shared cache.
        "tile_cache": AnswerCache(max_entries=4096, max_bytes=64 * 1024 * 1024),
    }
    app.state.settings_fingerprint = settings_fingerprint(settings)


def entity_tags(header: str | None) -> set[str]:
    """The entity tags of an If-None-Match header, weak ones compared by their opaque part (RFC 9110 §13.1.2)."""
    if not header:
        return set()
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


async def current_version(request: Request, session: SessionDep) -> int:
    """The data's committed version, on the async pool when it is open, else through the request's session."""
    pool = getattr(request.app.state, "async_pool", None)
    if pool is not None:
        try:
            async with pool.acquire() as conn:
                return await conn.fetchval("SELECT version FROM public.data_version")
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, asyncpg.InternalClientError):
            pass  # a connection cut by a database restart (asyncpg may notice mid-query): the session pings instead
    return await run_in_threadpool(data_version, session)


VersionDep = Annotated[int, Depends(current_version)]


class Cached:
    """Answers one request from the cache, or builds, keeps and sends the body."""

    def __init__(self, request: Request, settings: Settings, version: int):
        self.request, self.settings, self.version = request, settings, version

    async def answer(
        self, response_class: type[Response], build: Callable[[], bytes | str], *, store: str = ""
    ) -> Response:
        """304 when the client holds this version, else the body (gzipped when accepted), with its ETag; `store`
        names a cache of its own (see install_caches). `build` runs in a worker thread."""
        state = self.request.app.state
        cache = state.answer_caches[store]
        version = self.version  # read before the body is built (a dependency): the body is at least this new
        # Answers that count overdue problems depend on the date as well as the data.
        today = local_today(self.settings.today).isoformat()
        url = self.request.url
        digest = hashlib.sha256(f"{url.path}?{url.query}|{today}|{state.settings_fingerprint}".encode()).hexdigest()
        etag = f'"v{version}-{digest[:16]}"'
        zipped_etag = etag[:-1] + '-gz"'
        wants_gzip = "gzip" in self.request.headers.get("accept-encoding", "").lower()
        headers = {
            "Cache-Control": "no-cache" if self.settings.anonymous_read else "private, no-cache",
            "Vary": "Accept-Encoding",
        }
        held = entity_tags(self.request.headers.get("if-none-match"))
        if held & {etag, zipped_etag, "*"}:
            return Response(status_code=304, headers={**headers, "ETag": zipped_etag if wants_gzip else etag})
        found = cache.get(etag)
        if found is None:
            body, zipped = await run_in_threadpool(self._build, build)
            cache.put(etag, body, zipped)
        else:
            body, zipped = found
        if wants_gzip and zipped is not None:
            # The app's GZipMiddleware leaves a body that already has a Content-Encoding alone.
            return response_class(zipped, headers={**headers, "ETag": zipped_etag, "Content-Encoding": "gzip"})
        return response_class(body, headers={**headers, "ETag": etag})

    def _build(self, build: Callable[[], bytes | str]) -> tuple[bytes, bytes | None]:
        body = build()
        body = body.encode() if isinstance(body, str) else body
        return body, gzip.compress(body, self.settings.gzip_level) if len(body) >= GZIP_MIN_BYTES else None


async def cached(request: Request, settings: SettingsDep, version: VersionDep) -> Cached:
    """The request's answer cache, with the data's version read before anything is built."""
    return Cached(request, settings, version)


NOT_MODIFIED = {
    304: {
        "description": "未变化:If-None-Match 与当前数据版本一致 / not modified: If-None-Match holds this version",
        "headers": {"ETag": {"schema": {"type": "string"}, "description": "强 ETag / strong entity tag"}},
    }
}
CacheDep = Annotated[Cached, Depends(cached)]
