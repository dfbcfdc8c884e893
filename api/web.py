"""The static front end: pages, scripts and styles from web/, with a page of its own for a mistyped address."""

from __future__ import annotations

from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import Scope


def wants_page(scope: Scope) -> bool:
    """Whether a browser asks for a page (outside /api/): then a missing one is answered with web/404.html."""
    if scope.get("path", "").startswith("/api/"):
        return False
    accept = dict(scope.get("headers") or []).get(b"accept", b"")
    return b"text/html" in accept


class WebFiles(StaticFiles):
    """StaticFiles whose 404.html is for people; API paths and scripts keep the problem+json 404."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        """The file, or 404.html for a page a browser asked for, or a 404 the problem+json handler answers."""
        response = await super().get_response(path, scope)
        if response.status_code == 404 and not wants_page(scope):
            raise HTTPException(status_code=404)
        return response
