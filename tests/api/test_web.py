"""The front end's files: answered from memory gzipped once, revalidated by ETag, and never stale after an edit."""

from __future__ import annotations

import os

import pytest
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.routing import Match, Mount

from api.web import KEEP_MAX_FILE, FrontEnd, WebFiles

SCRIPT = "export const greeting = '你好';\n" + "// padding so the file is worth compressing\n" * 60


@pytest.fixture
def web(tmp_path):
    """A web/ directory with a module, a page, a large file, and a client of WebFiles over it."""
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "app.js").write_text(SCRIPT, encoding="utf-8")
    (tmp_path / "index.html").write_text("<!doctype html><title>地图</title>", encoding="utf-8")
    (tmp_path / "404.html").write_text("<!doctype html><title>没有这个页面</title>", encoding="utf-8")
    (tmp_path / "big.bin").write_bytes(os.urandom(KEEP_MAX_FILE + 10))
    (tmp_path.parent / "secret.txt").write_text("not served", encoding="utf-8")
    app = Starlette(routes=[Mount("/", WebFiles(directory=tmp_path, html=True))])
    with TestClient(app) as client:
        yield tmp_path, client


def test_a_module_comes_gzipped_with_its_type_and_a_strong_etag(web):
    _, client = web
    r = client.get("/js/app.js", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/javascript")
    assert r.headers["content-encoding"] == "gzip"
    assert r.headers["cache-control"] == "no-cache"  # the URL has no version: a release must reach every browser
    assert r.headers["etag"].startswith('"') and not r.headers["etag"].startswith("W/")
    assert r.text == SCRIPT  # httpx inflated it
    plain = client.get("/js/app.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == SCRIPT.encode()
    assert plain.headers["etag"] != r.headers["etag"]  # two representations, two tags


def test_the_browser_revalidates_with_a_304(web):
    _, client = web
    etag = client.get("/js/app.js", headers={"Accept-Encoding": "gzip"}).headers["etag"]
    again = client.get("/js/app.js", headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag


def test_an_edited_file_is_served_at_once(web):
    root, client = web
    first = client.get("/js/app.js", headers={"Accept-Encoding": "gzip"})
    edited = SCRIPT.replace("你好", "再见")
    (root / "js" / "app.js").write_text(edited, encoding="utf-8")
    st = os.stat(root / "js" / "app.js")
    os.utime(root / "js" / "app.js", ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))  # a coarse clock
    second = client.get("/js/app.js", headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["etag"]})
    assert second.status_code == 200 and second.text == edited
    assert second.headers["etag"] != first.headers["etag"]


def test_large_files_head_and_ranges_still_come_from_disk(web):
    root, client = web
    big = (root / "big.bin").read_bytes()
    assert client.get("/big.bin").content == big
    part = client.get("/big.bin", headers={"Range": "bytes=10-19"})
    assert part.status_code == 206 and part.content == big[10:20]
    head = client.head("/js/app.js")
    assert head.status_code == 200 and head.content == b""


def test_pages_escapes_and_misses(web):
    _, client = web
    assert "地图" in client.get("/").text
    assert client.get("/../secret.txt").status_code == 404
    assert client.get("/%2e%2e/secret.txt").status_code == 404
    page = client.get("/nowhere.html", headers={"Accept": "text/html"})
    assert page.status_code == 404 and "没有这个页面" in page.text
    assert client.get("/js/nowhere.js").status_code == 404


def test_a_tiny_file_is_sent_as_is(web):
    root, client = web
    (root / "js" / "tiny.js").write_text("export {};\n", encoding="utf-8")
    r = client.get("/js/tiny.js", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in r.headers and r.text == "export {};\n"  # gzip would make it larger


def test_the_service_worker_names_its_release_and_a_new_release_renames_it(web):
    root, client = web
    (root / "sw.js").write_text("const RELEASE = '__WARROOM_RELEASE__';\n", encoding="utf-8")
    first = client.get("/sw.js").text
    release = first.split("'")[1]
    assert len(release) == 16 and "__WARROOM" not in first
    assert client.get("/sw.js").text == first  # the same files, the same release (and the same on every host)
    (root / "js" / "app.js").write_text(SCRIPT + "// next release\n", encoding="utf-8")
    second = client.get("/sw.js").text
    assert second.split("'")[1] != release  # the browser installs the new worker, which drops the old caches


def test_the_front_end_is_tried_first_but_never_answers_for_the_api(client):
    front = next(r for r in client.app.router.routes if isinstance(r, FrontEnd))
    api_paths = [*client.app.openapi()["paths"], "/docs", "/openapi.json", "/ogc/collections", "/api/nowhere"]
    for path in api_paths:
        assert front.matches({"type": "http", "path": path, "root_path": ""})[0] == Match.NONE, path
    assert client.get("/js/app.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/docs").headers["content-type"].startswith("text/html")
    assert client.get("/openapi.json").json()["paths"]
    # A trailing slash or an unknown API path is the API's problem+json 404, never a page or a redirect.
    for path in ("/api/projects/", "/api/nowhere"):
        r = client.get(path, headers={"Accept": "text/html"}, follow_redirects=False)
        assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json", path


def test_behind_a_proxy_prefix_the_api_is_still_the_apis(client):
    front = next(r for r in client.app.router.routes if isinstance(r, FrontEnd))
    for path in ("/warroom/api/projects", "/api/projects"):  # the path with or without the prefix it is served under
        assert front.matches({"type": "http", "path": path, "root_path": "/warroom"})[0] == Match.NONE, path
    assert front.matches({"type": "http", "path": "/warroom/js/app.js", "root_path": "/warroom"})[0] == Match.FULL
