"""Photo upload, verification, storage and serving through the API, on the real PostGIS."""

from __future__ import annotations

import hashlib
import io

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.app import create_app
from geo.db.engine import Database
from geo.photos import store
from tests.conftest import share_session
from tests.factories import interior_point, make_project, make_user, token_for
from tests.photos.conftest import both_stores
from tests.photos.images import corrupt_exif_jpeg, encode, exif_bytes, jpeg, picture, png_bomb


@pytest.fixture
def project(session) -> dict:
    """A project inside 碳纤维基地 (a base) and its coordinates."""
    lon, lat = interior_point(session, "bases", "碳纤维基地")
    return {"id": make_project(session, lon=lon, lat=lat), "lon": lon, "lat": lat}


@pytest.fixture
def uploader(session) -> dict:
    """The account the photos are uploaded by: a planner, who may upload for any district."""
    return make_user(session, role="planner")


@pytest.fixture(autouse=True)
def _signed_in(client, session, uploader):
    # Photo writes need an account (tests/auth covers who may and may not).
    client.headers.update(token_for(session, uploader))


def upload(client, project_id, *files, **form):
    parts = [("files", (name, data, "application/octet-stream")) for name, data in files]
    return client.post(f"/api/projects/{project_id}/photos", files=parts, data=form)


def photo_files(settings, sha: str) -> list[str]:
    """The keys of a content's files in the configured store (local or S3)."""
    return [e.key for e in store.get_store(settings).entries((*store.KINDS, "public")) if e.sha256 == sha]


@both_stores
def test_upload_reads_place_and_time_and_verifies(client, project, settings, uploader):
    data = jpeg(lon=project["lon"] + 0.001, lat=project["lat"], taken="2026:05:03 10:00:00", offset="+08:00")
    r = upload(client, project["id"], ("site.jpg", data), month="2026-05", caption="主体封顶")
    assert r.status_code == 201, r.text
    [p] = r.json()["photos"]
    assert p["gps"] == "ok" and p["location"]["source"] == "exif"
    assert 50 < p["checks"]["distance_m"] < 120  # 0.001° of longitude at 37.4°N ≈ 88 m
    assert p["checks"]["within_radius"] is True and p["checks"]["in_project_area"] is True
    assert p["checks"]["in_month"] is True and p["taken_offset"] == "+08:00"
    assert set(p["badges"]) == {"near", "in_area", "in_month"}
    assert p["caption"] == "主体封顶" and p["uploader"] == uploader["display_name"] and p["month"] == "2026-05"
    sha = hashlib.sha256(data).hexdigest()
    assert p["sha256"] == sha and len(photo_files(settings, sha)) == 3
    assert client.get(f"/api/photos/{p['id']}").json()["badges"] == p["badges"]
    listed = client.get(f"/api/projects/{project['id']}/photos").json()["photos"]
    assert [x["id"] for x in listed] == [p["id"]]


def test_far_photo_off_month_and_outside_the_base(client, project):
    r = upload(
        client,
        project["id"],
        ("far.jpg", jpeg(seed=1, lon=project["lon"] + 0.05, lat=project["lat"], taken="2026:04:28 09:00:00")),
        month="2026-05",
    )
    p = r.json()["photos"][0]
    assert p["checks"]["distance_m"] > 4000 and p["checks"]["within_radius"] is False
    assert {"far", "off_month"} <= set(p["badges"])


def test_radius_is_a_setting(engine, session, project, settings, client):
    app = create_app(settings.model_copy(update={"photo_radius_m": 50.0}), Database(engine))
    share_session(app, session)
    with TestClient(app, headers=client.headers) as c:
        p = upload(c, project["id"], ("r.jpg", jpeg(seed=2, lon=project["lon"] + 0.001, lat=project["lat"]))).json()[
            "photos"
        ][0]
    assert p["checks"]["radius_m"] == 50.0 and p["checks"]["within_radius"] is False


