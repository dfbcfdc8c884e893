"""Withdrawing a hand placement (the map's 撤销): the photo gets back exactly the claim it replaced, or none; audited;
refused once a planner has reviewed it, and for people who may not place it."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.factories import make_user, token_for
from tests.photos.images import jpeg
from tests.photos.test_evidence import _audited, _position, project, uploader  # noqa: F401 (fixtures)
from tests.photos.test_upload import upload


@pytest.fixture(autouse=True)
def _signed_in(client, session, uploader):  # noqa: F811
    client.headers.update(token_for(session, uploader))


def _no_gps_photo(client, project: dict, seed: int) -> dict:  # noqa: F811
    [p] = upload(client, project["id"], (f"w{seed}.jpg", jpeg(seed=seed)), month="2026-05").json()["photos"]
    assert p["gps"] == "missing" and p["placement"] is None
    return p


def test_withdrawing_the_first_placement_leaves_the_photo_unplaced(client, session, project):  # noqa: F811
    p = _no_gps_photo(client, project, 900)
    placed = client.put(f"/api/photos/{p['id']}/location", json={"lon": project["lon"], "lat": project["lat"]})
    assert placed.json()["placement"]["status"] == "pending"

    r = client.delete(f"/api/photos/{p['id']}/location")
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["placement"] is None and "manual_pending" not in answer["badges"]
    assert answer["gps"] == "missing" and answer["location"] is None  # EXIF facts untouched
    assert client.get(f"/api/photos/{p['id']}").json()["placement"] is None
    fc = client.get("/api/photos/positions", params={"project": project["id"]}).json()
    assert p["id"] not in [f["properties"]["id"] for f in fc["features"]]  # no camera marker any more
    assert len(_audited(session, "photo.unplace", p["id"])) == 1

    again = client.delete(f"/api/photos/{p['id']}/location")
    assert again.status_code == 409 and again.headers["content-type"].startswith("application/problem+json")
    assert "没有手动定位" in again.json()["detail"]


def test_withdrawing_a_new_placement_restores_the_reviewed_one_it_replaced(client, session, project):  # noqa: F811
    p = _no_gps_photo(client, project, 901)
    first = {"lon": round(project["lon"] + 0.001, 6), "lat": round(project["lat"], 6)}
    client.put(f"/api/photos/{p['id']}/location", json=first)
    verified = client.put(f"/api/photos/{p['id']}/placement/review", json={"verdict": "verified"}).json()
    assert verified["placement"]["status"] == "verified"

    moved = client.put(
        f"/api/photos/{p['id']}/location", json={"lon": project["lon"] - 0.002, "lat": project["lat"]}
    ).json()
    assert moved["placement"]["status"] == "pending"  # placing again reopens the review

    back = client.delete(f"/api/photos/{p['id']}/location").json()
    assert back["placement"]["status"] == "verified"
    assert [back["placement"]["lon"], back["placement"]["lat"]] == [first["lon"], first["lat"]]
    assert back["placement"]["placed_at"] == verified["placement"]["placed_at"]
    assert back["placement"]["reviewed_at"] == verified["placement"]["reviewed_at"]
    assert back["placement"]["distance_m"] == verified["placement"]["distance_m"]
    assert {"manual_verified", "near"} <= set(back["badges"])
    assert _position(client, project["id"], p["id"])["geometry"]["coordinates"] == [first["lon"], first["lat"]]

    # A verified placement is a planner's decision: a withdrawal does not take it back.
    refused = client.delete(f"/api/photos/{p['id']}/location")
    assert refused.status_code == 409 and "重新标注" in refused.json()["detail"]
    row = session.execute(
        text("SELECT before, after FROM audit_log WHERE action = 'photo.unplace' AND object_id = :id"),
        {"id": str(p["id"])},
    ).one()
    assert row.before["status"] == "pending" and row.after["restored"]["status"] == "verified"


def test_withdrawals_walk_back_one_placement_at_a_time(client, project):  # noqa: F811
    p = _no_gps_photo(client, project, 902)
    a = {"lon": round(project["lon"] + 0.001, 6), "lat": round(project["lat"], 6)}
    b = {"lon": round(project["lon"] + 0.002, 6), "lat": round(project["lat"], 6)}
    client.put(f"/api/photos/{p['id']}/location", json=a)
    client.put(f"/api/photos/{p['id']}/location", json=b)
    restored = client.delete(f"/api/photos/{p['id']}/location").json()["placement"]
    assert [restored["lon"], restored["lat"], restored["status"]] == [a["lon"], a["lat"], "pending"]
    assert client.delete(f"/api/photos/{p['id']}/location").json()["placement"] is None


def test_only_those_who_may_place_it_may_withdraw_it(client, session, project):  # noqa: F811
    p = _no_gps_photo(client, project, 903)
    client.put(f"/api/photos/{p['id']}/location", json={"lon": project["lon"], "lat": project["lat"]})
    district = client.get(f"/api/photos/{p['id']}").json()["district"]
    other = "荣成市" if district != "荣成市" else "乳山市"
    outsider = make_user(session, role="reporter", district=other)
    viewer = make_user(session, role="viewer")
    url = f"/api/photos/{p['id']}/location"
    assert client.delete(url, headers=token_for(session, viewer)).status_code == 403
    assert client.delete(url, headers=token_for(session, outsider)).status_code in (403, 404)
    assert client.delete(url, headers={"Authorization": ""}).status_code == 401
    assert client.get(url.replace("/location", "")).json()["placement"]["status"] == "pending"  # still there
    assert client.delete("/api/photos/999999999/location").status_code == 404
