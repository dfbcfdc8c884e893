"""Request ids, the access log (text or JSON), Prometheus request metrics and the metrics page on its own path.

Every answer carries X-Request-ID (the client's, when it sent a sane one, else a new one); problem+json bodies repeat
it as `request_id`, and the access log line has it, so a person quoting an error can be found in the log.
"""

from __future__ import annotations

import contextvars
import ipaddress
import json
import logging
import re
import time
import uuid

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from geo.ops import metrics
from geo.settings import Settings

REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
access_log = logging.getLogger("warroom.access")


def current_request_id() -> str | None:
    """The id of the request being answered, if any."""
    return REQUEST_ID.get()


def _route_label(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    if path is None or path == "":  # the static mount: one label, not one per file
        return "static" if route is not None else "unmatched"
    return path


def _allowed(client: str | None, allow: list[str]) -> bool:
    if "*" in allow:
        return True
    if client is None:
        return False
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return False
    for entry in allow:
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


class Observe:
    """ASGI middleware: request id in and out, timing into metrics and the access log, and the metrics page."""

    def __init__(self, app: ASGIApp, settings: Settings):
        self.app = app
        self.json = settings.log_json
        self.metrics_path = settings.metrics_path
        self.allow = [a.strip() for a in settings.metrics_allow.split(",") if a.strip()]

    async def _metrics(self, scope: Scope, send: Send) -> None:
        client = (scope.get("client") or (None,))[0]
        if not _allowed(client, self.allow):
            status, body, media = 404, b"Not Found", "text/plain"
        else:
            body, media = metrics.exposition()
            status = 200
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", media.encode()), (b"cache-control", b"no-store")],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer the metrics path; time, label and log everything else."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.metrics_path and scope["path"] == self.metrics_path:
            await self._metrics(scope, send)
            return
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        rid = incoming if _SANE_ID.match(incoming) else uuid.uuid4().hex
        # Not reset afterwards: each request runs in a task of its own, and the 500 page (outside this middleware)
        # still finds the id for its body.
        REQUEST_ID.set(rid)
        started = time.perf_counter()
        status = 500
        size = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-ID"] = rid
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = _route_label(scope)
            metrics.REQUESTS.labels(scope["method"], route, str(status)).inc()
            metrics.LATENCY.labels(scope["method"], route).observe(elapsed)
            self._log(scope, status, size, elapsed, rid)

    def _log(self, scope: Scope, status: int, size: int, elapsed: float, rid: str) -> None:
        if not access_log.isEnabledFor(logging.INFO):
            return
        client = (scope.get("client") or ("-",))[0]
        path = scope["path"] + ("?" + scope["query_string"].decode("latin-1") if scope.get("query_string") else "")
        if self.json:
            access_log.info(
                json.dumps(
                    {
                        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                        "request_id": rid,
                        "client": client,
                        "method": scope["method"],
                        "path": path,
                        "route": _route_label(scope),
                        "status": status,
                        "bytes": size,
                        "ms": round(elapsed * 1000, 1),
                    },
                    ensure_ascii=False,
                )
            )
        else:
            access_log.info(
                '%s "%s %s" %s %s %.1fms id=%s', client, scope["method"], path, status, size, elapsed * 1000, rid
            )
