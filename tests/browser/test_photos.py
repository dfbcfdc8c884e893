"""Site photos as a person uses them: upload in the project panel, badges, gallery, lightbox, camera layer, wall."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
import pytest

from tests.browser.conftest import open_app, sign_in, wait_idle
from tests.photos.images import jpeg

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "artifacts"


def test_upload_in_panel_shows_badges_gallery_layer_and_wall(page, live_server, tmp_path, accounts):
    feature = httpx.get(f"{live_server}/api/projects", timeout=30).json()["features"][3]
    pid, props = feature["properties"]["id"], feature["properties"]
    lon, lat = feature["geometry"]["coordinates"]
    now = dt.datetime.now()
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(
        jpeg(
            seed=77,
            size=(1200, 900),
            lon=lon + 0.002,
            lat=lat,
            taken=now.strftime("%Y:%m:%d %H:%M:%S"),
            offset="+08:00",
        )
    )
    no_gps = tmp_path / "nogps.jpg"
    no_gps.write_bytes(jpeg(seed=78, size=(900, 1200), taken=now.strftime("%Y:%m:%d %H:%M:%S")))

    sign_in(page, live_server, accounts["planner"])  # a planner may upload for any district
    open_app(page, live_server, f"#project={pid}")
    page.wait_for_selector(f"#project-panel[data-project-id='{pid}'] [data-testid=project-photos]")
    page.set_input_files("[data-testid=photo-input]", [str(photo), str(no_gps)])

    jobs = page.locator("[data-testid=photo-job].photo-job-ok")
    jobs.nth(1).wait_for()
    statuses = page.locator("[data-testid=photo-job-status]").all_inner_texts()
    assert any("位置相符" in s and "当月拍摄" in s for s in statuses), statuses
    assert any("无位置信息" in s for s in statuses), statuses

    gallery = page.locator("[data-testid=photo-gallery]")
    gallery.locator("[data-testid=photo-tile]").nth(1).wait_for()
    assert now.strftime("%Y-%m") in gallery.inner_text()
    gallery.locator(".photo-open").first.click()
    page.wait_for_selector("[data-testid=lightbox-image]")
    page.wait_for_function("() => document.querySelector('[data-testid=lightbox-image]').naturalWidth > 0")
    page.screenshot(path=str(ARTIFACTS / "photos-lightbox.png"))
    page.keyboard.press("Escape")
    assert page.locator("[data-testid=lightbox]").count() == 0

    # Place the photo without GPS by hand, next to the project.
    page.locator(".photo-place").first.click()
    page.evaluate("id => window.warroom.zoomToProject(id, {animate: false})", str(pid))
    wait_idle(page)
    pt = page.evaluate("([lon, lat]) => window.warroom.pointOf(lon, lat)", [lon + 0.0005, lat + 0.0005])
    page.mouse.click(pt["x"], pt["y"])  # a tap moves the pin; nothing is stored until 确认
    page.get_by_test_id("place-confirm").click()
    placed = page.locator("[data-testid=photo-tile] [data-badge=manual_pending]")
    placed.wait_for()
    # A hand placement is a claim: labelled as such (text from /api/meta), and never 位置相符 until verified.
    assert placed.inner_text() == "手动定位 · 待核实"
    tile = page.locator("[data-testid=photo-tile]", has=page.locator("[data-badge=manual_pending]"))
    assert (
        tile.locator("[data-badge=near]").count() == 0
        and tile.locator("[data-badge=gps_invalid], [data-badge=no_location]").count() == 1
    )

    # Camera markers: both photos now have a position, each joined to the project by a line.
    if not page.is_checked("[data-testid=layer-toggle-photos]"):
        page.check("[data-testid=layer-toggle-photos]")
    page.wait_for_function("() => document.querySelectorAll('.camera-marker').length >= 2")
    page.screenshot(path=str(ARTIFACTS / "photos-panel.png"))

    page.goto(f"{live_server}/photos.html#district={props['district']}&month={now:%Y-%m}")
    page.wait_for_function("() => document.body.dataset.ready === '1'")
    card = page.locator(f"[data-testid=wall-project][data-project-id='{pid}']")
    card.wait_for()
    assert card.locator("[data-testid=wall-photo]").count() == 2
    assert card.locator("[data-badge=near]").count() >= 1 and card.locator("[data-badge=manual_pending]").count() == 1
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=wall-photo] img')]"
        ".every(i => i.complete && i.naturalWidth > 0)"
    )
    page.screenshot(path=str(ARTIFACTS / "photo-wall.png"), full_page=True)


def test_a_late_answer_for_an_earlier_month_does_not_undo_the_month_chosen_since(page, live_server):
    held = []
    # The first load asks for this month; hold that answer until the month chosen after it has been shown.
    page.route("**/api/photos?*", lambda route: held.append(route) if not held else route.continue_())
    page.goto(f"{live_server}/photos.html")
    page.wait_for_function("() => document.body.dataset.loading === '1'")
    page.evaluate("() => { location.hash = 'month=2026-04'; }")
    page.wait_for_function("() => document.getElementById('wall').dataset.month === '2026-04'")
    held[0].continue_()
    page.wait_for_function("() => document.body.dataset.ready === '1'")
    page.wait_for_timeout(300)
    assert page.locator("#wall").get_attribute("data-month") == "2026-04"
    assert page.locator("#wall-month").input_value() == "2026-04"