@pytest.mark.parametrize("lon,lat,problem", [(0.0, 0.0, "zero"), (2.35, 48.85, "far")])
def test_invalid_gps_is_flagged(client, project, lon, lat, problem):
    p = upload(client, project["id"], (f"{problem}.jpg", jpeg(seed=hash(problem) % 200, lon=lon, lat=lat))).json()[
        "photos"
    ][0]
    assert p["gps"] == "invalid" and p["gps_problem"] == problem and "gps_invalid" in p["badges"]
    assert p["checks"]["within_radius"] is None


def test_gps_out_of_range_is_flagged_invalid(client, project):
    gps = {1: b"N", 2: ((95, 1), (0, 1), (0, 1)), 3: b"E", 4: ((200, 1), (0, 1), (0, 1))}
    p = upload(client, project["id"], ("x.jpg", encode(picture(seed=9), "JPEG", exif_bytes(gps=gps)))).json()["photos"][
        0
    ]
    assert p["gps"] == "invalid" and p["gps_problem"] == "out_of_range" and p["location"] is None


def test_no_exif_and_corrupt_exif_are_stored_and_flagged(client, project):
    r = upload(client, project["id"], ("plain.jpg", jpeg(seed=4)), ("bad.jpg", corrupt_exif_jpeg(seed=5)))
    assert r.status_code == 201, r.text
    for p in r.json()["photos"]:
        assert {"no_location", "no_time"} <= set(p["badges"]) and p["location"] is None


def test_photo_without_gps_can_be_placed_by_hand(client, project):
    p = upload(client, project["id"], ("nogps.jpg", jpeg(seed=6, taken="2026:05:02 12:00:00")), month="2026-05").json()[
        "photos"
    ][0]
    r = client.put(f"/api/photos/{p['id']}/location", json={"lon": project["lon"], "lat": project["lat"]})
    assert r.status_code == 200, r.text
    placed = r.json()
    assert placed["location"]["source"] == "manual" and placed["placement"]["status"] == "pending"
    assert set(placed["badges"]) == {"no_location", "manual_pending", "in_month"}
    assert placed["placement"]["distance_m"] < 1 and placed["checks"]["distance_m"] is None
    outside = client.put(f"/api/photos/{p['id']}/location", json={"lon": 2.35, "lat": 48.85})
    assert outside.status_code == 422 and outside.headers["content-type"] == "application/problem+json"


def test_photo_with_gps_cannot_be_moved_by_hand(client, project):
    p = upload(client, project["id"], ("g.jpg", jpeg(seed=7, lon=project["lon"], lat=project["lat"]))).json()["photos"][
        0
    ]
    assert (
        client.put(f"/api/photos/{p['id']}/location", json={"lon": project["lon"], "lat": project["lat"]}).status_code
        == 409
    )


def test_duplicate_answers_409_with_the_existing_photo(client, project, settings):
    data = jpeg(seed=8, lon=project["lon"], lat=project["lat"])
    first = upload(client, project["id"], ("a.jpg", data)).json()["photos"][0]
    again = upload(client, project["id"], ("a-copy.jpg", data))
    assert again.status_code == 409 and again.headers["content-type"] == "application/problem+json"
    assert again.json()["existing"]["id"] == first["id"]
    assert len(client.get(f"/api/projects/{project['id']}/photos").json()["photos"]) == 1


@pytest.mark.parametrize("fmt,kw", [("PNG", {}), ("WEBP", {"quality": 80}), ("HEIF", {"quality": 60})])
def test_png_webp_heic_are_accepted_by_content_not_name(client, project, fmt, kw):
    data = encode(picture(seed=20 + len(fmt)), fmt, exif_bytes(lon=project["lon"], lat=project["lat"]), **kw)
    r = upload(client, project["id"], ("named-wrongly.jpg", data))
    assert r.status_code == 201, r.text
    p = r.json()["photos"][0]
    assert p["format"] == fmt and "near" in p["badges"]
    original = client.get(p["urls"]["original"])
    assert original.content == data and original.headers["content-type"] == p["mime"]


