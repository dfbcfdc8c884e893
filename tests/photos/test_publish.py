"""The publish flag: anonymous visitors and viewers see published photos only; planners publish, withdraw, audited."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from geo.bulletin.photos import district_photos
from geo.periods import monthly
from tests.factories import make_user, site_with_photo, token_for


@pytest.fixture
def planner(session) -> dict:
    return make_user(session, role="planner")


@pytest.fixture
def site(client, session, planner) -> dict:
    """A project in 乳山市 with one photo (with GPS, May 2026), uploaded by a planner; published by default."""
    return site_with_photo(client, session, uploader=planner)


def publish(client, session, user, photo_id, published) -> object:
    return client.put(
        f"/api/photos/{photo_id}/published", json={"published": published}, headers=token_for(session, user)
    )


def what_one_sees(client, site, headers=None) -> dict:
    """Whether the photo shows up in each place a reader meets photos."""
    pid, photo = site["project"], site["photo"]
    wall = client.get("/api/photos", params={"district": "乳山市", "month": "2026-05"}, headers=headers).json()
    positions = client.get("/api/photos/positions", params={"project": pid}, headers=headers).json()
    return {
        "list": [p["id"] for p in client.get(f"/api/projects/{pid}/photos", headers=headers).json()["photos"]],
        "wall": [p["id"] for e in wall["projects"] for p in e["photos"] if e["id"] == pid],
        "wall_without": pid in {e["id"] for e in wall["projects_without_photos"]},
        "positions": [f["properties"]["id"] for f in positions["features"]],
        "metadata": client.get(f"/api/photos/{photo['id']}", headers=headers).status_code,
        "files": {kind: client.get(url, headers=headers).status_code for kind, url in photo["urls"].items()},
    }


def test_new_photos_are_published_and_seen_by_anonymous_visitors(client, site):
    assert site["photo"]["published"] is True
    seen = what_one_sees(client, site)
    pid = site["photo"]["id"]
    assert seen == {
        "list": [pid],
        "wall": [pid],
        "wall_without": False,
        "positions": [pid],
        "metadata": 200,
        "files": {"thumb": 200, "display": 200, "stamped": 200, "original": 200},
    }


def test_an_unpublished_photo_is_hidden_from_anonymous_and_viewers_but_not_planners(client, session, site, planner):
    r = publish(client, session, planner, site["photo"]["id"], False)
    assert r.status_code == 200, r.text
    assert r.json()["published"] is False and r.json()["published_at"]
    hidden = {
        "list": [],
        "wall": [],
        "wall_without": True,
        "positions": [],
        "metadata": 404,
        "files": {"thumb": 404, "display": 404, "stamped": 404, "original": 404},
    }
    assert what_one_sees(client, site) == hidden
    assert what_one_sees(client, site, token_for(session, make_user(session, role="viewer"))) == hidden
    pid = site["photo"]["id"]
    for role in ("reporter", "planner", "admin"):
        seen = what_one_sees(client, site, token_for(session, make_user(session, role=role)))
        assert seen["list"] == seen["wall"] == seen["positions"] == [pid], role
        assert seen["metadata"] == 200 and set(seen["files"].values()) == {200}, role
    marked = client.get(f"/api/photos/{pid}", headers=token_for(session, planner)).json()
    assert marked["published"] is False


def test_publishing_again_shows_it_to_everyone(client, session, site, planner):
    publish(client, session, planner, site["photo"]["id"], False)
    assert publish(client, session, planner, site["photo"]["id"], True).json()["published"] is True
    assert what_one_sees(client, site)["metadata"] == 200


def test_the_toggle_is_audited_in_its_transaction(client, session, site, planner):
    pid = site["photo"]["id"]
    publish(client, session, planner, pid, False)
    publish(client, session, planner, pid, False)  # no change, no entry
    publish(client, session, planner, pid, True)
    rows = session.execute(
        text(
            "SELECT actor_id, action, before, after FROM audit_log WHERE object_type = 'photo' "
            "AND object_id = :id AND action LIKE 'photo.%publish' ORDER BY id"
        ),
        {"id": str(pid)},
    ).all()
    assert [(r.actor_id, r.action, r.before["published"], r.after["published"]) for r in rows] == [
        (planner["id"], "photo.unpublish", True, False),
        (planner["id"], "photo.publish", False, True),
    ]


@pytest.mark.parametrize("role", ["viewer", "reporter"])
def test_viewers_and_reporters_may_not_publish(client, session, site, role):
    r = publish(client, session, make_user(session, role=role), site["photo"]["id"], False)
    assert r.status_code == 403 and "规划人员" in r.json()["detail"]
    assert what_one_sees(client, site)["metadata"] == 200


def test_toggle_checks_its_input(client, session, site, planner):
    assert publish(client, session, planner, 999999, False).status_code == 404
    r = client.put(
        f"/api/photos/{site['photo']['id']}/published", json={"published": "maybe"}, headers=token_for(session, planner)
    )
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    r = client.put(f"/api/photos/{site['photo']['id']}/published", json={}, headers=token_for(session, planner))
    assert r.status_code == 422


def test_the_bulletin_shows_published_photos_only(client, session, site, planner, settings):
    def districts():
        return {p["district"] for p in district_photos(session, settings=settings, period=monthly("2026-05"))}

    session.execute(text("UPDATE photos SET published = false WHERE id <> :id"), {"id": site["photo"]["id"]})
    assert "乳山市" in districts()
    publish(client, session, planner, site["photo"]["id"], False)
    assert "乳山市" not in districts()
