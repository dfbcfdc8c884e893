"""Request bodies: one cap per route, enforced while the body streams in (with or without Content-Length), uploads
read only after authentication, and the server's memory flat under hostile bodies (measured on a subprocess)."""

from __future__ import annotations

import logging
import socket
import time
from types import SimpleNamespace

import httpx
import orjson
import pytest
from sqlalchemy.orm import Session

from api.app import create_app
from api.deps import CSRF_HEADER, SAFE_METHODS, SESSION_COOKIE, governing_permission
from api.limits import UPLOAD_ROUTES, BodyLimit
from api.openapi import api_routes
from bench._common import app_server
from bench.hostile_bodies import (
    BOUNDARY,
    MIB,
    MULTIPART_HEAD,
    attack,
    hostile_post,
    lookup_points,
    measure,
    points_body,
)
from geo.db import migrations
from geo.db.embedded import APP_ROLE
from geo.db.engine import Database, make_engine
from geo.enums import PERMISSIONS
from geo.errors import InvalidInput
from geo.settings import Settings
from geo.siting.batch import points_from_json
from tests.conftest import fresh_database, served
from tests.factories import make_user, token_for

# The server may buffer a little before it stops reading (its 64 KiB high-water mark and the sockets' buffers).
READ_AHEAD = 32 * MIB
QUICK_S = 10
RSS_TARGET = 300 * 10**6


@pytest.fixture(scope="module")
def db(cluster):
    """A migrated database of its own (the subprocess server commits to it), with a planner and their token."""
    url = fresh_database(cluster, "warroom_limits")
    engine = make_engine(url)
    migrations.upgrade(engine, app_role=APP_ROLE)  # bench.app_server serves as the app role
    with Session(engine) as session:
        planner = make_user(session, role="planner")
        auth = token_for(session, planner)
        session.commit()
    yield SimpleNamespace(url=url, engine=engine, planner=planner, auth=auth)
    engine.dispose()


@pytest.fixture(scope="module")
def live(db, tmp_path_factory):
    """The app under a real uvicorn, in a thread."""
    settings = Settings(database_url=None, basemap="none", var_dir=tmp_path_factory.mktemp("var"))
    with served(create_app(settings, Database(db.engine))) as url:
        yield url


def problem_of(answer) -> dict:
    """The problem+json body of an answer."""
    return orjson.loads(answer.body)


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize(
    ("path", "multipart", "status"),
    [("/api/auth/login", False, 413), ("/api/projects/1/photos", True, 401)],
    ids=["login", "photos"],
)
def test_anonymous_huge_body_is_refused_before_it_is_read(live, path, multipart, status, chunked):
    # login is anonymous by nature: its small JSON cap refuses it; an upload is refused for want of an account first
    answer = hostile_post(live, path, chunked=chunked, multipart=multipart)
    assert answer.status == status, answer
    assert answer.seconds < QUICK_S and answer.sent < READ_AHEAD, answer
    assert problem_of(answer)["status"] == status


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_bad_token_or_missing_csrf_refuse_an_upload_before_it_is_read(live, db, chunked):
    bad = hostile_post(
        live, "/api/projects/1/photos", chunked=chunked, multipart=True, headers={"Authorization": "Bearer wr_nope"}
    )
    assert bad.status == 401 and bad.sent < READ_AHEAD, bad
    signed = httpx.post(
        f"{live}/api/auth/login", json={"username": db.planner["username"], "password": db.planner["password"]}
    )
    cookie = {"Cookie": f"{SESSION_COOKIE}={signed.cookies[SESSION_COOKIE]}"}
    no_csrf = hostile_post(live, "/api/projects/1/photos", chunked=chunked, multipart=True, headers=cookie)
    assert no_csrf.status == 403 and no_csrf.sent < READ_AHEAD, no_csrf
    assert CSRF_HEADER in problem_of(no_csrf)["detail"]


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_json_cap_is_the_setting_counted_as_the_body_streams(live, chunked):
    def login(size: int) -> httpx.Response:
        body = orjson.dumps({"username": "nobody", "password": "x" * (size - 35)})
        assert len(body) == size
        content = iter([body[i : i + 65536] for i in range(0, size, 65536)]) if chunked else body
        return httpx.post(f"{live}/api/auth/login", content=content, headers={"Content-Type": "application/json"})

    cap = Settings().body_max_bytes
    assert login(cap).status_code == 422  # the whole body reached the app, which found the password too long
    over = login(cap + 1)
    assert over.status_code == 413 and over.headers["content-type"] == "application/problem+json"
    assert "1 MB" in over.json()["detail"] and over.json()["title"] == "文件太大 / Payload too large"


