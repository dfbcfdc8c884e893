"""Account administration and district scope."""

from __future__ import annotations

import pytest

from geo.accounts.principal import Principal
from geo.accounts.scope import ensure_may_act_on_project
from geo.errors import Forbidden
from tests.accounts.conftest import make_user, token_for
from tests.factories import interior_point, make_project


def test_admin_creates_a_reporter_whose_password_is_shown_once(client, session):
    headers = token_for(session, make_user(session, role="admin"))
    r = client.post(
        "/api/users",
        json={"username": "rushan-li", "display_name": "李填报", "role": "reporter", "district": "乳山市"},
        headers=headers,
    )
    assert r.status_code == 201
    body = r.json()
    assert body["user"]["district"] == "乳山市" and len(body["password"]) >= 12
    assert "password" not in str(client.get("/api/users", headers=headers).json())
    signed = client.post("/api/auth/login", json={"username": "rushan-li", "password": body["password"]})
    assert signed.json()["user"]["district"] == "乳山市"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"username": "x1", "role": "reporter"}, "district"),
        ({"username": "x2", "role": "reporter", "district": "青岛市"}, "district"),
        ({"username": "x3", "role": "boss"}, "role"),
        ({"username": "a b", "role": "viewer"}, "username"),
        ({"username": "x4", "role": "viewer", "password": "short"}, "password"),
    ],
)
def test_invalid_accounts_are_refused_with_the_field(client, session, payload, field):
    r = client.post("/api/users", json=payload, headers=token_for(session, make_user(session, role="admin")))
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == field


def test_duplicate_username_is_409_case_insensitively(client, session):
    headers = token_for(session, make_user(session, role="admin"))
    assert client.post("/api/users", json={"username": "Dup"}, headers=headers).status_code == 201
    assert client.post("/api/users", json={"username": "dup"}, headers=headers).status_code == 409


def test_the_last_admin_cannot_be_disabled(client, session):
    from sqlalchemy import text

    session.execute(text("UPDATE users SET active = false WHERE role = 'admin'"))
    admin = make_user(session, role="admin")
    r = client.patch(f"/api/users/{admin['id']}", json={"active": False}, headers=token_for(session, admin))
    assert r.status_code == 409 and "管理员" in r.json()["detail"]


def test_legacy_account_exists_and_cannot_sign_in(client, session):
    from sqlalchemy import text

    legacy = session.execute(text("SELECT active, password_hash FROM users WHERE username = 'legacy'")).one()
    assert tuple(legacy) == (False, None)
    assert client.post("/api/auth/login", json={"username": "legacy", "password": "anything-at-all"}).status_code == 401


def _reporter(district: str) -> Principal:
    return Principal(user_id=1, username="r", role="reporter", district=district, via="token")


def test_reporter_of_rushan_may_not_touch_a_rongcheng_project(session):
    rongcheng = make_project(
        session, district="荣成市", lon=(p := interior_point(session, "districts", "荣成市"))[0], lat=p[1]
    )
    with pytest.raises(Forbidden) as refused:
        ensure_may_act_on_project(session, actor=_reporter("乳山市"), project_id=rongcheng)
    assert "乳山市" in refused.value.detail and "荣成市" in refused.value.detail
    assert ensure_may_act_on_project(session, actor=_reporter("荣成市"), project_id=rongcheng) == "荣成市"
    planner = Principal(user_id=2, username="p", role="planner", via="token")
    assert ensure_may_act_on_project(session, actor=planner, project_id=rongcheng) == "荣成市"


def test_reporter_uploads_photos_for_their_own_district_only(client, session):
    from sqlalchemy import text

    from tests.photos.images import jpeg

    reporter = make_user(session, role="reporter", district="乳山市")
    headers = token_for(session, reporter)
    rushan = make_project(
        session, district="乳山市", lon=(p := interior_point(session, "districts", "乳山市"))[0], lat=p[1]
    )
    rongcheng = make_project(
        session, district="荣成市", lon=(q := interior_point(session, "districts", "荣成市"))[0], lat=q[1]
    )

    refused = client.post(
        f"/api/projects/{rongcheng}/photos",
        headers=headers,
        files=[("files", ("a.jpg", jpeg(seed=7001), "image/jpeg"))],
    )
    assert refused.status_code == 403
    assert "乳山市" in refused.json()["detail"] and "荣成市" in refused.json()["detail"]

    ok = client.post(
        f"/api/projects/{rushan}/photos", headers=headers, files=[("files", ("b.jpg", jpeg(seed=7002), "image/jpeg"))]
    )
    assert ok.status_code == 201, ok.text
    photo = ok.json()["photos"][0]
    assert photo["uploader"] == reporter["display_name"] and photo["uploader_username"] == reporter["username"]  # staff
    rows = session.execute(
        text(
            "SELECT action, object_id, after->>'project_id' FROM audit_log "
            "WHERE actor_id = :u AND action LIKE 'photo.%'"
        ),
        {"u": reporter["id"]},
    ).all()
    assert [tuple(r) for r in rows] == [("photo.upload", str(photo["id"]), str(rushan))]
    owner = session.execute(text("SELECT uploaded_by FROM photos WHERE id = :id"), {"id": photo["id"]}).scalar()
    assert owner == reporter["id"]


def test_reporter_submits_monthly_reports_for_their_own_district_only(client, session):
    from sqlalchemy import text

    reporter = make_user(session, role="reporter", district="乳山市")
    headers = token_for(session, reporter)
    rushan = make_project(
        session, district="乳山市", lon=(p := interior_point(session, "districts", "乳山市"))[0], lat=p[1]
    )
    rongcheng = make_project(
        session, district="荣成市", lon=(q := interior_point(session, "districts", "荣成市"))[0], lat=q[1]
    )
    body = {"progress": "35.5", "investment_month": "1.25", "investment_cumulative": "6.40", "status": "construction"}

    refused = client.put(f"/api/projects/{rongcheng}/reports/2025-09", json=body, headers=headers)
    assert refused.status_code == 403 and "乳山市" in refused.json()["detail"]
    assert client.put(f"/api/projects/{rushan}/reports/2025-09", json=body, headers=headers).status_code == 201
    assert (
        client.put(
            f"/api/projects/{rushan}/reports/2025-09", json={**body, "progress": "36"}, headers=headers
        ).status_code
        == 200
    )
    rows = session.execute(
        text("SELECT action, object_id FROM audit_log WHERE actor_id = :u AND action LIKE 'report.%' ORDER BY id"),
        {"u": reporter["id"]},
    ).all()
    assert [tuple(r) for r in rows] == [("report.submit", str(rushan)), ("report.correct", str(rushan))]
    owners = (
        session.execute(text("SELECT DISTINCT submitted_by FROM progress_reports WHERE project_id = :p"), {"p": rushan})
        .scalars()
        .all()
    )
    assert owners == [reporter["id"]]
