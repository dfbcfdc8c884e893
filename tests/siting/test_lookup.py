"""Point lookup: inside each zone and base, on a boundary, at sea, outside Weihai; nearest base in metres."""

import json

import pytest
import shapely
from shapely.geometry import Point, shape
from sqlalchemy import text

from tests.factories import interior_point

BASES = [
    "碳纤维基地",
    "医疗器械基地",
    "电子信息与智能制造基地",
    "服务贸易产业基地",
    "海洋生物基地",
    "医疗健康基地",
    "石墨烯基地",
    "时尚创意基地",
    "品质农业基地",
]
ZONES = ["自主创新示范区", "产城融合示范区", "海洋经济发展示范区", "蓝色经济新区", "中韩自贸区地方经济合作示范区"]


def lookup(client, lon, lat):
    r = client.get("/api/lookup", params={"lon": lon, "lat": lat})
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize("base", BASES)
def test_point_inside_each_base(client, session, base):
    lon, lat = interior_point(session, "bases", base)
    answer = lookup(client, lon, lat)
    assert answer["inside_weihai"]
    assert base in [b["name"] for b in answer["bases"]]
    assert answer["nearest_base"] is None
    assert base in answer["message"]


@pytest.mark.parametrize("zone", ZONES)
def test_point_inside_each_zone(client, session, zone):
    lon, lat = interior_point(session, "zones", zone)
    answer = lookup(client, lon, lat)
    assert zone in [z["name"] for z in answer["zones"]]


def test_functional_area_reports_over_its_county(client, session):
    lon, lat = interior_point(session, "districts", "经区")
    answer = lookup(client, lon, lat)
    assert answer["district"] == {"name": "经区", "kind": "functional"}
    assert answer["county"]["name"] == "环翠区"


def test_point_on_a_shared_district_boundary_is_not_lost(client, session):
    lon, lat = session.execute(
        text("""
        SELECT ST_X(p), ST_Y(p) FROM (
          SELECT ST_PointN(ST_Boundary((ST_Dump(ST_Intersection(a.geom, b.geom))).geom), 1) p
          FROM districts a, districts b WHERE a.name = '文登区' AND b.name = '乳山市'
            AND ST_Dimension(ST_Intersection(a.geom, b.geom)) = 1 LIMIT 1) s""")
    ).one() or (None, None)
    if lon is None:  # shared edge came back as points only: take a vertex of the shared line
        lon, lat = session.execute(
            text("""
            SELECT ST_X(g), ST_Y(g) FROM (SELECT (ST_DumpPoints(ST_Intersection(a.geom, b.geom))).geom g
              FROM districts a, districts b WHERE a.name = '文登区' AND b.name = '乳山市') s LIMIT 1""")
        ).one()
    answer = lookup(client, lon, lat)
    assert answer["inside_weihai"]
    assert answer["district"]["name"] in {"文登区", "乳山市"}


def test_point_at_sea_is_not_on_land(client):
    answer = lookup(client, 122.30, 37.62)  # Yellow Sea north of 威海湾
    assert answer["inside_weihai"] is False
    assert answer["district"] is None and answer["bases"] == []
    assert "不在威海市陆域" in answer["message"]


def test_point_outside_weihai_is_an_empty_answer(client):
    answer = lookup(client, 116.40, 39.90)  # Beijing
    assert answer["inside_weihai"] is False
    assert answer["zones"] == [] and answer["bases"] == [] and answer["nearest_base"] is None


def test_swapped_weihai_coordinates_are_refused_with_a_hint(client):
    r = client.get("/api/lookup", params={"lon": 37.41, "lat": 122.13})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "写反" in r.json()["detail"]


def test_nearest_base_is_nearest_in_metres(client, session):
    """Outside every base, the nearest base and its distance agree with shapely in UTM 51N."""
    from pyproj import Transformer

    to_utm = Transformer.from_crs(4326, 32651, always_xy=True)
    bases = {
        name: shapely.transform(shape(json.loads(gj)), lambda x, y: to_utm.transform(x, y), interleaved=False)
        for name, gj in session.execute(text("SELECT name, ST_AsGeoJSON(geom) FROM bases")).all()
    }
    for lon, lat in [(122.20, 37.30), (121.70, 37.00), (122.30, 37.10), (121.98, 37.20)]:
        answer = lookup(client, lon, lat)
        assert answer["bases"] == []
        p = Point(to_utm.transform(lon, lat))
        expected = min(bases, key=lambda n: bases[n].distance(p))
        assert answer["nearest_base"]["name"] == expected
        assert answer["nearest_base"]["distance_m"] == pytest.approx(bases[expected].distance(p), abs=1.0)
