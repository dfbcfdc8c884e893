"""Security headers on every answer: a Content-Security-Policy that runs no inline script, no MIME sniffing,
no referrer leaks, no framing. The pages' only inline scripts (their importmaps) are allowed by hash, taken at
start-up from the HTML files that are served, so editing an importmap needs no second edit here."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from geo.settings import Settings

# An inline <script> (no src attribute) and its text, which is what the browser hashes.
_INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script\s*>", re.S | re.I)
TIANDITU_TILES = "https://*.tianditu.gov.cn"


def inline_script_hashes(web_dir: Path) -> list[str]:
    """The CSP sources ('sha256-…') of every inline script in the HTML pages under web_dir, sorted."""
    found = set()
    for page in web_dir.glob("*.html"):
        for body in _INLINE_SCRIPT.findall(page.read_text(encoding="utf-8")):
            digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
            found.add(f"'sha256-{digest}'")
    return sorted(found)


def tile_sources(settings: Settings) -> list[str]:
    """Where the basemap's tiles come from (none without a basemap)."""
    if settings.basemap == "tianditu":
        return [TIANDITU_TILES]
    if settings.basemap == "osm":
        url = urlsplit(settings.osm_url)
        first, _, rest = url.netloc.partition(".")
        # Leaflet's {s} subdomain placeholder becomes CSP's wildcard label.
        return [f"{url.scheme}://{'*.' + rest if '{' in first else url.netloc}"]
    return []


def content_security_policy(settings: Settings) -> str:
    """The policy sent with every answer; see web/README.md ("Text, not HTML")."""
    scripts = " ".join(["'self'", *inline_script_hashes(settings.web_dir)])
    images = " ".join(["'self'", "data:", "blob:", *tile_sources(settings)])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            # Leaflet, ECharts and Swagger UI position and colour elements with style attributes; styles run no code.
            "style-src 'self' 'unsafe-inline'",
            f"img-src {images}",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ]
    )


class SecurityHeaders:
    """ASGI middleware: add the CSP and the other security headers to every HTTP answer."""

    def __init__(self, app: ASGIApp, settings: Settings):
        self.app = app
        self.headers = {
            "Content-Security-Policy": content_security_policy(settings),
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "strict-origin-when-cross-origin",
            "X-Frame-Options": "DENY",
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to the start of its answer."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
