"""Benchmark GET /api/projects and GET /api/lookup through HTTP against the same SQL run straight on PostGIS.

Usage: .venv/bin/python bench/api_projects.py [--sizes 116,10000] [--requests 100]
Starts a private cluster (var/pgbench), loads N demo projects per size, serves the app with uvicorn in a
subprocess, and prints median and p95 of each endpoint beside the floor measured in the same run, as a ratio.
"""
from __future__ import annotations

import argparse
import re
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo import migrations  # noqa: E402
from geo.db import make_engine  # noqa: E402
from geo.embedded import EmbeddedCluster  # noqa: E402
from geo.queries.projects import ProjectFilter, projects_geojson_statement  # noqa: E402
from geo.seed import seed_all  # noqa: E402
from geo.settings import Settings  # noqa: E402
from geo.queries.lookup import lookup_point  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

PLAIN_SQL = """SELECT json_build_object('type','FeatureCollection','features', json_agg(ST_AsGeoJSON(t.*, 'geom', 6)::json))::text
FROM (SELECT id, code, name, status, progress, investment_total, investment_year, geom FROM projects ORDER BY id) t"""


MAP_FIELDS = "id,name,district,cluster,status,progress,light,investment_total"  # what web/js/api.js asks for


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def timed(fn, n: int) -> list[float]:
    fn()  # warm
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def report(name: str, values: list[float], floor: list[float]) -> None:
    med, p95, fmed = statistics.median(values), percentile(values, 0.95), statistics.median(floor)
    print(f"  {name:<44} median {med:8.2f} ms  p95 {p95:8.2f} ms   floor median {fmed:8.2f} ms   ratio {med / fmed:5.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="116,10000")
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()

    cluster = EmbeddedCluster(ROOT / "var", name="pgbench")
    cluster.start()
    try:
        for size in [int(s) for s in args.sizes.split(",")]:
            run_size(cluster, size, args.requests)
    finally:
        cluster.stop()


def run_size(cluster: EmbeddedCluster, size: int, n: int) -> None:
    db = f"warroom_bench_{size}"
    url = cluster.create_database(db)
    engine = make_engine(url)
    migrations.upgrade(engine)
    with Session(engine) as s:
        seed_all(s, demo_projects=size)
        s.commit()
    engine.dispose()

    port = free_port()
    env = {**os.environ, "DATABASE_URL": url.render_as_string(hide_password=False), "WARROOM_LOG_LEVEL": "warning"}
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory", "--port", str(port),
                               "--log-level", "warning"], cwd=ROOT, env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                if httpx.get(f"{base}/api/health").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        settings = Settings()
        with Session(make_engine(url)) as s:
            same_sql, params = projects_geojson_statement(s, settings=settings, filters=ProjectFilter())
        same_sql = re.sub(r"(?<!:):(\w+)", r"%(\1)s", same_sql)  # SQLAlchemy's :name to psycopg's %(name)s
        pg = psycopg.connect(host=str(cluster.socket_dir), user="warroom", dbname=db)
        http = httpx.Client(base_url=base, headers={"Accept-Encoding": "gzip"})
        size_body = len(http.get("/api/projects").content)

        print(f"\n{size} projects (FeatureCollection {size_body / 1e6:.2f} MB uncompressed), {n} requests each")
        floor_same = timed(lambda: pg.execute(same_sql, params).fetchone(), n)
        floor_plain = timed(lambda: pg.execute(PLAIN_SQL).fetchone(), n)
        api = timed(lambda: http.get("/api/projects").raise_for_status(), n)
        report("GET /api/projects (gzip) vs same SQL", api, floor_same)
        report("GET /api/projects (gzip) vs plain SQL", api, floor_plain)
        report("same SQL vs plain SQL (what siting/light cost)", floor_same, floor_plain)
        lean = timed(lambda: http.get("/api/projects", params={"fields": MAP_FIELDS}).raise_for_status(), n)
        report("GET /api/projects?fields=<map's 8> vs same SQL (all)", lean, floor_same)
        filtered = timed(lambda: http.get("/api/projects", params={"district": "荣成市"}).raise_for_status(), n)
        report("GET /api/projects?district=荣成市 vs same SQL (all)", filtered, floor_same)

        points = [(122.42, 36.88), (122.06, 37.51), (121.70, 37.00), (122.30, 37.62)]
        i = iter(range(10**9))

        def one_lookup():
            lon, lat = points[next(i) % len(points)]
            http.get("/api/lookup", params={"lon": lon, "lat": lat}).raise_for_status()

        lookup_session = Session(make_engine(url))

        def one_lookup_direct():
            lon, lat = points[next(i) % len(points)]
            lookup_point(lookup_session, lon=lon, lat=lat)

        # The siting engine is geo/siting.py (boundaries cached from PostGIS); its floor is the same call without HTTP.
        report("GET /api/lookup vs the same lookup in-process", timed(one_lookup, n), timed(one_lookup_direct, n))
        lookup_session.close()
        pg.close()
        http.close()
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
