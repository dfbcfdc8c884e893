"""Accounts that manage themselves, in the browser: my password, my tokens and sessions (and an admin ending an
account's session); every page honest about roles (no upload box for a viewer, no report form for a visitor or for
another district's reporter); a signed-out bulletin link that goes through sign-in; a mistyped address; /docs."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.browser.conftest import open_app, sign_in, signed_in_client
from tests.factories import make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def fresh(engine) -> dict:
    """A committed viewer of this test alone (its password and sessions change here)."""
    with Session(engine) as s:
        user = make_user(s, role="viewer")
        s.commit()
    return user


def _me(base: str, **kwargs) -> dict | None:
    return httpx.get(f"{base}/api/auth/me", timeout=30, **kwargs).json()["user"]


def _project_in(base: str, district: str) -> int:
    features = httpx.get(f"{base}/api/projects", params={"district": district}, timeout=30).json()["features"]
    return features[0]["properties"]["id"]


def _open_account(page, base: str, user: dict) -> None:
    page.on("dialog", lambda d: d.accept())
    sign_in(page, base, user, "/account.html")
    page.wait_for_function("() => document.body.dataset.ready === '1'")


def test_i_change_my_password_and_stay_signed_in_here(page, live_server, fresh):
    _open_account(page, live_server, fresh)
    page.get_by_test_id("password-current").fill(fresh["password"])
    page.get_by_test_id("password-new").fill("新密码-brand-new-42")
    page.get_by_test_id("password-repeat").fill("新密码-brand-new-42")
    page.get_by_test_id("password-submit").click()
    page.locator("[data-testid=password-result][data-state=ok]").wait_for()
    assert "密码已修改" in page.get_by_test_id("password-result").inner_text()

    login = {"username": fresh["username"]}
    assert httpx.post(f"{live_server}/api/auth/login", json={**login, "password": fresh["password"]}).status_code == 401
    r = httpx.post(f"{live_server}/api/auth/login", json={**login, "password": "新密码-brand-new-42"})
    assert r.status_code == 200
    page.reload()
    page.wait_for_function("() => document.body.dataset.ready === '1'")
    assert fresh["display_name"] in page.get_by_test_id("current-user").inner_text()


def test_a_mismatched_new_password_is_caught_before_sending(page, live_server, fresh):
    _open_account(page, live_server, fresh)
    page.get_by_test_id("password-current").fill(fresh["password"])
    page.get_by_test_id("password-new").fill("first-version-1")
    page.get_by_test_id("password-repeat").fill("second-version-2")
    page.get_by_test_id("password-submit").click()
    page.locator("[data-testid=password-result][data-state=error]").wait_for()
    assert "不一致" in page.get_by_test_id("password-result").inner_text()
    assert httpx.post(
        f"{live_server}/api/auth/login", json={"username": fresh["username"], "password": fresh["password"]}
    ).is_success


def test_i_create_a_token_see_its_last_use_and_revoke_it(page, live_server, fresh):
    _open_account(page, live_server, fresh)
    page.get_by_test_id("token-purpose").fill("照片同步脚本")
    page.get_by_test_id("create-token").click()
    secret = page.get_by_test_id("new-token").inner_text()
    assert secret.startswith("wr_")
    item = page.locator("[data-testid=my-token]").first
    assert "从未使用" in item.inner_text() and "照片同步脚本" in item.inner_text()

    assert _me(live_server, headers={"Authorization": f"Bearer {secret}"})["username"] == fresh["username"]
    page.reload()
    page.wait_for_function("() => document.body.dataset.ready === '1'")
    assert "最近使用" in page.locator("[data-testid=my-token] [data-testid=token-last-used]").first.inner_text()
    assert page.get_by_test_id("token-once").is_hidden()  # the secret is not shown again

    page.get_by_test_id("revoke-my-token").click()
    page.locator("[data-testid=my-token][data-state=revoked]").wait_for()
    r = httpx.get(f"{live_server}/api/auth/me", headers={"Authorization": f"Bearer {secret}"}, timeout=30)
    assert r.status_code == 401


def test_i_sign_out_my_other_session(page, live_server, fresh):
    elsewhere = signed_in_client(live_server, fresh)  # the office computer
    try:
        _open_account(page, live_server, fresh)
        sessions = page.locator("[data-testid=session-item]")
        assert sessions.count() == 2
        assert page.locator("[data-testid=session-item][data-current='1'] [data-testid=end-session]").count() == 0
        assert "Python" in page.locator("[data-testid=session-item][data-current='0']").inner_text()  # httpx's agent
        page.locator("[data-testid=session-item][data-current='0'] [data-testid=end-session]").click()
        page.wait_for_function("() => document.querySelectorAll('[data-testid=session-item]').length === 1")
        assert elsewhere.get("/api/auth/me").json()["user"] is None
        assert page.locator("[data-testid=session-item][data-current='1']").count() == 1
    finally:
        elsewhere.close()


def test_an_admin_ends_an_accounts_session_and_the_one_time_password_clears(page, live_server, accounts, fresh):
    elsewhere = signed_in_client(live_server, fresh)
    try:
        page.on("dialog", lambda d: d.accept())
        sign_in(page, live_server, accounts["admin"], "/admin.html")
        page.wait_for_function("() => document.body.dataset.ready === '1'")
        # the district field is for reporters only
        assert page.locator("#district-field").is_hidden()
        page.select_option("[data-testid=new-role]", "reporter")
        assert page.locator("#district-field").is_visible()
        page.select_option("[data-testid=new-role]", "viewer")

        row = page.locator(f"[data-testid=user-row][data-username='{fresh['username']}']")
        row.locator("button[data-act=reset]").click()
        page.get_by_test_id("new-password").wait_for()
        new_password = page.get_by_test_id("new-password").inner_text()
        # a reset ends the account's sessions: sign in again elsewhere, then end it from the admin page
        elsewhere.close()
        elsewhere = signed_in_client(live_server, {**fresh, "password": new_password})
        row.get_by_test_id("user-tokens").click()
        assert page.get_by_test_id("password-once").is_hidden()  # gone with the next action
        item = page.locator("[data-testid=user-sessions] [data-testid=session-item]")
        item.wait_for()
        assert item.count() == 1
        item.get_by_test_id("end-session").click()
        page.get_by_test_id("user-sessions-empty").wait_for()
        assert elsewhere.get("/api/auth/me").json()["user"] is None
    finally:
        elsewhere.close()


def _card(page, base: str, project_id: int) -> None:
    open_app(page, base, f"#project={project_id}")
    card = f"#project-panel[data-project-id='{project_id}']"
    page.locator(f"{card} [data-testid=report-slot][data-report-offered]").wait_for(state="attached")
    page.locator(f"{card} [data-testid=photo-upload][data-state]").wait_for(state="attached")


def test_a_viewer_is_offered_no_upload_box_and_no_report_form(page, live_server, accounts):
    sign_in(page, live_server, accounts["viewer"])
    _card(page, live_server, _project_in(live_server, "乳山市"))
    assert page.get_by_test_id("photo-upload").is_hidden()
    assert page.get_by_test_id("photo-input").count() == 0
    assert page.get_by_test_id("report-open").count() == 0
    assert page.get_by_test_id("report-status").count() == 1  # reading the reports stays
    assert page.get_by_test_id("siting-link").is_hidden()  # the planner's siting check is not offered either


def test_an_anonymous_visitor_is_offered_no_report_form(page, live_server):
    _card(page, live_server, _project_in(live_server, "乳山市"))
    assert page.get_by_test_id("report-open").count() == 0
    assert page.get_by_test_id("photo-sign-in").is_visible()


def test_a_reporter_is_offered_the_report_form_on_own_district_only(page, live_server, accounts):
    sign_in(page, live_server, accounts["reporter"])  # reports for 乳山市
    # The reporter lands on their district first (after two answers); a card opened before that is redrawn by it.
    landed = f"window.warroom.state().filters.district === '{accounts['reporter']['district']}'"
    page.wait_for_function(f"() => typeof window.warroom?.state === 'function' && {landed}")
    _card(page, live_server, _project_in(live_server, "荣成市"))
    assert page.get_by_test_id("report-open").count() == 0
    assert page.get_by_test_id("photo-input").count() == 0
    _card(page, live_server, _project_in(live_server, "乳山市"))
    assert page.get_by_test_id("report-open").is_visible()
    assert page.get_by_test_id("photo-input").count() == 1


@pytest.mark.parametrize("path", ["/dashboard.html", "/photos.html", "/siting.html", "/admin.html", "/account.html"])
def test_every_page_has_the_user_box(page, live_server, accounts, path):
    page.goto(f"{live_server}{path}")
    page.get_by_test_id("sign-in-link").wait_for()
    assert f"next={path.replace('/', '%2F')}" in page.get_by_test_id("sign-in-link").get_attribute("href")
    sign_in(page, live_server, accounts["planner"], path)
    page.get_by_test_id("sign-out").wait_for()
    assert accounts["planner"]["display_name"] in page.get_by_test_id("current-user").inner_text()
    assert page.get_by_test_id("account-link").get_attribute("href") == "/account.html"
    page.set_viewport_size({"width": 390, "height": 844})  # on a phone the box does not widen the header
    assert page.evaluate("() => document.querySelector('.topbar').getBoundingClientRect().right") <= 390
    page.get_by_test_id("sign-out").click()
    page.get_by_test_id("sign-in-link").wait_for()


def test_a_bulletin_link_clicked_signed_out_goes_through_sign_in_and_downloads(page, live_server, fresh):
    page.goto(f"{live_server}/dashboard.html")
    page.wait_for_function("() => document.body.dataset.ready === '1'")
    href = page.get_by_test_id("dash-xlsx").get_attribute("href")
    assert href.startswith("/api/reports/monthly/")
    page.get_by_test_id("dash-xlsx").click()
    page.wait_for_url("**/login.html?next=**")
    assert page.get_by_test_id("login-form").is_visible()  # a sign-in page, not a JSON 401
    page.fill("[data-testid=login-username]", fresh["username"])
    page.fill("[data-testid=login-password]", fresh["password"])
    with page.expect_download() as download:
        page.click("[data-testid=login-submit]")
    assert download.value.suggested_filename.endswith(".xlsx")
    assert download.value.failure() is None
    page.get_by_test_id("login-file-ready").wait_for()
    page.get_by_test_id("login-back").click()
    page.wait_for_url("**/dashboard.html")


def test_a_mistyped_address_shows_a_page(page, live_server, page_problems):
    page_problems.allow_http_errors = True  # the page itself answers 404
    response = page.goto(f"{live_server}/dashbord.html")
    assert response.status == 404
    page.wait_for_function("() => document.body.dataset.ready === '1'")
    assert "页面不存在" in page.get_by_test_id("not-found").inner_text()
    assert "/dashbord.html" in page.get_by_test_id("not-found-path").inner_text()
    page.get_by_test_id("not-found-home").click()
    page.wait_for_function("() => document.body.dataset.ready === '1' && location.pathname === '/'")


def test_docs_try_it_out_post_succeeds_when_signed_in(page, live_server, fresh):
    sign_in(page, live_server, fresh, "/docs")
    page.wait_for_url("**/docs")
    block = page.locator(".opblock.opblock-post", has=page.locator("[data-path='/api/auth/tokens']"))
    block.locator(".opblock-summary").click()
    block.locator(".try-out__btn").click()
    block.locator("textarea.body-param__text").fill('{"name": "接口文档试用"}')
    block.locator(".execute").click()
    status = block.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip().startswith("201"), block.locator(".live-responses-table").inner_text()
    tokens = signed_in_client(live_server, fresh)
    try:
        assert [t["name"] for t in tokens.get("/api/auth/tokens").json()["tokens"]] == ["接口文档试用"]
    finally:
        tokens.close()
