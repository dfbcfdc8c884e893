"""Benchmark GET /api/projects and GET /api/lookup through HTTP against the same SQL run straight on PostGIS.

Usage: .venv/bin/python bench/api_projects.py [--sizes 116,10000] [--requests 100]
Starts a private cluster (var/pgbench), loads N demo projects per size, serves the app with uvicorn in a
subprocess, and prints median and p95 of each endpoint beside the floor measured in the same run, as a ratio.
"""

from __future__ import annotations

import argparse
import re
import statistics

import httpx
from _common import bench_cluster, connect, percentile, seeded_url, served, timed
from sqlalchemy.orm import Session

from geo.db.embedded import EmbeddedCluster
from geo.db.engine import make_engine
from geo.projects.queries import ProjectFilter, projects_geojson_statement
from geo.settings import Settings
from geo.siting.lookup import lookup_point

PLAIN_SQL = """SELECT json_build_object('type','FeatureCollection',
                         'features', json_agg(ST_AsGeoJSON(t.*, 'geom', 6)::json))::text
FROM (SELECT id, code, name, status, progress, investment_total, investment_year, geom FROM projects ORDER BY id) t"""


MAP_FIELDS = "id,name,district,cluster,status,progress,light,investment_total"  # what web/js/api.js asks for


def report(name: str, values: list[float], floor: list[float]) -> None:
    """Print one figure's median beside its floor's, as a ratio."""
    med, p95, fmed = statistics.median(values), percentile(values, 0.95), statistics.median(floor)
    print(
        f"  {name:<44} median {med:8.2f} ms  p95 {p95:8.2f} ms   floor median {fmed:8.2f} ms   ratio {med / fmed:5.2f}x"
    )


def main() -> None:
    """Run the benchmark at every requested size."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="116,10000")
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()

    with bench_cluster() as cluster:
        for size in [int(s) for s in args.sizes.split(",")]:
            run_size(cluster, size, args.requests)


def run_size(cluster: EmbeddedCluster, size: int, n: int) -> None:
    """Time the API and its SQL floor on a database of `size` projects."""
    url = seeded_url(cluster, size)
    with served(url) as base:
        settings = Settings()
        with Session(make_engine(url)) as s:
            same_sql, params = projects_geojson_statement(s, settings=settings, filters=ProjectFilter())
        same_sql = re.sub(r"(?<!:):(\w+)", r"%(\1)s", same_sql)  # SQLAlchemy's :name to psycopg's %(name)s
        pg = connect(url)
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


if __name__ == "__main__":
    main()
