"""Photo scope: a reporter sees unpublished photos of their own district (and their own uploads) only; outside
their scope, and for anonymous visitors, originals come without EXIF (no GPS) and uploaders without login names."""

from __future__ import annotations

import hashlib
import io
import json

import piexif
import pytest
from PIL import ExifTags, Image
from sqlalchemy import text

from geo.photos.public import without_metadata
from tests.factories import make_user, site_with_photo, token_for
from tests.photos.images import encode, exif_bytes, jpeg, picture
from tests.photos.test_publish import what_one_sees

HIDDEN = {
    "list": [],
    "wall": [],
    "wall_without": True,
    "positions": [],
    "metadata": 404,
    "files": {"thumb": 404, "display": 404, "stamped": 404, "original": 404},
}


def _unpublish(session, site) -> None:
    session.execute(text("UPDATE photos SET published = false WHERE id = :id"), {"id": site["photo"]["id"]})


def sees(client, site, headers=None) -> dict:
    """test_publish's what_one_sees, with the photo wall of the site's own district."""
    seen = what_one_sees(client, site, headers)
    wall = client.get("/api/photos", params={"district": site["district"], "month": "2026-05"}, headers=headers)
    projects = wall.json()
    seen["wall"] = [p["id"] for e in projects["projects"] for p in e["photos"] if e["id"] == site["project"]]
    seen["wall_without"] = site["project"] in {e["id"] for e in projects["projects_without_photos"]}
    return seen


def _gps(data: bytes) -> dict:
    return dict(Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo))


def test_a_reporter_sees_unpublished_photos_of_their_own_district_only(client, session):
    rushan = make_user(session, role="reporter", district="乳山市")
    rongcheng = make_user(session, role="reporter", district="荣成市")
    theirs = site_with_photo(client, session, district="荣成市", uploader=rongcheng, seed=7101)
    ours = site_with_photo(client, session, district="乳山市", uploader=rushan, seed=7102)
    _unpublish(session, theirs)
    _unpublish(session, ours)
    as_rushan = token_for(session, rushan)

    assert sees(client, theirs, as_rushan) == HIDDEN  # 404, as if it did not exist
    seen = sees(client, ours, as_rushan)
    assert seen["list"] == [ours["photo"]["id"]] and set(seen["files"].values()) == {200}
    r = client.put(f"/api/photos/{theirs['photo']['id']}/location", json={"lon": 122.4, "lat": 37.1}, headers=as_rushan)
    assert r.status_code == 404
    # planners and admins see every district's
    for role in ("planner", "admin"):
        assert sees(client, theirs, token_for(session, make_user(session, role=role)))["metadata"] == 200
    # once published, every reader sees it (its original without GPS: see below)
    session.execute(text("UPDATE photos SET published = true WHERE id = :id"), {"id": theirs["photo"]["id"]})
    assert sees(client, theirs, as_rushan)["metadata"] == 200


def test_a_reporter_still_sees_their_own_upload_after_its_project_moves_district(client, session):
    reporter = make_user(session, role="reporter", district="乳山市")
    site = site_with_photo(client, session, district="乳山市", uploader=reporter, seed=7103)
    _unpublish(session, site)
    other = session.execute(text("SELECT id FROM districts WHERE name = '荣成市'")).scalar()
    session.execute(
        text("UPDATE projects SET district_id = :d, located_district_id = :d WHERE id = :p"),
        {"d": other, "p": site["project"]},
    )
    site["district"] = "荣成市"
    assert sees(client, site, token_for(session, reporter))["metadata"] == 200
    colleague = make_user(session, role="reporter", district="乳山市")
    assert sees(client, site, token_for(session, colleague)) == HIDDEN


