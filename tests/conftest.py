"""Test fixtures: a real PostGIS (the app's embedded cluster, or TEST_DATABASE_URL), migrated and seeded once per
session; each test runs in a transaction that is rolled back."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from api.app import create_app
from api.deps import get_session
from geo.db import migrations
from geo.db.embedded import EmbeddedCluster
from geo.db.engine import Database, make_engine
from geo.demo.seed import seed_all
from geo.settings import PROJECT_ROOT, Settings

TEST_DB = "warroom_test"


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


def fresh_database(cluster: EmbeddedCluster | None, name: str):
    """Drop and create a database with PostGIS; return its URL."""
    if cluster is None:
        base = make_url(os.environ["TEST_DATABASE_URL"])
        url = base.set(database=name)
        admin = dict(host=base.host, port=base.port, user=base.username, password=base.password, dbname=base.database)
    else:
        url = cluster.url(name)
        admin = dict(host=str(cluster.socket_dir), user="warroom", dbname="postgres")
    with psycopg.connect(**{k: v for k, v in admin.items() if v is not None}, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    with make_engine(url).connect() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
        conn.commit()
    return url


@pytest.fixture(scope="session")
def engine(cluster) -> Iterator[Engine]:
    """The session's database: migrated to head and seeded (committed), shared read-mostly by all tests."""
    eng = make_engine(fresh_database(cluster, TEST_DB))
    migrations.upgrade(eng)
    with Session(eng) as session:
        seed_all(session)
        session.commit()
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    """Settings for tests (defaults; no basemap; photos stored in a temporary directory)."""
    return Settings(database_url=None, basemap="none", var_dir=tmp_path_factory.mktemp("var"))


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