def refused(r, status: int, settings, data: bytes, session):
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json" and r.json()["detail"]
    sha = hashlib.sha256(data).hexdigest()
    assert photo_files(settings, sha) == []
    assert session.execute(text("SELECT count(*) FROM photos WHERE sha256 = :s"), {"s": sha}).scalar() == 0


def test_text_file_named_jpg_is_415(client, project, settings, session):
    data = "这不是图片 / not an image\n".encode() * 20
    refused(upload(client, project["id"], ("fake.jpg", data)), 415, settings, data, session)


def test_truncated_jpeg_is_422(client, project, settings, session):
    data = jpeg(seed=30, size=(1200, 900))[:6000]
    refused(upload(client, project["id"], ("cut.jpg", data)), 422, settings, data, session)


def test_decompression_bomb_is_refused_before_decoding(client, project, settings, session):
    data = png_bomb()  # 100 MP declared in ~100 KB
    assert len(data) < 200_000
    r = upload(client, project["id"], ("bomb.png", data))
    refused(r, 413, settings, data, session)
    assert "10000×10000" in r.json()["detail"]


def test_oversized_file_is_413(engine, session, project, settings, client):
    app = create_app(settings.model_copy(update={"photo_max_bytes": 50_000}), Database(engine))
    share_session(app, session)
    data = jpeg(seed=31, size=(1600, 1200))
    data += b"\x00" * max(0, 60_000 - len(data))
    with TestClient(app, headers=client.headers) as c:
        refused(upload(c, project["id"], ("big.jpg", data)), 413, settings, data, session)


@both_stores
def test_one_bad_file_refuses_the_whole_upload(client, project, settings, session):
    good = jpeg(seed=32)
    refused(
        upload(client, project["id"], ("good.jpg", good), ("fake.jpg", b"hello" * 50)), 415, settings, good, session
    )


def test_unknown_project_is_404_and_stores_nothing(client, settings, session):
    data = jpeg(seed=33)
    refused(upload(client, 999_999, ("a.jpg", data)), 404, settings, data, session)


def test_bad_month_is_422(client, project, settings, session):
    data = jpeg(seed=34)
    refused(upload(client, project["id"], ("a.jpg", data), month="2026-13"), 422, settings, data, session)


@pytest.fixture(scope="module")
def refusing_trigger(owner_engine):
    """A trigger (made by the owner: the app's role cannot) that refuses photo rows in a transaction that asks."""
    with owner_engine.begin() as conn:
        conn.execute(
            text("""
            CREATE FUNCTION refuse_photo() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF current_setting('warroom.refuse_photo', true) = 'on' THEN
                    RAISE EXCEPTION 'disk full (simulated)';
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER refuse_photo BEFORE INSERT ON photos FOR EACH ROW EXECUTE FUNCTION refuse_photo();""")
        )
    yield
    with owner_engine.begin() as conn:
        conn.execute(text("DROP TRIGGER refuse_photo ON photos; DROP FUNCTION refuse_photo()"))


@both_stores
def test_failed_commit_leaves_no_file(client, project, settings, session, refusing_trigger):
    # A real database failure at commit time: a trigger that refuses the row when it is flushed.
    session.execute(text("SELECT set_config('warroom.refuse_photo', 'on', true)"))
    data = jpeg(seed=35, lon=project["lon"], lat=project["lat"])
    r = upload(client, project["id"], ("a.jpg", data))
    assert r.status_code == 500 and r.headers["content-type"] == "application/problem+json"
    assert photo_files(settings, hashlib.sha256(data).hexdigest()) == []
    assert not [e for e in store.get_store(settings).entries() if not e.sha256], "a temp file was left"


