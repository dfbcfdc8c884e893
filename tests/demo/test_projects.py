"""Tests of the deterministic demo project generator (geo/demo.py) on the committed seed geography."""

from __future__ import annotations

import json
import time
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import shape
from shapely.ops import nearest_points

from geo.demo.projects import CLUSTERS, generate_projects

SEED = Path(__file__).resolve().parents[2] / "data" / "seed"
STATUSES = {"planning", "construction", "completed", "stalled"}


def _features(name):
    return json.loads((SEED / name).read_text("utf-8"))["features"]


@pytest.fixture(scope="module")
def geo():
    feats = _features("districts.geojson")
    full = {f["properties"]["name"]: shape(f["geometry"]) for f in feats}
    parent = {f["properties"]["name"]: f["properties"]["parent"] for f in feats}
    districts = {}
    for n, g in full.items():
        if parent[n] is None:  # county: carve out its functional areas
            kids = [full[k] for k, p in parent.items() if p == n]
            g = g.difference(shapely.union_all(kids)) if kids else g
        districts[n] = g
    bases = {
        f["properties"]["name"]: (shape(f["geometry"]), f["properties"]["cluster"]) for f in _features("bases.geojson")
    }
    return districts, bases


@pytest.fixture(scope="module")
def projects(geo):
    return generate_projects(*geo)


def test_count_and_keys(projects):
    assert len(projects) == 116
    keys = {
        "code",
        "name",
        "district",
        "cluster",
        "investment_total",
        "investment_year",
        "status",
        "progress",
        "unit",
        "person",
        "start_date",
        "end_date",
        "lon",
        "lat",
        "demo",
    }
    for p in projects:
        assert set(p) == keys
        assert p["demo"] is True
        assert p["cluster"] in CLUSTERS
        assert p["status"] in STATUSES
        assert isinstance(p["start_date"], date) and isinstance(p["end_date"], date)
        assert p["start_date"] < p["end_date"]


def test_exact_sums(projects):
    assert sum(p["investment_total"] for p in projects) == Decimal("2289.6")
    assert sum(p["investment_year"] for p in projects) == Decimal("293.8")
    for p in projects:
        assert p["investment_total"] > 0
        assert Decimal(0) <= p["investment_year"] <= p["investment_total"]
        assert p["investment_total"] == p["investment_total"].quantize(Decimal("0.1"))
        assert p["investment_year"] == p["investment_year"].quantize(Decimal("0.1"))
    tot = sorted(p["investment_total"] for p in projects)
    assert Decimal("0.5") <= tot[0] <= Decimal("3") and Decimal("80") <= tot[-1] <= Decimal("250")


def test_codes_and_names_unique(projects):
    codes = [p["code"] for p in projects]
    assert len(set(codes)) == len(codes)
    assert codes[0] == "XJ-2018-001"
    assert len({p["name"] for p in projects}) == len(projects)


def test_deterministic(geo, projects):
    assert generate_projects(*geo) == projects
    assert generate_projects(*geo, seed=7) != projects


def test_points_inside_district(geo, projects):
    districts, _ = geo
    to_utm = Transformer.from_crs("EPSG:4326", "EPSG:32651", always_xy=True)
    for p in projects:
        g = districts[p["district"]]
        assert g.contains(shapely.Point(p["lon"], p["lat"])), p
        # ≥ 50 m from the boundary (so rounding to 6 decimals can't push a point out)
        nearest = nearest_points(g.boundary, shapely.Point(p["lon"], p["lat"]))[0]
        a = to_utm.transform(p["lon"], p["lat"])
        b = to_utm.transform(nearest.x, nearest.y)
        assert ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5 >= 50, p
    # the unique reporting unit containing the point is the one reported
    for p in projects[:40]:
        pt = shapely.Point(p["lon"], p["lat"])
        assert [n for n, g in districts.items() if g.contains(pt)] == [p["district"]]


def test_spread(geo, projects):
    districts, bases = geo
    by_d = Counter(p["district"] for p in projects)
    assert set(by_d) == set(districts)
    in_base = 0
    for p in projects:
        pt = shapely.Point(p["lon"], p["lat"])
        if any(g.contains(pt) and cl == p["cluster"] for g, cl in bases.values()):
            in_base += 1
    assert 0.35 * len(projects) <= in_base <= 0.6 * len(projects)


def test_status_progress_consistency(projects):
    st = Counter(p["status"] for p in projects)
    assert st["construction"] > len(projects) / 2
    for p in projects:
        pr = p["progress"]
        assert Decimal(0) <= pr <= Decimal(100) and pr == pr.quantize(Decimal("0.1"))
        if p["status"] == "planning":
            assert pr <= 10
        elif p["status"] == "completed":
            assert pr == 100
            assert p["end_date"] < date(2026, 11, 1)
        else:
            assert pr < 100
    stalled = [p["progress"] for p in projects if p["status"] == "stalled"]
    built = [p["progress"] for p in projects if p["status"] == "construction"]
    assert sum(stalled) / len(stalled) < sum(built) / len(built)
    for p in projects:
        assert 2024 <= p["start_date"].year <= 2026
        assert 2026 <= p["end_date"].year <= 2029


def test_other_counts_scale(geo):
    ps = generate_projects(*geo, count=10)
    assert len(ps) == 10
    assert sum(p["investment_total"] for p in ps) == Decimal("197.4")  # 2289.6 × 10/116
    assert sum(p["investment_year"] for p in ps) == Decimal("25.3")  # 293.8 × 10/116
    ps = generate_projects(*geo, count=5, total_investment=Decimal("100.0"), year_investment=Decimal("12.5"))
    assert sum(p["investment_total"] for p in ps) == Decimal("100.0")
    assert sum(p["investment_year"] for p in ps) == Decimal("12.5")


def test_ten_thousand(geo):
    districts, _ = geo
    t = time.perf_counter()
    ps = generate_projects(*geo, count=10_000)
    assert time.perf_counter() - t < 30
    assert len(ps) == 10_000
    assert len({p["code"] for p in ps}) == 10_000 and ps[0]["code"] == "XJ-2018-00001"
    assert len({p["name"] for p in ps}) == 10_000
    assert sum(p["investment_total"] for p in ps) == (Decimal("2289.6") * 10_000 / 116).quantize(Decimal("0.1"))
    prepared = {n: g for n, g in districts.items()}
    for g in prepared.values():
        shapely.prepare(g)
    for n, g in prepared.items():
        xs = [p["lon"] for p in ps if p["district"] == n]
        ys = [p["lat"] for p in ps if p["district"] == n]
        assert shapely.contains_xy(g, xs, ys).all()
