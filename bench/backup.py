"""Bench: `warroom backup` and `warroom restore` times for the demo data plus --photos photos (2 MB originals,
300 KB display copies, 20 KB thumbnails of random bytes, rows cloned from one uploaded photo), local store, backup
directory on another path of the same disk; the restore goes into an empty database and an empty store and is
checked table by table and photo by photo.

    .venv/bin/python bench/backup.py [--photos 1000]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import tempfile
import time
from pathlib import Path

from _common import admin_connection, bench_cluster, scratch_url, token_headers
from sqlalchemy import text

from geo.db import migrations
from geo.db.embedded import APP_ROLE
from geo.db.engine import make_engine
from geo.ops.backup import backup, restore
from geo.photos import store
from geo.settings import Settings


def fill(url, settings: Settings, n: int) -> None:
    """n photo rows on the first project, each with its three files in the local store."""
    files = store.get_store(settings)
    engine = make_engine(url)
    with engine.begin() as conn:
        project, user = conn.execute(text("SELECT (SELECT min(id) FROM projects), (SELECT min(id) FROM users)")).one()
        for i in range(n):
            original = os.urandom(2 << 20)
            sha = hashlib.sha256(original).hexdigest()
            files.put(store.key_of("original", sha, "jpg"), original)
            files.put(store.key_of("display", sha, "jpg"), original[: 300 << 10])
            files.put(store.key_of("thumb", sha, "jpg"), original[: 20 << 10])
            conn.execute(
                text(
                    "INSERT INTO photos (project_id, sha256, format, size_bytes, width, height, original_name, "
                    "uploaded_by, report_month, gps_status, in_month, radius_m) "
                    "VALUES (:p, :sha, 'JPEG', :size, 4000, 3000, :name, :u, DATE '2026-10-01', 'missing', true, 1000)"
                ),
                {"p": project, "sha": sha, "size": len(original), "name": f"bench-{i}.jpg", "u": user},
            )
    engine.dispose()


def main() -> None:
    """Fill, back up, restore, print the times."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--photos", type=int, default=1000)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="warroom-bench-backup-"))
    try:
        with bench_cluster() as cluster:
            url = scratch_url(cluster, "warroom_bench_backup")
            token_headers(url)  # the seed has no account: bench-planner uploads the rows
            src = Settings(basemap="none", var_dir=work / "src")
            start = time.perf_counter()
            fill(url, src, args.photos)
            print(f"  {args.photos} photos written in {time.perf_counter() - start:.1f} s")
            owner = make_engine(url)
            manifest = backup(work / "backup", settings=src, owner_url=url, engine=owner)
            owner.dispose()
            rows = sum(t["rows"] for t in manifest["database"]["tables"].values())
            size = sum(p.stat().st_size for p in (work / "backup").rglob("*") if p.is_file())
            print(
                f"backup: {manifest['seconds']['total']:.1f} s (database {manifest['seconds']['database']:.1f} s, "
                f"{rows} rows, dump {manifest['database']['bytes'] / 2**20:.1f} MB; {manifest['photos']['objects']} "
                f"photo files, {manifest['photos']['bytes'] / 2**20:.0f} MB; directory {size / 2**20:.0f} MB)"
            )
            with admin_connection(cluster) as conn:
                conn.execute('DROP DATABASE IF EXISTS "warroom_bench_restore" WITH (FORCE)')
            target_url = cluster.create_database("warroom_bench_restore")
            target = make_engine(target_url)
            dst = Settings(basemap="none", var_dir=work / "dst")
            report = restore(work / "backup", settings=dst, owner_url=target_url, owner_engine=target)
            migrations.upgrade(target, app_role=APP_ROLE)
            target.dispose()
            ok = not report["bad_tables"] and not report["bad_photos"]
            print(
                f"restore: {report['seconds']['total']:.1f} s (database {report['seconds']['database']:.1f} s, "
                f"{report['rows']} rows in {report['tables']} tables; {report['photos_restored']} photo files), "
                f"{'every table and photo matches' if ok else 'MISMATCH'}"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
