"""The outbox on a phone (issue 16): photos taken offline wait on the phone with their state and the phone's own
position, and arrive once when the connection returns; a send cut off mid-way finishes after the app is reopened."""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.browser.conftest import app_page, sign_in, signed_in_client
from tests.browser.test_phone import PHONE
from tests.photos.images import jpeg

pytestmark = pytest.mark.browser

OUTBOX_STATES = "() => import('/js/outbox.js').then((m) => m.items()).then((xs) => xs.map((x) => x.state))"


@pytest.fixture
def reporter_phone(browser, live_server, page_problems, accounts):
    """A signed-in reporter's phone that shares its position (37.40 N, 122.10 E ± 12 m); (context, page, project)."""
    page_problems.allow_http_errors = True  # offline and aborted sends log failed loads
    context, pg = app_page(
        browser,
        live_server,
        page_problems,
        **PHONE,
        geolocation={"latitude": 37.40, "longitude": 122.10, "accuracy": 12},
        permissions=["geolocation"],
    )
    sign_in(pg, live_server, accounts["reporter"])
    pg.wait_for_function("() => document.body.dataset.ready === '1' && window.warroom.idle()")
    pg.wait_for_function(f"() => window.warroom.state().filters.district === '{accounts['reporter']['district']}'")
    pg.wait_for_function("() => window.warroom.idle()")
    project = pg.get_by_test_id("project-item").first.get_attribute("data-id")
    yield context, pg, project
    problems = page_problems.unexpected()
    context.close()
    assert problems == []


def open_photos_tab(pg, base: str, project: str) -> None:
    pg.goto(f"{base}/#project={project}&tab=photos")
    pg.wait_for_function("() => document.body.dataset.ready === '1'")
    pg.locator("[data-testid=photo-upload][data-state=allowed]").wait_for()


def server_photos(base: str, accounts: dict, project: str, *names: str) -> list[dict]:
    """The project's stored photos named like these files (the live server's database outlives each test)."""
    client = signed_in_client(base, accounts["reporter"])
    try:
        return [
            p for p in client.get(f"/api/projects/{project}/photos").json()["photos"] if p["original_name"] in names
        ]
    finally:
        client.close()


def test_photos_taken_offline_wait_and_arrive_once_when_back_online(reporter_phone, live_server, accounts, tmp_path):
    context, pg, project = reporter_phone
    open_photos_tab(pg, live_server, project)
    files = []
    for i in (1, 2):
        f = tmp_path / f"site-{i}.jpg"
        f.write_bytes(jpeg(seed=700 + i, size=(800, 600)))  # as a messenger leaves it: no EXIF position
        files.append(str(f))

    context.set_offline(True)
    pg.set_input_files("[data-testid=photo-album]", files)
    # A fresh item is 待发送 before its first try too: wait until both were tried, and are kept.
    tried = "() => import('/js/outbox.js').then((m) => m.items()).then((xs) => xs.map((x) => `${x.state}:${x.tries}`))"
    pg.wait_for_function(f"() => ({tried})().then((s) => s.length === 2 && s.every((x) => x === 'pending:1'))")
    pending = pg.locator("[data-testid=photo-job][data-outbox-state=pending]")
    pending.nth(1).wait_for()
    assert "待发送" in pending.first.inner_text()
    assert server_photos(live_server, accounts, project, "site-1.jpg", "site-2.jpg") == []

    context.set_offline(False)
    pg.locator("[data-testid=photo-job][data-outbox-state=sent]").nth(1).wait_for()
    assert pg.evaluate(OUTBOX_STATES) == ["sent", "sent"]
    pg.evaluate("() => import('/js/outbox.js').then((m) => m.flush())")  # a further retry sends nothing again
    stored = server_photos(live_server, accounts, project, "site-1.jpg", "site-2.jpg")
    assert sorted(p["original_name"] for p in stored) == ["site-1.jpg", "site-2.jpg"]
    for p in stored:  # the phone's position came along as its own labelled fact, EXIF still says none
        assert p["gps"] == "missing" and p["device_position"]["accuracy_m"] == 12
        assert abs(p["device_position"]["lat"] - 37.40) < 1e-6


def test_a_send_whose_answer_was_lost_finishes_once_after_reopening(reporter_phone, live_server, accounts, tmp_path):
    context, pg, project = reporter_phone
    open_photos_tab(pg, live_server, project)
    photo = tmp_path / "lost-answer.jpg"
    photo.write_bytes(jpeg(seed=711, size=(800, 600)))

    lost = []

    def lose_the_answer(route):
        if route.request.method != "POST":
            route.continue_()
            return
        route.fetch()  # the server stores the photo...
        route.abort()  # ...but the connection drops before its answer reaches the phone
        lost.append(route)

    pg.route("**/api/projects/*/photos", lose_the_answer)
    pg.set_input_files("[data-testid=photo-album]", [str(photo)])
    for _ in range(300):  # a fresh item is 'pending' before its first try too: wait for the try itself
        if lost:
            break
        pg.wait_for_timeout(100)
    assert lost, "the phone never tried to send the photo"
    pg.wait_for_function(f"() => ({OUTBOX_STATES})().then((s) => s.length === 1 && s[0] === 'pending')")
    assert len(server_photos(live_server, accounts, project, "lost-answer.jpg")) == 1
    pg.close()  # the reporter gives up and closes the app

    again = context.new_page()
    again.goto(f"{live_server}/")  # on open the outbox sends what waits, under the same Idempotency-Key
    again.wait_for_function(f"() => ({OUTBOX_STATES})().then((s) => s.length === 1 && s[0] === 'sent')")
    stored = server_photos(live_server, accounts, project, "lost-answer.jpg")
    assert [p["original_name"] for p in stored] == ["lost-answer.jpg"]  # recognised, not stored twice nor refused


