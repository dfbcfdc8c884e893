"""Bench: what one app server holds with 1, 2 and 4 uvicorn workers (`warroom serve --workers N`) on this machine.

For each worker count, two bounded phases against 127.0.0.1 (a fixed duration each, then every client stops):
reads alone (GET /api/projects from --readers clients in a loop), then the same reads while --uploaders clients
upload 12 MP photos in a loop. Prints requests/s, p50/p99 and errors per phase. Database: a scratch copy of the
116-project bench database in var/pgbench; photos in a temporary local store.

    .venv/bin/python bench/load.py [--workers 1,2,4] [--seconds 15] [--readers 20] [--uploaders 10]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time

import httpx
from _common import bench_cluster, free_port, percentile, scratch_url, token_headers
from photo_upload import photo, variant

from geo.settings import PROJECT_ROOT


def serve(url, workers: int, var_dir: str) -> tuple[subprocess.Popen, str]:
    """`warroom serve --workers N` on the database at url; (process, base URL) once it is ready."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url.render_as_string(hide_password=False),
        "WARROOM_VAR_DIR": var_dir,
        "WARROOM_LOG_LEVEL": "warning",
        "WARROOM_PHOTO_UPLOADS_PER_HOUR": "1000000",
        "WARROOM_PHOTO_BYTES_PER_HOUR": str(1 << 40),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--workers", str(workers)],
        cwd=PROJECT_ROOT,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/health/ready", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise SystemExit("the server exited before it was ready")
        time.sleep(0.3)
    raise SystemExit("the server was not ready within 180 s")


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL after 20 s."""
    import signal

    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def loop(until: float, fn, out: list, errors: list) -> None:
    """Call fn() until the deadline, recording each call's milliseconds or its failure."""
    while time.monotonic() < until:
        start = time.perf_counter()
        try:
            ok = fn()
        except httpx.HTTPError as e:
            ok = type(e).__name__
        if ok is True:
            out.append((time.perf_counter() - start) * 1000)
        else:
            errors.append(ok)


def phase(base: str, seconds: float, readers: int, uploaders: int, upload_fn) -> dict:
    """Run the clients for `seconds`; per kind: count, per second, p50, p99, errors."""
    until = time.monotonic() + seconds
    results = {"read": ([], []), "upload": ([], [])}
    threads = []
    for _ in range(readers):
        client = httpx.Client(base_url=base, timeout=60)
        threads.append(
            threading.Thread(
                target=loop,
                args=(until, lambda c=client: c.get("/api/projects").status_code == 200, *results["read"]),
            )
        )
    for i in range(uploaders):
        threads.append(threading.Thread(target=loop, args=(until, upload_fn(i), *results["upload"])))
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    out = {}
    for kind, (ms, errors) in results.items():
        if not ms and not errors:
            continue
        out[kind] = {
            "n": len(ms),
            "per_s": len(ms) / elapsed,
            "p50": percentile(ms, 0.5) if ms else float("nan"),
            "p99": percentile(ms, 0.99) if ms else float("nan"),
            "errors": len(errors),
        }
    return out


def main() -> None:
    """Run every worker count and print a table."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", default="1,2,4")
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--readers", type=int, default=20)
    ap.add_argument("--uploaders", type=int, default=10)
    args = ap.parse_args()
    base_photo = photo()
    print(f"  12 MP test photo: {len(base_photo) / 2**20:.1f} MB; {os.cpu_count()} cores")
    counter = iter(range(10**9))
    lock = threading.Lock()
    rows = []
    with bench_cluster() as cluster:
        for workers in [int(w) for w in args.workers.split(",")]:
            url = scratch_url(cluster, "warroom_bench_load")
            headers = token_headers(url)
            with tempfile.TemporaryDirectory() as var_dir:
                proc, base = serve(url, workers, var_dir)
                try:
                    first = httpx.get(f"{base}/api/projects", timeout=30).json()["features"][0]["properties"]["id"]

                    def upload_fn(i, base=base, project=first, headers=headers):
                        client = httpx.Client(base_url=base, timeout=120, headers=headers)

                        def one():
                            with lock:
                                n = next(counter)
                            files = [("files", (f"load-{n}.jpg", variant(base_photo, n), "image/jpeg"))]
                            r = client.post(f"/api/projects/{project}/photos", files=files)
                            return True if r.status_code == 201 else r.status_code

                        return one

                    reads = phase(base, args.seconds, args.readers, 0, upload_fn)
                    mixed = phase(base, args.seconds, args.readers, args.uploaders, upload_fn)
                finally:
                    stop(proc)
            rows.append((workers, reads, mixed))
            print(f"  {workers} worker(s) done   load average {open('/proc/loadavg').read().split()[:3]}")
    print()
    print(f"{'workers':>7} | {'phase':<22} | {'req/s':>7} | {'p50 ms':>7} | {'p99 ms':>7} | {'n':>6} | errors")
    for workers, reads, mixed in rows:
        for name, res in (
            ("reads alone", reads["read"]),
            (f"reads + {args.uploaders} uploaders", mixed["read"]),
            ("  uploads (12 MP)", mixed.get("upload", {"n": 0, "per_s": 0, "p50": 0, "p99": 0, "errors": 0})),
        ):
            print(
                f"{workers:>7} | {name:<22} | {res['per_s']:7.1f} | {res['p50']:7.0f} | {res['p99']:7.0f} | "
                f"{res['n']:>6} | {res['errors']}"
            )


if __name__ == "__main__":
    main()
