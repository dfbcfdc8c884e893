"""An anonymous visitor opening a photo on the district photo wall sees the stamped copy (水印), not the plain one."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
import pytest
from PIL import Image, ImageStat

from tests.browser.conftest import signed_in_client
from tests.photos.images import jpeg

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "artifacts"


def brightness(img: Image.Image, box) -> float:
    return ImageStat.Stat(img.crop(box).convert("L")).mean[0]


def test_the_public_wall_shows_stamped_photos(page, live_server, accounts):
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

    page.goto(f"{live_server}/photos.html#district={district}&month=2026-04")
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