def test_a_page_killed_mid_upload_finishes_the_item_when_reopened(reporter_phone, live_server, accounts, tmp_path):
    context, pg, project = reporter_phone
    open_photos_tab(pg, live_server, project)
    photo = tmp_path / "mid-upload.jpg"
    photo.write_bytes(jpeg(seed=712, size=(800, 600)))
    held = []

    def hold(route):
        if route.request.method != "POST":
            route.continue_()
            return
        held.append(route)  # the upload hangs on one bar of signal

    pg.route("**/api/projects/*/photos", hold)
    pg.set_input_files("[data-testid=photo-album]", [str(photo)])
    pg.wait_for_function(f"() => ({OUTBOX_STATES})().then((s) => s[0] === 'sending')")
    for _ in range(100):  # the item is marked 发送中 just before its request leaves
        if held:
            break
        pg.wait_for_timeout(100)
    assert held and server_photos(live_server, accounts, project, "mid-upload.jpg") == []
    pg.close()  # killed mid-upload

    again = context.new_page()
    again.goto(f"{live_server}/#project={project}&tab=photos")
    again.locator("[data-testid=photo-job][data-outbox-state=sent]").wait_for()
    stored = server_photos(live_server, accounts, project, "mid-upload.jpg")
    assert [p["original_name"] for p in stored] == ["mid-upload.jpg"]


def test_a_report_made_offline_waits_and_arrives_once(reporter_phone, live_server, accounts, engine):
    from sqlalchemy import text

    context, pg, project = reporter_phone
    pg.goto(f"{live_server}/#project={project}&tab=progress")
    pg.wait_for_function("() => document.body.dataset.ready === '1' && window.warroom.idle()")
    form = pg.get_by_test_id("report-form")
    # On a loaded machine the card may still be drawn once more after the landing's district filter settles, which
    # closes a form opened before it: open it again, as a reporter would.
    for _ in range(4):
        pg.get_by_test_id("report-open").click()
        try:
            form.wait_for(timeout=8_000)
            break
        except PlaywrightTimeout:
            pass
    form.wait_for()
    month = form.locator("input[name=month]").input_value()
    form.locator("textarea[name=problems]").fill("离线填报:塔吊待验收")
    try:
        context.set_offline(True)
        form.locator("[data-testid=report-submit]").click()
        waiting = pg.locator("[data-testid=report-outbox-item][data-outbox-state=pending]")
        waiting.wait_for()
        assert month in waiting.inner_text() and "待发送" in waiting.inner_text()
        expect(pg.get_by_test_id("toast").filter(has_text="待发送")).to_have_count(1)  # said once, not per try

        context.set_offline(False)
        waiting.wait_for(state="detached")
        pg.evaluate("() => import('/js/outbox.js').then((m) => m.flush())")
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT problems FROM progress_reports WHERE project_id = :p AND month = :m AND NOT demo"),
                {"p": int(project), "m": f"{month}-01"},
            ).all()
        assert [r.problems for r in rows] == ["离线填报:塔吊待验收"]  # once, not twice
    finally:
        with engine.begin() as conn:  # the live server commits: leave the month unreported for other tests
            conn.execute(
                text("DELETE FROM progress_reports WHERE project_id = :p AND month = :m AND NOT demo"),
                {"p": int(project), "m": f"{month}-01"},
            )


def test_an_open_card_stays_open_when_its_refresh_loses_the_signal(browser, live_server, page_problems, accounts):
    # No service worker: nothing kept from an earlier answer stands in for the lost one.
    page_problems.allow_http_errors = True
    context, pg = app_page(browser, live_server, page_problems, **PHONE, service_workers="block")
    sign_in(pg, live_server, accounts["reporter"])
    pg.wait_for_function("() => document.body.dataset.ready === '1' && window.warroom.idle()")
    project = pg.get_by_test_id("project-item").first.get_attribute("data-id")
    open_photos_tab(pg, live_server, project)
    # The signal drops while the map refreshes (another filter): the card's own refresh fails on the way.
    seen = []
    pg.route("**/api/**", lambda route: (seen.append(route.request.url), route.abort("internetdisconnected")))
    pg.evaluate("(d) => window.warroom.setFilters({ district: d })", accounts["reporter"]["district"])
    pg.wait_for_function("() => window.warroom.idle()")
    pg.wait_for_timeout(300)  # the card's refresh runs after the list's load has failed
    assert any("/api/projects/" in u for u in seen)  # the card did ask again, and lost its answer
    assert pg.evaluate("() => window.warroom.state().project") == project
    expect(pg.locator("[data-testid=photo-album]")).to_be_attached()  # the reporter can still queue photos
    context.close()
