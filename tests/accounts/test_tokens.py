"""API tokens end with what should end them: a password change or reset, disabling (and stay ended when the account
is enabled again); a token cannot mint tokens; an admin lists and revokes anyone's."""

from __future__ import annotations

from sqlalchemy import text

from api.deps import CSRF_HEADER, SESSION_COOKIE
from tests.accounts.conftest import PASSWORD, make_user, sign_in, token_for


def _me(client, headers=None) -> int:
    return client.get("/api/auth/me", headers=headers or {}).status_code


def test_changing_my_password_revokes_my_tokens_and_every_session_but_gives_this_browser_a_new_one(
    client, client_with, session
):
    user = make_user(session)
    token = token_for(session, user)
    other_browser = client_with()
    sign_in(other_browser, user)
    csrf = sign_in(client, user)
    old_cookie = client.cookies.get(SESSION_COOKIE)

    r = client.post("/api/auth/password", json={"current": PASSWORD, "new": "brand-new-pass"}, headers=csrf)
    assert r.status_code == 200, r.text
    assert _me(client, token) == 401
    assert other_browser.get("/api/auth/me").json()["user"] is None
    # this browser goes on with a fresh cookie; whoever copied the old one is out
    new_cookie = client.cookies.get(SESSION_COOKIE)
    assert new_cookie and new_cookie != old_cookie
    assert client.get("/api/auth/me").json()["user"]["username"] == user["username"]
    assert client.post("/api/auth/tokens", json={"name": "x"}, headers={CSRF_HEADER: r.json()["csrf_token"]}).is_success
    stale = client_with()
    stale.cookies.set(SESSION_COOKIE, old_cookie)
    assert stale.get("/api/auth/me").json()["user"] is None


def test_changing_the_password_with_a_token_revokes_that_token_too(client, session):
    user = make_user(session)
    token = token_for(session, user)
    r = client.post("/api/auth/password", json={"current": PASSWORD, "new": "brand-new-pass"}, headers=token)
    assert r.status_code == 200 and r.json()["csrf_token"] is None
    assert _me(client, token) == 401


def test_an_admin_password_reset_revokes_the_accounts_tokens(client, session):
    admin = token_for(session, make_user(session, role="admin"))
    user = make_user(session, role="reporter")
    token = token_for(session, user)
    assert client.post(f"/api/users/{user['id']}/password", headers=admin).status_code == 200
    assert _me(client, token) == 401


def test_enabling_a_disabled_account_does_not_bring_its_tokens_back(client, session):
    admin = token_for(session, make_user(session, role="admin"))
    user = make_user(session)
    token = token_for(session, user)
    assert client.patch(f"/api/users/{user['id']}", json={"active": False}, headers=admin).status_code == 200
    assert client.patch(f"/api/users/{user['id']}", json={"active": True}, headers=admin).status_code == 200
    assert _me(client, token) == 401
    # an account disabled before tokens were revoked on disabling: enabling it revokes what was left
    older = make_user(session)
    older_token = token_for(session, older)
    session.execute(text("UPDATE users SET active = false WHERE id = :u"), {"u": older["id"]})
    assert client.patch(f"/api/users/{older['id']}", json={"active": True}, headers=admin).status_code == 200
    assert _me(client, older_token) == 401
    assert client.post("/api/auth/login", json={"username": older["username"], "password": PASSWORD}).is_success


def test_a_token_cannot_mint_tokens(client, session):
    token = token_for(session, make_user(session))
    r = client.post("/api/auth/tokens", json={"name": "child"}, headers=token)
    assert r.status_code == 403
    assert "浏览器" in r.json()["detail"]
    assert session.execute(text("SELECT count(*) FROM api_tokens WHERE name = 'child'")).scalar() == 0


def test_an_admin_lists_and_revokes_anyones_tokens(client, session):
    admin = token_for(session, make_user(session, role="admin"))
    user = make_user(session, role="planner")
    token = token_for(session, user)
    listed = client.get(f"/api/users/{user['id']}/tokens", headers=admin)
    assert listed.status_code == 200
    [entry] = listed.json()["tokens"]
    assert entry["revoked_at"] is None and "token" not in entry
    r = client.delete(f"/api/users/{user['id']}/tokens/{entry['id']}", headers=admin)
    assert r.status_code == 200 and r.json()["revoked_at"]
    assert _me(client, token) == 401
    audited = session.execute(
        text("SELECT after->>'user_id' FROM audit_log WHERE action = 'token.revoke' AND object_id = :t"),
        {"t": str(entry["id"])},
    ).scalar()
    assert audited == str(user["id"])
    # a token id of another account is not found under this one
    other = make_user(session)
    assert client.delete(f"/api/users/{other['id']}/tokens/{entry['id']}", headers=admin).status_code == 404
    # and nobody below admin may look
    assert client.get(f"/api/users/{user['id']}/tokens", headers=token_for(session, user)).status_code == 403
