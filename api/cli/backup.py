"""`warroom backup DIR` and `warroom restore DIR`: the database and the photo store, with a manifest of hashes."""

from __future__ import annotations

from pathlib import Path

import typer

from api.cli.common import database, fail
from geo.errors import WarroomError
from geo.settings import get_settings


def backup_command(directory: Path = typer.Argument(..., help="a new or empty directory")):
    """Back up the database (pg_dump -Fc), the photo store's listing and, for a local store, its files."""
    from geo.ops.backup import backup

    settings = get_settings()
    with database() as db:
        try:
            m = backup(directory, settings=settings, owner_url=db.owner_url or db.engine.url, engine=db.owner_engine)
        except WarroomError as exc:
            fail(exc)
    rows = sum(t["rows"] for t in m["database"]["tables"].values())
    typer.echo(
        f"已备份 / backed up: {len(m['database']['tables'])} tables, {rows} rows "
        f"({m['database']['bytes'] / 2**20:.1f} MB dump); {m['photos']['objects']} photo files "
        f"({m['photos']['bytes'] / 2**20:.1f} MB, {'copied' if m['photos']['files_included'] else 'listed only'}) "
        f"in {m['seconds']['total']:.1f} s → {directory}"
    )
    if not m["photos"]["files_included"]:
        typer.echo(
            f"  照片在对象存储 {m['photos']['store']} 中,由其自身的复制/版本保护 / photos stay in the object store"
        )


def restore_command(directory: Path = typer.Argument(..., help="a directory written by `warroom backup`")):
    """Restore a backup into an empty database and photo store; every table and photo is checked against it."""
    from geo.db import migrations
    from geo.ops.backup import restore

    settings = get_settings()
    with database() as db:
        try:
            r = restore(
                directory, settings=settings, owner_url=db.owner_url or db.engine.url, owner_engine=db.owner_engine
            )
        except WarroomError as exc:
            fail(exc)
        migrations.upgrade_database(db)  # a backup of an older version comes up to this one; grants the app role
    typer.echo(
        f"已恢复 / restored: {r['tables']} tables, {r['rows']} rows; {r['photos_restored']} photo files "
        f"(+{r['photos_already_there']} already there) in {r['seconds']['total']:.1f} s"
    )
    for name, diff in r["bad_tables"].items():
        typer.echo(f"  表不一致 / table differs: {name}: {diff}")
    for p in r["bad_photos"]:
        typer.echo(f"  照片 / photo {p['key']}: {p['why']}")
    ok = not r["bad_tables"] and not r["bad_photos"]
    typer.echo("全部与备份一致 / everything matches the backup" if ok else "恢复不完整 / the restore is incomplete")
    raise typer.Exit(0 if ok else 1)