def test_an_authenticated_upload_stops_being_read_at_its_cap(db, tmp_path):
    # Small limits, so the cap is passed quickly: photos 2 x 1 MiB (+1 MiB of form), imports 1 MB (+1 MiB).
    settings = Settings(
        database_url=None, basemap="none", var_dir=tmp_path, photo_max_bytes=MIB, photo_max_files=2, upload_max_mb=1
    )
    with served(create_app(settings, Database(db.engine))) as url:
        for path in ("/api/projects/1/photos", "/api/imports/boundaries?layer=bases&filename=b.geojson"):
            for chunked in (False, True):
                answer = hostile_post(url, path, size=64 * MIB, chunked=chunked, multipart=True, headers=db.auth)
                assert answer.status == 413 and answer.sent < READ_AHEAD, (path, chunked, answer)
                assert problem_of(answer)["limit_bytes"] == (3 if "photos" in path else 2) * MIB


def test_routes_allowed_large_bodies_authenticate_before_reading_them():
    app = create_app(Settings(database_url="postgresql://unused/unused"), Database.__new__(Database))
    limit = BodyLimit(app, Settings())
    routes = {(m, r.path_format): r for r in api_routes(app) for m in r.methods}
    for upload in UPLOAD_ROUTES:
        route = routes[(upload.method, upload.path)]
        assert limit.cap_for(upload.method, upload.path.replace("{project_id}", "7")) > Settings().body_max_bytes
        # FastAPI parses body parameters before it runs any dependency: an upload route must read its body itself.
        flat, body = [route.dependant], []
        while flat:
            dep = flat.pop()
            body += dep.body_params
            flat.extend(dep.dependencies)
        assert not body, f"{upload.path} declares body parameters {[p.name for p in body]}: read before sign-in"
        assert PERMISSIONS[governing_permission(route.dependant)].min_role, upload.path
    for method, path in routes:
        if (method, path) not in {(u.method, u.path) for u in UPLOAD_ROUTES} and method not in SAFE_METHODS:
            assert limit.cap_for(method, path) == Settings().body_max_bytes, path


def test_too_many_points_are_refused_before_they_are_parsed():
    with pytest.raises(InvalidInput, match="at most 3 points"):
        points_from_json(orjson.dumps({"points": [[122.1, 37.5]] * 4}), max_points=3)
    with pytest.raises(InvalidInput, match="at most 3 points"):
        points_from_json(orjson.dumps({"other": [[1], {}], "points": [{"lon": 122.1, "lat": 37.5}] * 4}), max_points=3)
    # brackets in names are not points: three named points pass a limit of three
    named = orjson.dumps({"points": [{"lon": 122.1, "lat": 37.5, "name": "[a]{b}"}] * 3, "note": "[]"})
    assert len(points_from_json(named, max_points=3)) == 3


def test_hostile_bodies_leave_the_server_memory_flat(db):
    # The app in a subprocess of its own, so its RSS is the server's alone.
    body = points_body(2_000_000)
    with app_server(db.url) as (server, base):
        assert lookup_points(base, db.auth, points_body(10)).status_code == 200  # warm up the imports
        for path, multipart, status in (("/api/auth/login", False, 413), ("/api/projects/1/photos", True, 401)):
            for chunked in (False, True):
                grew, answers = measure(
                    server.pid, lambda p=path, c=chunked, m=multipart: attack(base, p, chunked=c, multipart=m)
                )
                assert {a.status for a in answers} == {status}, (path, chunked, answers)
                assert grew < RSS_TARGET, f"{path} chunked={chunked}: RSS +{grew / MIB:.0f} MiB"
        grew, r = measure(server.pid, lambda: lookup_points(base, db.auth, body))
        assert r.status_code == 422 and "at most 200000" in r.json()["detail"], r.text[:500]
        assert grew < RSS_TARGET, f"2,000,000-point lookup: RSS +{grew / MIB:.0f} MiB"


class Kept(logging.Handler):
    """Keeps the records of the loggers it is put on (uvicorn's do not reach the root logger)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_an_upload_cut_off_mid_body_is_no_server_error(live, db):
    # A phone that loses its signal mid-upload: the server stops waiting for the rest, stores nothing, logs no error.
    from urllib.parse import urlsplit

    url = urlsplit(live)
    head = "\r\n".join(
        [
            "POST /api/projects/1/photos HTTP/1.1",
            f"Host: {url.netloc}",
            f"Content-Type: multipart/form-data; boundary={BOUNDARY}",
            "Content-Length: 1000000",
            *(f"{k}: {v}" for k, v in db.auth.items()),
        ]
    )
    kept = Kept()
    loggers = [logging.getLogger(name) for name in ("uvicorn.error", "warroom.api")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(kept)
        lg.setLevel(logging.INFO)
    try:
        with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
            sock.sendall(f"{head}\r\n\r\n".encode() + MULTIPART_HEAD + b"x" * 50_000)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any("disconnected" in r.getMessage() for r in kept.records):
            time.sleep(0.05)
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.removeHandler(kept)
            lg.setLevel(level)
    messages = [r.getMessage() for r in kept.records]
    assert any("client disconnected" in m for m in messages), messages
    assert [r.getMessage() for r in kept.records if r.levelno >= logging.ERROR] == []
    assert httpx.get(f"{live}/api/health").status_code == 200
