"""A migrated, seeded benchmark database: DATABASE_URL when given, else an embedded cluster under var/pgbench."""
from __future__ import annotations

import os
import statistics
import time
from contextlib import contextmanager

import psycopg
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo import migrations
from geo.db import make_engine
from geo.embedded import EmbeddedCluster
from geo.seed import seed_all
from geo.settings import PROJECT_ROOT

BENCH_DB = "warroom_bench"


@contextmanager
def bench_engine():
    """Yield an engine on a freshly migrated and seeded database (116 projects × 12 months of reports)."""
    cluster = None
    if os.environ.get("DATABASE_URL"):
        url = os.environ["DATABASE_URL"]
    else:
        cluster = EmbeddedCluster(PROJECT_ROOT / "var", name="pgbench", fast=True)
        cluster.start()
        with psycopg.connect(host=str(cluster.socket_dir), user="warroom", dbname="postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
        url = cluster.url(BENCH_DB)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
        migrations.upgrade(engine)
        with Session(engine) as session:
            seed_all(session)
            session.commit()
            session.execute(text("ANALYZE"))
        yield engine
    finally:
        engine.dispose()
        if cluster is not None:
            cluster.stop()


def median_ms(fn, runs: int) -> float:
    """Median wall time of fn() in milliseconds, after one warm-up call."""
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)
