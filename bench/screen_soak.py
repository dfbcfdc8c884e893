"""Soak the war-room screen (/screen.html) in headless Chromium: a long fast auto-tour, the JS heap over time.

Usage: .venv/bin/python bench/screen_soak.py [--minutes 10] [--tour 2] [--refresh 60] [--sample 60] [--loads 3]
       [--types-every 600]
On the demo database (116 projects, private cluster var/pgbench, app in a uvicorn subprocess): first the time from
navigation start to the first complete frame (mark `screen-complete`: map, markers and every panel drawn), median of
--loads cold contexts at 1920×1080; then one page touring every --tour seconds, refreshing every --refresh seconds,
with the heap after a forced GC sampled every --sample seconds (CDP Runtime.getHeapUsage), the live timers, the
tour stops and refreshes made, and any page or console error. Targets: first frame < 1.5 s, heap growth < 10 % (of the
page's objects: a snapshot without V8's compiled code, which grows as the JIT warms up, and DevTools' copies). The
end also counts the closures that gained compiled code of their own during the run and how many of them were already
alive at the start: that is what tells the JIT's warming up from objects piling up. Beside it, in the same browser for
the same minutes, the baseline: a bare Leaflet page with the same markers and district outlines flying the same tour
(no app code), whose heap shows what the JIT alone adds to any page that tours.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from typing import NamedTuple

from _common import TIMER_PROBE, bench_cluster, seeded_url, served

CHROMIUM = os.environ.get("WARROOM_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
VIEWPORT = {"width": 1920, "height": 1080}
BASELINE_PATH = "/__bench_tour_baseline.html"  # answered by Playwright, never a file in web/
# The wall's map without the app: Leaflet 1.9.4, the same projects as canvas circles, the district outlines, and a tour
# flying to the city and then each district every TOUR seconds (the wall's flight: 0.4 of a stop, at most 1.5 s).
BASELINE_HTML = """<!doctype html>
<html><head><meta charset="utf-8"><title>baseline</title>
<link rel="stylesheet" href="/vendor/leaflet/dist/leaflet.css">
<style>html,body,#map{margin:0;height:100%;background:#0b1d3a}</style>
<script src="/vendor/leaflet/dist/leaflet.js"></script>
</head><body><div id="map"></div>
<script>
const TOUR = __TOUR__;
const map = L.map('map', { zoomSnap: 0.25 });
const renderer = L.canvas({ padding: 0.3 });
window.bench = { stops: 0 };
const json = (u) => fetch(u).then((r) => r.json());
Promise.all([json('/api/projects'), json('/api/layers/districts')]).then(([fc, dist]) => {
  const outlines = L.geoJSON(dist, { style: { color: '#3b82f6', weight: 2, fillColor: '#0c2340', fillOpacity: 1 } });
  outlines.addTo(map);
  for (const f of fc.features) {
    const [lon, lat] = f.geometry.coordinates;
    L.circleMarker([lat, lon], { renderer, radius: 9, weight: 2, color: '#fff', fillColor: '#dc2626', fillOpacity: 1 })
      .addTo(map);
  }
  const stops = [outlines.getBounds(), ...outlines.getLayers().map((l) => l.getBounds())];
  map.fitBounds(stops[0], { animate: false });
  let i = 0;
  setInterval(() => {
    i = (i + 1) % stops.length;
    map.flyToBounds(stops[i], { duration: Math.min(1.5, TOUR * 0.4) });
    window.bench.stops += 1;
  }, TOUR * 1000);
  document.body.dataset.ready = '1';
});
</script></body></html>
"""


def first_frame_ms(browser, base: str) -> float:
    """Navigation start to the `screen-complete` mark in a fresh context."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(f"{base}/screen.html?tour=0")
        page.wait_for_function("() => document.body.dataset.ready === '1'", timeout=60_000)
        return page.evaluate("performance.getEntriesByName('screen-complete')[0].startTime")
    finally:
        context.close()


