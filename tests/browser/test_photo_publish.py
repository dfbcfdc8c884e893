"""A planner withdraws a site photo in the project panel: it is marked 未公开, anonymous visitors no longer get it,
and viewers get no toggle."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.browser.conftest import open_app, sign_in
from tests.photos.images import jpeg

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "artifacts"


def test_planner_unpublishes_a_photo_in_the_gallery(page, live_server, tmp_path, accounts):
    feature = httpx.get(f"{live_server}/api/projects", timeout=30).json()["features"][7]
    pid = feature["properties"]["id"]
    photo = tmp_path / "withdraw.jpg"
    photo.write_bytes(jpeg(seed=7107, size=(800, 600)))

    sign_in(page, live_server, accounts["planner"])
    open_app(page, live_server, f"#project={pid}")
    page.wait_for_selector(f"#project-panel[data-project-id='{pid}'] [data-testid=project-photos]")
    page.set_input_files("[data-testid=photo-input]", [str(photo)])
    page.locator("[data-testid=photo-job].photo-job-ok").wait_for()
    tile = page.locator("[data-testid=photo-tile]").first
    box = tile.locator("[data-testid=photo-publish]")
    box.wait_for()
    assert box.is_checked() and tile.locator("[data-testid=photo-unpublished]").count() == 0
    photo_id = tile.get_attribute("data-photo-id")
    assert httpx.get(f"{live_server}/api/photos/{photo_id}", timeout=30).status_code == 200

    box.uncheck()
    page.locator("[data-testid=photo-tile] [data-testid=photo-unpublished]").first.wait_for()
    assert "未公开" in page.locator("[data-testid=photo-tile]").first.inner_text()
    page.screenshot(path=str(ARTIFACTS / "photo-unpublished.png"))
    assert httpx.get(f"{live_server}/api/photos/{photo_id}", timeout=30).status_code == 404
    assert httpx.get(f"{live_server}/api/photos/{photo_id}/thumb", timeout=30).status_code == 404
    listed = httpx.get(f"{live_server}/api/projects/{pid}/photos", timeout=30).json()["photos"]
    assert int(photo_id) not in [p["id"] for p in listed]

    # Published again, a viewer sees it, without the toggle.
    page.locator(f"[data-testid=photo-tile][data-photo-id='{photo_id}'] [data-testid=photo-publish]").check()
    page.wait_for_function("() => !document.querySelector('[data-testid=photo-unpublished]')")
    sign_in(page, live_server, accounts["viewer"])
    open_app(page, live_server, f"#project={pid}")
    page.reload()  # a fresh boot on the card's address, whatever the sign-in page left in the history
    page.wait_for_selector(f"#project-panel[data-project-id='{pid}'] [data-testid=project-photos]")
    page.locator(f"[data-testid=photo-tile][data-photo-id='{photo_id}']").wait_for(timeout=30000)
    assert page.locator("[data-testid=photo-publish]").count() == 0
