"""Bench: one 12 MP JPEG through POST /api/projects/{id}/photos vs the bare Pillow pipeline, in the same run.

Prints each figure beside its baseline and the ratio: median handling time (target ≤ 1.25×), server peak memory
with 4 uploads at once (vs 4 bare pipelines in threads), GET /api/projects latency while uploads run, and HEIC.
Runs a real server (`warroom serve`) on a bench database in the embedded cluster, photos in a temporary var dir.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import os
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import piexif
import pillow_heif
from _common import app_server, bench_cluster, median_ms, scratch_url, token_headers
from PIL import Image, ImageFilter

pillow_heif.register_heif_opener()
RUNS = 7


def photo(fmt: str = "JPEG", size=(4000, 3000)) -> bytes:
    """A camera-like 12 MP photo (smooth light, fine noise) with GPS, time and orientation."""
    grey = Image.effect_noise(size, 40).filter(ImageFilter.GaussianBlur(1.2))
    img = Image.merge(
        "RGB", (grey, grey.transpose(Image.Transpose.FLIP_LEFT_RIGHT), Image.linear_gradient("L").resize(size))
    )
    exif = piexif.dump(
        {
            "0th": {274: 1},
            "Exif": {36867: b"2026:05:03 10:11:12", 36881: b"+08:00"},
            "GPS": {1: b"N", 2: ((37, 1), (30, 1), (0, 1)), 3: b"E", 4: ((122, 1), (6, 1), (0, 1))},
        }
    )
    out = io.BytesIO()
    img.save(out, fmt, exif=exif, quality=90)
    return out.getvalue()


def variant(data: bytes, i: int) -> bytes:
    """The same photo with distinct trailing bytes (a different sha256; decoders stop at the end marker)."""
    return data + b"\x00" * 16 + i.to_bytes(8, "big")


def bare_pipeline(data: bytes, out_dir: Path) -> None:
    """Hash, EXIF, 1600 px (draft) and 320 px JPEGs, three fsynced files: the floor, without HTTP or database."""
    sha = hashlib.sha256(data).hexdigest()
    img = Image.open(io.BytesIO(data))
    exif = img.getexif()
    exif.get_ifd(0x8825), exif.get_ifd(0x8769)
    w, h = img.size
    s = 1600 / max(w, h)
    if img.format == "JPEG":
        img.draft("RGB", (round(w * s), round(h * s)))
    img = img.convert("RGB")
    img.thumbnail((1600, 1600), Image.Resampling.LANCZOS, reducing_gap=3.0)
    files = {"o": data}
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=82)
    files["d"] = buf.getvalue()
    img.thumbnail((320, 320), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    files["t"] = buf.getvalue()
    for k, b in files.items():
        with open(out_dir / f"{sha}.{k}", "wb") as f:
            f.write(b)
            f.flush()
            os.fsync(f.fileno())


def rss_kb(pid: int | str = "self", field: str = "VmRSS") -> int:
    """A memory figure (kB) of a process from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def reset_peak(pid: int | str = "self") -> None:
    """Reset a process's peak resident memory (VmHWM)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM to the current RSS


def median_of_runs(fn, runs: int = RUNS) -> float:
    """Median ms of fn(0), fn(1), …: each run gets its own index (a distinct photo); warm-ups are explicit."""
    index = itertools.count()
    return median_ms(lambda: fn(next(index)), runs, warm=False)


def baseline_memory_child(path: str) -> None:
    """Child process: peak extra memory of 4 bare pipelines in threads (printed in kB)."""
    data = Path(path).read_bytes()
    with tempfile.TemporaryDirectory() as d:
        bare_pipeline(variant(data, 999), Path(d))  # warm up imports and codecs
        before = rss_kb()
        reset_peak()
        with ThreadPoolExecutor(4) as ex:
            list(ex.map(lambda i: bare_pipeline(variant(data, i), Path(d)), range(4)))
        print(rss_kb(field="VmHWM") - before)


def measure_api(
    proc, base: str, auth: dict[str, str], jpeg: bytes, heic: bytes
) -> tuple[float, float, float, int, list[float]]:
    """Median JPEG and HEIC upload, idle GET, server peak memory over 4 concurrent uploads, GET latencies meanwhile."""
    client = httpx.Client(base_url=base, timeout=120, headers=auth)
    pid = client.get("/api/projects").json()["features"][0]["properties"]["id"]
    post = lambda data, name: client.post(f"/api/projects/{pid}/photos", files={"files": (name, data)})  # noqa: E731
    assert post(variant(jpeg, 10**6 + 1), "warm.jpg").status_code == 201
    api_ms = median_of_runs(lambda i: post(variant(jpeg, 100 + i), f"{i}.jpg").raise_for_status())
    heic_ms = median_of_runs(lambda i: post(variant(heic, 200 + i), f"{i}.heic").raise_for_status(), runs=3)
    idle_get = median_of_runs(lambda i: client.get("/api/projects").raise_for_status())

    before = rss_kb(proc.pid)
    reset_peak(proc.pid)
    done, latencies = threading.Event(), []

    def poll():
        with httpx.Client(base_url=base, timeout=60) as c:
            while not done.is_set():
                t0 = time.perf_counter()
                c.get("/api/projects").raise_for_status()
                latencies.append((time.perf_counter() - t0) * 1000)

    poller = threading.Thread(target=poll)
    poller.start()
    with ThreadPoolExecutor(4) as ex:
        codes = list(
            ex.map(
                lambda i: (
                    httpx.post(
                        f"{base}/api/projects/{pid}/photos",
                        timeout=120,
                        headers=auth,
                        files={"files": (f"c{i}.jpg", variant(jpeg, 300 + i))},
                    ).status_code
                ),
                range(4),
            )
        )
    done.set()
    poller.join()
    peak = rss_kb(proc.pid, "VmHWM") - before
    assert codes == [201] * 4, codes
    return api_ms, heic_ms, idle_get, peak, latencies


def main() -> None:
    """Time photo uploads through the API beside the bare Pillow pipeline."""
    jpeg, heic = photo("JPEG"), photo("HEIF")
    print(f"photo: 4000×3000 JPEG {len(jpeg) / 2**20:.1f} MB, HEIC {len(heic) / 2**20:.1f} MB; median of {RUNS} runs")
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        (tmp / "bare").mkdir()
        bare_pipeline(variant(jpeg, 10**6), tmp / "bare")
        floor = median_of_runs(lambda i: bare_pipeline(variant(jpeg, i), tmp / "bare"))
        heic_floor = median_of_runs(lambda i: bare_pipeline(variant(heic, i), tmp / "bare"), runs=3)
        src = tmp / "photo.jpg"
        src.write_bytes(jpeg)
        mem_floor = int(
            subprocess.run(
                [sys.executable, __file__, "--baseline-memory", str(src)], capture_output=True, text=True, check=True
            ).stdout.strip()
        )
        with bench_cluster() as cluster:
            url = scratch_url(cluster, "warroom_bench_photos")
            auth = token_headers(url)  # uploads need a planner's account
            with app_server(url, WARROOM_VAR_DIR=str(tmp / "var")) as (proc, base):
                measured = measure_api(proc, base, auth, jpeg, heic)
        api_ms, heic_ms, idle_get, peak, latencies = measured
    print(f"{'figure':46} {'value':>10} {'baseline':>10} {'ratio':>7}")
    print(
        f"{'12 MP JPEG through the API (ms, median)':46} {api_ms:10.0f} {floor:10.0f} "
        f"{api_ms / floor:6.2f}×  (target ≤ 1.25×)"
    )
    print(
        f"{'server peak memory, 4 uploads at once (MB)':46} {peak / 1024:10.0f} {mem_floor / 1024:10.0f} "
        f"{peak / mem_floor:6.2f}×"
    )
    print(
        f"{'12 MP HEIC through the API (ms, median)':46} {heic_ms:10.0f} {heic_floor:10.0f} "
        f"{heic_ms / heic_floor:6.2f}×"
    )
    print(
        f"{'GET /api/projects during 4 uploads (ms, max)':46} {max(latencies):10.0f} {idle_get:10.0f} "
        f"{max(latencies) / idle_get:6.2f}×  ({len(latencies)} answered while uploading; baseline idle median)"
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--baseline-memory":
        baseline_memory_child(sys.argv[2])
    else:
        main()
