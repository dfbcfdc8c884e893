"""One limit on request bodies in front of everything: a cap per route, enforced while the body streams in."""

from __future__ import annotations

import re
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import problem
from geo.settings import Settings

MB = 1 << 20
FORM_OVERHEAD = MB  # multipart boundaries, part headers and the small text fields beside the files


@dataclass(frozen=True)
class UploadRoute:
    """A route allowed a body larger than the small cap; it must read its body only after its dependencies
    (no FastAPI body parameters), so that a request is authenticated before a byte of the upload is read."""

    method: str
    path: str  # as FastAPI spells it, e.g. /api/projects/{project_id}/photos
    kind: str  # "photos" or "upload"

    def pattern(self) -> re.Pattern:
        """The path as a regular expression ({name} matches one path segment)."""
        return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(self.path)) + "/?$")


# Every other request (JSON, forms, anything unknown) gets settings.body_max_bytes.
UPLOAD_ROUTES = (
    UploadRoute("POST", "/api/projects/{project_id}/photos", "photos"),
    UploadRoute("POST", "/api/imports/boundaries", "upload"),
    UploadRoute("POST", "/api/imports/projects", "upload"),
    UploadRoute("POST", "/api/lookup", "upload"),
    UploadRoute("POST", "/api/tasks/{task_id}/evidence", "upload"),
)


class BodyTooLarge(HTTPException):
    """Raised from receive() once a body passes its cap (FastAPI re-raises HTTPExceptions from body parsing)."""

    def __init__(self, limit: int):
        super().__init__(413, too_large_detail(limit))
        self.limit = limit


def too_large_detail(limit: int) -> str:
    """The person-readable reason for a 413."""
    size = f"{limit / MB:.0f} MB" if limit >= MB else f"{limit / 1024:.0f} KB"
    return f"请求内容超过 {size},未被接收 / the request body exceeds {size} and was not accepted"


def too_large(limit: int):
    """The 413 problem+json answer; the connection is closed so the rest of the body is never read."""
    return problem(
        413,
        "文件太大 / Payload too large",
        too_large_detail(limit),
        headers={"Connection": "close"},
        extensions={"limit_bytes": limit},
    )


def route_caps(settings: Settings) -> list[tuple[str, re.Pattern, int]]:
    """(method, path pattern, cap in bytes) for every upload route."""
    caps = {
        "photos": settings.photo_max_files * settings.photo_max_bytes + FORM_OVERHEAD,
        "upload": settings.upload_max_mb * MB + FORM_OVERHEAD,
    }
    return [(r.method, r.pattern(), caps[r.kind]) for r in UPLOAD_ROUTES]


class BodyLimit:
    """ASGI middleware: a body over its route's cap answers 413 problem+json, by its Content-Length before a byte is
    read, or as soon as the streamed (chunked) body passes the cap; the app never receives more than the cap."""

    def __init__(self, app: ASGIApp, settings: Settings):
        self.app = app
        self.small = settings.body_max_bytes
        self.caps = route_caps(settings)

    def cap_for(self, method: str, path: str) -> int:
        """The most bytes a request to this route may send."""
        for route_method, pattern, cap in self.caps:
            if method == route_method and pattern.match(path):
                return cap
        return self.small

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on with a receive() that counts; answer 413 where the cap is passed."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = self.cap_for(scope["method"], scope["path"])
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length", b"").strip()
        if declared.isascii() and declared.isdigit() and int(declared) > cap:
            await too_large(cap)(scope, receive, send)
            return
        has_body = (declared.isascii() and declared.isdigit() and int(declared) > 0) or b"transfer-encoding" in headers
        budget = _Budget(cap, complete=not has_body)

        async def limited_receive() -> Message:
            if budget.exceeded:
                raise BodyTooLarge(cap)
            message = await receive()
            if message["type"] == "http.request":
                budget.received += len(message.get("body", b""))
                if budget.received > cap:
                    budget.exceeded = True
                    raise BodyTooLarge(cap)  # this chunk, which passes the cap, is not handed on
                budget.complete = not message.get("more_body", False)
            return message

        async def guarded_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                if budget.exceeded:  # whatever the app made of a cut-off body, the answer is 413
                    budget.replaced = True
                    await too_large(cap)(scope, receive, send)
                    return
                budget.started = True
                if not budget.complete:
                    # Answered before the body was read (e.g. 401): close, or the server would go on reading it.
                    message = {**message, "headers": [*message.get("headers", []), (b"connection", b"close")]}
            elif budget.replaced:
                return
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except BodyTooLarge:
            if budget.started:
                raise
            if not budget.replaced:
                await too_large(cap)(scope, receive, send)


@dataclass
class _Budget:
    cap: int
    complete: bool
    received: int = 0
    exceeded: bool = False
    started: bool = False
    replaced: bool = False
