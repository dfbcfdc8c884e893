"""`warroom backup` then `warroom restore` into an empty database and an empty photo store (here a SeaweedFS
bucket): every table's rows and checksum and every photo's hash come back identical."""

import json

import pytest
from sqlalchemy import text

from geo.db import migrations
from geo.db.embedded import APP_ROLE
from geo.db.engine import make_engine
from geo.errors import Conflict, InvalidInput
from geo.ops.backup import backup, restore, table_checksums
from geo.photos import store
from tests.conftest import app_url, fresh_database, s3_settings


@pytest.fixture
def source(ops_db):
    """The operations database and its local photo store."""
    return ops_db


def test_backup_restores_every_row_and_photo_into_an_empty_database_and_bucket(
    cluster, source, settings, seaweedfs, tmp_path
):
    manifest = backup(
        tmp_path / "b", settings=source["settings"], owner_url=source["owner_url"], engine=source["owner"]
    )
    assert (
        json.loads((tmp_path / "b" / "manifest.json").read_text())["database"]["tables"]
        == manifest["database"]["tables"]
    )
    assert manifest["database"]["tables"]["photos"]["rows"] >= 3 and manifest["photos"]["objects"] >= 9
    assert manifest["photos"]["files_included"]

    target_url = fresh_database(cluster, "warroom_backup_dst")
    target = make_engine(target_url)
    dst_settings = s3_settings(settings, seaweedfs, f"restore-{tmp_path.name}")
    report = restore(tmp_path / "b", settings=dst_settings, owner_url=target_url, owner_engine=target)
    assert report["bad_tables"] == {} and report["bad_photos"] == []
    assert table_checksums(target) == manifest["database"]["tables"]
    migrations.upgrade(target, app_role=APP_ROLE)  # what `warroom restore` does next: the app role is granted

    files = store.get_store(dst_settings)
    source_files = store.get_store(source["settings"])
    keys = [e.key for e in source_files.entries((*store.KINDS, "public"))]
    assert len(keys) == manifest["photos"]["objects"]
    assert {k: files.sha256_of(k) for k in keys} == {k: source_files.sha256_of(k) for k in keys}
    app = make_engine(app_url(cluster, "warroom_backup_dst"))
    with app.connect() as conn:  # the app's role reads the restored rows, and every photo's original is there
        shas = conn.execute(text("SELECT sha256, format FROM photos")).all()
    assert shas and all(files.exists(store.key_of("original", sha, "jpg")) for sha, _ in shas)
    app.dispose()

    with pytest.raises(Conflict):  # never over a database that has data
        restore(tmp_path / "b", settings=dst_settings, owner_url=target_url, owner_engine=target)
    target.dispose()


def test_a_damaged_or_foreign_backup_is_refused_before_anything_is_written(source, tmp_path):
    with pytest.raises(Conflict):
        (tmp_path / "full").mkdir()
        (tmp_path / "full" / "x").write_text("x")
        backup(tmp_path / "full", settings=source["settings"], owner_url=source["owner_url"], engine=source["owner"])
    backup(tmp_path / "b", settings=source["settings"], owner_url=source["owner_url"], engine=source["owner"])
    with open(tmp_path / "b" / "database.dump", "r+b") as f:
        f.seek(100)
        f.write(b"\0\0\0\0")
    with pytest.raises(InvalidInput, match="does not match its hash"):
        restore(
            tmp_path / "b", settings=source["settings"], owner_url=source["owner_url"], owner_engine=source["owner"]
        )
    with pytest.raises(InvalidInput, match="not a backup"):
        restore(tmp_path, settings=source["settings"], owner_url=source["owner_url"], owner_engine=source["owner"])
