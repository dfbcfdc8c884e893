"""After a crash: temp files are cleaned at start, `warroom photos check --repair` removes files without rows (on both
stores), an S3 write is verified and streamed, and `warroom photos migrate` copies a local store into a bucket."""

import hashlib
import os
import time

from fastapi.testclient import TestClient

from api.app import create_app
from geo.db.engine import Database
from geo.photos import store
from geo.photos.migrate import migrate
from geo.photos.queries import check_store
from tests.conftest import s3_settings
from tests.photos.conftest import both_stores

HOUR_AGO = time.time() - 3600


def planted(path, *, old: bool):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\xff\xd8 half a photo")
    if old:
        os.utime(path, (HOUR_AGO, HOUR_AGO))
    return path


def test_the_app_removes_old_temp_files_at_start(engine, settings):
    old = planted(settings.photo_dir / "original" / "ab" / ".tmp-crashed", old=True)
    young = planted(settings.photo_dir / "thumb" / "ab" / ".tmp-writing-now", old=False)
    with TestClient(create_app(settings, Database(engine))):
        pass
    assert not old.exists() and young.exists()
    young.unlink()


def test_repair_removes_settled_files_without_rows_and_keeps_rows(session, settings):
    root = settings.photo_dir
    orphan = planted(store.path_of(root, "original", "f" * 64, "jpg"), old=True)
    derivative = planted(store.path_of(root, "display", "f" * 64, "jpg"), old=True)
    temp = planted(root / "display" / "ff" / ".tmp-crashed", old=True)
    young = planted(store.path_of(root, "thumb", "e" * 64, "jpg"), old=False)  # an upload not yet committed

    before = check_store(session, settings=settings)
    assert {str(orphan), str(derivative), str(temp), str(young)} <= set(before["files_without_rows"])
    assert orphan.exists(), "check alone must not remove anything"

    report = check_store(session, settings=settings, repair=True)
    assert set(report["removed"]) >= {str(orphan), str(derivative), str(temp)}
    assert not orphan.exists() and not derivative.exists() and not temp.exists()
    assert young.exists() and str(young) in report["files_without_rows"]
    assert report["rows"] == before["rows"]
    young.unlink()


@both_stores
def test_repair_on_either_store_leaves_young_objects_and_removes_settled_ones(session, settings):
    files = store.get_store(settings)
    stray = store.key_of("display", "d" * 64, "jpg")
    files.put(stray, b"left by an upload whose commit failed")
    kept = check_store(session, settings=settings, repair=True)
    assert files.exists(stray) and files.describe(stray) in kept["files_without_rows"], "young: may be committing"
    removed = check_store(session, settings=settings, repair=True, grace=0)
    assert files.describe(stray) in removed["removed"] and not files.exists(stray)
    assert removed["rows"] == kept["rows"]


def test_an_s3_object_is_verified_and_read_back_in_chunks(settings, seaweedfs):
    files = store.get_store(s3_settings(settings, seaweedfs, "verify"))
    data = os.urandom(1_000_000)
    files.put("original/ab/big.jpg", data)
    assert files.sha256_of("original/ab/big.jpg") == hashlib.sha256(data).hexdigest()
    chunks = list(files.stream("original/ab/big.jpg"))
    assert len(chunks) > 1 and b"".join(chunks) == data, "an original is streamed, not read whole"
    assert files.read("original/ab/absent.jpg") is None


def _local_store_with_photos(root, n: int) -> dict[str, bytes]:
    local = store.LocalStore(root)
    blobs = {}
    for i in range(n):
        data = os.urandom(2000 + i)
        sha = hashlib.sha256(data).hexdigest()
        for kind in store.KINDS:
            key = store.key_of(kind, sha, "jpg")
            blobs[key] = data if kind == "original" else data[:500]
            local.put(key, blobs[key])
    return blobs


def test_migrate_copies_a_local_store_into_s3_resumably_and_verified(settings, seaweedfs, tmp_path, monkeypatch):
    blobs = _local_store_with_photos(tmp_path / "photos", 5)
    source = store.LocalStore(tmp_path / "photos")
    target = store.get_store(s3_settings(settings, seaweedfs, f"migrate-{tmp_path.name}"))

    real_put_file, calls = store.S3Store.put_file, []

    def dies_after_six(self, key, path):
        if len(calls) == 6:
            raise store.StoreError("connection reset (simulated)")
        calls.append(key)
        return real_put_file(self, key, path)

    monkeypatch.setattr(store.S3Store, "put_file", dies_after_six)
    first = migrate(source, target)
    assert first["copied"] == 6 and len(first["failed"]) == 9
    monkeypatch.setattr(store.S3Store, "put_file", real_put_file)

    target.put(calls[0], b"bit rot")  # a copy that no longer matches is copied again
    second = migrate(source, target)
    assert second == {"copied": 10, "skipped": 5, "bytes": second["bytes"], "failed": []}
    for key, data in blobs.items():
        assert b"".join(target.stream(key)) == data
    assert migrate(source, target)["skipped"] == 15


def test_migrate_refuses_an_original_whose_bytes_do_not_match_its_name(settings, seaweedfs, tmp_path):
    source = store.LocalStore(tmp_path / "photos")
    source.put(store.key_of("original", "a" * 64, "jpg"), b"not what the name says")
    target = store.get_store(s3_settings(settings, seaweedfs, f"bad-{tmp_path.name}"))
    report = migrate(source, target)
    assert report["copied"] == 0 and "hashes to" in report["failed"][0]["why"]
    assert not target.exists(store.key_of("original", "a" * 64, "jpg"))
