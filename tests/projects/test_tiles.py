"""The map's vector tiles show what /api/projects shows for the same month and filters: the same projects, names,
progress and lights, and clusters whose counts add up to the filtered total."""

import math
from collections import Counter

import mapbox_vector_tile
import pytest

from geo.enums import LIGHTS
from tests.factories import interior_point, make_project

MVT = "application/vnd.mapbox-vector-tile"


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The XYZ tile holding a point."""
    n = 2**z
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return int((lon + 180) / 360 * n), int(y)


def tiles_covering(features: list[dict], z: int) -> set[tuple[int, int]]:
    """Every tile at zoom z in the bounding box of the features."""
    lons = [f["geometry"]["coordinates"][0] for f in features]
    lats = [f["geometry"]["coordinates"][1] for f in features]
    (x1, y1), (x2, y2) = tile_of(min(lons), max(lats), z), tile_of(max(lons), min(lats), z)
    return {(x, y) for x in range(x1, x2 + 1) for y in range(y1, y2 + 1)}


def decoded(client, z: int, x: int, y: int, query: str = "") -> dict:
    """One tile, decoded, after checking it is an MVT answer."""
    answer = client.get(f"/api/projects/tiles/{z}/{x}/{y}.mvt{query}")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == MVT
    return mapbox_vector_tile.decode(answer.content)


QUERIES = ["?month=2026-09", "?district=荣成市&month=2026-10", "?status=construction", ""]


@pytest.mark.parametrize("query", QUERIES)
def test_clusters_and_points_add_up_to_the_filtered_map(client, query):
    projects = client.get(f"/api/projects{query}").json()["features"]
    summary = client.get(f"/api/summary{query}").json()
    assert projects and len(projects) == summary["count"]
    for z in (8, 11):
        seen, lights, points = 0, Counter(), {}
        for x, y in tiles_covering(projects, z):
            tile = decoded(client, z, x, y, query)
            for f in tile.get("clusters", {}).get("features", []):
                p = f["properties"]
                assert p["point_count"] >= 2
                seen += p["point_count"]
                assert sum(p[f"b{i}"] for i in range(5)) <= p["point_count"]
                assert sum(p[f"l{i}"] for i in range(len(LIGHTS))) == p["point_count"]
                for i, light in enumerate(LIGHTS):
                    lights[light.code] += p[f"l{i}"]
                worst = [lt.code for i, lt in enumerate(LIGHTS) if p[f"l{i}"]]
                assert p["light"] in worst
            for f in tile.get("projects", {}).get("features", []):
                seen += 1
                lights[f["properties"]["light"]] += 1
                points[f["id"]] = f["properties"]
        assert seen == len(projects), f"zoom {z}"
        assert dict(lights) == summary["by_light"], f"zoom {z}"
        by_id = {f["properties"]["id"]: f["properties"] for f in projects}
        for pid, props in points.items():
            assert props["light"] == by_id[pid]["light"] and props["name"] == by_id[pid]["name"]


def test_every_project_stands_alone_from_zoom_15_as_on_the_map(client):
    query = "?month=2026-08"
    projects = client.get(f"/api/projects{query}").json()["features"]
    for f in projects[:12]:
        lon, lat = f["geometry"]["coordinates"]
        x, y = tile_of(lon, lat, 15)
        tile = decoded(client, 15, x, y, query)
        assert "clusters" not in tile
        found = {g["id"]: g for g in tile["projects"]["features"]}[f["properties"]["id"]]
        props, want = found["properties"], f["properties"]
        assert (props["name"], props["light"], props["status"]) == (want["name"], want["light"], want["status"])
        assert props["progress"] == pytest.approx(float(want["progress"]))
        # Tile coordinates back to degrees: within a tile unit (about 2 m at zoom 15).
        px, py = found["geometry"]["coordinates"]
        n, extent = 2**15, 4096
        back_lon = (x + px / extent) / n * 360 - 180
        back_lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * (y + 1 - py / extent) / n))))
        assert back_lon == pytest.approx(lon, abs=3e-5) and back_lat == pytest.approx(lat, abs=3e-5)


def test_a_month_changes_the_lights_the_tile_shows(client):
    """The tiles follow the chosen month, unlike the OGC view fixed at the latest closed month."""
    z = 8
    counts = {}
    for month in ("2026-03", "2026-10"):
        projects = client.get(f"/api/projects?month={month}").json()["features"]
        total = Counter()
        for x, y in tiles_covering(projects, z):
            tile = decoded(client, z, x, y, f"?month={month}")
            for f in tile.get("clusters", {}).get("features", []):
                for i, light in enumerate(LIGHTS):
                    total[light.code] += f["properties"][f"l{i}"]
            for f in tile.get("projects", {}).get("features", []):
                total[f["properties"]["light"]] += 1
        assert total == Counter(f["properties"]["light"] for f in projects)
        counts[month] = total
    assert counts["2026-03"] != counts["2026-10"]


def test_a_new_project_is_in_the_next_tile_and_the_etag_changes(client, session):
    lon, lat = interior_point(session, "districts", "环翠区")
    x, y = tile_of(lon, lat, 18)
    first = client.get(f"/api/projects/tiles/18/{x}/{y}.mvt")
    assert (
        client.get(f"/api/projects/tiles/18/{x}/{y}.mvt", headers={"If-None-Match": first.headers["etag"]}).status_code
        == 304
    )
    pid = make_project(session, lon=lon, lat=lat, name="瓦片测试项目")
    after = client.get(f"/api/projects/tiles/18/{x}/{y}.mvt", headers={"If-None-Match": first.headers["etag"]})
    assert after.status_code == 200 and after.headers["etag"] != first.headers["etag"]
    names = {f["id"]: f["properties"]["name"] for f in mapbox_vector_tile.decode(after.content)["projects"]["features"]}
    assert names[pid] == "瓦片测试项目"


def test_a_tile_far_from_weihai_is_empty(client):
    answer = client.get("/api/projects/tiles/10/0/0.mvt")
    assert answer.status_code == 200 and answer.content == b""


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/projects/tiles/3/8/0.mvt", "x"),
        ("/api/projects/tiles/3/0/9.mvt", "y"),
        ("/api/projects/tiles/23/0/0.mvt", "z"),
    ],
)
def test_a_tile_outside_the_grid_is_a_problem_naming_the_field(client, path, field):
    answer = client.get(path)
    assert answer.status_code == 422 and answer.headers["content-type"].startswith("application/problem+json")
    assert field in answer.text


def test_an_unknown_filter_value_is_a_problem_not_a_tile(client):
    answer = client.get("/api/projects/tiles/8/212/97.mvt?district=火星")
    assert answer.status_code == 422 and "荣成市" in answer.text
