"""Cached answers: a strong ETag from the data's version, 304 for a client that holds it, and a write is seen on the
very next request."""

import gzip
import importlib.util
from pathlib import Path
from types import SimpleNamespace

import httpx
import orjson
import pytest
from sqlalchemy import text

from api.app import create_app
from geo.db import migrations
from geo.db.engine import Database, make_engine
from geo.settings import Settings
from tests.conftest import fresh_database, served
from tests.factories import interior_point, make_project

CACHED = [
    "/api/meta",
    "/api/projects",
    "/api/projects?fields=light",
    "/api/summary",
    "/api/layers/districts",
    "/api/dashboard",
]
# Tables whose rows no cached answer shows: accounts, sessions, tokens, sign-in limits, the log, the counter itself.
UNTRACKED = {
    "users",
    "user_sessions",
    "api_tokens",
    "sign_in_limits",
    "audit_log",
    "alembic_version",
    "data_version",
    "spatial_ref_sys",
}


def _migration():
    path = Path(__file__).resolve().parents[2] / "alembic" / "versions" / "0020_ogc.py"
    spec = importlib.util.spec_from_file_location("migration_0020", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("url", CACHED)
def test_a_client_holding_the_version_gets_304_without_a_body(client, url):
    first = client.get(url)
    assert first.status_code == 200, first.text
    etag = first.headers["etag"]
    assert etag.startswith('"v') and not etag.startswith("W/")  # strong
    assert "no-cache" in first.headers["cache-control"]  # every use asks again, so a write is never missed
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag


def test_another_filter_or_month_is_another_etag(client):
    tags = {client.get(u).headers["etag"] for u in ["/api/projects", "/api/projects?status=construction"]}
    assert len(tags) == 2


def test_a_project_added_is_on_the_very_next_map(client, session):
    before = client.get("/api/projects")
    count = len(before.json()["features"])
    lon, lat = interior_point(session, "districts", "环翠区")
    pid = make_project(session, lon=lon, lat=lat, name="缓存测试项目")
    after = client.get("/api/projects", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]
    features = after.json()["features"]
    assert len(features) == count + 1 and pid in {f["properties"]["id"] for f in features}


def test_an_edit_through_the_api_is_on_the_very_next_summary_and_map(as_planner, session):
    lon, lat = interior_point(session, "districts", "环翠区")
    pid = make_project(session, lon=lon, lat=lat, total="10")
    summary = as_planner.get("/api/summary")
    projects = as_planner.get("/api/projects")
    r = as_planner.patch(f"/api/projects/{pid}", json={"investment_total": "110", "name": "改名后的项目"})
    assert r.status_code == 200, r.text
    new_summary = as_planner.get("/api/summary", headers={"If-None-Match": summary.headers["etag"]})
    assert new_summary.status_code == 200
    assert new_summary.json()["investment_total"] == pytest.approx(summary.json()["investment_total"] + 100)
    new_projects = as_planner.get("/api/projects", headers={"If-None-Match": projects.headers["etag"]})
    names = {f["properties"]["id"]: f["properties"]["name"] for f in new_projects.json()["features"]}
    assert names[pid] == "改名后的项目"


def test_a_boundary_change_is_on_the_very_next_layer(client, session):
    before = client.get("/api/layers/districts")
    session.execute(text("UPDATE districts SET name = name || '(新)' WHERE name = '环翠区'"))
    after = client.get("/api/layers/districts", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert "环翠区(新)" in {f["properties"]["name"] for f in after.json()["features"]}


def test_a_month_closed_is_on_the_very_next_dashboard(client, session):
    before = client.get("/api/dashboard")
    session.execute(text("UPDATE reporting_periods SET closed_at = NULL WHERE closed_at IS NOT NULL"))
    after = client.get("/api/dashboard", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]


def test_the_gzipped_body_is_its_own_representation(client):
    plain = client.get("/api/projects", headers={"Accept-Encoding": "identity"})
    # httpx decodes gzip itself; the raw stream shows what was sent
    with client.stream("GET", "/api/projects", headers={"Accept-Encoding": "gzip"}) as zipped:
        raw = b"".join(zipped.iter_raw())
        assert zipped.headers["content-encoding"] == "gzip"
        assert zipped.headers["etag"] != plain.headers["etag"] and "accept-encoding" in zipped.headers["vary"].lower()
    assert orjson.loads(gzip.decompress(raw)) == plain.json()
    again = client.get("/api/projects", headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["etag"]})
    assert again.status_code == 304


def test_every_table_either_moves_the_version_or_is_named_as_not_shown(session):
    tables = set(session.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars().all())
    tracked = set(
        session.execute(
            text(
                "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname LIKE '%\\_bumps\\_data\\_version'"
            )
        )
        .scalars()
        .all()
    )
    assert tracked == set(_migration().TRACKED)
    assert tables - tracked - UNTRACKED == set(), "a new table: add it to 0020_ogc's TRACKED (or to UNTRACKED here)"


def test_the_app_cannot_move_the_version_itself(engine):
    from sqlalchemy.exc import ProgrammingError

    with engine.connect() as conn, pytest.raises(ProgrammingError):
        conn.execute(text("UPDATE data_version SET version = 1"))


@pytest.fixture(scope="module")
def committed(cluster, tmp_path_factory):
    """The app under a real uvicorn on a database of its own, where writes are committed (so the version is read on
    the app's async pool, as in production); (base URL, owner engine)."""
    engine = make_engine(fresh_database(cluster, "warroom_versions"))
    migrations.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO districts (code, name, kind, geom) VALUES "
                "('t1', '版本区', 'county', ST_Multi(ST_MakeEnvelope(122.0, 37.3, 122.1, 37.4, 4326)))"
            )
        )
    settings = Settings(database_url=None, basemap="none", var_dir=tmp_path_factory.mktemp("var"))
    app = create_app(settings, Database(engine))
    with served(app) as url:
        yield SimpleNamespace(url=url, engine=engine, app=app)
    engine.dispose()


