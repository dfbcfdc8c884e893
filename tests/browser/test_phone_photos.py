"""Photos on the phone (issue 16): before a photo is queued the phone reads its own EXIF and says whether it will
arrive with a position (its own, the device's, or none), sending the original bytes unchanged; and placing a photo
by hand is a pin to drag, 确认 / 取消, then 撤销 for a while."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from tests.browser.conftest import app_page, sign_in, signed_in_client
from tests.browser.test_outbox import OUTBOX_STATES, open_photos_tab, server_photos
from tests.browser.test_phone import PHONE, SMALL_TARGETS
from tests.photos.images import jpeg

pytestmark = pytest.mark.browser

TAKEN = "2026:05:03 10:11:00"


def _phone(browser, base, problems, accounts, *, geolocation: bool):
    """A signed-in reporter's phone, sharing its position (37.40 N, 122.10 E ± 12 m) or refusing; (context, page)."""
    options = dict(PHONE)
    if geolocation:
        options.update(
            geolocation={"latitude": 37.40, "longitude": 122.10, "accuracy": 12}, permissions=["geolocation"]
        )
    context, pg = app_page(browser, base, problems, **options)
    sign_in(pg, base, accounts["reporter"])
    pg.wait_for_function("() => document.body.dataset.ready === '1' && window.warroom.idle()")
    pg.wait_for_function(f"() => window.warroom.state().filters.district === '{accounts['reporter']['district']}'")
    pg.wait_for_function("() => window.warroom.idle()")
    return context, pg


@pytest.fixture
def phone_with(browser, live_server, page_problems, accounts):
    """Make reporters' phones: phone_with(geolocation=True|False) → (page, project id)."""
    made = []

    def make(*, geolocation: bool):
        context, pg = _phone(browser, live_server, page_problems, accounts, geolocation=geolocation)
        made.append(context)
        return pg, pg.get_by_test_id("project-item").first.get_attribute("data-id")

    yield make
    problems = page_problems.unexpected()
    for c in made:
        c.close()
    assert problems == []


def _facts(pg, name: str):
    row = pg.locator("[data-testid=photo-job]", has=pg.get_by_text(name, exact=True))
    facts = row.get_by_test_id("photo-job-facts")
    pg.wait_for_function(
        "(el) => el.dataset.facts && el.dataset.facts !== 'reading'", arg=facts.element_handle(), timeout=30_000
    )
    return facts.get_attribute("data-facts"), facts.inner_text()


def test_the_phone_says_before_sending_whether_a_photo_brings_its_position(phone_with, live_server, accounts, tmp_path):
    pg, project = phone_with(geolocation=True)
    open_photos_tab(pg, live_server, project)
    own = tmp_path / "own-gps.jpg"
    own.write_bytes(jpeg(seed=7301, size=(800, 600), lon=122.1034, lat=37.4012, taken=TAKEN, offset="+08:00"))
    bare = tmp_path / "bare.jpg"
    bare.write_bytes(jpeg(seed=7302, size=(800, 600)))
    bodies = []
    pg.on(
        "request",
        lambda r: r.method == "POST" and r.url.endswith("/photos") and bodies.append(r.post_data_buffer or b""),
    )

    pg.set_input_files("[data-testid=photo-album]", [str(own), str(bare)])
    kind, text = _facts(pg, "own-gps.jpg")
    assert kind == "exif" and text.startswith("照片自带位置 37.4012, 122.1034") and "2026-05-03 10:11" in text
    kind, text = _facts(pg, "bare.jpg")
    assert kind == "device" and text.startswith("照片无位置信息,将附上设备定位 ±12 m") and "无拍摄时间" in text
    pg.locator("[data-testid=photo-job][data-outbox-state=sent]").nth(1).wait_for()

    # The server read the original bytes itself: the phone's reading was shown, never sent.
    stored = {p["original_name"]: p for p in server_photos(live_server, accounts, project, "own-gps.jpg", "bare.jpg")}
    assert stored["own-gps.jpg"]["sha256"] == hashlib.sha256(own.read_bytes()).hexdigest()
    assert stored["bare.jpg"]["sha256"] == hashlib.sha256(bare.read_bytes()).hexdigest()
    assert stored["own-gps.jpg"]["gps"] == "ok" and stored["bare.jpg"]["gps"] == "missing"
    assert stored["bare.jpg"]["device_position"]["accuracy_m"] == 12  # the device's own labelled fact
    assert len(bodies) == 2 and all(b"37.4012" not in b and b"facts" not in b for b in bodies)