def test_the_public_gets_the_original_without_gps_and_the_district_gets_the_evidence(client, session):
    reporter = make_user(session, role="reporter", district="乳山市")
    site = site_with_photo(client, session, district="乳山市", uploader=reporter, seed=7104, orientation=6)
    assert _gps(site["bytes"])  # the upload has a position
    url = site["photo"]["urls"]["original"]

    evidence = client.get(url, headers=token_for(session, reporter))
    assert evidence.status_code == 200 and evidence.headers["content-type"] == "image/jpeg"
    assert hashlib.sha256(evidence.content).hexdigest() == site["photo"]["sha256"]
    assert _gps(evidence.content)

    outsider = make_user(session, role="reporter", district="荣成市")
    for headers in (None, token_for(session, make_user(session)), token_for(session, outsider)):
        public = client.get(url, headers=headers)
        assert public.status_code == 200 and public.headers["content-type"] == "image/jpeg"
        assert _gps(public.content) == {}
        assert piexif.load(public.content)["GPS"] == {}
        assert Image.open(io.BytesIO(public.content)).getexif().get(ExifTags.Base.Orientation) == 6
        assert public.headers["etag"] != evidence.headers["etag"] and "Cookie" in public.headers["vary"]
        # the same pixels: the copy is rewritten, not re-encoded
        assert Image.open(io.BytesIO(public.content)).tobytes() == Image.open(io.BytesIO(site["bytes"])).tobytes()


def _xmp_app1() -> bytes:
    xmp = b'http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><rdf:Description exif:GPSLatitude="37,0.5N"/></x:xmpmeta>'
    return b"\xff\xe1" + (len(xmp) + 2).to_bytes(2, "big") + xmp


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_the_public_copy_has_no_metadata_and_the_same_pixels(fmt):
    img = picture(seed=7105)
    kw = {"quality": 90} if fmt == "JPEG" else ({"lossless": True} if fmt == "WEBP" else {})
    data = encode(img, fmt, exif_bytes(lon=122.1, lat=37.2, orientation=3, taken="2026:05:03 10:00:00"), **kw)
    if fmt == "JPEG":
        # an XMP segment with a position, a comment, and a second picture (an MPF preview) with its own EXIF
        data = data[:2] + _xmp_app1() + b"\xff\xfe\x00\x07hello" + data[2:] + jpeg(seed=1, lon=122.1, lat=37.2)
    assert _gps(data)
    stripped = without_metadata(data, fmt, orientation=3)
    assert _gps(stripped) == {}
    opened = Image.open(io.BytesIO(stripped))
    assert opened.format == fmt and opened.getexif().get(ExifTags.Base.Orientation) == 3
    assert dict(opened.getexif().get_ifd(ExifTags.IFD.Exif)) == {}  # no capture time either
    assert b"GPS" not in stripped and b"hello" not in stripped and b"xmpmeta" not in stripped
    assert opened.tobytes() == Image.open(io.BytesIO(data)).tobytes()
    assert without_metadata(data, fmt, orientation=1) != stripped  # orientation 1: no EXIF at all
    assert Image.open(io.BytesIO(without_metadata(data, fmt, orientation=1))).getexif() == {}


def test_anonymous_photo_payloads_carry_display_names_not_usernames(client, session):
    named = make_user(session, role="reporter", district="乳山市")
    session.execute(text("UPDATE users SET display_name = '王工' WHERE id = :u"), {"u": named["id"]})
    unnamed = make_user(session, role="reporter", district="乳山市")  # its display name is its username
    sites = [
        site_with_photo(client, session, district="乳山市", uploader=u, seed=7106 + i)
        for i, u in enumerate((named, unnamed))
    ]
    public = [
        client.get("/api/photos", params={"district": "乳山市", "month": "2026-05"}),
        *(client.get(f"/api/projects/{s['project']}/photos") for s in sites),
        *(client.get(f"/api/photos/{s['photo']['id']}") for s in sites),
    ]
    for r in public:
        assert r.status_code == 200
        body = json.dumps(r.json(), ensure_ascii=False)
        assert named["username"] not in body and unnamed["username"] not in body
        assert "uploader_username" not in body
    assert client.get(f"/api/photos/{sites[0]['photo']['id']}").json()["uploader"] == "王工"
    assert client.get(f"/api/photos/{sites[1]['photo']['id']}").json()["uploader"] is None
    staff = client.get(f"/api/photos/{sites[1]['photo']['id']}", headers=token_for(session, named)).json()
    assert staff["uploader_username"] == unnamed["username"]
