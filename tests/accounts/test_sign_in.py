"""Browser sessions, CSRF, API tokens, expiry, disabling and sign-in rate limits."""

from __future__ import annotations

from sqlalchemy import text

from api.deps import CSRF_HEADER, SESSION_COOKIE
from tests.accounts.conftest import PASSWORD, make_user, sign_in, token_for


def _set_cookies(response) -> list[str]:
    return response.headers.get_list("set-cookie")


def test_sign_in_sets_an_httponly_samesite_cookie_and_signs_out(client, session):
    user = make_user(session, role="planner")
    r = client.post("/api/auth/login", json={"username": user["username"].upper(), "password": PASSWORD})
    assert r.status_code == 200
    assert r.json()["user"]["username"] == user["username"] and r.json()["user"]["role_name"] == "规划人员"
    session_cookie = next(c for c in _set_cookies(r) if c.startswith(SESSION_COOKIE + "="))
    assert "HttpOnly" in session_cookie and "samesite=lax" in session_cookie.lower()
    assert "Secure" not in session_cookie  # plain http here
    assert "Max-Age=43200" in session_cookie  # 12 h default
    assert client.get("/api/auth/me").json()["user"]["username"] == user["username"]

    r = client.post("/api/auth/logout", headers={CSRF_HEADER: r.json()["csrf_token"]})
    assert r.status_code == 200
    assert client.get("/api/auth/me").json()["user"] is None


def test_cookie_is_secure_over_https(client_with, session):
    user = make_user(session)
    r = client_with(base_url="https://testserver").post(
        "/api/auth/login", json={"username": user["username"], "password": PASSWORD}
    )
    assert all("Secure" in c for c in _set_cookies(r))


def test_cookie_write_without_the_csrf_token_is_refused(client, session):
    csrf = sign_in(client, make_user(session))
    r = client.post("/api/auth/tokens", json={"name": "x"})
    assert r.status_code == 403
    assert "X-CSRF-Token" in r.json()["detail"]
    assert client.post("/api/auth/tokens", json={"name": "x"}, headers={CSRF_HEADER: "forged"}).status_code == 403
    assert session.execute(text("SELECT count(*) FROM api_tokens WHERE name = 'x'")).scalar() == 0
    r = client.post("/api/auth/tokens", json={"name": "x"}, headers=csrf)
    assert r.status_code == 201
    # reads need no token
    assert client.get("/api/auth/tokens").status_code == 200


