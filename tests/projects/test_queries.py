"""The project map API: GeoJSON shape, filters alone and combined, one project, summaries."""

import datetime as dt
from decimal import Decimal

import pytest
from shapely.geometry import Point, shape

from tests.factories import make_project


def features(client, **params):
    r = client.get("/api/projects", params=params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/geo+json"
    body = r.json()
    assert body["type"] == "FeatureCollection"
    return body["features"]


def test_all_116_projects_with_their_facts(client):
    feats = features(client)
    assert len(feats) == 116
    props = feats[0]["properties"]
    for key in (
        "id",
        "code",
        "name",
        "district",
        "county",
        "cluster",
        "status",
        "progress",
        "light",
        "investment_total",
        "investment_year",
        "unit",
        "person",
        "start_date",
        "end_date",
        "demo",
        "zones",
        "bases",
    ):
        assert key in props
    assert feats[0]["geometry"]["type"] == "Point"
    assert all(f["properties"]["demo"] for f in feats)


def test_coordinates_have_at_most_six_decimals(client):
    for f in features(client):
        for c in f["geometry"]["coordinates"]:
            assert len(repr(c).split(".")[-1]) <= 6


def test_response_is_gzipped_when_asked(client):
    r = client.get("/api/projects", headers={"Accept-Encoding": "gzip"})
    assert r.headers.get("content-encoding") == "gzip"


@pytest.mark.parametrize(
    "param,value,prop",
    [
        ("district", "荣成市", "district"),
        ("district", "经区", "district"),
        ("cluster", "康养旅游", "cluster"),
        ("status", "construction", "status"),
    ],
)
def test_single_filters(client, param, value, prop):
    feats = features(client, **{param: value})
    assert 0 < len(feats) < 116
    assert all(f["properties"][prop] == value for f in feats)


def test_zone_and_base_filters_follow_the_spatial_siting(client):
    feats = features(client, base="海洋生物基地")
    assert feats and all("海洋生物基地" in f["properties"]["bases"] for f in feats)
    zone = features(client, zone="海洋经济发展示范区")
    assert zone and all(f["properties"]["county"] == "荣成市" for f in zone)


def test_bbox_filter(client):
    bbox = (122.0, 37.3, 122.3, 37.6)
    feats = features(client, bbox=",".join(map(str, bbox)))
    assert feats
    for f in feats:
        lon, lat = f["geometry"]["coordinates"]
        assert bbox[0] <= lon <= bbox[2] and bbox[1] <= lat <= bbox[3]


def test_combined_filters_intersect(client):
    a = {f["properties"]["id"] for f in features(client, district="荣成市")}
    b = {f["properties"]["id"] for f in features(client, status="construction")}
    both = {f["properties"]["id"] for f in features(client, district="荣成市", status="construction")}
    assert both == a & b and both


def test_name_search(client, session):
    pid = make_project(session, lon=122.05, lat=37.2, district="文登区", name="威海百分之百_测试项目")
    assert [f["properties"]["id"] for f in features(client, q="百分之百_")] == [pid]
    assert features(client, q="%") == []  # a literal percent sign, not a wildcard


def test_project_inside_a_functional_area_reports_under_it(client, session):
    from tests.factories import interior_point

    lon, lat = interior_point(session, "districts", "高区")
    pid = make_project(session, lon=lon, lat=lat, district="环翠区")
    feat = client.get(f"/api/projects/{pid}").json()
    assert feat["properties"]["district"] == "高区"
    assert feat["properties"]["county"] == "环翠区"
    assert pid in {f["properties"]["id"] for f in features(client, district="高区")}
    assert pid not in {f["properties"]["id"] for f in features(client, district="环翠区")}


def test_one_project(client):
    first = features(client)[0]
    r = client.get(f"/api/projects/{first['properties']['id']}")
    assert r.status_code == 200
    one = r.json()["properties"]
    # the card's answer adds whether (and since when) the project is retired (退库), and its declared district
    assert {k: one[k] for k in first["properties"]} == first["properties"]
    assert (one["retired"], one["retired_month"]) == (False, None)


def test_project_points_lie_in_their_district_polygons(client):
    districts = {
        f["properties"]["name"]: shape(f["geometry"]) for f in client.get("/api/layers/districts").json()["features"]
    }
    for f in features(client):
        p = Point(f["geometry"]["coordinates"])
        assert districts[f["properties"]["district"]].buffer(1e-6).contains(p)


def test_summary_matches_the_features(client):
    s = client.get("/api/summary").json()
    assert s["count"] == 116
    assert Decimal(str(s["investment_total"])) == Decimal("2289.6")
    assert Decimal(str(s["investment_year"])) == Decimal("293.8")
    assert sum(s["by_status"].values()) == 116
    r = client.get("/api/summary", params={"district": "荣成市"}).json()
    feats = features(client, district="荣成市")
    assert r["count"] == len(feats)
    assert Decimal(str(r["investment_total"])) == sum(Decimal(str(f["properties"]["investment_total"])) for f in feats)


def test_light_follows_the_schedule(client, session):
    late = make_project(
        session, lon=122.05, lat=37.2, district="文登区", progress="5", start="2020-01-01", end="2021-01-01"
    )
    on_time = make_project(
        session,
        lon=122.05,
        lat=37.21,
        district="文登区",
        progress="100",
        status="completed",
        start="2020-01-01",
        end="2021-01-01",
    )
    # As registered, from the month it was registered (the default view, the last closed month, predates it).
    month = {"month": dt.date.today().strftime("%Y-%m")}
    assert client.get(f"/api/projects/{late}", params=month).json()["properties"]["light"] == "red"
    assert client.get(f"/api/projects/{on_time}", params=month).json()["properties"]["light"] == "green"


@pytest.mark.parametrize("layer,count", [("districts", 8), ("zones", 5), ("bases", 9)])
def test_layers(client, layer, count):
    r = client.get(f"/api/layers/{layer}")
    assert r.headers["content-type"] == "application/geo+json"
    feats = r.json()["features"]
    assert len(feats) == count
    if layer != "districts":
        assert all(f["properties"]["schematic"] for f in feats)


def test_simplified_layer_is_smaller(client):
    full = client.get("/api/layers/districts").content
    simple = client.get("/api/layers/districts", params={"simplify": 0.005}).content
    assert len(simple) < len(full) / 2


def test_meta_serves_the_enumerations(client):
    from geo.enums import CLUSTERS, DISTRICTS, PROGRESS_BANDS, STATUSES

    m = client.get("/api/meta").json()
    assert [d["name"] for d in m["districts"]] == [d.name for d in DISTRICTS]
    assert [c["name"] for c in m["clusters"]] == [c.name for c in CLUSTERS]
    assert [s["code"] for s in m["statuses"]] == [s.code for s in STATUSES]
    assert len(m["progress_bands"]) == len(PROGRESS_BANDS)
    assert len(m["zones"]) == 5 and len(m["bases"]) == 9
    assert m["basemap"]["kind"] == "none"
    lon1, lat1, lon2, lat2 = m["bounds"]
    assert 121 < lon1 < lon2 < 123 and 36 < lat1 < lat2 < 38


def test_health(client):
    body = client.get("/api/health").json()
    assert body["status"] == "ok" and body["postgis"].startswith("3.")


def test_api_docs_use_no_cdn(client):
    r = client.get("/docs")
    assert r.status_code == 200
    assert "cdn." not in r.text and "unpkg" not in r.text
    assert "/vendor/swagger-ui-dist/swagger-ui-bundle.js" in r.text
    assert client.get("/vendor/swagger-ui-dist/swagger-ui-bundle.js").status_code == 200
    assert client.get("/openapi.json").json()["paths"]["/api/projects"]


def test_fields_selects_a_subset_of_properties(client):
    feats = features(client, fields="name,progress,light", district="荣成市")
    assert feats and set(feats[0]["properties"]) == {"id", "name", "progress", "light"}
    assert len(feats) == len(features(client, district="荣成市"))
    r = client.get("/api/projects", params={"fields": "name,password"})
    assert r.status_code == 422 and "password" in r.json()["detail"]
