"""The map on a phone (issue 16): a top bar that fits with a menu, 44 px tap targets, the card in tabs, neutral
notices, and Back / Forward walking district → card → tab."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import app_page, sign_in

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"
UA = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": UA,
}

# What a finger can hit: a checkbox, radio or file input inside a label is hit through its label.
SMALL_TARGETS = """() => {
  const sel = 'a[href], button, select, input:not([type=hidden]), textarea, summary, [role=button], [role=tab], label';
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    if (el.matches('input[type=checkbox], input[type=radio], input[type=file]') && el.closest('label')) continue;
    if (el.matches('label') && !el.querySelector('input[type=checkbox], input[type=radio], input[type=file]')) continue;
    const r = el.getBoundingClientRect();
    // off screen (the skip link until focused) or not drawn
    if (!r.width || !r.height || r.right <= 0 || getComputedStyle(el).visibility === 'hidden') continue;
    if (r.width < 44 || r.height < 44) {
      const name = (el.getAttribute('aria-label') || el.textContent || el.name || el.id || '').trim().slice(0, 20);
      const what = `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${[...el.classList].join('.')}`;
      out.push(`${what} "${name}" ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
  }
  return out;
}"""


@pytest.fixture
def phone(browser, live_server, page_problems) -> Iterator[object]:
    """A page on an emulated 390 × 844 touch phone that may only talk to the app."""
    context, pg = app_page(browser, live_server, page_problems, **PHONE)
    yield pg
    problems = page_problems.unexpected()
    context.close()
    if problems:
        pytest.fail("page problems:\n" + "\n".join(problems))


def ready(pg) -> None:
    pg.wait_for_function("() => document.body.dataset.ready === '1' && window.warroom.idle()")


def reporter_on_own_project(pg, base: str, reporter: dict) -> str:
    """Sign the reporter in on the phone; returns the id of the first project of their district's list."""
    sign_in(pg, base, reporter)
    ready(pg)
    pg.wait_for_function(f"() => window.warroom.state().filters.district === '{reporter['district']}'")
    ready(pg)
    return pg.get_by_test_id("project-item").first.get_attribute("data-id")


def test_top_bar_fits_a_phone_with_a_menu(phone, live_server, accounts):
    phone.goto(f"{live_server}/")
    ready(phone)
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= 390
    # The title is whole, and sign-in, the language and the menu are on screen without scrolling the bar.
    assert phone.evaluate(
        "() => { const t = document.querySelector('.title'); return t.scrollWidth <= t.clientWidth; }"
    )
    for testid in ("sign-in-link", "lang-toggle", "menu-toggle"):
        box = phone.get_by_test_id(testid).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, (testid, box)
    assert not phone.get_by_test_id("siting-link").is_visible()
    phone.get_by_test_id("menu-toggle").click()
    assert phone.get_by_test_id("menu-toggle").get_attribute("aria-expanded") == "true"
    siting = phone.get_by_test_id("siting-link")
    assert siting.is_visible() and siting.bounding_box()["x"] + siting.bounding_box()["width"] <= 390
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "phone-menu-open.png"))
    phone.keyboard.press("Escape")
    assert not siting.is_visible()

    # Signed in, the bar names the reporter.
    reporter_on_own_project(phone, live_server, accounts["reporter"])
    user = phone.get_by_test_id("current-user").bounding_box()
    assert user and user["x"] + user["width"] <= 390


def test_no_tap_target_under_44_px_on_the_phone(phone, live_server, accounts):
    pid = reporter_on_own_project(phone, live_server, accounts["reporter"])
    offenders = {"list": phone.evaluate(SMALL_TARGETS)}
    phone.get_by_test_id("project-item").first.click()
    phone.wait_for_function(f"() => document.getElementById('project-panel').dataset.projectId === '{pid}'")
    phone.locator("[data-testid=photo-upload][data-state]").wait_for(state="attached")
    phone.wait_for_function("() => document.querySelector('[data-testid=report-slot]').dataset.reportOffered")
    for tab in ("overview", "progress", "photos", "problems"):
        phone.locator(f"[data-testid=card-tab][data-tab={tab}]").click()
        phone.wait_for_function(f"() => document.querySelector('.pcard').dataset.tab === '{tab}'")
        offenders[tab] = phone.evaluate(SMALL_TARGETS)
    phone.screenshot(path=str(ARTIFACTS / "phone-card-problems.png"))
    phone.get_by_test_id("menu-toggle").click()
    offenders["menu"] = phone.evaluate(SMALL_TARGETS)
    assert {k: v for k, v in offenders.items() if v} == {}


def test_card_tabs_show_one_part_at_a_time_and_the_phone_offers_camera_and_album(phone, live_server, accounts):
    reporter_on_own_project(phone, live_server, accounts["reporter"])
    phone.get_by_test_id("project-item").first.click()
    phone.locator("[data-testid=photo-upload][data-state]").wait_for(state="attached")
    assert phone.get_by_test_id("project-code").is_visible()
    assert not phone.get_by_test_id("project-photos").is_visible()
    phone.locator("[data-testid=card-tab][data-tab=photos]").click()
    assert phone.get_by_test_id("project-photos").is_visible()
    assert not phone.get_by_test_id("project-code").is_visible()
    # 拍照 / 从相册选择, not a drop zone a phone cannot use.
    assert not phone.get_by_test_id("photo-drop").is_visible()
    text = phone.get_by_test_id("photo-upload").inner_text()
    assert "拍照" in text and "从相册选择" in text and "拖入" not in text
    assert phone.get_by_test_id("photo-camera").get_attribute("capture") == "environment"
    # One label per action: the card's zoom is not called like placing a photo.
    assert phone.locator("#zoom-to-project").inner_text() == "地图上查看"


def test_back_and_forward_walk_district_card_tab(phone, live_server):
    phone.goto(f"{live_server}/")
    ready(phone)
    phone.select_option("#district-select", "文登区")
    ready(phone)
    item = phone.get_by_test_id("project-item").first
    pid = item.get_attribute("data-id")
    item.click()
    phone.wait_for_function(f"() => document.getElementById('project-panel').dataset.projectId === '{pid}'")
    phone.locator("[data-testid=card-tab][data-tab=photos]").click()
    phone.wait_for_function("() => location.hash.includes('tab=photos')")
    view = (
        "() => { const s = window.warroom.state(); return [s.filters.district || '', s.project || '', s.tab || '']; }"
    )

    def at(expected):
        phone.wait_for_function(f"() => JSON.stringify(({view})()) === '{_json(expected)}'")
        if expected[1]:
            tab = expected[2] or "overview"
            phone.wait_for_function(f"() => document.querySelector('.pcard')?.dataset.tab === '{tab}'")
        else:
            phone.wait_for_function("() => document.getElementById('project-panel').dataset.view === 'list'")

    at(["文登区", pid, "photos"])
    phone.go_back()
    at(["文登区", pid, ""])
    phone.go_back()
    at(["文登区", "", ""])
    phone.go_back()
    at(["", "", ""])
    phone.go_forward()
    at(["文登区", "", ""])
    phone.go_forward()
    phone.go_forward()
    at(["文登区", pid, "photos"])
    assert phone.get_by_test_id("project-photos").is_visible()

    # A shared link opens the same view, tab included.
    link = phone.evaluate("location.href")
    phone.goto("about:blank")
    phone.goto(link)
    ready(phone)
    at(["文登区", pid, "photos"])


def _json(x: list[str]) -> str:
    import json

    return json.dumps(x, ensure_ascii=False, separators=(",", ":"))


def test_notices_are_neutral_and_errors_red(phone, live_server):
    phone.goto(f"{live_server}/")
    ready(phone)
    phone.evaluate(
        "() => import('/js/toast.js').then((m) => { m.toast('已保存', { kind: 'info' }); m.toast('失败', {}); })"
    )
    info = phone.locator(".toast-info").evaluate("(el) => getComputedStyle(el).borderLeftColor")
    error = phone.locator(".toast-error").evaluate("(el) => getComputedStyle(el).borderLeftColor")
    assert error == "rgb(185, 28, 28)" and info != error


def test_a_filled_button_keeps_its_label_on_hover(page, live_server):
    page.goto(f"{live_server}/login.html")
    button = page.get_by_test_id("login-submit")
    button.hover()
    colours = button.evaluate("(el) => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor]")
    assert colours[0] == "rgb(255, 255, 255)" and colours[1] not in ("rgb(255, 255, 255)", "rgb(243, 244, 246)"), (
        colours
    )


def test_landscape_phone_keeps_the_language_and_sign_in_on_screen(browser, live_server, page_problems):
    context, pg = app_page(browser, live_server, page_problems, **{**PHONE, "viewport": {"width": 844, "height": 390}})
    try:
        pg.goto(f"{live_server}/")
        ready(pg)
        assert pg.evaluate("document.scrollingElement.scrollWidth") <= 844
        for testid in ("lang-toggle", "sign-in-link", "menu-toggle"):
            box = pg.get_by_test_id(testid).bounding_box()
            assert box and box["x"] + box["width"] <= 844 and box["y"] + box["height"] <= 52, (testid, box)
        pg.screenshot(path=str(ARTIFACTS / "phone-landscape.png"))
        assert pg.evaluate(SMALL_TARGETS) == []
    finally:
        context.close()
    assert page_problems.unexpected() == []


def test_installable_and_the_shell_opens_offline(browser, live_server, page_problems):
    """The manifest and service worker register; after one visit the map opens with no connection."""
    page_problems.allow_http_errors = True  # offline, the worker answers what needs the server with a 503
    context, pg = app_page(browser, live_server, page_problems, **PHONE)
    try:
        pg.goto(f"{live_server}/")
        ready(pg)
        manifest = pg.evaluate("() => fetch(document.querySelector('link[rel=manifest]').href).then((r) => r.json())")
        assert manifest["display"] == "standalone" and {i["sizes"] for i in manifest["icons"]} >= {"192x192", "512x512"}
        for icon in manifest["icons"]:
            assert pg.evaluate(f"() => fetch('{icon['src']}').then((r) => r.ok)")
        pg.wait_for_function("() => document.body.dataset.offlineReady === '1'")
        assert pg.evaluate("() => navigator.serviceWorker.controller?.scriptURL").endswith("/sw.js")
        total = pg.evaluate("() => window.warroom.totalCount()")

        context.set_offline(True)
        pg.reload()
        ready(pg)
        assert pg.evaluate("() => window.warroom.totalCount()") == total > 0
        pg.screenshot(path=str(ARTIFACTS / "phone-offline-shell.png"))
    finally:
        context.set_offline(False)
        context.close()


def first_markers_ms(browser, base: str, problems, *, throttle: float, **options) -> float:
    """Navigation start → first markers drawn (User Timing 'markers-drawn') on a cold load, CPU slowed `throttle`×."""
    context, pg = app_page(browser, base, problems, **options)
    try:
        cdp = context.new_cdp_session(pg)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
        pg.goto(f"{base}/")
        pg.wait_for_function("() => performance.getEntriesByName('markers-drawn').length > 0", timeout=30_000)
        return pg.evaluate("() => performance.getEntriesByName('markers-drawn')[0].startTime")
    finally:
        context.close()


# Timings on the shared 2-core test machine (load average ~10 while six engineers test) are noise, not a verdict.
@pytest.mark.skipif(not os.environ.get("WARROOM_PERF"), reason="a timing: run with WARROOM_PERF=1 on an idle machine")
def test_first_markers_on_a_cold_phone_with_4x_cpu_throttling(browser, live_server, page_problems):
    """The issue's target: first markers under 1.5 s on a phone with the CPU slowed 4× (printed beside the laptop)."""
    phone_ms = sorted(first_markers_ms(browser, live_server, page_problems, throttle=4, **PHONE) for _ in range(3))[1]
    desktop_ms = sorted(first_markers_ms(browser, live_server, page_problems, throttle=1) for _ in range(3))[1]
    print(
        f"\nfirst markers, median of 3 cold loads: phone 390×844 4× CPU {phone_ms:.0f} ms, laptop {desktop_ms:.0f} ms"
    )
    assert phone_ms < 1500
