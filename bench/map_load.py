"""Benchmark the war-room map in headless Chromium against a bare Leaflet canvas page in the same run.

Usage: .venv/bin/python bench/map_load.py [--sizes 116,10000,50000] [--runs 5]
Per size: a database with N demo projects in a private cluster (var/pgbench), the app served by uvicorn in a
subprocess, Debian's Chromium driven by Playwright, a fresh browser context per run; medians of --runs:
navigation start -> markers painted, JS heap after GC, pan and zoom (animated, until redrawn + one frame),
and GET /api/projects. The baseline is a bare page on the same origin (Leaflet 1.9.4 from web/node_modules,
no basemap, the same /api/projects fetched as JSON and drawn as L.circleMarker on one canvas renderer).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics

import httpx
from _common import bench_cluster, connect, seeded_url, served, timed
from sqlalchemy.engine import URL

from geo.db.embedded import EmbeddedCluster

CHROMIUM = os.environ.get("WARROOM_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
VIEWPORT = {"width": 1440, "height": 900}
BASELINE_PATH = "/__bench_baseline.html"  # answered by Playwright, never a file in web/

# The targets (ms): markers on screen per size; pan, zoom and the API at 10,000.
TARGETS = {
    116: {"markers": 500},
    10000: {"markers": 1000, "pan": 400, "zoom in": 400, "zoom out": 400, "api": 300},
    50000: {"markers": 2000},
}

# Same floor as bench/api_projects.py: the FeatureCollection of the stored columns, straight from PostGIS.
PLAIN_SQL = """SELECT json_build_object('type','FeatureCollection',
                         'features', json_agg(ST_AsGeoJSON(t.*, 'geom', 6)::json))::text
