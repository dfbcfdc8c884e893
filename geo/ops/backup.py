"""`warroom backup DIR` and `warroom restore DIR`: the database (pg_dump -Fc), the photo store's listing and, for a
local store, its files, with a manifest of hashes and every table's row count and checksum.

A restore goes into an empty database and an empty (or same-content) store, and checks every table and photo
against the manifest before it reports success.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import time
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.engine import URL, make_url

from geo.db.embedded import find_bin_dir
from geo.errors import Conflict, InvalidInput
from geo.photos import store
from geo.settings import Settings

MANIFEST = "manifest.json"
DUMP = "database.dump"
PHOTO_LIST = "photos.tsv"
PHOTO_DIR = "photos"
FORMAT = 1
# Tables of extensions (PostGIS) come with the extension in the target; they are not the app's data.
SKIPPED_TABLES = ("spatial_ref_sys",)


def _libpq(url: URL | str) -> tuple[str, dict]:
    """A libpq connection string without the password, and the environment that carries it."""
    u = make_url(url) if isinstance(url, str) else url
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = str(u.password)
    plain = u.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _bin(settings: Settings, name: str) -> str:
    return str(find_bin_dir(settings.pg_bin_dir) / name)


def _run(args: list[str], env: dict, what: str) -> None:
    res = subprocess.run(args, capture_output=True, text=True, env=env)
    if res.returncode != 0:
        raise InvalidInput(f"{what} 失败 / {what} failed: {(res.stderr or res.stdout).strip()[-2000:]}")


def sha256_file(path: Path) -> str:
    """The file's sha256, read in chunks."""
    return store.file_hashes(path)[0]


def table_checksums(engine: Engine) -> dict[str, dict]:
    """{table: {rows, md5}} of every table of the app's schema; the md5 is over the rows' text, order-free."""
    with engine.connect() as conn:
        tables = conn.execute(
            text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND NOT tablename = ANY(:skip) "
                "ORDER BY tablename"
            ),
            {"skip": list(SKIPPED_TABLES)},
        ).scalars()
        out = {}
        for table in list(tables):
            q = '"' + table.replace('"', '""') + '"'
            rows, digest = conn.execute(
                text(
                    f"SELECT count(*), md5(COALESCE(string_agg(h, '' ORDER BY h), '')) "
                    f"FROM (SELECT md5(t::text) AS h FROM {q} t) s"
                )
            ).one()
            out[table] = {"rows": rows, "md5": digest}
    return out


def _photo_listing(files: store.PhotoStore) -> list[dict]:
    listing = []
    for e in files.entries(store.STORED_KINDS):
        if not e.sha256:
            continue
        path = files.local_path(e.key)
        sha = store.file_hashes(path)[0] if path is not None else files.sha256_of(e.key)
        if sha is None:  # an object written without its hash: read it once
            sha = hashlib.sha256(b"".join(files.stream(e.key))).hexdigest()
        listing.append({"key": e.key, "size": e.size, "sha256": sha})
    return listing


def backup(directory: Path, *, settings: Settings, owner_url: URL | str, engine: Engine) -> dict:
    """Write a backup into an empty or new directory; the manifest."""
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise Conflict(f"备份目录 {directory} 不是空的 / the backup directory {directory} is not empty")
    directory.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    tables = table_checksums(engine)
    conninfo, env = _libpq(owner_url)
    _run([_bin(settings, "pg_dump"), "-Fc", "--no-owner", "-f", str(directory / DUMP), conninfo], env, "pg_dump")
    tables_after = table_checksums(engine)
    if tables_after != tables:  # a write landed between the counts and the dump: the manifest would not match
        raise Conflict("备份期间数据有变化,请重试 / data changed while backing up; run the backup again")
    db_seconds = time.monotonic() - started

    files = store.get_store(settings)
    listing = _photo_listing(files)
    copied = files.local_path("x") is not None
    if copied:
        for item in listing:
            target = directory / PHOTO_DIR / item["key"]
            target.parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(files.local_path(item["key"]), target)
    with open(directory / PHOTO_LIST, "w", encoding="utf-8") as f:
        f.write("key\tsize\tsha256\n")
        for item in listing:
            f.write(f"{item['key']}\t{item['size']}\t{item['sha256']}\n")
    manifest = {
        "format": FORMAT,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": {
            "file": DUMP,
            "sha256": sha256_file(directory / DUMP),
            "bytes": (directory / DUMP).stat().st_size,
            "tables": tables,
        },
        "photos": {
            "store": files.url,
            "files_included": copied,
            "list": PHOTO_LIST,
            "list_sha256": sha256_file(directory / PHOTO_LIST),
            "objects": len(listing),
            "bytes": sum(i["size"] for i in listing),
        },
        "seconds": {"database": round(db_seconds, 2), "total": round(time.monotonic() - started, 2)},
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def _link_or_copy(src: Path, dst: Path) -> None:
    # A hard link costs no space and stays valid: photos are never rewritten in place (content-addressed, renamed).
    try:
        os.link(src, dst)
        return
    except OSError:
        pass
    with open(src, "rb") as i, open(dst, "wb") as o:
        while chunk := i.read(store.CHUNK):
            o.write(chunk)
        o.flush()
        os.fsync(o.fileno())


