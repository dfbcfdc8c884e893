"""The phone's own position (设备定位, issue 16): sent with a photo as a labelled fact beside EXIF, never merged into
it, checked against the project and the EXIF point; and the idempotency key that makes an outbox resend safe."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.factories import interior_point, make_project, make_user, token_for
from tests.photos.images import jpeg
from tests.photos.test_upload import upload


@pytest.fixture
def project(session) -> dict:
    lon, lat = interior_point(session, "bases", "碳纤维基地")
    return {"id": make_project(session, lon=lon, lat=lat), "lon": lon, "lat": lat}


@pytest.fixture(autouse=True)
def _signed_in(client, session):
    client.headers.update(token_for(session, make_user(session, role="planner")))


def device(lon, lat, acc=15):
    return {"device_lon": str(lon), "device_lat": str(lat), "device_accuracy_m": str(acc)}


def test_a_photo_without_exif_gps_keeps_no_location_and_carries_the_device_position(client, project):
    r = upload(client, project["id"], ("wechat.jpg", jpeg(seed=301)), **device(project["lon"] + 0.001, project["lat"]))
    assert r.status_code == 201, r.text
    [p] = r.json()["photos"]
    # Never merged: the EXIF facts still say there is no position, and the photo does not count by the phone's word.
    assert p["gps"] == "missing" and p["location"] is None and p["exif_position"] is None
    assert "no_location" in p["badges"] and "no_position" in p["evidence"]["shortfalls"]
    d = p["device_position"]
    assert d["source"] == "device" and d["accuracy_m"] == 15 and 50 < d["distance_m"] < 120
    assert d["within_radius"] is True and d["exif_gap_m"] is None and d["agrees_with_exif"] is None
    assert "device_near" in p["badges"] and "device_exif_disagree" not in p["badges"]


def test_device_and_exif_disagreeing_is_said_and_exif_is_not_overridden(client, project, session):
    data = jpeg(seed=302, lon=project["lon"], lat=project["lat"], taken="2026:05:03 10:00:00", offset="+08:00")
    r = upload(
        client, project["id"], ("site.jpg", data), month="2026-05", **device(project["lon"] + 0.05, project["lat"])
    )
    assert r.status_code == 201, r.text
    [p] = r.json()["photos"]
    assert p["gps"] == "ok" and p["location"]["source"] == "exif"
    assert abs(p["location"]["lon"] - project["lon"]) < 1e-6  # EXIF still places the photo
    assert p["checks"]["within_radius"] is True
    d = p["device_position"]
    assert d["exif_gap_m"] > 4000 and d["agrees_with_exif"] is False and d["within_radius"] is False
    assert {"near", "device_far", "device_exif_disagree"} <= set(p["badges"])
    after = session.execute(
        text("SELECT after FROM audit_log WHERE action = 'photo.upload' ORDER BY id DESC LIMIT 1")
    ).scalar_one()
    assert "±15 m" in after["device_position"]


def test_a_device_position_near_the_exif_point_agrees(client, project):
    data = jpeg(seed=303, lon=project["lon"], lat=project["lat"])
    r = upload(client, project["id"], ("site.jpg", data), **device(project["lon"] + 0.0005, project["lat"], acc=30))
    [p] = r.json()["photos"]
    assert p["device_position"]["agrees_with_exif"] is True and "device_exif_disagree" not in p["badges"]


@pytest.mark.parametrize(
    "form",
    [
        {"device_lon": "122.1", "device_lat": "37.5"},  # no accuracy
        {"device_lon": "abc", "device_lat": "37.5", "device_accuracy_m": "10"},
        {"device_lon": "nan", "device_lat": "37.5", "device_accuracy_m": "10"},
        {"device_lon": "122.1", "device_lat": "97.5", "device_accuracy_m": "10"},
        {"device_lon": "122.1", "device_lat": "37.5", "device_accuracy_m": "-1"},
    ],
)
def test_a_broken_device_position_is_refused_with_what_to_fix_and_nothing_is_stored(client, project, form):
    r = upload(client, project["id"], ("x.jpg", jpeg(seed=304)), **form)
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    assert "设备定位" in r.json()["detail"]
    assert client.get(f"/api/projects/{project['id']}/photos").json()["photos"] == []


def test_a_resend_under_the_same_idempotency_key_gets_the_first_answer(client, project):
    data = jpeg(seed=305, lon=project["lon"], lat=project["lat"])
    key = {"Idempotency-Key": "outbox-3f1c2a9e-0001"}
    first = client.post(f"/api/projects/{project['id']}/photos", files=[("files", ("a.jpg", data))], headers=key)
    again = client.post(f"/api/projects/{project['id']}/photos", files=[("files", ("a.jpg", data))], headers=key)
    assert first.status_code == 201 and again.status_code == 201, again.text
    assert again.json()["photos"][0]["id"] == first.json()["photos"][0]["id"]
    assert len(client.get(f"/api/projects/{project['id']}/photos").json()["photos"]) == 1
    # The same bytes under another key (or none) are still a duplicate: 409, not a silent second answer.
    other = client.post(
        f"/api/projects/{project['id']}/photos",
        files=[("files", ("a.jpg", data))],
        headers={"Idempotency-Key": "outbox-3f1c2a9e-0002"},
    )
    assert other.status_code == 409
    # The key of one photo sent with another file is a mistake the client must hear about.
    wrong = client.post(
        f"/api/projects/{project['id']}/photos", files=[("files", ("b.jpg", jpeg(seed=306)))], headers=key
    )
    assert wrong.status_code == 409 and "Idempotency-Key" in wrong.json()["detail"]
