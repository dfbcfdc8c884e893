"""Refuse photo uploads whose declared size is over the limit before their body is read."""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Receive, Scope, Send

from api.errors import problem
from geo.settings import Settings

_UPLOAD_PATH = re.compile(r"^/api/projects/[^/]+/photos/?$")
FORM_OVERHEAD = 1 << 20  # multipart boundaries and the small text fields


class UploadSizeLimit:
    """ASGI middleware: 413 when Content-Length exceeds max files × max size, so a huge body is never spooled."""

    def __init__(self, app: ASGIApp, settings: Settings):
        self.app = app
        self.limit = settings.photo_max_files * settings.photo_max_bytes + FORM_OVERHEAD

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer 413 for an upload declared too large; pass everything else on."""
        if scope["type"] == "http" and scope["method"] == "POST" and _UPLOAD_PATH.match(scope["path"]):
            length = dict(scope["headers"]).get(b"content-length", b"")
            if length.isdigit() and int(length) > self.limit:
                response = problem(
                    413,
                    "文件太大 / Payload too large",
                    f"上传内容超过 {self.limit / 2**20:.0f} MB / the upload exceeds {self.limit / 2**20:.0f} MB",
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
