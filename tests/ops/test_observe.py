"""Liveness and readiness, request ids a person can quote, the access log, and metrics only where they are allowed."""

import json
import logging

from fastapi.testclient import TestClient

from api.app import create_app
from geo.db.engine import Database
from tests.conftest import s3_settings, share_session


def app_client(engine, session, settings, **update):
    app = create_app(settings.model_copy(update=update), Database(engine))
    share_session(app, session)
    return TestClient(app, raise_server_exceptions=False)


def test_live_and_ready_answer_and_the_old_health_still_does(client):
    assert client.get("/api/health/live").json() == {"status": "ok"}
    ready = client.get("/api/health/ready")
    assert ready.status_code == 200 and ready.json()["ready"] is True
    assert {k: v["ok"] for k, v in ready.json()["checks"].items()} == {"database": True, "photo_store": True}
    assert client.get("/api/health").json()["status"] == "ok"


def test_not_ready_when_the_object_store_is_down_but_still_alive(engine, session, settings, seaweedfs):
    down = s3_settings(settings, seaweedfs, "x").model_copy(update={"photo_store_endpoint": "http://127.0.0.1:9"})
    with app_client(engine, session, down) as c:
        ready = c.get("/api/health/ready")
        assert ready.status_code == 503 and ready.json()["checks"]["photo_store"]["ok"] is False
        assert ready.json()["checks"]["database"]["ok"] is True
        assert c.get("/api/health/live").status_code == 200


def test_every_answer_has_a_request_id_that_problems_repeat(client):
    r = client.get("/api/projects/99999999")
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["request_id"] == r.headers["x-request-id"] and len(r.headers["x-request-id"]) >= 16
    mine = client.get("/api/projects/99999999", headers={"X-Request-ID": "proxy-abc.123"})
    assert mine.headers["x-request-id"] == "proxy-abc.123" and mine.json()["request_id"] == "proxy-abc.123"
    hostile = client.get("/api/health/live", headers={"X-Request-ID": "a b<script>"})
    assert hostile.headers["x-request-id"] != "a b<script>", "an id that is not a plain token is replaced"


def test_json_access_log_carries_the_request_id(engine, session, settings, caplog):
    with app_client(engine, session, settings, log_json=True) as c, caplog.at_level(logging.INFO, "warroom.access"):
        r = c.get("/api/health/live?x=1")
    [line] = [json.loads(rec.getMessage()) for rec in caplog.records if rec.name == "warroom.access"]
    assert line["request_id"] == r.headers["x-request-id"] and line["status"] == 200
    assert line["path"] == "/api/health/live?x=1" and line["route"] == "/api/health/live" and line["ms"] >= 0


def test_metrics_are_off_by_default_and_only_for_allowed_addresses(engine, session, settings):
    with app_client(engine, session, settings) as c:
        assert c.get("/metrics").status_code == 404
    with app_client(engine, session, settings, metrics_path="/internal/metrics") as c:
        assert c.get("/internal/metrics").status_code == 404, "the test client's address is not in the allow list"
    with app_client(engine, session, settings, metrics_path="/internal/metrics", metrics_allow="*") as c:
        c.get("/api/health/live")
        c.get("/api/projects/99999999")
        body = c.get("/internal/metrics").text
    assert 'warroom_http_requests_total{method="GET",route="/api/health/live",status="200"}' in body
    assert 'route="/api/projects/{project_id}",status="404"' in body, "routes are labelled by template, not by id"
    assert "warroom_http_request_duration_seconds_bucket" in body and "warroom_photo_upload_bytes_total" in body
    assert "warroom_siting_batch_points_bucket" in body and "warroom_committed_writes" in body
