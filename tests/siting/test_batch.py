"""POST /api/lookup: many points (JSON, CSV, Excel) answered exactly as GET /api/lookup answers each."""

import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import text

from tests.siting.test_lookup import BASES

pytestmark = pytest.mark.usefixtures("as_planner")  # the siting check is a planner's tool


def edge_points(session, base: str) -> list[tuple[float, float]]:
    """Inside, on a vertex, on an edge's midpoint and just outside one base."""
    row = session.execute(
        text("""
        SELECT ST_X(i), ST_Y(i), ST_X(v), ST_Y(v), ST_X(m), ST_Y(m), ST_XMax(geom) + 0.003, ST_YMax(geom) + 0.003
        FROM (SELECT geom, ST_PointOnSurface(geom) i, ST_PointN(ST_ExteriorRing(ST_GeometryN(geom, 1)), 1) v,
                     ST_LineInterpolatePoint(ST_MakeLine(ST_PointN(ST_ExteriorRing(ST_GeometryN(geom, 1)), 1),
                                                         ST_PointN(ST_ExteriorRing(ST_GeometryN(geom, 1)), 2)), 0.5) m
              FROM bases WHERE name = :n) s"""),
        {"n": base},
    ).one()
    return [(row[0], row[1]), (row[2], row[3]), (row[4], row[5]), (row[6], row[7])]


def test_batch_answers_equal_single_lookups_inside_on_edge_and_outside_each_base(client, session):
    points = [p for base in BASES for p in edge_points(session, base)]
    points += [(122.30, 37.62), (116.40, 39.90)]  # at sea; Beijing
    r = client.post("/api/lookup", json={"points": [list(p) for p in points]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["count"] == len(points)
    for (lon, lat), answer in zip(points, body["results"]):
        single = client.get("/api/lookup", params={"lon": lon, "lat": lat}).json()
        assert answer == single
    inside_vertex = body["results"][1]
    assert BASES[0] in [b["name"] for b in inside_vertex["bases"]]  # a point on the boundary belongs to the base
    outside = body["results"][3]
    assert outside["bases"] == [] and outside["nearest_base"]["distance_m"] > 0


def test_csv_upload_with_declared_district_reports_agreement(client, session):
    from tests.factories import interior_point

    lon, lat = interior_point(session, "bases", "碳纤维基地")
    csv_text = (
        f"编号,名称,经度,纬度,所属区市,所属基地\n"
        f"A1,甲,{lon},{lat},乳山市,碳纤维基地\nA2,乙,{lon},{lat},荣成市,石墨烯基地\n"
    )
    r = client.post("/api/lookup", files={"file": ("points.csv", csv_text.encode("gbk"), "text/csv")})
    assert r.status_code == 200, r.text
    first, second = r.json()["results"]
    assert first["id"] == "A1" and first["row"] == 2
    single = client.get("/api/lookup", params={"lon": lon, "lat": lat}).json()
    assert {k: first[k] for k in single} == single
    assert first["agrees"]["base"] is True
    assert second["agrees"] == {"district": second["district"]["name"] == "荣成市", "base": False}


def test_excel_upload_and_excel_answer(client, session):
    book = Workbook()
    sheet = book.active
    sheet.append(["序号", "经度", "纬度"])
    sheet.append([1, 122.12, 37.50])
    sheet.append([2, 37.41, 122.13])  # swapped: answered with an error, not a failed request
    data = io.BytesIO()
    book.save(data)
    r = client.post("/api/lookup?format=xlsx", files={"file": ("p.xlsx", data.getvalue())})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("行号", "编号", "名称", "经度", "纬度")
    assert len(rows) == 3 and "写反" in rows[2][-1]


@pytest.mark.parametrize(
    "body,needle",
    [
        ({"points": "nope"}, "points"),
        ({"points": [[122.1, "abc"]]}, "不是数字"),
    ],
)
def test_bad_json_bodies_are_problems_not_500s(client, body, needle):
    r = client.post("/api/lookup", json=body)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert needle in r.json()["detail"]


def test_table_without_coordinate_columns_names_the_columns_it_found(client):
    r = client.post("/api/lookup", files={"file": ("p.csv", "名称,地址\n甲,威海\n".encode())})
    assert r.status_code == 422
    assert "名称、地址" in r.json()["detail"]


def test_consistency_report_lists_a_project_declared_in_the_wrong_district(client, session):
    from tests.factories import interior_point, make_project

    lon, lat = interior_point(session, "districts", "荣成市")
    make_project(session, lon=lon, lat=lat, district="乳山市", name="申报错区市的项目")
    r = client.get("/api/siting/consistency")
    assert r.status_code == 200
    hits = [p for p in r.json()["projects"] if p["name"] == "申报错区市的项目"]
    assert hits and hits[0]["declared_district"] == "乳山市" and hits[0]["located_district"] == "荣成市"