def read_manifest(directory: Path) -> dict:
    """The manifest, with the dump and photo list checked against their hashes."""
    directory = Path(directory)
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInput(f"{directory} 中没有 {MANIFEST},不是备份目录 / no {MANIFEST}: not a backup") from None
    if manifest.get("format") != FORMAT:
        raise InvalidInput(f"不认识的备份格式 / unknown backup format {manifest.get('format')!r}")
    if sha256_file(directory / DUMP) != manifest["database"]["sha256"]:
        raise InvalidInput("数据库备份文件已损坏(哈希不符)/ the database dump does not match its hash")
    if sha256_file(directory / PHOTO_LIST) != manifest["photos"]["list_sha256"]:
        raise InvalidInput("照片清单已损坏(哈希不符)/ the photo list does not match its hash")
    return manifest


def _listing(directory: Path) -> list[dict]:
    with open(directory / PHOTO_LIST, encoding="utf-8") as f:
        next(f)
        return [dict(zip(("key", "size", "sha256"), line.rstrip("\n").split("\t"))) for line in f if line.strip()]


def _restore_list(settings: Settings, dump: Path, env: dict) -> str:
    """pg_restore's table of contents without the extensions and their tables (the target has PostGIS already)."""
    res = subprocess.run([_bin(settings, "pg_restore"), "-l", str(dump)], capture_output=True, text=True, env=env)
    if res.returncode != 0:
        raise InvalidInput(f"pg_restore -l failed: {res.stderr.strip()}")
    keep = [
        line
        for line in res.stdout.splitlines()
        if not (
            " EXTENSION " in line
            or " SCHEMA - public " in line
            or any(f" {t} " in line + " " for t in SKIPPED_TABLES)  # PostGIS's own table, filled by the extension
        )
    ]
    return "\n".join(keep) + "\n"


def restore(directory: Path, *, settings: Settings, owner_url: URL | str, owner_engine: Engine) -> dict:
    """Restore a backup into an empty database and store, then compare every table and photo with the manifest;
    {tables, photos, seconds}. The caller migrates to head and grants the app role afterwards."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    started = time.monotonic()
    with owner_engine.connect() as conn:
        existing = conn.execute(
            text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND NOT tablename = ANY(:skip)"),
            {"skip": list(SKIPPED_TABLES)},
        ).scalar_one()
    if existing:
        raise Conflict(
            f"目标数据库不是空的({existing} 张表),只能恢复到空数据库 / the target database has {existing} tables: "
            "restore into an empty database"
        )
    files = store.get_store(settings)
    listing = _listing(directory)
    wanted = {i["key"] for i in listing}
    clashes = [e.key for e in files.entries(store.STORED_KINDS) if e.sha256 and e.key not in wanted]
    if clashes:
        raise Conflict(
            f"目标照片存储 {files.url} 中已有 {len(clashes)} 个其他文件 / the target photo store holds "
            f"{len(clashes)} other objects: restore into an empty store"
        )
    conninfo, env = _libpq(owner_url)
    toc = directory / ".restore.list"
    toc.write_text(_restore_list(settings, directory / DUMP, env))
    try:
        _run(
            [
                _bin(settings, "pg_restore"),
                "--no-owner",
                "--exit-on-error",
                "--single-transaction",
                "-L",
                str(toc),
                "-d",
                conninfo,
                str(directory / DUMP),
            ],
            env,
            "pg_restore",
        )
    finally:
        toc.unlink(missing_ok=True)
    db_seconds = time.monotonic() - started
    tables = table_checksums(owner_engine)
    bad_tables = {
        name: {"expected": want, "restored": tables.get(name)}
        for name, want in manifest["database"]["tables"].items()
        if tables.get(name) != want
    }

    restored = skipped = 0
    bad_photos = []
    for item in listing:
        key, sha = item["key"], item["sha256"]
        if files.sha256_of(key) == sha:
            skipped += 1
            continue
        src = directory / PHOTO_DIR / key
        if not manifest["photos"]["files_included"] or not src.is_file():
            bad_photos.append({"key": key, "why": "not in the backup and not in the store"})
            continue
        if files.put_file(key, src) != sha:
            bad_photos.append({"key": key, "why": "the backup's file does not match its hash"})
            files.delete([key])
            continue
        restored += 1
    return {
        "tables": len(tables),
        "rows": sum(t["rows"] for t in tables.values()),
        "bad_tables": bad_tables,
        "photos_restored": restored,
        "photos_already_there": skipped,
        "bad_photos": bad_photos,
        "seconds": {"database": round(db_seconds, 2), "total": round(time.monotonic() - started, 2)},
    }
