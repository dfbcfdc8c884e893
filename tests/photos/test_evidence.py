"""Evidence that cannot be laundered: a hand placement is a claim until a planner verifies it, the EXIF facts stay,
an off-month photo does not count, and a look-alike of another project's photo is flagged as suspected reuse."""

from __future__ import annotations

import pytest
from PIL import Image
from sqlalchemy import text

from tests.factories import interior_point, make_project, make_user, token_for
from tests.photos.images import encode, exif_bytes, jpeg, picture
from tests.photos.test_upload import upload

PARIS = (2.35, 48.85)


@pytest.fixture
def project(session) -> dict:
    lon, lat = interior_point(session, "bases", "碳纤维基地")
    return {"id": make_project(session, lon=lon, lat=lat), "lon": lon, "lat": lat}


@pytest.fixture
def uploader(session) -> dict:
    return make_user(session, role="planner")


@pytest.fixture(autouse=True)
def _signed_in(client, session, uploader):
    client.headers.update(token_for(session, uploader))


def _every_answer(client, project_id: int, photo_id: int, month: str) -> list[dict]:
    """The photo as every API answer shows it: itself, the project's photos, the wall, the positions GeoJSON."""
    one = client.get(f"/api/photos/{photo_id}").json()
    [listed] = [p for p in client.get(f"/api/projects/{project_id}/photos").json()["photos"] if p["id"] == photo_id]
    district = one["district"]
    wall = client.get("/api/photos", params={"district": district, "month": month}).json()
    [walled] = [p for e in wall["projects"] for p in e["photos"] if p["id"] == photo_id]
    return [one, listed, walled]


def _position(client, project_id: int, photo_id: int) -> dict:
    fc = client.get("/api/photos/positions", params={"project": project_id}).json()
    [f] = [f for f in fc["features"] if f["properties"]["id"] == photo_id]
    return f


def _audited(session, action: str, photo_id: int) -> list:
    return session.execute(
        text("SELECT actor_id FROM audit_log WHERE action = :a AND object_type = 'photo' AND object_id = :id"),
        {"a": action, "id": str(photo_id)},
    ).all()


def test_2008_photo_with_foreign_gps_placed_by_hand_is_never_near_until_verified(client, session, project, uploader):
    data = jpeg(seed=300, lon=PARIS[0], lat=PARIS[1], taken="2008:06:01 10:00:00")
    [p] = upload(client, project["id"], ("old.jpg", data), month="2026-05").json()["photos"]
    assert p["gps"] == "invalid" and p["taken_at"].startswith("2008-06-01")
    placed = client.put(f"/api/photos/{p['id']}/location", json={"lon": project["lon"], "lat": project["lat"]})
    assert placed.status_code == 200, placed.text
    names = {b["code"]: b["name"] for b in client.get("/api/meta").json()["photo_badges"]}
    assert names["manual_pending"] == "手动定位 · 待核实" and names["off_month"] == "非当月拍摄"

    for answer in _every_answer(client, project["id"], p["id"], "2026-05"):
        assert "near" not in answer["badges"] and "in_area" not in answer["badges"]
        assert {"manual_pending", "gps_invalid", "off_month"} <= set(answer["badges"])
        assert answer["checks"]["within_radius"] is not True and answer["checks"]["in_month"] is False
        assert answer["gps"] == "invalid" and answer["taken_at"].startswith("2008-06-01")  # the EXIF facts stay
        assert answer["placement"]["status"] == "pending" and answer["placement"]["within_radius"] is None
        assert answer["evidence"]["counts"] is False
        assert {"off_month", "placement_unverified"} <= set(answer["evidence"]["shortfalls"])
    f = _position(client, project["id"], p["id"])
    assert f["properties"]["within_radius"] is None and f["properties"]["placement_status"] == "pending"
    assert f["properties"]["counts_as_evidence"] is False

    # A reporter may not verify; a planner may, and it is audited.
    reviewer = make_user(session, role="planner")
    r = client.put(
        f"/api/photos/{p['id']}/placement/review", json={"verdict": "verified"}, headers=token_for(session, reviewer)
    )
    assert r.status_code == 200, r.text
    assert _audited(session, "photo.placement_verify", p["id"]) == [(reviewer["id"],)]
    for answer in _every_answer(client, project["id"], p["id"], "2026-05"):
        assert {"manual_verified", "near", "gps_invalid", "off_month"} <= set(answer["badges"])
        assert "manual_pending" not in answer["badges"]
        assert answer["placement"]["reviewed_by"] == reviewer["display_name"]
        assert answer["evidence"]["shortfalls"] == ["off_month"]  # still taken in 2008: never this month's evidence
    assert _position(client, project["id"], p["id"])["properties"]["within_radius"] is True


def test_placement_review_needs_the_permission_and_a_reason_to_reject(client, session, project):
    [p] = upload(client, project["id"], ("n.jpg", jpeg(seed=301, taken="2026:05:02 12:00:00")), month="2026-05").json()[
        "photos"
    ]
    client.put(f"/api/photos/{p['id']}/location", json={"lon": project["lon"], "lat": project["lat"]})
    district = client.get(f"/api/photos/{p['id']}").json()["district"]
    reporter = make_user(session, role="reporter", district=district)
    url = f"/api/photos/{p['id']}/placement/review"
    assert client.put(url, json={"verdict": "verified"}, headers=token_for(session, reporter)).status_code == 403
    assert client.put(url, json={"verdict": "rejected"}).status_code == 422
    r = client.put(url, json={"verdict": "rejected", "reason": "位置与现场不符"})
    assert r.status_code == 200 and "manual_rejected" in r.json()["badges"]
    assert "placement_rejected" in r.json()["evidence"]["shortfalls"]
    assert len(_audited(session, "photo.placement_reject", p["id"])) == 1
    [g] = upload(client, project["id"], ("g.jpg", jpeg(seed=302, lon=project["lon"], lat=project["lat"]))).json()[
        "photos"
    ]
    assert client.put(f"/api/photos/{g['id']}/placement/review", json={"verdict": "verified"}).status_code == 409


