"""A write is committed before its answer is sent, and a commit that fails answers an error, never a success."""

from __future__ import annotations

from types import SimpleNamespace

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from api.app import create_app
from api.deps import CSRF_HEADER, SESSION_COOKIE
from geo.db import migrations
from geo.db.engine import Database, make_engine
from geo.settings import Settings
from tests.conftest import fresh_database, served
from tests.factories import make_user

PAIRS = 300
PROBE_AGENT = "commit-probe"


@pytest.fixture(scope="module")
def db(cluster):
    """A migrated database of its own (the live server commits sessions and tokens to it), with one planner."""
    engine = make_engine(fresh_database(cluster, "warroom_commit"))
    migrations.upgrade(engine)
    with Session(engine) as session:
        planner = make_user(session, role="planner")
        session.commit()
    yield SimpleNamespace(engine=engine, planner=planner)
    engine.dispose()


@pytest.fixture(scope="module")
def live(db, tmp_path_factory):
    """The app under a real uvicorn (in a thread), on that database."""
    settings = Settings(database_url=None, basemap="none", var_dir=tmp_path_factory.mktemp("var"))
    with served(create_app(settings, Database(db.engine))) as url:
        yield url


def sign_in(client: httpx.Client, planner: dict, **headers) -> httpx.Response:
    """POST /api/auth/login as the planner."""
    return client.post(
        "/api/auth/login",
        json={"username": planner["username"], "password": planner["password"]},
        headers=headers,
    )


def test_a_sign_in_is_valid_on_the_very_next_request(live, db):
    stale = []
    with httpx.Client(base_url=live) as signer, httpx.Client(base_url=live) as user:
        for i in range(PAIRS):
            r = sign_in(signer, db.planner)
            assert r.status_code == 200, r.text
            me = user.get("/api/auth/me", headers={"Cookie": f"{SESSION_COOKIE}={r.cookies[SESSION_COOKIE]}"})
            if (me.json().get("user") or {}).get("username") != db.planner["username"]:
                stale.append(i)
    assert not stale, f"{len(stale)} of {PAIRS} sign-ins were not yet valid on the next request"


def test_a_token_works_as_soon_as_it_is_made_and_never_after_it_is_revoked(live, db):
    not_yet, still = [], []
    with httpx.Client(base_url=live) as owner, httpx.Client(base_url=live) as script:
        csrf = {CSRF_HEADER: sign_in(owner, db.planner).json()["csrf_token"]}
        for i in range(PAIRS):
            made = owner.post("/api/auth/tokens", json={"name": f"t{i}"}, headers=csrf)
            assert made.status_code == 201, made.text
            bearer = {"Authorization": f"Bearer {made.json()['token']}"}
            if script.get("/api/auth/me", headers=bearer).status_code != 200:
                not_yet.append(i)
            assert owner.delete(f"/api/auth/tokens/{made.json()['id']}", headers=csrf).status_code == 200
            if script.get("/api/auth/me", headers=bearer).status_code != 401:
                still.append(i)
    assert not not_yet, f"{len(not_yet)} of {PAIRS} new tokens were refused on the next request"
    assert not still, f"{len(still)} of {PAIRS} revoked tokens still worked on the next request"


@pytest.mark.parametrize(
    ("sqlstate", "status"),
    [("23514", 409), ("40001", 409)],
    ids=["deferred-constraint-violation", "serialization-failure"],
)
def test_a_commit_that_fails_answers_an_error_not_a_success(live, db, sqlstate, status):
    # A constraint trigger checked at COMMIT: the handler's INSERT succeeds, only the commit fails, for real.
    with db.engine.begin() as conn:
        conn.execute(
            text(f"""
            CREATE FUNCTION commit_probe() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'refused at commit' USING ERRCODE = '{sqlstate}'; END $$;
            CREATE CONSTRAINT TRIGGER commit_probe AFTER INSERT ON user_sessions
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
                WHEN (NEW.user_agent = '{PROBE_AGENT}') EXECUTE FUNCTION commit_probe()""")
        )
    try:
        with httpx.Client(base_url=live) as client:
            r = sign_in(client, db.planner, **{"User-Agent": PROBE_AGENT})
            assert r.status_code == status, r.text
            assert r.headers["content-type"] == "application/problem+json" and " / " in r.json()["detail"]
            assert SESSION_COOKIE not in r.cookies
    finally:
        with db.engine.begin() as conn:
            conn.execute(text("DROP TRIGGER commit_probe ON user_sessions; DROP FUNCTION commit_probe()"))
    with db.engine.connect() as conn:
        kept = conn.execute(text("SELECT count(*) FROM user_sessions WHERE user_agent = :a"), {"a": PROBE_AGENT})
        assert kept.scalar_one() == 0