def test_without_device_position_the_phone_says_so_even_offline(phone_with, live_server, tmp_path, page_problems):
    page_problems.allow_http_errors = True  # offline, what needs the server fails to load
    pg, project = phone_with(geolocation=False)
    open_photos_tab(pg, live_server, project)
    # The service worker keeps exifr from its install: the photo is read on a phone that never loaded it online.
    pg.wait_for_function("() => document.body.dataset.offlineReady === '1'")
    bare = tmp_path / "bare-nogeo.jpg"
    bare.write_bytes(jpeg(seed=7303, size=(800, 600), taken=TAKEN))
    pg.context.set_offline(True)  # it waits in the outbox, and says so before it is sent
    try:
        pg.set_input_files("[data-testid=photo-album]", [str(bare)])
        kind, text = _facts(pg, "bare-nogeo.jpg")
        assert kind == "no-device" and text.startswith("照片无位置信息,设备定位不可用") and "2026-05-03 10:11" in text
        pg.locator("[data-testid=photo-job][data-outbox-state=pending]").wait_for()
        # Reopened offline, the waiting item still tells what the photo brings.
        pg.reload()
        pg.wait_for_function("() => document.body.dataset.ready === '1'")
        pg.locator("[data-testid=photo-upload][data-state=allowed]").wait_for()
        assert _facts(pg, "bare-nogeo.jpg")[0] == "no-device"
    finally:
        pg.context.set_offline(False)
    pg.evaluate("() => import('/js/outbox.js').then((m) => m.flush())")
    pg.wait_for_function(f"() => ({OUTBOX_STATES})().then((s) => s.length === 1 && s[0] === 'sent')")


def _unplaced_photo(base: str, accounts: dict, project: str, seed: int) -> int:
    client = signed_in_client(base, accounts["reporter"])
    try:
        month = dt.date.today().strftime("%Y-%m")
        files = [("files", (f"place-{seed}.jpg", jpeg(seed=seed, size=(640, 480)), "image/jpeg"))]
        r = client.post(f"/api/projects/{project}/photos", files=files, data={"month": month})
        assert r.status_code == 201, r.text
        return r.json()["photos"][0]["id"]
    finally:
        client.close()


def _photo(base: str, accounts: dict, photo_id: int) -> dict:
    client = signed_in_client(base, accounts["reporter"])
    try:
        return client.get(f"/api/photos/{photo_id}").json()
    finally:
        client.close()


def _drag_pin(pg, dx: int, dy: int) -> None:
    box = pg.get_by_test_id("place-pin").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    pg.mouse.move(x, y)
    pg.mouse.down()
    for i in range(1, 11):
        pg.mouse.move(x + dx * i / 10, y + dy * i / 10)
    pg.mouse.up()


def test_placing_by_hand_is_a_pin_to_drag_confirm_and_undo(phone_with, live_server, accounts, engine):
    from sqlalchemy import text

    pg, project = phone_with(geolocation=True)
    photo_id = _unplaced_photo(live_server, accounts, project, 7310)
    open_photos_tab(pg, live_server, project)
    tile = pg.locator(f"[data-testid=photo-tile][data-photo-id='{photo_id}']")
    place = tile.get_by_test_id("photo-place")
    assert place.inner_text() == "标注拍摄位置"
    assert pg.locator("#zoom-to-project").inner_text() != place.inner_text()  # one label per action

    # 取消 leaves nothing behind.
    place.click()
    bar = pg.get_by_test_id("place-bar")
    bar.wait_for()
    _drag_pin(pg, 40, -30)
    pg.get_by_test_id("place-cancel").click()
    assert bar.count() == 0 and pg.get_by_test_id("place-pin").count() == 0
    assert _photo(live_server, accounts, photo_id)["placement"] is None

    # Drag, see the tap targets, confirm.
    place.click()
    bar.wait_for()
    assert pg.locator("#sidebar").get_attribute("data-snap") == "peek"  # the map is where the pin goes
    pin = pg.get_by_test_id("place-pin").bounding_box()
    assert pin["width"] >= 44 and pin["height"] >= 44
    assert pg.evaluate(SMALL_TARGETS) == []
    before = (float(bar.get_attribute("data-lon")), float(bar.get_attribute("data-lat")))
    _drag_pin(pg, 60, -80)
    lon, lat = float(bar.get_attribute("data-lon")), float(bar.get_attribute("data-lat"))
    assert lon > before[0] and lat > before[1]  # dragged right and up: east and north
    assert _photo(live_server, accounts, photo_id)["placement"] is None  # nothing stored before 确认
    pg.get_by_test_id("place-confirm").click()
    tile.locator("[data-badge=manual_pending]").wait_for()
    stored = _photo(live_server, accounts, photo_id)
    assert stored["placement"]["status"] == "pending"
    assert (stored["placement"]["lon"], stored["placement"]["lat"]) == (lon, lat)
    # A hand placement stays its own kind of evidence: the EXIF facts say none, no device position was made up.
    assert stored["gps"] == "missing" and stored["location"]["source"] == "manual"
    assert stored["device_position"] is None
    assert pg.get_by_test_id("place-bar").count() == 0

    # 撤销 in the toast restores the state before (no placement), through the audited API.
    undo = pg.get_by_test_id("place-undo")
    box = undo.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44 and undo.inner_text() == "撤销"
    undo.click()
    tile.locator("[data-badge=manual_pending]").wait_for(state="detached")
    assert _photo(live_server, accounts, photo_id)["placement"] is None
    with engine.connect() as conn:
        actions = conn.execute(
            text("SELECT action FROM audit_log WHERE object_type = 'photo' AND object_id = :id ORDER BY id"),
            {"id": str(photo_id)},
        ).scalars()
        assert [a for a in actions if a != "photo.upload"] == ["photo.place", "photo.unplace"]
