"""Every bad input gets problem+json with a message a person can act on; nothing answers 500."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from api.app import create_app
from geo.db.engine import Database


def assert_problem(r, status):
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def test_unknown_project_is_404(client):
    body = assert_problem(client.get("/api/projects/999999"), 404)
    assert "999999" in body["detail"]


def test_unknown_path_is_404(client):
    assert_problem(client.get("/api/nothing-here"), 404)


def test_unknown_layer_is_422(client):
    assert_problem(client.get("/api/layers/rivers"), 422)


def test_unknown_district_lists_the_known_ones(client):
    body = assert_problem(client.get("/api/projects", params={"district": "青岛市"}), 422)
    assert "荣成市" in body["detail"] and "南海新区" in body["detail"]
    assert body["errors"][0]["field"] == "district"


@pytest.mark.parametrize(
    "param,value", [("cluster", "钢铁"), ("zone", "不存在区"), ("base", "不存在基地"), ("status", "done")]
)
def test_unknown_names(client, param, value):
    body = assert_problem(client.get("/api/projects", params={param: value}), 422)
    assert value in body["detail"]


@pytest.mark.parametrize("bbox", ["1,2,3", "a,b,c,d", "122.3,37.3,122.0,37.6", "0,0,200,10", "nan,1,2,3"])
def test_malformed_bbox(client, bbox):
    body = assert_problem(client.get("/api/projects", params={"bbox": bbox}), 422)
    assert "bbox" in body["detail"]


@pytest.mark.parametrize(
    "params",
    [
        {"lon": 200, "lat": 37},
        {"lon": 122, "lat": -91},
        {"lon": "abc", "lat": 37},
        {"lat": 37},
        {"lon": "nan", "lat": 37},
        {"lon": "inf", "lat": 37},
    ],
)
def test_bad_lookup_coordinates(client, params):
    body = assert_problem(client.get("/api/lookup", params=params), 422)
    assert body["detail"]


def test_validation_errors_name_the_field(client):
    body = assert_problem(client.get("/api/lookup", params={"lon": "abc", "lat": 37}), 422)
    assert body["errors"][0]["field"] == "lon"


@pytest.mark.parametrize(
    "path",
    [
        "/api/projects/abc",
        "/api/projects/0",
        "/api/projects/99999999999999",
        "/api/layers/districts?simplify=-1",
        "/api/layers/districts?simplify=5",
    ],
)
def test_bad_path_and_query_values(client, path):
    assert_problem(client.get(path), 422)


def test_wrong_method_is_405(client):
    assert_problem(client.delete("/api/projects"), 405)


@pytest.mark.parametrize("q", ["'; DROP TABLE projects; --", "\\", "_%_", "\x00", "🏗️" * 30])
def test_odd_search_text_never_breaks(client, q):
    r = client.get("/api/projects", params={"q": q})
    assert r.status_code in (200, 422)
    assert client.get("/api/summary").json()["count"] == 116


def test_database_down_is_503(settings):
    engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none", pool_pre_ping=True)
    app = create_app(settings, Database(engine))
    with TestClient(app, raise_server_exceptions=False) as c:
        body = assert_problem(c.get("/api/projects"), 503)
        assert "数据库" in body["detail"]
        assert_problem(c.get("/api/health"), 503)
