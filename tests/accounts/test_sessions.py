"""My sign-in sessions (where, which browser, last seen), ending one or all the others, an admin ending an account's;
when a token was last used; a signed-out file link that leads to sign-in; a mistyped page address."""

from __future__ import annotations

from sqlalchemy import text

from api.deps import CSRF_HEADER
from tests.accounts.conftest import make_user, sign_in, token_for

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:120.0) Gecko/20100101 Firefox/120.0"
PAGE = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def _sessions(client, headers=None) -> list[dict]:
    r = client.get("/api/auth/sessions", headers=headers or {})
    assert r.status_code == 200, r.text
    return r.json()["sessions"]


def test_i_see_where_i_am_signed_in_with_this_browser_marked(client, client_with, session):
    user = make_user(session)
    office = client_with()
    office.headers["User-Agent"] = FIREFOX
    sign_in(office, user)
    sign_in(client, user)

    listed = _sessions(client)
    assert len(listed) == 2
    [mine] = [s for s in listed if s["current"]]
    [other] = [s for s in listed if not s["current"]]
    assert other["user_agent"] == FIREFOX and other["address"] == "testclient"
    assert mine["last_seen_at"] and mine["created_at"] and mine["expires_at"]
    # another account's sessions are not mine to see
    stranger = client_with()
    sign_in(stranger, make_user(session))
    assert len(_sessions(stranger)) == 1


def test_signing_out_another_session_ends_it_there_and_is_audited(client, client_with, session):
    user = make_user(session)
    office = client_with()
    sign_in(office, user)
    csrf = sign_in(client, user)
    [other] = [s for s in _sessions(client) if not s["current"]]

    r = client.delete(f"/api/auth/sessions/{other['id']}", headers=csrf)
    assert r.status_code == 200, r.text
    assert office.get("/api/auth/me").json()["user"] is None
    assert client.get("/api/auth/me").json()["user"]["username"] == user["username"]
    assert [s["current"] for s in _sessions(client)] == [True]
    row = session.execute(
        text("""SELECT actor_name, after->>'user_id', after->>'user', after->>'address' FROM audit_log
                WHERE action = 'session.revoke' AND object_id = :o"""),
        {"o": str(other["id"])},
    ).one()
    assert row == (user["username"], str(user["id"]), user["username"], "testclient")
    # a second time, or someone else's session, is not found
    assert client.delete(f"/api/auth/sessions/{other['id']}", headers=csrf).status_code == 404
    stranger = client_with()
    sign_in(stranger, make_user(session))
    [theirs] = _sessions(stranger)
    r = client.delete(f"/api/auth/sessions/{theirs['id']}", headers=csrf)
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
    assert stranger.get("/api/auth/me").json()["user"] is not None


def test_sign_out_everywhere_else_keeps_this_browser(client, client_with, session):
    user = make_user(session)
    others = [client_with(), client_with()]
    for c in others:
        sign_in(c, user)
    csrf = sign_in(client, user)

    r = client.post("/api/auth/sessions/sign-out-others", headers=csrf)
    assert r.status_code == 200, r.text
    assert len(r.json()["sessions"]) == 2
    assert all(c.get("/api/auth/me").json()["user"] is None for c in others)
    assert client.get("/api/auth/me").json()["user"] is not None
    # from a script (a token) every browser session ends
    token = token_for(session, user)
    assert client.post("/api/auth/sessions/sign-out-others", headers=token).json()["sessions"][0]["current"] is False
    assert client.get("/api/auth/me").json()["user"] is None


def test_an_admin_sees_and_ends_an_accounts_sessions(client, client_with, session):
    user = make_user(session, role="reporter")
    browser = client_with()
    sign_in(browser, user)
    admin = token_for(session, make_user(session, role="admin"))

    r = client.get(f"/api/users/{user['id']}/sessions", headers=admin)
    assert r.status_code == 200, r.text
    [listed] = r.json()["sessions"]
    r = client.delete(f"/api/users/{user['id']}/sessions/{listed['id']}", headers=admin)
    assert r.status_code == 200, r.text
    assert browser.get("/api/auth/me").json()["user"] is None
    assert client.get(f"/api/users/{user['id']}/sessions", headers=admin).json()["sessions"] == []
    # the session of one account cannot be ended through another account's address
    other = make_user(session)
    sign_in(browser, other)
    [theirs] = client.get(f"/api/users/{other['id']}/sessions", headers=admin).json()["sessions"]
    assert client.delete(f"/api/users/{user['id']}/sessions/{theirs['id']}", headers=admin).status_code == 404
    assert client.get("/api/users/999999/sessions", headers=admin).status_code == 404


def test_a_session_write_still_needs_the_csrf_header(client, session):
    user = make_user(session)
    sign_in(client, user)
    [mine] = _sessions(client)
    r = client.delete(f"/api/auth/sessions/{mine['id']}")
    assert r.status_code == 403 and CSRF_HEADER in r.json()["detail"]


def test_a_tokens_last_use_is_shown_and_written_at_most_once_a_minute(client, session):
    user = make_user(session)
    csrf = sign_in(client, user)
    made = client.post("/api/auth/tokens", json={"name": "同步脚本"}, headers=csrf).json()
    assert client.get("/api/auth/tokens").json()["tokens"][0]["last_used_at"] is None

    assert client.get("/api/auth/me", headers={"Authorization": f"Bearer {made['token']}"}).status_code == 200
    [listed] = client.get("/api/auth/tokens").json()["tokens"]
    assert listed["last_used_at"] and listed["last_used_address"] == "testclient"

    def set_last_use(ago: str) -> None:
        session.execute(
            text(f"UPDATE api_tokens SET last_used_at = now() - interval '{ago}' WHERE id = :i"), {"i": made["id"]}
        )

    def used_recently() -> bool:
        return session.execute(
            text("SELECT last_used_at > now() - interval '5 seconds' FROM api_tokens WHERE id = :i"), {"i": made["id"]}
        ).scalar()

    set_last_use("30 seconds")  # a busy script does not write on every request
    client.get("/api/auth/me", headers={"Authorization": f"Bearer {made['token']}"})
    assert not used_recently()
    set_last_use("2 minutes")
    client.get("/api/auth/me", headers={"Authorization": f"Bearer {made['token']}"})
    assert used_recently()


def test_a_file_link_opened_signed_out_leads_to_sign_in_and_back(client_with):
    closed = client_with(anonymous_read=False)
    r = closed.get("/api/reports/monthly/2026-10.pdf?x=1", headers=PAGE, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login.html?next=%2Fapi%2Freports%2Fmonthly%2F2026-10.pdf%3Fx%3D1"
    r = closed.get("/docs", headers=PAGE, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login.html?next=%2Fdocs"
    # a script asking gets the problem it can act on
    r = closed.get("/api/reports/monthly/2026-10.pdf", follow_redirects=False)
    assert r.status_code == 401 and r.headers["content-type"] == "application/problem+json"


def test_a_mistyped_page_address_gets_a_page_and_api_paths_keep_problem_json(client):
    r = client.get("/dashbord.html", headers=PAGE)
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "页面不存在" in r.text and "Content-Security-Policy" in r.headers
    for path in ("/api/projectz", "/api/auth/sessions/extra/bits"):
        r = client.get(path, headers=PAGE)
        assert r.status_code in (404, 405) and r.headers["content-type"] == "application/problem+json", path
    r = client.get("/js/nope.js")
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
    assert client.get("/dashboard.html", headers=PAGE).status_code == 200
