"""An anonymous visitor opening a photo on the district photo wall sees the stamped copy (水印), not the plain one."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
import pytest
from PIL import Image, ImageStat

from tests.browser.conftest import sign_in, signed_in_client
from tests.photos.images import jpeg

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "artifacts"


def brightness(img: Image.Image, box) -> float:
    return ImageStat.Stat(img.crop(box).convert("L")).mean[0]


@pytest.fixture(scope="module")
def published(live_server, accounts) -> dict:
    """A photo of a seeded project (April 2026, GPS beside it) a planner uploaded; its plain and stamped copies."""
    feature = httpx.get(f"{live_server}/api/projects", timeout=30).json()["features"][11]
    pid, district = feature["properties"]["id"], feature["properties"]["district"]
    lon, lat = feature["geometry"]["coordinates"]
    planner = signed_in_client(live_server, accounts["planner"])
    try:
        data = jpeg(seed=7340, size=(1600, 1200), lon=lon + 0.0004, lat=lat, taken="2026:04:08 09:30:00")
        r = planner.post(
            f"/api/projects/{pid}/photos",
            data={"month": "2026-04"},
            files=[("files", ("水印.jpg", data, "image/jpeg"))],
        )
        assert r.status_code == 201, r.text
        photo = r.json()["photos"][0]
        plain = planner.get(photo["urls"]["display"]).content
    finally:
        planner.close()
    stamped = httpx.get(f"{live_server}{photo['urls']['stamped']}", timeout=30).content
    return {"photo": photo, "district": district, "plain": plain, "stamped": stamped}


def test_the_public_wall_shows_stamped_photos(page, live_server, published):
    photo, plain, stamped = published["photo"], published["plain"], published["stamped"]
    page.goto(f"{live_server}/photos.html#district={published['district']}&month=2026-04")
    page.wait_for_function("() => document.body.dataset.ready === '1'")
    tile = page.locator(f"[data-testid=wall-photo][data-photo-id='{photo['id']}']")
    tile.wait_for()
    with page.expect_response(lambda resp: resp.url.endswith(photo["urls"]["display"])) as shown:
        tile.locator(".photo-open").click()
    page.wait_for_function("() => document.querySelector('[data-testid=lightbox-image]')?.naturalWidth > 0")
    body = shown.value.body()
    assert body == stamped and body != plain, "the visitor's lightbox shows the stamped copy"
    img = Image.open(io.BytesIO(body))
    w, h = img.size
    # The band darkens the bottom of the picture; the plain copy's bottom is as bright as the scene made it.
    assert brightness(img, (0, h - 40, w, h)) < brightness(Image.open(io.BytesIO(plain)), (0, h - 40, w, h)) - 20
    page.screenshot(path=str(ARTIFACTS / "photo-stamped-lightbox.png"))


def test_the_screen_carousel_shows_the_stamp_uncropped(page, live_server, published):
    photo = published["photo"]
    answers = []
    page.on("response", lambda r: r.url.endswith(photo["urls"]["display"]) and answers.append(r))
    page.goto(f"{live_server}/screen.html?tour=0&month=2026-04&district={published['district']}")
    page.wait_for_function("() => document.body.dataset.ready === '1'")
    shown = page.locator(f"[data-testid=sc-photo][data-id='{photo['id']}'] img")
    shown.wait_for(timeout=90_000)  # the carousel steps every 6 s through the month's checked photos
    page.wait_for_function(
        "id => document.querySelector(`[data-testid=sc-photo][data-id='${id}'] img`)?.naturalWidth > 0", arg=photo["id"]
    )
    assert answers and answers[-1].body() == published["stamped"], "the wall screen shows the stamped copy"
    # Cropped to fill the panel from the top, so the band at the bottom is what stays in view.
    assert shown.evaluate("i => getComputedStyle(i).objectPosition") == "50% 100%"
    page.screenshot(path=str(ARTIFACTS / "screen-stamped-photo.png"))


def test_a_planner_sees_the_plain_copy_and_can_open_the_public_stamped_one(page, live_server, accounts, published):
    photo = published["photo"]
    sign_in(page, live_server, accounts["planner"], "/photos.html")
    page.goto(f"{live_server}/photos.html#district={published['district']}&month=2026-04")
    page.wait_for_function("() => document.body.dataset.ready === '1'")
    tile = page.locator(f"[data-testid=wall-photo][data-photo-id='{photo['id']}']")
    tile.wait_for()
    with page.expect_response(lambda resp: resp.url.endswith(photo["urls"]["display"])) as shown:
        tile.locator(".photo-open").click()
    assert shown.value.body() == published["plain"], "staff of the district see the photo without the band"
    link = page.get_by_test_id("lightbox-stamped")
    assert link.inner_text() == "公开水印图" and link.get_attribute("href") == photo["urls"]["stamped"]