def test_wrong_password_and_unknown_user_get_the_same_401(client, session):
    user = make_user(session)
    wrong = client.post("/api/auth/login", json={"username": user["username"], "password": "not-the-password"})
    unknown = client.post("/api/auth/login", json={"username": "nobody-here", "password": "whatever-123"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]
    assert client.get("/api/auth/me").json()["user"] is None


def test_token_works_until_revoked_then_stops_at_once(client, session):
    user = make_user(session)
    csrf = sign_in(client, user)
    made = client.post("/api/auth/tokens", json={"name": "采集脚本"}, headers=csrf).json()
    assert made["token"].startswith("wr_")
    bearer = {"Authorization": f"Bearer {made['token']}"}
    client.cookies.clear()
    assert client.get("/api/auth/me", headers=bearer).json()["user"]["via"] == "token"
    # no CSRF needed for a token, but a token cannot mint tokens (tests/accounts/test_tokens.py)
    assert client.post("/api/auth/tokens", json={"name": "by token"}, headers=bearer).status_code == 403
    listed = client.get("/api/auth/tokens", headers=bearer).json()["tokens"]
    assert made["token"] not in str(listed) and {t["prefix"] for t in listed} >= {made["prefix"]}
    assert (
        session.execute(text("SELECT count(*) FROM api_tokens WHERE token_hash = :t"), {"t": made["token"]}).scalar()
        == 0
    )

    assert client.delete(f"/api/auth/tokens/{made['id']}", headers=bearer).status_code == 200
    r = client.get("/api/auth/me", headers=bearer)
    assert r.status_code == 401 and "撤销" in r.json()["detail"]
    assert client.post("/api/auth/tokens", json={"name": "late"}, headers=bearer).status_code == 401


def test_someone_elses_token_cannot_be_revoked(client, session):
    owner, other = make_user(session), make_user(session)
    owner_headers = token_for(session, owner)
    token_id = client.get("/api/auth/tokens", headers=owner_headers).json()["tokens"][0]["id"]
    r = client.delete(f"/api/auth/tokens/{token_id}", headers=token_for(session, other))
    assert r.status_code == 404
    assert client.get("/api/auth/me", headers=owner_headers).status_code == 200


def test_disabling_an_account_stops_its_sessions_and_tokens(client, session):
    admin_headers = token_for(session, make_user(session, role="admin"))
    user = make_user(session, role="reporter")
    user_token = token_for(session, user)
    sign_in(client, user)
    r = client.patch(f"/api/users/{user['id']}", json={"active": False}, headers=admin_headers)
    assert r.status_code == 200 and r.json()["user"]["active"] is False
    assert client.get("/api/auth/me").json()["user"] is None
    assert client.get("/api/auth/me", headers=user_token).status_code == 401
    r = client.post("/api/auth/login", json={"username": user["username"], "password": PASSWORD})
    assert r.status_code == 401


def test_expired_session_is_not_signed_in(client, session):
    user = make_user(session)
    sign_in(client, user)
    session.execute(
        text("UPDATE user_sessions SET expires_at = now() - interval '1 second' WHERE user_id = :u"), {"u": user["id"]}
    )
    assert client.get("/api/auth/me").json()["user"] is None
    assert client.post("/api/auth/tokens", json={"name": "x"}).status_code == 401
    # the next sign-in (anyone's) clears expired sessions away
    sign_in(client, make_user(session))
    left = session.execute(text("SELECT count(*) FROM user_sessions WHERE user_id = :u"), {"u": user["id"]}).scalar()
    assert left == 0


def test_malformed_authorization_header_is_401_not_anonymous(client):
    r = client.get("/api/projects/1", headers={"Authorization": "Basic abc"})
    assert r.status_code == 401
    assert client.get("/api/projects/1", headers={"Authorization": "Bearer wr_nonsense"}).status_code == 401


def test_eleventh_failed_sign_in_a_minute_from_one_address_is_429_even_with_the_right_password(client, session):
    user = make_user(session)
    for _ in range(10):
        assert (
            client.post("/api/auth/login", json={"username": user["username"], "password": "wrong-wrong"}).status_code
            == 401
        )
    r = client.post("/api/auth/login", json={"username": user["username"], "password": PASSWORD})
    assert r.status_code == 429
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    assert "秒后再试" in r.json()["detail"]
    failed = session.execute(
        text("SELECT count(*) FROM audit_log WHERE action = 'auth.sign_in_failed' AND actor_name = :u"),
        {"u": user["username"]},
    ).scalar()
    assert failed == 10


def test_failed_sign_ins_from_one_address_are_limited_across_names(client_with, session):
    client = client_with(sign_in_address_failures_per_minute=5)
    for i in range(5):
        client.post("/api/auth/login", json={"username": f"guess{i}", "password": "wrong-wrong"})
    fresh = make_user(session)
    r = client.post("/api/auth/login", json={"username": fresh["username"], "password": PASSWORD})
    assert r.status_code == 429
    assert "该地址" in r.json()["detail"]


def test_changing_my_password_needs_the_current_one(client, session):
    user = make_user(session)
    csrf = sign_in(client, user)
    r = client.post("/api/auth/password", json={"current": "nope-nope-1", "new": "brand-new-pass"}, headers=csrf)
    assert r.status_code == 401
    r = client.post("/api/auth/password", json={"current": PASSWORD, "new": "short"}, headers=csrf)
    assert r.status_code == 422
    assert (
        client.post("/api/auth/password", json={"current": PASSWORD, "new": "brand-new-pass"}, headers=csrf).status_code
        == 200
    )
    client.cookies.clear()
    assert (
        client.post("/api/auth/login", json={"username": user["username"], "password": "brand-new-pass"}).status_code
        == 200
    )
