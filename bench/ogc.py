"""Benchmark /api/projects (with its ETag), /ogc/ items and tipg standalone on the same database, in one run.

Usage: .venv/bin/python bench/ogc.py [--sizes 116,10000] [--requests 50]
Per size: the app's full FeatureCollection (first answer built, then from the per-version cache), a 304 for a
client holding the ETag, the app's /ogc/ items (all features in one page), and tipg's own app on public.projects
with the same page size, as medians and requests per second; the issue's targets are /api/projects ≥ 5× tipg's
throughput at 10,000 and a 304 under 2 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
from _common import bench_cluster, free_port, percentile, seeded_url, served, timed

HERE = Path(__file__).resolve().parent


def line(name: str, values: list[float], baseline: list[float] | None = None) -> None:
    """One figure: median, p95, requests per second, and the ratio of throughputs to the baseline."""
    med = statistics.median(values)
    out = f"  {name:<50} median {med:8.2f} ms  p95 {percentile(values, 0.95):8.2f} ms  {1000 / med:8.1f} req/s"
    if baseline:
        out += f"   {statistics.median(baseline) / med:6.2f}x tipg's throughput"
    print(out)


def tipg_server(dsn: str):
    """tipg's stock app in a subprocess on public.projects; (process, base URL)."""
    port = free_port()
    env = {
        **os.environ,
        "TIPG_DB_SCHEMAS": '["public"]',
        "TIPG_DB_TABLES": '["public.projects"]',
        "TIPG_MAX_FEATURES_PER_QUERY": "100000",
        "TIPG_CATALOG_TTL": "0",
    }
    proc = subprocess.Popen([sys.executable, str(HERE / "tipg_standalone.py"), str(port), dsn], env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{base}/collections", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise SystemExit("tipg standalone exited before answering")
        time.sleep(0.1)
    proc.terminate()
    raise SystemExit("tipg standalone did not answer within 30 s")


def run_size(cluster, size: int, n: int) -> None:
    """Time every figure on a database of `size` demo projects."""
    url = seeded_url(cluster, size)
    dsn = f"postgresql://{url.username}@/{url.database}?host={cluster.socket_dir}"
    proc, tipg = tipg_server(dsn)
    try:
        with served(url) as base:
            http = httpx.Client(base_url=base, headers={"Accept-Encoding": "gzip"}, timeout=60)
            other = httpx.Client(base_url=tipg, headers={"Accept-Encoding": "gzip"}, timeout=60)
            print(f"\n{size} projects, {n} requests each (gzip)")
            baseline = timed(
                lambda: other.get(f"/collections/public.projects/items?limit={size}").raise_for_status(), n
            )
            line(f"tipg standalone /collections/public.projects/items?limit={size}", baseline)
            ours = timed(lambda: http.get(f"/ogc/collections/ogc.projects/items?limit={size}").raise_for_status(), n)
            line(f"/ogc/collections/ogc.projects/items?limit={size}", ours, baseline)
            # A new version each time: what the first request after a write costs.
            first = []
            for _ in range(max(3, n // 10)):
                cluster_bump(url)
                start = time.perf_counter()
                http.get("/api/projects").raise_for_status()
                first.append((time.perf_counter() - start) * 1000)
            line("/api/projects, first after a write (built)", first, baseline)
            line("/api/projects, repeated (cached body)", timed(lambda: http.get("/api/projects"), n), baseline)
            etag = http.get("/api/projects").headers["etag"]

            def not_modified():
                r = http.get("/api/projects", headers={"If-None-Match": etag})
                assert r.status_code == 304

            line("/api/projects with If-None-Match (304)", timed(not_modified, n))
            http.close()
            other.close()
    finally:
        proc.terminate()
        proc.wait(30)


def cluster_bump(url) -> None:
    """A write that changes nothing but the data's version (as the owner: a no-op UPDATE moves the counter)."""
    import psycopg

    with psycopg.connect(host=url.query["host"], user=url.username, dbname=url.database, autocommit=True) as c:
        c.execute("UPDATE reporting_periods SET closed_at = closed_at WHERE false")


def main() -> None:
    """Run at every requested size."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="116,10000")
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} (2 cores shared)")
    with bench_cluster() as cluster:
        for size in [int(s) for s in args.sizes.split(",")]:
            run_size(cluster, size, args.requests)


if __name__ == "__main__":
    main()
