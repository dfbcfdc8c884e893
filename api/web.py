"""The static front end: pages, scripts and styles from web/, kept in memory gzipped once, with a page of its own for
a mistyped address.

A cold map asks for about fifty files at once; Starlette's FileResponse reads each from disk and the app's
GZipMiddleware compresses each again on every request, on the one event loop the API answers on. Kept here, a file is
read and compressed once per change (its modification time and size are checked on every request, so an edited or
upgraded file is served at once), answered from memory with a strong ETag, and revalidated by the browser (no-cache):
the URLs carry no version, so a cached copy must never outlive a release.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from threading import Lock

from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Match, Mount
from starlette.types import Scope

from api.caching import GZIP_MIN_BYTES, entity_tags

KEEP_MAX_FILE = 4 * 1024 * 1024  # the largest vendored module (ECharts) is about 1 MB
KEEP_MAX_TOTAL = 64 * 1024 * 1024
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/manifest+json", "image/svg+xml")


@dataclass(frozen=True)
class KeptFile:
    """One file's bytes as served: identity and gzipped, with the stamp they were read at."""

    stamp: tuple[int, int]  # (st_mtime_ns, st_size)
    media_type: str
    etag: str
    body: bytes
    zipped: bytes | None


def media_type_of(path: str) -> str:
    """The file's media type; modules are JavaScript whatever the system's mime.types says."""
    if path.endswith((".js", ".mjs")):
        return "text/javascript"
    if path.endswith(".webmanifest"):
        return "application/manifest+json"
    return mimetypes.guess_type(path)[0] or "application/octet-stream"


def read_kept(full_path: str, stamp: tuple[int, int]) -> KeptFile:
    """Read and compress one file."""
    with open(full_path, "rb") as f:
        body = f.read(KEEP_MAX_FILE + 1)
    media = media_type_of(full_path)
    zipped = None
    if len(body) >= GZIP_MIN_BYTES and media.startswith(COMPRESSIBLE):
        zipped = gzip.compress(body, 9, mtime=0)  # once per change: the best ratio costs nothing later
    etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
    return KeptFile(stamp, media, etag, body, zipped)


class KeptFiles(StaticFiles):
    """StaticFiles whose small files are answered from memory (see the module's docstring)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._kept: dict[str, KeptFile] = {}
        self._kept_bytes = 0
        self._lock = Lock()

    def kept(self, full_path: str, stat_result: os.stat_result) -> KeptFile | None:
        """The file as kept, read again when it changed; None when it is too large to keep."""
        stamp = (stat_result.st_mtime_ns, stat_result.st_size)
        found = self._kept.get(full_path)
        if found is not None and found.stamp == stamp:
            return found
        if stat_result.st_size > KEEP_MAX_FILE:
            return None
        fresh = read_kept(full_path, stamp)
        if len(fresh.body) != stat_result.st_size:  # written to while read: serve it from disk this time
            return None
        size = len(fresh.body) + len(fresh.zipped or b"")
        with self._lock:
            old = self._kept.pop(full_path, None)
            self._kept_bytes -= len(old.body) + len(old.zipped or b"") if old else 0
            if self._kept_bytes + size <= KEEP_MAX_TOTAL:
                self._kept[full_path] = fresh
                self._kept_bytes += size
        return fresh

    def file_response(
        self, full_path: PathLike, stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        """The file from memory (304 when the browser holds it), or from disk for HEAD, ranges and large files."""
        headers = Headers(scope=scope)
        if scope["method"] != "GET" or status_code != 200 or "range" in headers:
            return super().file_response(full_path, stat_result, scope, status_code)
        kept = self.kept(str(full_path), stat_result)
        if kept is None:
            return super().file_response(full_path, stat_result, scope, status_code)
        gz = kept.zipped is not None and "gzip" in headers.get("accept-encoding", "").lower()
        gz_etag = kept.etag[:-1] + '-gz"'
        common = {"ETag": gz_etag if gz else kept.etag, "Cache-Control": "no-cache"}
        if kept.zipped is not None:
            common["Vary"] = "Accept-Encoding"
        if entity_tags(headers.get("if-none-match")) & {kept.etag, gz_etag, "*"}:
            return Response(status_code=304, headers=common)
        if gz:
            return Response(kept.zipped, media_type=kept.media_type, headers={**common, "Content-Encoding": "gzip"})
        return Response(kept.body, media_type=kept.media_type, headers=common)


RELEASE_MARK = b"__WARROOM_RELEASE__"
RELEASE_FILES = ("*.html", "*.webmanifest", "sw.js", "package-lock.json", "js/**/*", "css/**/*", "icons/**/*")


def release_files(root: Path) -> list[Path]:
    """The files a release of the front end is made of: its own, and its locked packages."""
    return sorted({p for pattern in RELEASE_FILES for p in root.glob(pattern) if p.is_file()})


def release_of(root: Path, paths: list[Path]) -> str:
    """A digest of those files' contents: the same on every host serving one release, whatever their mtimes."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def wants_page(scope: Scope) -> bool:
    """Whether a browser asks for a page (outside /api/): then a missing one is answered with web/404.html."""
    if scope.get("path", "").startswith("/api/"):
        return False
    accept = dict(scope.get("headers") or []).get(b"accept", b"")
    return b"text/html" in accept


class WebFiles(KeptFiles):
    """The front end; its 404.html is for people, API paths and scripts keep the problem+json 404; the service
    worker carries the release it belongs to."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._release: tuple[tuple, str] | None = None  # (the files' stamps, their digest)

    def release(self) -> str:
        """The release digest, read again when any of its files changed (their stamps are cheap to compare)."""
        root = Path(self.directory)
        paths = release_files(root)
        stamps = tuple((str(p), st.st_mtime_ns, st.st_size) for p in paths for st in (p.stat(),))
        if self._release is None or self._release[0] != stamps:
            self._release = (stamps, release_of(root, paths))
        return self._release[1]

    def kept(self, full_path: str, stat_result: os.stat_result) -> KeptFile | None:
        """Files as kept; the service worker with its release written in."""
        found = super().kept(full_path, stat_result)
        if found is None or os.path.basename(full_path) != "sw.js" or RELEASE_MARK not in found.body:
            return found
        body = found.body.replace(RELEASE_MARK, self.release().encode())
        return KeptFile(found.stamp, found.media_type, '"' + hashlib.sha256(body).hexdigest()[:20] + '"', body, None)

    async def get_response(self, path: str, scope: Scope) -> Response:
        """The file, or 404.html for a page a browser asked for, or a 404 the problem+json handler answers."""
        response = await super().get_response(path, scope)
        if response.status_code == 404 and not wants_page(scope):
            raise HTTPException(status_code=404)
        return response


class FrontEnd(Mount):
    """The front end's mount at "/", tried before the API's routes and declining the API's own first path segments:
    a page, module or style is then found in one check, not after failing every router's patterns (which was 70 % of
    a kept file's time on the server, and a cold map asks for about forty files at once)."""

    def __init__(self, app: WebFiles, *, api_segments: frozenset[str], name: str) -> None:
        super().__init__("", app=app, name=name)
        self.api_segments = api_segments

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        """No match for a path under the API's segments (/api/…, /ogc/…, /docs, …), else the files' mount."""
        if scope["type"] == "http":
            path, root = scope["path"], scope.get("root_path", "")
            if root and path.startswith(root):  # behind a proxy's prefix the path may or may not carry it
                path = path[len(root) :]
            if path.lstrip("/").split("/", 1)[0] in self.api_segments:
                return Match.NONE, {}
        return super().matches(scope)
