"""As an operator runs it: `warroom photos migrate` moves a local store into a SeaweedFS bucket, after which the app
pointed at the bucket serves the photo wall; `warroom backup` writes a manifest."""

import json
import os
import subprocess
import sys

import httpx
from sqlalchemy import text

from api.app import create_app
from geo.db.engine import Database, make_engine
from tests.conftest import s3_settings, served


def warroom(*args, env):
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args], capture_output=True, text=True, timeout=300, env={**os.environ, **env}
    )


def test_migrate_then_the_wall_is_served_from_the_bucket(ops_db, seaweedfs, tmp_path):
    bucket = f"s3://{seaweedfs['bucket']}/wall-{tmp_path.name}"
    env = {
        "DATABASE_URL": ops_db["owner_url"].render_as_string(hide_password=False),
        "WARROOM_VAR_DIR": str(ops_db["settings"].var_dir),
        "WARROOM_PHOTO_STORE_ENDPOINT": seaweedfs["photo_store_endpoint"],
        "WARROOM_PHOTO_STORE_ACCESS_KEY": seaweedfs["photo_store_access_key"],
        "WARROOM_PHOTO_STORE_SECRET_KEY": seaweedfs["photo_store_secret_key"],
    }
    first = warroom("photos", "migrate", "--to", bucket, env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "copied 9" in first.stdout.replace("已复制 / ", "") and "failed 0" in first.stdout.replace("失败 / ", "")
    again = warroom("photos", "migrate", "--to", bucket, env=env)
    assert again.returncode == 0 and "copied 0" in again.stdout.replace("已复制 / ", "")

    s3 = s3_settings(ops_db["settings"], seaweedfs, f"wall-{tmp_path.name}")
    engine = make_engine(ops_db["app_url"])
    with engine.connect() as conn:
        month = conn.execute(text("SELECT to_char(max(report_month), 'YYYY-MM') FROM photos")).scalar_one()
    empty_var = tmp_path / "empty-var"  # the old directory is not there: every file must come from the bucket
    with served(create_app(s3.model_copy(update={"var_dir": empty_var}), Database(engine))) as url:
        wall = httpx.get(f"{url}/api/photos", params={"district": "文登区", "month": month}, timeout=30).json()
        thumbs = [p["urls"]["thumb"] for project in wall["projects"] for p in project["photos"]]
        assert len(thumbs) >= 3
        for thumb in thumbs:
            r = httpx.get(url + thumb, timeout=30)
            assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg" and r.content[:2] == b"\xff\xd8"
    engine.dispose()

    backed = warroom("backup", str(tmp_path / "b"), env=env)
    assert backed.returncode == 0, backed.stdout + backed.stderr
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert manifest["photos"]["objects"] >= 9 and manifest["database"]["tables"]["photos"]["rows"] >= 3
