"""Where the map's GeoJSON path stops scaling and its vector tiles take over: both paths beside bare Leaflet.

Usage: .venv/bin/python bench/map_scale.py [--sizes 10000,100000] [--runs 3]
Per size: warroom_bench_<N> (bench/_common.py), the app served twice (WARROOM_MAP_TILE_THRESHOLD above N: one
GeoJSON answer drawn through supercluster; 0: /api/projects/tiles), the bare Leaflet page of bench/map_load.py as
the baseline; medians of --runs fresh contexts after one discarded warm-up each: navigation start -> first markers
painted, -> every tile of the view in (tiles only), JS heap after GC, pan 320x180 px and zoom in/out one level until
the markers of the new view are drawn (tiles: fetched and drawn) + one frame.
"""

from __future__ import annotations

import argparse
import json

import httpx
from _common import seeded_url, served
from map_load import BASELINE_HTML, line, measure_page, median, run_in_browser

TIMEOUT_MS = 180_000  # a cold 100,000-project city tile takes seconds
# The targets at 100,000 projects.
TARGETS = {"painted": 1500, "pan": 400, "zoom in": 400, "zoom out": 400, "heap_mb": 100}


def run_size(cluster, browser, size: int, runs: int) -> list[str]:
    """Both paths and the baseline on `size` projects; the targets missed."""
    print(f"\n{size} projects")
    url = seeded_url(cluster, size)
    results: dict[str, list[dict]] = {"geojson": [], "tiles": [], "baseline": []}
    cold: dict[str, dict] = {}
    for which, threshold in (("geojson", 10**9), ("tiles", 0)):
        with served(url, WARROOM_BASEMAP="none", WARROOM_MAP_TILE_THRESHOLD=str(threshold)) as base:
            meta = httpx.get(f"{base}/api/meta").json()
            assert meta["map_tiles"]["threshold"] == threshold, meta["map_tiles"]
            baseline_html = BASELINE_HTML.replace("__BOUNDS__", json.dumps(meta["bounds"]))
            kinds = (which, "baseline") if which == "geojson" else (which,)
            for kind in kinds:
                # The first load warms the server and its answer caches; it is reported apart.
                cold[kind] = measure_page(browser, base, kind, baseline_html, TIMEOUT_MS)
                results[kind] += [measure_page(browser, base, kind, baseline_html, TIMEOUT_MS) for _ in range(runs)]

    def med(which: str, key: str) -> float:
        return median([r[key] for r in results[which] if r.get(key) is not None])

    missed = []
    rows = [
        ("first markers (nav start -> painted)", "painted", "ms"),
        ("all markers of the view in", "complete", "ms"),
        ("JS heap used after GC", "heap_mb", "MB"),
        ("pan 320x180 px (redrawn + frame)", "pan", "ms"),
        ("zoom in 1 level (redrawn + frame)", "zoom in", "ms"),
        ("zoom out 1 level (redrawn + frame)", "zoom out", "ms"),
    ]
    for name, key, unit in rows:
        base = med("baseline", key)
        for which in ("geojson", "tiles"):
            target = TARGETS.get(key) if size >= 100_000 else None
            value = med(which, key)
            print(line(f"{which:<7} {name}", value, base, unit, target, base_name="bare Leaflet"))
            if target is not None and which == "tiles" and not value < target:
                missed.append(f"{size} tiles: {name} {value:.0f} {unit} (target < {target} {unit})")
    print(f"  tiles requested for the first view and three moves: {med('tiles', 'requests'):.0f}")
    print(
        "  first load after the server started (no cached answer), first markers / all in: "
        + ", ".join(f"{k} {v['painted']:.0f} / {v['complete']:.0f} ms" for k, v in cold.items())
    )
    return missed


def main() -> None:
    """Run both map paths at every requested size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    missed = run_in_browser(
        args.sizes,
        lambda cluster, browser, size: run_size(cluster, browser, size, args.runs),
        f"median of {args.runs} runs, fresh context per run, server answers warmed by one discarded run; "
        "baseline = bare Leaflet canvas page",
    )
    print("\ntargets (100,000, tiles): " + ("all met" if not missed else "MISSED:\n  " + "\n  ".join(missed)))


if __name__ == "__main__":
    main()
