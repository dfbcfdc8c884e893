"""Bench: small hostile files that used to cost gigabytes, against a real server (uvicorn, `api.app:create_app`).

For each case: the answers, and the server's peak resident memory over its idle figure just before the case
(VmHWM reset through /proc/<pid>/clear_refs).  Target: refused, or handled, without growing past 300 MB over idle.
  - 4 parallel uploads of a 60 MP PNG (RGBA, ~0.25 MB each: the issue's 231 KB PNG), and the same as RGB;
  - a ~1 MB zipped Shapefile whose .dbf inflates to 1 GiB, to POST /api/imports/boundaries;
  - the same zip as a project register (.xlsx) to POST /api/imports/projects.
A fresh copy of the bench database in the embedded cluster (var/pgbench), photos in a temporary var dir.
"""

from __future__ import annotations

import io
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from _common import app_server, bench_cluster, scratch_url, token_headers
from PIL import Image

EDGE = 7745  # 7745² = 59.98 MP, just under the 60 MP cap (photo_max_pixels)
TARGET_MB = 300


def rss_kb(pid: int, field: str = "VmRSS") -> int:
    """A memory figure (kB) of a process from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def png(mode: str, i: int) -> bytes:
    """A flat 60 MP PNG, distinct per i (a different sha256), a few hundred kB."""
    colour = (10 + i, 20, 30, 200)[: len(mode)]
    out = io.BytesIO()
    Image.new(mode, (EDGE, EDGE), colour).save(out, "PNG", compress_level=9)
    return out.getvalue()


def dbf_bomb() -> bytes:
    """A zipped Shapefile whose .dbf inflates to 1 GiB of blanks."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("bomb.shp", b"\x00" * 100)
        z.writestr("bomb.shx", b"\x00" * 100)
        with z.open("bomb.dbf", "w", force_zip64=True) as f:
            block = b" " * (1 << 20)
            for _ in range(1024):
                f.write(block)
    return out.getvalue()


def measure(pid: int, requests) -> tuple[list[int], float, float]:
    """Run the request thunks at once: their statuses, the peak MB over the RSS just before, and the seconds."""
    time.sleep(1.0)  # let memory freed by the previous case go back
    before = rss_kb(pid)
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM := current RSS
    start = time.perf_counter()
    with ThreadPoolExecutor(len(requests)) as pool:
        codes = list(pool.map(lambda thunk: thunk(), requests))
    return codes, (rss_kb(pid, "VmHWM") - before) / 1024, time.perf_counter() - start


def main() -> None:
    """Measure the server's peak memory for each hostile upload."""
    cases = {
        "4 × 60 MP PNG (RGBA) at once": [png("RGBA", i) for i in range(4)],
        "4 × 60 MP PNG (RGB) at once": [png("RGB", i) for i in range(4)],
    }
    bomb = dbf_bomb()
    print(f"PNG {len(cases['4 × 60 MP PNG (RGBA) at once'][0]) / 1024:.0f} kB; zip bomb {len(bomb) / 2**20:.1f} MB")
    with tempfile.TemporaryDirectory() as tmp, bench_cluster() as cluster:
        url = scratch_url(cluster, "warroom_bench_hostile")
        auth = token_headers(url)  # a planner: may upload photos and import
        with app_server(url, WARROOM_VAR_DIR=str(Path(tmp) / "var")) as (proc, base):
            client = httpx.Client(base_url=base, headers=auth, timeout=300)
            pid = client.get("/api/projects").json()["features"][0]["properties"]["id"]
            small = io.BytesIO()
            Image.new("RGB", (64, 48), (1, 2, 3)).save(small, "JPEG")
            client.post(f"/api/projects/{pid}/photos", files={"files": ("warm.jpg", small.getvalue())})
            idle = rss_kb(proc.pid) / 1024
            print(f"server idle RSS after warm-up: {idle:.0f} MB")
            print(f"{'case':44} {'answers':>22} {'peak over idle (MB)':>20} {'s':>6}")

            def photo(data: bytes, i: int):
                name = f"big{i}.png"
                return lambda: client.post(f"/api/projects/{pid}/photos", files={"files": (name, data)}).status_code

            def post(path: str, name: str, params: dict):
                return lambda: client.post(path, params=params, files={"file": (name, bomb)}).status_code

            rows = [(label, [photo(d, i) for i, d in enumerate(datas)]) for label, datas in cases.items()]
            rows.append(
                (
                    "Shapefile .zip, .dbf inflating to 1 GiB",
                    [post("/api/imports/boundaries", "b.zip", {"layer": "bases"})],
                )
            )
            rows.append(("the same zip as a register .xlsx", [post("/api/imports/projects", "r.xlsx", {})]))
            for label, requests in rows:
                codes, peak, seconds = measure(proc.pid, requests)
                verdict = "ok" if peak <= TARGET_MB else f"over the {TARGET_MB} MB target"
                print(f"{label:44} {','.join(map(str, codes)):>22} {peak:20.0f} {seconds:6.1f}  {verdict}")


if __name__ == "__main__":
    main()
