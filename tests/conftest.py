"""Test fixtures: a real PostGIS (the app's embedded cluster, or TEST_DATABASE_URL), migrated by the owner role and
seeded once per session; the app and each test connect as the app's role, in a transaction that is rolled back."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from api.app import create_app
from api.deps import get_session
from geo.db import migrations, roles
from geo.db.embedded import APP_ROLE, OWNER_ROLE, EmbeddedCluster
from geo.db.engine import Database, make_engine
from geo.demo.seed import seed_all
from geo.settings import PROJECT_ROOT, Settings

TEST_DB = "warroom_test"
TODAY = dt.date(2026, 12, 3)  # tests read the dispatch cycle at this date, whatever the real one


@pytest.fixture(scope="session")
def cluster() -> Iterator[EmbeddedCluster | None]:
    """The embedded test cluster under var/pgtest (fsync off), or None when TEST_DATABASE_URL is given."""
    if os.environ.get("TEST_DATABASE_URL"):
        yield None
        return
    c = EmbeddedCluster(PROJECT_ROOT / "var", name="pgtest", fast=True)
    c.start()
    yield c
    c.stop()


# With TEST_DATABASE_URL the two roles log in with a password made for this run.
ROLE_PASSWORD = secrets.token_urlsafe(16)


def _admin(cluster: EmbeddedCluster | None, database: str) -> dict:
    """psycopg connection arguments of a superuser in `database`."""
    if cluster is None:
        base = make_url(os.environ["TEST_DATABASE_URL"])
        admin = dict(host=base.host, port=base.port, user=base.username, password=base.password, dbname=database)
    else:
        admin = dict(host=str(cluster.socket_dir), user="warroom", dbname=database)
    return {k: v for k, v in admin.items() if v is not None}


def role_url(cluster: EmbeddedCluster | None, name: str, role: str = OWNER_ROLE):
    """URL of database `name` as the owner or the app role."""
    if cluster is not None:
        return cluster.url(name, role=role)
    return make_url(os.environ["TEST_DATABASE_URL"]).set(database=name, username=role, password=ROLE_PASSWORD)


def app_url(cluster: EmbeddedCluster | None, name: str):
    """URL of database `name` as the app's role (rows only, no DDL)."""
    return role_url(cluster, name, APP_ROLE)


def fresh_database(cluster: EmbeddedCluster | None, name: str):
    """Drop and create a database with PostGIS, owned by the owner role; return the owner's URL."""
    with psycopg.connect(**_admin(cluster, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if cluster is None:
            for role in (OWNER_ROLE, APP_ROLE):
                roles.ensure_login_role(conn, role, ROLE_PASSWORD)
            conn.execute(f'CREATE DATABASE "{name}" OWNER "{OWNER_ROLE}"')
    if cluster is not None:
        return cluster.create_database(name)
    with psycopg.connect(**_admin(cluster, name), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        roles.hand_over(conn, name, OWNER_ROLE, APP_ROLE)
    return role_url(cluster, name)


@pytest.fixture(scope="session")
def owner_engine(cluster) -> Iterator[Engine]:
    """The session's database as its owner, migrated to head (the app role granted): for tests that need DDL."""
    eng = make_engine(fresh_database(cluster, TEST_DB))
    migrations.upgrade(eng, app_role=APP_ROLE)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def engine(cluster, owner_engine) -> Iterator[Engine]:
    """The session's database as the app's role, seeded (committed) by it, shared read-mostly by all tests."""
    eng = make_engine(app_url(cluster, TEST_DB))
    with Session(eng) as session:
        seed_all(session)
        session.commit()
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    """Settings for tests (defaults; no basemap; photos stored in a temporary directory)."""
    # The clock the findings were made at: November 2026 due and open, October the latest closed month.
    return Settings(database_url=None, basemap="none", var_dir=tmp_path_factory.mktemp("var"), today=TODAY)


@pytest.fixture
def session(engine) -> Iterator[Session]:
    """A session inside a transaction rolled back after the test; commits become savepoints."""
    with engine.connect() as conn:
        trans = conn.begin()
        s = Session(bind=conn, join_transaction_mode="create_savepoint")
        try:
            yield s
        finally:
            s.close()
            trans.rollback()


@pytest.fixture
def client(engine, session, settings) -> Iterator[TestClient]:
    """An HTTP client on the app, whose requests share the test's rolled-back session."""
    app = create_app(settings, Database(engine))
    app.dependency_overrides[get_session] = lambda: session
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(app) -> Iterator[str]:
    """Serve an app with uvicorn in a thread for the block; its base URL."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("live server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="session")
def live_server(engine, settings) -> Iterator[str]:
    """Base URL of the real app served by uvicorn in a thread, on the seeded test database."""
    with served(create_app(settings, Database(engine))) as url:
        yield url


@pytest.fixture
def as_planner(client, session) -> TestClient:
    """The `client` signed in as a planner by API token: writes need an account (tests/auth covers who may do what)."""
    from tests.factories import make_user, token_for

    client.headers.update(token_for(session, make_user(session, role="planner")))
    return client
