"""The stamped display copy (水印): what anonymous visitors and viewers see, drawn from the checked facts only, rebuilt
when they change, never leaving files behind; the evidence original stays with the photo's district."""

from __future__ import annotations

import hashlib
import io

import piexif
import pytest
from PIL import Image, ImageChops, ImageStat
from sqlalchemy import text

from geo.photos import store
from geo.photos.queries import check_store
from geo.photos.stamp import band_height, stamp_of
from tests.factories import interior_point, make_project, make_user, site_with_photo, token_for
from tests.photos.conftest import both_stores
from tests.photos.images import jpeg


@pytest.fixture
def planner(session) -> dict:
    return make_user(session, role="planner")


@pytest.fixture
def reporter(session) -> dict:
    return make_user(session, role="reporter", district="乳山市")


def picture(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("RGB")


def mean_difference(a: Image.Image, b: Image.Image) -> float:
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


def upload(client, session, user, pid, data, month="2026-05", **form) -> dict:
    r = client.post(
        f"/api/projects/{pid}/photos",
        data={"month": month, **form},
        headers=token_for(session, user),
        files=[("files", ("site.jpg", data, "image/jpeg"))],
    )
    assert r.status_code == 201, r.text
    return r.json()["photos"][0]


def test_the_stamped_copy_differs_from_the_display_copy_only_in_its_band(client, session, planner):
    site = site_with_photo(client, session, uploader=planner, seed=7301)
    photo = site["photo"]
    plain = client.get(photo["urls"]["display"], headers=token_for(session, planner))
    stamped = client.get(photo["urls"]["display"])  # anonymous
    assert plain.status_code == stamped.status_code == 200
    assert "-stamped-" in stamped.headers["etag"] and "-stamped-" not in plain.headers["etag"]
    a, b = picture(plain.content), picture(stamped.content)
    assert a.size == b.size
    w, h = a.size
    band = band_height(w, stamp_of(session, photo["id"])[1].lines)
    assert h * 0.05 < band < h * 0.25, "a band relative to the image, not a sliver nor half of it"
    above = (0, 0, w, h - band - 16)  # one JPEG block row of slack at the band's edge
    # Above the band only the re-encoding differs (a fraction of a grey level); the band is darkened and lettered.
    assert mean_difference(a.crop(above), b.crop(above)) < 1.5
    assert mean_difference(a.crop((0, h - band, w, h)), b.crop((0, h - band, w, h))) > 25
    assert (
        ImageStat.Stat(b.crop((0, h - band, w, h)).convert("L")).mean[0]
        < ImageStat.Stat(a.crop((0, h - band, w, h)).convert("L")).mean[0]
    )


def test_anonymous_visitors_and_viewers_get_the_stamped_copy_without_exif(client, session, planner):
    site = site_with_photo(client, session, uploader=planner, seed=7302)
    photo = site["photo"]
    viewer = token_for(session, make_user(session, role="viewer"))
    outsider = token_for(session, make_user(session, role="reporter", district="荣成市"))
    answers = [client.get(photo["urls"]["display"], headers=h) for h in (None, viewer, outsider)]
    assert len({r.content for r in answers}) == 1, "the same stamped copy for everyone outside the district"
    for r in answers:
        assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
        assert "-stamped-" in r.headers["etag"] and "no-cache" in r.headers["cache-control"]
        assert "Cookie" in r.headers["vary"]
        assert picture(r.content).getexif() == {} and b"Exif" not in r.content[:4096]
        again = client.get(photo["urls"]["display"], headers={"If-None-Match": r.headers["etag"]})
        assert again.status_code == 304
    original = client.get(photo["urls"]["original"])
    assert piexif.load(original.content)["GPS"] == {}, "the public original keeps no position either"


def test_a_reporter_of_the_district_gets_the_original_with_exif_and_the_plain_display(
    client, session, planner, reporter, settings
):
    site = site_with_photo(client, session, uploader=planner, seed=7303)
    photo, headers = site["photo"], token_for(session, reporter)
    original = client.get(photo["urls"]["original"], headers=headers)
    assert hashlib.sha256(original.content).hexdigest() == photo["sha256"]
    assert piexif.load(original.content)["GPS"], "the evidence original keeps its EXIF position"
    display = client.get(photo["urls"]["display"], headers=headers)
    assert display.content == store.get_store(settings).read(store.key_of("display", photo["sha256"], "jpg"))
    assert "immutable" in display.headers["cache-control"]
    stamped = client.get(photo["urls"]["stamped"], headers=headers)
    assert stamped.content == client.get(photo["urls"]["display"]).content, "the stamped copy on request"


def test_the_band_says_only_what_the_checks_established(client, session, planner):
    lon, lat = interior_point(session, "districts", "乳山市")
    pid = make_project(session, district="乳山市", lon=lon, lat=lat, name="乳山测试水印项目")
    near = upload(
        client,
        session,
        planner,
        pid,
        jpeg(seed=7310, lon=lon + 0.0005, lat=lat, taken="2026:05:03 02:00:00", offset="+00:00"),
    )
    # The phone's clock set to another month: the EXIF time is no fact the server stands behind.
    forged = upload(
        client, session, planner, pid, jpeg(seed=7311, lon=lon + 0.0005, lat=lat, taken="2026:09:01 10:00:00")
    )
    # No GPS, only the phone's word on where it was.
    device = upload(
        client,
        session,
        planner,
        pid,
        jpeg(seed=7312, taken="2026:05:04 09:00:00"),
        device_lon=str(lon),
        device_lat=str(lat),
        device_accuracy_m="15",
    )
    # GPS far away from the project: a position, but not the site's.
    far = upload(client, session, planner, pid, jpeg(seed=7313, lon=lon + 0.2, lat=lat, taken="2026:05:05 09:00:00"))

    lines = {
        name: stamp_of(session, p["id"])[1].lines
        for name, p in (("near", near), ("forged", forged), ("device", device), ("far", far))
    }
    assert lines["near"][0] == "乳山测试水印项目"
    assert lines["near"][1].startswith("拍摄 2026-05-03 10:00(EXIF 已核实,北京时间)· 上传 ")
    place = lines["near"][2]  # the district, then any zone (五区) the point lies in, then the point
    assert place.startswith("位置:EXIF 已核实 · 乳山市 · ") and place.endswith(
        f" · {near['location']['lon']:.4f}, {lat:.4f}"
    )
    assert lines["forged"][1].startswith("拍摄时间未核实 · 上传 ") and "2026-09" not in lines["forged"][1]
    assert lines["forged"][2].startswith("位置:EXIF 已核实")
    assert lines["device"][2] == "位置:设备定位(未核实)" and "EXIF" not in lines["device"][2]
    assert lines["far"][2] == "位置未核实"
    # What is served is the copy of exactly these lines.
    for p in (near, forged, device, far):
        sha, stamp = stamp_of(session, p["id"])
        assert client.get(p["urls"]["display"]).headers["etag"] == f'"{sha[:32]}-stamped-{stamp.digest}"'


def test_the_stamp_is_rebuilt_when_a_placement_is_made_and_reviewed(client, session, planner, reporter, settings):
    lon, lat = interior_point(session, "districts", "乳山市")
    pid = make_project(session, district="乳山市", lon=lon, lat=lat)
    photo = upload(client, session, reporter, pid, jpeg(seed=7320, taken="2026:05:06 09:00:00"))
    url = photo["urls"]["display"]

    first = client.get(url)
    assert stamp_of(session, photo["id"])[1].lines[2] == "位置未核实"
    placed = client.put(
        f"/api/photos/{photo['id']}/location",
        json={"lon": lon + 0.0003, "lat": lat},
        headers=token_for(session, reporter),
    )
    assert placed.status_code == 200, placed.text
    pending = client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert pending.status_code == 200 and pending.headers["etag"] != first.headers["etag"]
    assert stamp_of(session, photo["id"])[1].lines[2] == "位置:手动定位(待审核,未核实)"
    reviewed = client.put(
        f"/api/photos/{photo['id']}/placement/review", json={"verdict": "verified"}, headers=token_for(session, planner)
    )
    assert reviewed.status_code == 200, reviewed.text
    verified = client.get(url, headers={"If-None-Match": pending.headers["etag"]})
    assert verified.status_code == 200 and verified.content != pending.content
    place = stamp_of(session, photo["id"])[1].lines[2]
    assert place.startswith("位置:手动定位,已审核 · 乳山市 · ") and place.endswith(f" · {lon + 0.0003:.4f}, {lat:.4f}")

    # The two stale copies are reported and swept with the orphans; the current one stays.
    files = store.get_store(settings)
    sha, stamp = stamp_of(session, photo["id"])
    mine = [e.key for e in files.entries(["stamped"]) if e.sha256 == sha]
    assert len(mine) == 3 and stamp.key(sha) in mine
    report = check_store(session, settings=settings, repair=True, grace=0)
    assert {files.describe(k) for k in mine if k != stamp.key(sha)} <= set(report["removed"])
    assert [e.key for e in files.entries(["stamped"]) if e.sha256 == sha] == [stamp.key(sha)]


@both_stores
def test_deleting_a_photo_leaves_no_stamped_copy_behind(client, session, planner, settings):
    site = site_with_photo(client, session, uploader=planner, seed=7330)
    photo = site["photo"]
    assert client.get(photo["urls"]["display"]).status_code == 200  # the stamped copy is made
    files = store.get_store(settings)
    sha = photo["sha256"]
    made = [e.key for e in files.entries(store.STORED_KINDS) if e.sha256 == sha]
    assert any(k.startswith("stamped/") for k in made)

    kept = check_store(session, settings=settings, grace=0)
    assert not [k for k in made if files.describe(k) in kept["files_without_rows"]], "a current stamp is no orphan"
    session.execute(text("DELETE FROM photos WHERE id = :id"), {"id": photo["id"]})
    report = check_store(session, settings=settings, repair=True, grace=0)
    assert {files.describe(k) for k in made} <= set(report["removed"])
    assert [e.key for e in files.entries(store.STORED_KINDS) if e.sha256 == sha] == []


def test_a_missing_or_damaged_display_copy_is_a_404_that_says_so(client, session, planner, settings):
    site = site_with_photo(client, session, uploader=planner, seed=7340)
    photo, files = site["photo"], store.get_store(settings)
    display = store.key_of("display", photo["sha256"], "jpg")
    files.put(display, b"\xff\xd8 not a picture any more")
    r = client.get(photo["urls"]["display"])
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
    assert "warroom photos check" in r.json()["detail"]
    files.delete([display])
    assert client.get(photo["urls"]["stamped"]).status_code == 404
    assert [e for e in files.entries(["stamped"]) if e.sha256 == photo["sha256"]] == [], "no half-made stamp"


def test_an_exif_time_after_the_upload_is_not_taken_even_inside_the_month():
    import datetime as dt

    from geo.periods import LOCAL_TZ
    from geo.photos.stamp import time_line

    uploaded = dt.datetime(2026, 11, 10, 9, 0, tzinfo=LOCAL_TZ)
    row = {"created_at": uploaded, "in_month": True, "taken_offset": None}
    assert time_line({**row, "taken_at": dt.datetime(2026, 11, 10, 8, 55)}).startswith("拍摄 2026-11-10 08:55")
    # A phone clock set ahead to later in the same month: still the reporting month, but after its own upload.
    assert time_line({**row, "taken_at": dt.datetime(2026, 11, 28, 8, 0)}) == "拍摄时间未核实 · 上传 2026-11-10 09:00"
    # Written in UTC by the camera: shown in Beijing time.
    utc = {**row, "taken_at": dt.datetime(2026, 11, 10, 0, 30), "taken_offset": "+00:00"}
    assert time_line(utc).startswith("拍摄 2026-11-10 08:30(EXIF 已核实,北京时间)")