def heap_mb(cdp, page) -> float:
    """Retained JS heap in MB: the least of three readings after a forced GC (one may catch a refresh in flight)."""
    sizes = []
    for _ in range(3):
        cdp.send("HeapProfiler.collectGarbage")
        sizes.append(cdp.send("Runtime.getHeapUsage")["usedSize"] / 1e6)
        page.wait_for_timeout(700)
    return min(sizes)


# Not the page's data: V8's compiled code grows as the JIT tiers up over the first tens of minutes, and DevTools keeps
# the bodies of network answers only because the bench drives the page over CDP.
NOT_DATA = ("code", "devtools")


def heap_by_type(
    cdp, code_names: dict[str, float] | None = None, closures: dict[str, set[int]] | None = None
) -> dict[str, float]:
    """MB per heap snapshot node type after a forced GC (code, strings, closures, arrays, …); DevTools' copies of
    network bodies under their own key, `devtools`; with `code_names`, fills it with the code's MB per node name; with
    `closures`, fills it with the snapshot ids of the live closures (`all`) and of those with compiled code of their
    own (`compiled`)."""
    chunks: list[str] = []
    cdp.on("HeapProfiler.addHeapSnapshotChunk", lambda p: chunks.append(p["chunk"]))
    cdp.send("HeapProfiler.collectGarbage")
    cdp.send("HeapProfiler.takeHeapSnapshot", {"reportProgress": False})
    snap = json.loads("".join(chunks))
    meta = snap["snapshot"]["meta"]
    fields, types, strings, nodes = meta["node_fields"], meta["node_types"][0], snap["strings"], snap["nodes"]
    n, ti, ni, si = len(fields), fields.index("type"), fields.index("name"), fields.index("self_size")
    sizes: dict[str, float] = {}
    for i in range(0, len(nodes), n):
        kind, name = types[nodes[i + ti]], strings[nodes[i + ni]]
        key = "devtools" if "NetworkResourcesData" in name else kind
        sizes[key] = sizes.get(key, 0.0) + nodes[i + si] / 1e6
        if code_names is not None and kind == "code":
            code_names[name] = code_names.get(name, 0.0) + nodes[i + si] / 1e6
    if closures is not None:
        closures.update(closure_ids(snap))
    return sizes


def closure_ids(snap: dict) -> dict[str, set[int]]:
    """The snapshot ids of the live closures, and of those whose `code` is a compiled Code object of their own (not
    an interpreter or lazy-compile builtin, which the snapshot does not list)."""
    meta = snap["snapshot"]["meta"]
    nf, ef = meta["node_fields"], meta["edge_fields"]
    types, edge_types, strings = meta["node_types"][0], meta["edge_types"][0], snap["strings"]
    nodes, edges = snap["nodes"], snap["edges"]
    n, e = len(nf), len(ef)
    ti, ni, ii, ci = nf.index("type"), nf.index("name"), nf.index("id"), nf.index("edge_count")
    eti, eni, eto = ef.index("type"), ef.index("name_or_index"), ef.index("to_node")
    named = {k for k, t in enumerate(edge_types) if t not in ("element", "hidden")}
    out: dict[str, set[int]] = {"all": set(), "compiled": set()}
    edge = 0
    for i in range(0, len(nodes), n):
        count = nodes[i + ci]
        if types[nodes[i + ti]] == "closure":
            out["all"].add(nodes[i + ii])
            for j in range(edge, edge + count * e, e):
                if edges[j + eti] in named and strings[edges[j + eni]] == "code":
                    if strings[nodes[edges[j + eto] + ni]] == "system / Code":
                        out["compiled"].add(nodes[i + ii])
                    break
        edge += count * e
    return out


