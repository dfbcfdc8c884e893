"""Accounts as people use them: the admin creates a district reporter, who signs in on a phone and uploads photos for
their own district only; the admin then sees both actions in the audit log."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
import pytest

from tests.browser.conftest import open_app, sign_in
from tests.photos.images import jpeg

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "artifacts"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}


def _project_in(base: str, district: str) -> dict:
    features = httpx.get(f"{base}/api/projects", params={"district": district}, timeout=30).json()["features"]
    return features[0]


def test_admin_creates_reporter_who_uploads_for_own_district_and_admin_sees_it(
    page, browser, live_server, accounts, tmp_path
):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # 1. The admin signs in and creates a reporter for 文登区 on the admin page.
    sign_in(page, live_server, accounts["admin"], "/admin.html")
    page.wait_for_function("() => document.body.dataset.ready === '1'")
    assert accounts["admin"]["display_name"] in page.inner_text("[data-testid=current-user]")
    page.fill("[data-testid=new-username]", "wendeng-zhao")
    page.fill("[data-testid=new-display-name]", "赵填报")
    page.select_option("[data-testid=new-role]", "reporter")
    page.select_option("[data-testid=new-district]", "文登区")
    page.click("[data-testid=create-user]")
    password = page.locator("[data-testid=new-password]").inner_text()
    assert len(password) >= 12
    page.locator("[data-testid=user-row][data-username=wendeng-zhao]").wait_for()
    page.click("[data-testid=sign-out]")
    page.wait_for_selector("[data-testid=admin-denied]")

    # 2. The reporter signs in on a phone and uploads a photo to a 文登区 project.
    own, other = _project_in(live_server, "文登区"), _project_in(live_server, "荣成市")
    lon, lat = own["geometry"]["coordinates"]
    photo = tmp_path / "工地.jpg"
    photo.write_bytes(
        jpeg(
            seed=901,
            size=(1200, 900),
            lon=lon + 0.001,
            lat=lat,
            taken=dt.datetime.now().strftime("%Y:%m:%d %H:%M:%S"),
            offset="+08:00",
        )
    )
    phone = browser.new_context(**PHONE)
    try:
        reporter_page = phone.new_page()
        reporter_page.set_default_timeout(15_000)
        errors = []
        reporter_page.on("pageerror", lambda e: errors.append(str(e)))
        sign_in(
            reporter_page,
            live_server,
            {"username": "wendeng-zhao", "password": password},
            f"/#project={own['properties']['id']}",
        )
        open_app(reporter_page, live_server, f"#project={own['properties']['id']}")
        assert "赵填报" in reporter_page.inner_text("[data-testid=current-user]")
        reporter_page.locator("[data-testid=card-tab][data-tab=photos]").click()  # the phone's card is in tabs
        reporter_page.set_input_files("[data-testid=photo-input]", [str(photo)])
        reporter_page.locator("[data-testid=photo-job].photo-job-ok").wait_for()
        reporter_page.screenshot(path=str(ARTIFACTS / "reporter-phone-upload.png"))

        # A 荣成市 project offers no upload box: the reporter is told which district they report for.
        open_app(reporter_page, live_server, f"#project={other['properties']['id']}")
        reporter_page.locator("[data-testid=card-tab][data-tab=photos]").click()
        note = reporter_page.locator("[data-testid=photo-upload-note]")
        note.wait_for()
        assert "文登区" in note.inner_text()
        assert reporter_page.locator("[data-testid=photo-input]").count() == 0
        assert errors == []
    finally:
        phone.close()

    # 3. The admin sees both actions in the audit log.
    sign_in(page, live_server, accounts["admin"], "/admin.html")
    page.wait_for_function("() => document.body.dataset.ready === '1'")
    page.fill("[data-testid=audit-actor]", "wendeng-zhao")
    page.click("#audit-form button[type=submit]")
    page.locator("[data-testid=audit-row][data-action='photo.upload']").wait_for()
    rows = page.locator("[data-testid=audit-row]").all_inner_texts()
    assert any("上传照片" in r and "赵填报" in r for r in rows), rows
    assert any("登录" in r for r in rows), rows
    page.fill("[data-testid=audit-actor]", "")
    page.select_option("[data-testid=audit-action]", "user.create")
    page.click("#audit-form button[type=submit]")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=audit-row]')]"
        ".some(r => r.textContent.includes('wendeng-zhao'))"
    )
    assert "/api/audit/export.xlsx?action=user.create" in page.get_attribute("[data-testid=audit-export]", "href")
    page.screenshot(path=str(ARTIFACTS / "admin-audit.png"), full_page=True)


def test_anonymous_visitor_sees_sign_in_link_and_no_upload_box(page, live_server):
    feature = httpx.get(f"{live_server}/api/projects", timeout=30).json()["features"][0]
    open_app(page, live_server, f"#project={feature['properties']['id']}")
    assert page.locator("[data-testid=sign-in-link]").inner_text() == "登录"
    page.locator("[data-testid=photo-sign-in]").wait_for()
    assert page.locator("[data-testid=photo-input]").count() == 0


def test_login_page_is_chinese_first_switches_to_english_and_reports_errors(page, live_server, page_problems):
    page_problems.allow_http_errors = True  # the wrong password answers 401
    page.goto(f"{live_server}/login.html")
    assert page.inner_text("[data-testid=login-submit]") == "登录"
    page.click("[data-testid=lang-toggle]")
    assert page.inner_text("[data-testid=login-submit]") == "Sign in"
    page.fill("[data-testid=login-username]", "nobody-at-all")
    page.fill("[data-testid=login-password]", "wrong-password-1")
    page.click("[data-testid=login-submit]")
    error = page.locator("[data-testid=login-error]")
    error.wait_for()
    assert "wrong username or password" in error.inner_text()
    page.screenshot(path=str(ARTIFACTS / "login.png"))


def test_viewer_cannot_open_the_admin_page(page, live_server, accounts):
    sign_in(page, live_server, accounts["viewer"], "/admin.html")
    page.locator("[data-testid=admin-denied]").wait_for()
    assert "仅限管理员" in page.inner_text("[data-testid=admin-denied]")
    assert page.locator("[data-testid=users-section]").is_hidden()