@both_stores
def test_files_have_etag_and_long_cache_and_answer_304(client, project):
    original = jpeg(seed=36, size=(2000, 1500))
    p = upload(client, project["id"], ("c.jpg", original)).json()["photos"][0]
    r = client.get(p["urls"]["original"])  # streamed from the store, byte for byte
    assert r.status_code == 200 and r.content == original and r.headers["etag"]
    for kind, edge in (("thumb", 320), ("display", 1600)):
        r = client.get(p["urls"][kind])
        assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
        assert "immutable" in r.headers["cache-control"] and "max-age=31536000" in r.headers["cache-control"]
        import io

        from PIL import Image

        assert max(Image.open(io.BytesIO(r.content)).size) == edge
        again = client.get(p["urls"][kind], headers={"If-None-Match": r.headers["etag"]})
        assert again.status_code == 304 and again.content == b""
    assert client.get("/api/photos/999999/thumb").status_code == 404


def test_district_wall_shows_latest_photos_per_project_for_the_month(client, project):
    for seed in (40, 41, 42):
        upload(
            client,
            project["id"],
            (f"{seed}.jpg", jpeg(seed=seed, taken=f"2026:05:{seed - 30:02d} 09:00:00")),
            month="2026-05",
        )
    upload(client, project["id"], ("old.jpg", jpeg(seed=43)), month="2026-04")
    district = client.get(f"/api/projects/{project['id']}").json()["properties"]["district"]
    wall = client.get("/api/photos", params={"district": district, "month": "2026-05", "per_project": 2}).json()
    [entry] = [e for e in wall["projects"] if e["id"] == project["id"]]
    assert [p["taken_at"][:10] for p in entry["photos"]] == ["2026-05-12", "2026-05-11"]
    assert all(p["district"] == district for e in wall["projects"] for p in e["photos"])
    assert project["id"] not in {e["id"] for e in wall["projects_without_photos"]}
    april = client.get("/api/photos", params={"district": district, "month": "2026-04"}).json()
    assert [len(e["photos"]) for e in april["projects"] if e["id"] == project["id"]] == [1]
    assert client.get("/api/photos", params={"district": "火星区"}).status_code == 422


def test_positions_geojson_joins_photo_to_project(client, project):
    upload(client, project["id"], ("p.jpg", jpeg(seed=50, lon=project["lon"] + 0.002, lat=project["lat"])))
    upload(client, project["id"], ("n.jpg", jpeg(seed=51)))  # no GPS: not on the map
    r = client.get("/api/photos/positions", params={"project": project["id"]})
    assert r.headers["content-type"] == "application/geo+json"
    [f] = r.json()["features"]
    assert f["geometry"]["coordinates"][0] == pytest.approx(project["lon"] + 0.002, abs=1e-5)
    assert f["properties"]["project_coordinates"] == pytest.approx([project["lon"], project["lat"]], abs=1e-5)


def test_meta_serves_badges_and_limits(client):
    meta = client.get("/api/meta").json()
    assert {b["code"] for b in meta["photo_badges"]} >= {
        "near",
        "far",
        "no_location",
        "gps_invalid",
        "manual_pending",
        "manual_verified",
        "reuse_suspect",
        "no_time",
    }
    assert meta["photo_limits"]["max_bytes"] == 30 * 1024 * 1024


@both_stores
def test_check_store_reports_files_without_rows_and_rows_without_files(client, session, project, settings):
    from geo.photos.queries import check_store

    files = store.get_store(settings)
    p = upload(client, project["id"], ("k.jpg", jpeg(seed=60))).json()["photos"][0]
    files.delete([store.key_of("thumb", p["sha256"], "jpg")])
    stray = store.key_of("original", "f" * 64, "jpg")
    files.put(stray, b"x")
    report = check_store(session, settings=settings)
    assert files.describe(stray) in report["files_without_rows"]
    assert [(m["sha256"], m["kind"]) for m in report["rows_without_files"] if m["sha256"] == p["sha256"]] == [
        (p["sha256"], "thumb")
    ]
    assert client.get(p["urls"]["thumb"]).status_code == 404  # a missing file is a 404 that says so, not a 500
    files.delete([stray])


def test_declared_huge_upload_is_refused_before_reading(engine, session, project, settings):
    app = create_app(settings.model_copy(update={"photo_max_bytes": 1000, "photo_max_files": 1}), Database(engine))
    with TestClient(app) as c:
        r = c.post(
            f"/api/projects/{project['id']}/photos",
            content=b"x" * (3 << 20),
            headers={"content-type": "multipart/form-data; boundary=zz"},
        )
    assert r.status_code == 413 and r.headers["content-type"] == "application/problem+json"