def print_tiering(first: dict[str, set[int]], last: dict[str, set[int]]) -> None:
    """Whether the compiled code grew with new objects or with the JIT compiling functions that were already live."""
    gained = last["compiled"] - first["compiled"]
    old = len(gained & first["all"])
    print(
        f"  closures alive {len(first['all'])} -> {len(last['all'])}; with compiled code of their own "
        f"{len(first['compiled'])} -> {len(last['compiled'])}: {len(gained)} gained it, {old} of them "
        f"({100 * old / max(1, len(gained)):.0f} %) alive at the start (the JIT tiering up what already ran)",
        flush=True,
    )


def object_mb(sizes: dict[str, float]) -> float:
    """MB of the page's own objects: the snapshot without compiled code and DevTools' copies."""
    return sum(v for k, v in sizes.items() if k not in NOT_DATA)


def soak(browser, base: str, minutes: float, tour: float, refresh: float, sample: float, types_every: float) -> bool:
    """Tour for `minutes`, printing the heap every `sample` seconds and its snapshot by node type every `types_every`
    seconds (0: at the start and end only); True when the page's objects grew < 10 % and nothing failed."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    context.add_init_script(TIMER_PROBE)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.on("console", lambda m: m.type == "error" and errors.append(f"console error: {m.text}"))
    page.goto(f"{base}/screen.html?tour={tour}&refresh={refresh}")
    page.wait_for_function("() => document.body.dataset.ready === '1'", timeout=60_000)
    cdp = context.new_cdp_session(page)
    bare = open_baseline(browser, base, tour)
    page.wait_for_timeout(max(10.0, tour * 10) * 1000)  # warm-up: one whole round of the tour
    start = heap_mb(cdp, page)
    bare_start, bare_code0 = heap_mb(bare.cdp, bare.page), heap_by_type(bare.cdp).get("code", 0.0)
    code0: dict[str, float] = {}
    closures0: dict[str, set[int]] = {}
    types0 = heap_by_type(cdp, code0, closures0)
    objects0 = object_mb(types0)
    print_types("start", types0, types0)
    next_types = types_every or float("inf")
    timers0 = page.evaluate("window.__liveTimers()")
    stops0 = page.evaluate("window.warroomScreen.stops || 0")
    print(f"  {'t (s)':>6} {'heap MB':>8} {'growth':>7} {'timers':>6} {'stops':>6} {'refreshes':>9}")
    t0 = time.monotonic()
    end = start
    while (elapsed := time.monotonic() - t0) < minutes * 60:
        page.wait_for_timeout(min(sample, minutes * 60 - elapsed) * 1000)
        end = heap_mb(cdp, page)
        s = page.evaluate("({stops: window.warroomScreen.stops, refreshes: window.warroomScreen.refreshes})")
        print(
            f"  {time.monotonic() - t0:6.0f} {end:8.2f} {100 * (end - start) / start:+6.1f}% "
            f"{page.evaluate('window.__liveTimers()'):6d} {s['stops'] - stops0:6d} {s['refreshes']:9d}",
            flush=True,
        )
        if time.monotonic() - t0 >= next_types:
            code: dict[str, float] = {}
            print_types(f"{time.monotonic() - t0:.0f} s", heap_by_type(cdp, code), types0)
            print_code_growth(code, code0)
            next_types += types_every
    timers1 = page.evaluate("window.__liveTimers()")
    code1: dict[str, float] = {}
    closures1: dict[str, set[int]] = {}
    types1 = heap_by_type(cdp, code1, closures1)
    print_types("end", types1, types0)
    print_code_growth(code1, code0)
    print_tiering(closures0, closures1)
    objects1 = object_mb(types1)
    context.close()
    bare_end, bare_code1 = heap_mb(bare.cdp, bare.page), heap_by_type(bare.cdp).get("code", 0.0)
    bare_stops = bare.page.evaluate("window.bench.stops")
    bare.context.close()
    growth = 100 * (end - start) / start
    objects = 100 * (objects1 - objects0) / objects0
    print(
        f"  heap (all, CDP usedSize) {start:.2f} MB -> {end:.2f} MB ({growth:+.1f} %); "
        f"live timers {timers0} -> {timers1}"
    )
    print(
        f"  baseline (bare Leaflet, same markers and outlines, same tour, {bare_stops} stops): CDP usedSize "
        f"{bare_start:.2f} MB -> {bare_end:.2f} MB ({100 * (bare_end - bare_start) / bare_start:+.1f} %), "
        f"compiled code {bare_code0:.2f} -> {bare_code1:.2f} MB; the wall's growth is "
        f"{(end - start) / max(0.01, bare_end - bare_start):.2f}x the baseline's in MB"
    )
    print(
        f"  heap (page objects: snapshot without compiled code and DevTools' copies) "
        f"{objects0:.2f} MB -> {objects1:.2f} MB"
    )
    print(f"  ({objects:+.1f} %, target < 10 %)")
    for e in errors:
        print(f"  {e}")
    print(f"  errors: {len(errors)}")
    return objects < 10 and not errors and timers1 <= timers0 + 2


class Baseline(NamedTuple):
    """The baseline page touring in its own context."""

    context: object
    page: object
    cdp: object


def open_baseline(browser, base: str, tour: float) -> Baseline:
    """Open the bare Leaflet tour (BASELINE_HTML) and wait until it has drawn and started touring."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    html = BASELINE_HTML.replace("__TOUR__", json.dumps(tour))
    context.route(
        f"{base}{BASELINE_PATH}",
        lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html),
    )
    page = context.new_page()
    page.goto(f"{base}{BASELINE_PATH}")
    page.wait_for_function("() => document.body.dataset.ready === '1'", timeout=60_000)
    return Baseline(context, page, context.new_cdp_session(page))