def _rename_and_fetch(committed, http: httpx.Client, etag: str, name: str) -> httpx.Response:
    with committed.engine.begin() as conn:  # another connection commits, as the CLI or a second worker would
        conn.execute(text("UPDATE districts SET name = :name WHERE code = 't1'"), {"name": name})
    return http.get("/api/layers/districts", headers={"If-None-Match": etag})


def test_a_write_committed_elsewhere_is_on_the_very_next_answer(committed):
    assert committed.app.state.async_pool is not None  # the production path, not the test session's
    with httpx.Client(base_url=committed.url) as http:
        etag = http.get("/api/layers/districts").headers["etag"]
        for i in range(40):
            r = _rename_and_fetch(committed, http, etag, f"版本区{i}")
            assert r.status_code == 200, f"write {i} not seen: {r.status_code}"
            assert [f["properties"]["name"] for f in r.json()["features"]] == [f"版本区{i}"]
            etag = r.headers["etag"]
            assert http.get("/api/layers/districts", headers={"If-None-Match": etag}).status_code == 304


def test_cached_answers_stay_right_when_the_database_drops_every_connection(committed):
    with httpx.Client(base_url=committed.url) as http:
        etag = http.get("/api/layers/districts").headers["etag"]
        with committed.engine.begin() as conn:  # the app's pooled connections, async and sync, are cut
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
        r = _rename_and_fetch(committed, http, etag, "断线后")
        assert r.status_code == 200, r.text
        assert [f["properties"]["name"] for f in r.json()["features"]] == ["断线后"]
        assert http.get("/api/layers/districts", headers={"If-None-Match": r.headers["etag"]}).status_code == 304
        ogc = [http.get("/ogc/collections/ogc.districts/items").status_code for _ in range(3)]
        assert 500 not in ogc and ogc[-1] == 200, ogc
