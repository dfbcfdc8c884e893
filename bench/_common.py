"""Shared bench setup: the private cluster var/pgbench, seeded databases kept per size, a served app, timing helpers."""

from __future__ import annotations

import hashlib
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
import psycopg
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from geo.accounts.principal import Principal, cli_principal
from geo.accounts.tokens import create_token
from geo.accounts.users import create_user, find_user, user_dict
from geo.db import migrations
from geo.db.embedded import APP_ROLE, EmbeddedCluster
from geo.db.engine import make_engine
from geo.demo.reports import demo_last_month
from geo.demo.seed import SEED_PROJECT_COUNT, seed_all
from geo.periods import Period, monthly
from geo.settings import PROJECT_ROOT, Settings

# What the seeded data is made from: a database seeded by other versions of these is seeded again.
SEED_SOURCES = ["geo/demo/*.py", "geo/siting/*.py", "geo/enums.py", "data/seed/*.geojson", "alembic/versions/*.py"]


@contextmanager
def bench_cluster() -> Iterator[EmbeddedCluster]:
    """The private benchmark cluster var/pgbench, started for the block (fsync off: its data is reproducible)."""
    cluster = EmbeddedCluster(PROJECT_ROOT / "var", name="pgbench", fast=True)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


def seed_fingerprint() -> str:
    """A hash of the code, seed files and migrations the bench databases are built from."""
    digest = hashlib.sha1()
    for pattern in SEED_SOURCES:
        for path in sorted(PROJECT_ROOT.glob(pattern)):
            digest.update(path.relative_to(PROJECT_ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def admin_connection(cluster: EmbeddedCluster) -> psycopg.Connection:
    """An autocommit connection to the cluster's maintenance database."""
    return psycopg.connect(host=str(cluster.socket_dir), user="warroom", dbname="postgres", autocommit=True)


def seeded_url(cluster: EmbeddedCluster, size: int = SEED_PROJECT_COUNT) -> URL:
    """warroom_bench_<size>: migrated, seeded with `size` demo projects, reused while the seed fingerprint matches."""
    name, stamp = f"warroom_bench_{size}", f"seed {seed_fingerprint()}"
    # The stamp lives in the database's comment so a bench database never gets a table of its own.
    with admin_connection(cluster) as conn:
        have = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if have and have[0] == stamp:
            url = cluster.url(name)
            engine = make_engine(url)
            try:  # a database seeded before the bench served as the app's role gets its grants
                migrations.upgrade(engine, app_role=APP_ROLE)
            finally:
                engine.dispose()
            return url
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    url = cluster.create_database(name)
    engine = make_engine(url)
    try:
        migrations.upgrade(engine, app_role=APP_ROLE)
        start = time.perf_counter()
        with Session(engine) as session:
            seed_all(session, demo_projects=size)
            session.commit()
        # As autovacuum leaves a live database: statistics (without them the state SQL picks the month-only index
        # for the latest-report lookup and /api/projects at 10,000 takes 18 s, not 0.2 s) and the visibility map
        # (without it the state's index-only scans visit the table for every project: a city tile at 100,000 takes
        # 1.35 s, not 0.85 s).
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
        print(f"  seeded {size} demo projects in {time.perf_counter() - start:.1f} s")
    finally:
        engine.dispose()
    with admin_connection(cluster) as conn:
        conn.execute(f"COMMENT ON DATABASE \"{name}\" IS '{stamp}'")
    return url


@contextmanager
def demo_month_session(size: int = SEED_PROJECT_COUNT) -> Iterator[tuple[Session, Settings, Period]]:
    """A session on warroom_bench_<size>, settings (no basemap) and the demo reports' last month (2026-10)."""
    settings = Settings(basemap="none")
    period = monthly(demo_last_month(settings.plan_year).strftime("%Y-%m"))
    with bench_cluster() as cluster:
        engine = make_engine(seeded_url(cluster, size))
        try:
            with Session(engine) as session:
                yield session, settings, period
        finally:
            engine.dispose()


def scratch_url(cluster: EmbeddedCluster, name: str, size: int = SEED_PROJECT_COUNT) -> URL:
    """A fresh copy of warroom_bench_<size> named `name`, for a bench that writes (photos) and must start clean."""
    template = seeded_url(cluster, size).database
    with admin_connection(cluster) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return cluster.url(name)


def token_headers(url: URL, *, role: str = "planner") -> dict[str, str]:
    """Authorization headers of a new API token of the account bench-<role> (made when missing) at url."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            user = find_user(session, f"bench-{role}")
            user = (
                user_dict(user)
                if user
                else create_user(session, actor=cli_principal(), username=f"bench-{role}", role=role)[0]
            )
            # As if signed in from a browser: only a session may mint a token.
            actor = Principal(user_id=user["id"], username=user["username"], role=role, via="session")
            _, secret = create_token(session, actor=actor, name="bench")
            session.commit()
    finally:
        engine.dispose()
    return {"Authorization": f"Bearer {secret}"}


def connect(url: URL) -> psycopg.Connection:
    """A plain psycopg connection to a bench database (the floor under SQLAlchemy and HTTP)."""
    return psycopg.connect(host=url.query["host"], user=url.username, dbname=url.database)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def app_server(url: URL, **env: str) -> Iterator[tuple[subprocess.Popen, str]]:
    """The app under uvicorn in a subprocess on the database at url (extra WARROOM_* in env), connected as the app's
    role like a deployment (url is the owner's, for migrations): (process, base URL)."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url.set(username=APP_ROLE).render_as_string(hide_password=False),
        "WARROOM_MIGRATE_DATABASE_URL": url.render_as_string(hide_password=False),
        "WARROOM_LOG_LEVEL": "warning",
        **env,
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "api.app:create_app",
            "--factory",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=PROJECT_ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None:
                raise SystemExit(f"the app exited with code {server.returncode} before answering /api/health")
            time.sleep(0.1)
        else:
            raise SystemExit("the app did not answer /api/health within 30 s")
        yield server, base
    finally:
        server.terminate()
        server.wait(30)


@contextmanager
def served(url: URL, **env: str) -> Iterator[str]:
    """The app served on the database at url for the block (see app_server); yield its base URL."""
    with app_server(url, **env) as (_, base):
        yield base


def timed(fn: Callable[[], object], runs: int, *, warm: bool = True) -> list[float]:
    """Wall times of `runs` calls of fn() in milliseconds, after one discarded warm-up call unless warm=False."""
    if warm:
        fn()
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def median_ms(fn: Callable[[], object], runs: int, *, warm: bool = True) -> float:
    """Median wall time of fn() in milliseconds (see timed)."""
    return statistics.median(timed(fn, runs, warm=warm))


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of values, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


# Counts a page's live timers (an init script), so timers that pile up over a long run show.
TIMER_PROBE = """(() => {
  const live = new Set();
  const st = window.setTimeout, ct = window.clearTimeout, si = window.setInterval, ci = window.clearInterval;
  window.setTimeout = (f, ms, ...a) => {
    const id = st(() => { live.delete(id); if (typeof f === 'function') f(...a); }, ms);
    live.add(id);
    return id;
  };
  window.clearTimeout = (id) => { live.delete(id); ct(id); };
  window.setInterval = (f, ms, ...a) => { const id = si(f, ms, ...a); live.add(id); return id; };
  window.clearInterval = (id) => { live.delete(id); ci(id); };
  window.__liveTimers = () => live.size;
})();"""