def test_photo_handlers_run_in_the_threadpool_not_on_the_event_loop(client):
    # Sync handlers are run by Starlette in worker threads, so decoding never stalls GET /api/projects.
    import inspect

    from api.routers import photos

    assert all(not inspect.iscoroutinefunction(r.endpoint) for r in photos.router.routes)


def test_hourly_upload_limit_per_account_is_429(engine, session, project, settings, client):
    app = create_app(settings.model_copy(update={"photo_uploads_per_hour": 2}), Database(engine))
    share_session(app, session)
    with TestClient(app, headers=client.headers) as c:
        assert upload(c, project["id"], ("a.jpg", jpeg(seed=941)), ("b.jpg", jpeg(seed=942))).status_code == 201
        third = jpeg(seed=943)
        r = upload(c, project["id"], ("c.jpg", third))
        refused(r, 429, settings, third, session)
        assert int(r.headers["retry-after"]) > 0 and "每小时" in r.json()["detail"]
        # the limit is per account: another planner may still upload
        other = make_user(session, role="planner")
        assert upload(c, project["id"], ("c.jpg", third), **{}).status_code == 429
        c.headers.update(token_for(session, other))
        assert upload(c, project["id"], ("c.jpg", third)).status_code == 201


def test_more_files_than_the_limit_are_refused_and_none_is_stored(client, project, settings, session):
    files = [(f"{i}.jpg", jpeg(seed=1000 + i, size=(64, 48))) for i in range(settings.photo_max_files + 5)]
    r = upload(client, project["id"], *files)
    assert r.status_code == 413 and r.headers["content-type"] == "application/problem+json", r.text
    assert str(settings.photo_max_files) in r.json()["detail"]
    for _, data in files:
        refused(r, 413, settings, data, session)


def test_a_png_that_would_take_more_memory_to_decode_than_the_budget_is_413(engine, session, project, settings, client):
    from PIL import Image

    # 3000×3000 RGBA in a few kB: some 110 MB to decode, over a 64 MB budget; a 12 MP JPEG is drafted to a quarter.
    data = encode(Image.new("RGBA", (3000, 3000), (10, 20, 30, 128)), "PNG")
    app = create_app(settings.model_copy(update={"photo_decode_memory_mb": 64}), Database(engine))
    share_session(app, session)
    with TestClient(app, headers=client.headers) as c:
        r = upload(c, project["id"], ("big.png", data))
        refused(r, 413, settings, data, session)
        assert "MB" in r.json()["detail"] and "JPEG" in r.json()["detail"]
        assert upload(c, project["id"], ("big.jpg", jpeg(seed=1100, size=(4000, 3000)))).status_code == 201


def test_parallel_decodes_wait_for_each_other_within_the_budget():
    import threading

    from PIL import Image

    from geo.photos.image import DecodeBudget, decode_cost, derive

    class Recording(DecodeBudget):
        peak = 0

        def reserve(self, need, *, name):
            inner = super().reserve(need, name=name)

            class Held:
                def __enter__(held):
                    inner.__enter__()
                    self.peak = max(self.peak, self.used)

                def __exit__(held, *exc):
                    return inner.__exit__(*exc)

            return Held()

    images = [encode(Image.new("RGB", (2000, 1500), (i, 2 * i, 3 * i)), "PNG") for i in range(6)]
    one = decode_cost(Image.open(io.BytesIO(images[0])), "PNG")
    budget = Recording(int(one * 2.5))  # room for two at a time
    done = []
    threads = [
        threading.Thread(target=lambda d=d: done.append(derive(d, name="p.png", max_pixels=10**8, budget=budget)))
        for d in images
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(done) == 6 and all(d.width == 2000 for d in done)
    assert 0 < budget.peak <= budget.total and budget.used == 0