def print_types(label: str, sizes: dict[str, float], first: dict[str, float]) -> None:
    """One line of the snapshot by node type, each with its change since the first."""
    parts = [f"{k} {v:.2f} ({v - first.get(k, 0.0):+.2f})" for k, v in sorted(sizes.items(), key=lambda kv: -kv[1])]
    print(f"  snapshot MB at {label}: " + ", ".join(parts), flush=True)


def print_code_growth(code: dict[str, float], first: dict[str, float], top: int = 12) -> None:
    """The compiled code's largest changes since the start, by snapshot node name (function, bytecode, regexp …)."""
    change = {k: code.get(k, 0.0) - first.get(k, 0.0) for k in code.keys() | first.keys()}
    parts = [f"{k[:60]!r} {v:+.3f}" for k, v in sorted(change.items(), key=lambda kv: -abs(kv[1]))[:top]]
    print("    code growth by name (MB): " + "; ".join(parts), flush=True)


def main() -> None:
    """Measure the first complete frame, then soak."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--tour", type=float, default=2)
    parser.add_argument("--refresh", type=float, default=60)
    parser.add_argument("--sample", type=float, default=60)
    parser.add_argument("--loads", type=int, default=3)
    parser.add_argument("--types-every", type=float, default=0, help="seconds between snapshots by node type")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with bench_cluster() as cluster, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            with served(seeded_url(cluster), WARROOM_BASEMAP="none") as base:
                first_frame_ms(browser, base)  # warms the server; each measured load is a cold context
                frames = [first_frame_ms(browser, base) for _ in range(args.loads)]
                frame = statistics.median(frames)
                verdict = "ok" if frame < 1500 else "MISSED"
                print(f"first complete frame (116 projects, 1920x1080): median {frame:.0f} ms of {frames}")
                print(f"  target < 1500 ms: {verdict}")
                print(f"soak: tour {args.tour} s per stop, refresh every {args.refresh} s, {args.minutes} min")
                ok = soak(browser, base, args.minutes, args.tour, args.refresh, args.sample, args.types_every)
        finally:
            browser.close()
    print("targets: " + ("all met" if ok and frame < 1500 else "MISSED"))


if __name__ == "__main__":
    main()