def test_photo_taken_outside_its_month_says_so_and_does_not_count(client, project):
    near = {"lon": project["lon"] + 0.0005, "lat": project["lat"]}
    [good] = upload(client, project["id"], ("in.jpg", jpeg(seed=303, taken="2026:05:03 10:00:00", **near)),
                    month="2026-05").json()["photos"]  # fmt: skip
    [off] = upload(client, project["id"], ("off.jpg", jpeg(seed=304, taken="2026:03:30 10:00:00", **near)),
                   month="2026-05").json()["photos"]  # fmt: skip
    assert good["evidence"] == {"counts": True, "shortfalls": []}
    assert "off_month" in off["badges"] and off["evidence"] == {"counts": False, "shortfalls": ["off_month"]}


def _other_project(session) -> int:
    lon, lat = interior_point(session, "districts", "乳山市")
    return make_project(session, lon=lon, lat=lat)


def test_resized_or_recompressed_copy_of_another_projects_photo_is_flagged(client, session, project):
    original = picture((1600, 1200), seed=305)
    [first] = upload(client, project["id"], ("a.jpg", encode(original, "JPEG", quality=90)), month="2026-05").json()[
        "photos"
    ]
    assert first["reuse"] is None and "reuse_suspect" not in first["badges"]
    other = _other_project(session)
    resized = original.resize((960, 720), Image.Resampling.LANCZOS)  # 60 %
    copies = {"resized 60%": encode(resized, "JPEG", quality=85), "JPEG q=40": encode(original, "JPEG", quality=40)}
    flagged = []
    for name, data in copies.items():
        r = upload(client, other, (f"{name}.jpg", data), month="2026-05")
        assert r.status_code == 201, (name, r.text)  # not the same bytes: stored, but flagged
        [p] = r.json()["photos"]
        assert "reuse_suspect" in p["badges"], name
        assert p["reuse"]["status"] == "suspect" and p["reuse"]["matches"][0]["id"] == first["id"]
        assert "reuse_suspect" in p["evidence"]["shortfalls"]
        flagged.append(p)
    # An unrelated photo of the other project is not flagged.
    [fresh] = upload(client, other, ("b.jpg", jpeg(seed=306)), month="2026-05").json()["photos"]
    assert fresh["reuse"] is None

    # The planner's verdict is audited; clearing needs a reason.
    p = flagged[0]
    url = f"/api/photos/{p['id']}/reuse/review"
    assert client.put(url, json={"verdict": "cleared"}).status_code == 422
    r = client.put(url, json={"verdict": "confirmed"})
    assert r.status_code == 200 and "reuse_confirmed" in r.json()["badges"]
    assert len(_audited(session, "photo.reuse_confirm", p["id"])) == 1
    r = client.put(f"/api/photos/{flagged[1]['id']}/reuse/review", json={"verdict": "cleared", "reason": "同一施工方"})
    assert r.status_code == 200 and "reuse_cleared" in r.json()["badges"]
    assert len(_audited(session, "photo.reuse_clear", flagged[1]["id"])) == 1
    assert client.put(f"/api/photos/{fresh['id']}/reuse/review", json={"verdict": "confirmed"}).status_code == 409


def test_exact_duplicate_stays_409(client, session, project):
    data = encode(picture(seed=307), "JPEG", exif_bytes(taken="2026:05:03 10:00:00"), quality=85)
    assert upload(client, project["id"], ("a.jpg", data), month="2026-05").status_code == 201
    assert upload(client, _other_project(session), ("a.jpg", data), month="2026-05").status_code == 409


def test_completeness_counts_only_real_evidence(client, session, project):
    import datetime as dt
    import json

    from geo.progress.completeness import completeness_json

    district = client.get(f"/api/projects/{project['id']}").json()["properties"]["district"]

    def received() -> int:
        c = json.loads(completeness_json(session, month=dt.date(2026, 5, 1), district=district))
        return c["photos_received"]

    base = received()
    near = {"lon": project["lon"] + 0.0005, "lat": project["lat"]}
    upload(client, project["id"], ("off.jpg", jpeg(seed=310, taken="2026:03:30 10:00:00", **near)), month="2026-05")
    [placed] = upload(
        client, project["id"], ("n.jpg", jpeg(seed=311, taken="2026:05:02 12:00:00")), month="2026-05"
    ).json()["photos"]
    client.put(f"/api/photos/{placed['id']}/location", json={"lon": project["lon"], "lat": project["lat"]})
    assert received() == base  # off-month and unverified placement: nothing received
    client.put(f"/api/photos/{placed['id']}/placement/review", json={"verdict": "verified"})
    assert received() == base + 1


def test_reuse_figures_hold_on_a_few_photos():
    from tests.photos.reuse_figures import measure

    f = measure(8)
    for name in ("resized 50%", "resized 60%", "re-compressed q=60", "re-compressed q=40", "watermark band"):
        assert f[name] == 8, (name, f)
    assert f["false pairs"] == 0, f
