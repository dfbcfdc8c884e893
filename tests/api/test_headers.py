"""Every answer carries the security headers; the CSP runs no inline script but the pages' importmaps (by hash)."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from api.headers import content_security_policy
from geo.settings import PROJECT_ROOT, Settings

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


def directives(csp: str) -> dict[str, list[str]]:
    """The policy as {directive: sources}."""
    return {d.split()[0]: d.split()[1:] for d in (part.strip() for part in csp.split(";")) if d}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/"),
        ("GET", "/siting.html"),
        ("GET", "/js/app.js"),
        ("GET", "/vendor/leaflet/dist/leaflet.css"),
        ("GET", "/api/meta"),
        ("GET", "/api/projects/999999"),
        ("GET", "/openapi.json"),
        ("GET", "/docs"),
        ("GET", "/no-such-page"),
        ("POST", "/api/users"),
        ("POST", "/api/auth/login"),
    ],
)
def test_every_answer_carries_the_security_headers(client, method, path):
    r = client.request(method, path, json={} if method == "POST" else None)
    for name, value in HEADERS.items():
        assert r.headers.get(name) == value, (name, r.status_code)
    policy = directives(r.headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["form-action"] == ["'self'"]


def test_scripts_run_from_the_app_and_the_importmaps_by_hash_only(client):
    scripts = directives(client.get("/").headers["Content-Security-Policy"])["script-src"]
    assert scripts[0] == "'self'"
    assert not [s for s in scripts[1:] if not s.startswith("'sha256-")], "no unsafe-inline, unsafe-eval or hosts"
    for page in ("index.html", "dashboard.html", "photos.html", "siting.html"):
        html = (PROJECT_ROOT / "web" / page).read_text(encoding="utf-8")
        (importmap,) = re.findall(r'<script type="importmap">(.*?)</script>', html, re.S)
        digest = base64.b64encode(hashlib.sha256(importmap.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in scripts, page


def test_the_docs_page_has_no_inline_script(client):
    html = client.get("/docs").text
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
    assert '<script src="/js/docs.js">' in html and client.get("/js/docs.js").status_code == 200


@pytest.mark.parametrize(
    ("basemap", "tiles"),
    [("none", []), ("osm", ["https://tile.openstreetmap.org"]), ("tianditu", ["https://*.tianditu.gov.cn"])],
)
def test_images_may_come_from_the_basemap_tiles_only(basemap, tiles):
    images = directives(content_security_policy(Settings(database_url=None, basemap=basemap)))["img-src"]
    assert images == ["'self'", "data:", "blob:", *tiles]


def test_a_subdomain_placeholder_in_the_tile_url_becomes_a_wildcard():
    settings = Settings(database_url=None, basemap="osm", osm_url="https://{s}.tile.example.org/{z}/{x}/{y}.png")
    assert directives(content_security_policy(settings))["img-src"][-1] == "https://*.tile.example.org"


def test_an_unexpected_error_answers_500_problem_json_with_the_headers():
    from fastapi.testclient import TestClient

    from api.app import create_app

    app = create_app(Settings(database_url=None))

    def boom():
        raise RuntimeError("a bug")

    app.add_api_route("/api/test-boom", boom)
    app.router.routes.insert(0, app.router.routes.pop())  # before the pages' catch-all mount

    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/api/test-boom")
    assert r.status_code == 500 and r.headers["content-type"] == "application/problem+json"
    assert "a bug" not in r.text  # the log has it, the caller does not
    for name, value in HEADERS.items():
        assert r.headers.get(name) == value, name
    assert "Content-Security-Policy" in r.headers
