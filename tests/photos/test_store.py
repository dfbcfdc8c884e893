"""After a crash: temp files are cleaned at start, and `warroom photos check --repair` removes files without rows."""

import os
import time

from fastapi.testclient import TestClient

from api.app import create_app
from geo.db.engine import Database
from geo.photos import store
from geo.photos.queries import check_store

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