FROM (SELECT id, code, name, status, progress, investment_total, investment_year, geom FROM projects ORDER BY id) t"""

BASELINE_HTML = """<!doctype html>
<html><head><meta charset="utf-8"><title>baseline</title>
<link rel="stylesheet" href="/vendor/leaflet/dist/leaflet.css">
<style>html,body,#map{margin:0;height:100%}</style>
<script src="/vendor/leaflet/dist/leaflet.js"></script>
</head><body><div id="map"></div>
<script>
const BOUNDS = __BOUNDS__;
const map = L.map('map', { preferCanvas: true, zoomSnap: 0.25 });
map.fitBounds([[BOUNDS[1], BOUNDS[0]], [BOUNDS[3], BOUNDS[2]]], { animate: false });
const renderer = L.canvas({ padding: 0.3 });
const color = (p) => (p >= 80 ? '#16a34a' : p >= 50 ? '#2563eb' : p >= 20 ? '#f59e0b' : '#dc2626');
window.bench = { map };
fetch('/api/projects', { headers: { Accept: 'application/geo+json' } }).then((r) => r.json()).then((fc) => {
  const group = L.layerGroup();
  for (const f of fc.features) {
    const [lon, lat] = f.geometry.coordinates;
    L.circleMarker([lat, lon], { renderer, radius: 5, weight: 1, color: '#fff', fillColor:
        color(f.properties.progress), fillOpacity: 1 }).addTo(group);
  }
  group.addTo(map);
  performance.mark('markers-drawn');
  requestAnimationFrame(() => setTimeout(() => performance.mark('markers-painted'), 0));
  document.body.dataset.ready = '1';
});
</script></body></html>
"""

# One map move until the view's markers are drawn: moveend, then (vector tiles) every tile of the view in, a frame.
MOVE_JS = """async ([kind, mapExpr]) => {
  const map = eval(mapExpr);
  const idle = () => !window.warroom || window.warroom.idle();
  const done = new Promise((r) => map.once('moveend', () => {
    const wait = () => (idle() ? requestAnimationFrame(() => setTimeout(r, 0)) : setTimeout(wait, 5));
    setTimeout(wait, 0);
  }));
  const t0 = performance.now();
  if (kind === 'pan') map.panBy([320, 180]);
  else map.setZoom(map.getZoom() + (kind === 'zoom in' ? 1 : -1));
  await done;
  return performance.now() - t0;
}"""

TIMINGS_JS = """() => {
  const mark = (n) => { const e = performance.getEntriesByName(n)[0]; return e ? e.startTime : null; };
  const api = performance.getEntriesByType('resource').find((e) => new URL(e.name).pathname === '/api/projects');
  return { painted: mark('markers-painted'), drawn: mark('markers-drawn'),
           api_start: api ? api.startTime : null, api_end: api ? api.responseEnd : null };
}"""


def median(values: list[float]) -> float:
    """The median of the values."""
    return statistics.median(values) if values else float("nan")


def measure_page(browser, base: str, which: str, baseline_html: str, timeout_ms: int) -> dict:
    """One fresh context: load the page ('baseline', or the app: 'app', 'geojson', 'tiles'), read the marks, heap
    after GC, then pan, zoom in, zoom out."""
    app = which != "baseline"
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    try:
        if not app:
            context.route(
                f"{base}{BASELINE_PATH}",
                lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=baseline_html),
            )
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.set_default_timeout(timeout_ms)
        page.goto(base + ("/" if app else BASELINE_PATH))
        page.wait_for_function("() => performance.getEntriesByName('markers-painted').length > 0", polling=5)
        if app:
            page.wait_for_function("() => document.body.dataset.ready === '1' && window.warroom.idle()", polling=5)
        out = page.evaluate(TIMINGS_JS)
        out["complete"] = page.evaluate("performance.now()")
        cdp = context.new_cdp_session(page)
        cdp.send("HeapProfiler.collectGarbage")
        cdp.send("Performance.enable")
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        out["heap_mb"] = metrics["JSHeapUsedSize"] / 1e6
        map_expr = "window.warroom.map" if app else "window.bench.map"
        for kind in ("pan", "zoom in", "zoom out"):
            out[kind] = page.evaluate(MOVE_JS, [kind, map_expr])
        if app:
            out["render_ms"] = page.evaluate("window.warroom.renderMs()")
        if which == "tiles":
            out["requests"] = page.evaluate(
                "performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/projects/tiles/')).length"
            )
        if errors:
            raise SystemExit(f"{which} page errors: {errors}")
        return out
    finally:
        context.close()


def http_timings(base: str, n: int) -> list[float]:
    """Milliseconds of n GET /api/projects on the served app."""
    with httpx.Client(base_url=base, headers={"Accept-Encoding": "gzip"}, timeout=60) as http:
        return timed(lambda: http.get("/api/projects").raise_for_status(), n)


def sql_timings(url: URL, n: int) -> list[float]:
    """Milliseconds of n runs of the plain FeatureCollection SQL."""
    with connect(url) as pg:
        return timed(lambda: pg.execute(PLAIN_SQL).fetchone(), n)


def line(
    name: str, app: float, base: float, unit: str = "ms", target: float | None = None, base_name: str = "baseline"
) -> str:
    """One printed figure with its baseline, ratio and target verdict."""
    verdict = ""
    if target is not None:
        verdict = f"   target < {target:g} {unit}: {'ok' if app < target else 'MISSED'}"
    return f"  {name:<40} {app:9.1f} {unit}   {base_name} {base:9.1f} {unit}   ratio {app / base:5.2f}x{verdict}"


def run_size(cluster: EmbeddedCluster, browser, size: int, runs: int) -> list[str]:
    """Measure the map and the bare Leaflet baseline on `size` projects."""
    print(f"\n{size} projects")
    url = seeded_url(cluster, size)
    missed = []
    with served(url, WARROOM_BASEMAP="none") as base:
        meta = httpx.get(f"{base}/api/meta").json()
        baseline_html = BASELINE_HTML.replace("__BOUNDS__", json.dumps(meta["bounds"]))
        timeout_ms = 120_000
        # One discarded load of each warms the server (imports, DB caches) and the browser's compiled code cache
        # is per context, so every measured run starts cold on the client side.
        measure_page(browser, base, "app", baseline_html, timeout_ms)
        measure_page(browser, base, "baseline", baseline_html, timeout_ms)
        results: dict[str, list[dict]] = {"app": [], "baseline": []}
        for i in range(runs):
            order = ("app", "baseline") if i % 2 == 0 else ("baseline", "app")
            for which in order:
                results[which].append(measure_page(browser, base, which, baseline_html, timeout_ms))

        def med(which: str, key: str) -> float:
            return median([r[key] for r in results[which] if r.get(key) is not None])

        targets = TARGETS.get(size, {})
        rows = [
            ("markers on screen (nav start -> painted)", "painted", "markers", "ms"),
            ("  of which /api/projects done", "api_end", None, "ms"),
            ("  markers drawn (before the frame)", "drawn", None, "ms"),
            ("JS heap used after GC", "heap_mb", None, "MB"),
            ("pan 320x180 px (animated, redrawn+frame)", "pan", "pan", "ms"),
            ("zoom in 1 level (animated, redrawn+frame)", "zoom in", "zoom in", "ms"),
            ("zoom out 1 level (animated, redrawn+frame)", "zoom out", "zoom out", "ms"),
        ]
        for name, key, tkey, unit in rows:
            a, b = med("app", key), med("baseline", key)
            tgt = targets.get(tkey) if tkey else None
            print(line(name, a, b, unit, tgt))
            if tgt is not None and a >= tgt:
                missed.append(f"{size}: {name} {a:.0f} {unit} (target < {tgt} {unit})")
        print(f"  {'(app marker layer render, last move)':<40} {med('app', 'render_ms'):9.1f} ms")
        api_ms, floor_ms = median(http_timings(base, 20)), median(sql_timings(url, 20))
        tgt = targets.get("api")
        print(line("GET /api/projects (httpx, gzip)", api_ms, floor_ms, "ms", tgt, base_name="plain SQL"))
        if tgt is not None and api_ms >= tgt:
            missed.append(f"{size}: GET /api/projects {api_ms:.0f} ms (target < {tgt} ms)")
    return missed


def run_in_browser(sizes: str, run_size, intro: str) -> list[str]:
    """Start the bench cluster and Chromium, print `intro`, run `run_size(cluster, browser, size)` for each size."""
    from playwright.sync_api import sync_playwright

    print(f"headless {CHROMIUM}, viewport {VIEWPORT['width']}x{VIEWPORT['height']}, {intro}")
    missed: list[str] = []
    with bench_cluster() as cluster, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            for size in [int(s) for s in sizes.split(",")]:
                missed += run_size(cluster, browser, size)
        finally:
            browser.close()
    return missed


def main() -> None:
    """Run the map benchmark at every requested size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="116,10000,50000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    missed = run_in_browser(
        args.sizes,
        lambda cluster, browser, size: run_size(cluster, browser, size, args.runs),
        f"median of {args.runs} runs, fresh context per run; baseline = bare Leaflet canvas page on the same app",
    )
    print("\ntargets: " + ("all met" if not missed else "MISSED:\n  " + "\n  ".join(missed)))


if __name__ == "__main__":
    main()
