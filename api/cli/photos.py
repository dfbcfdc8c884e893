"""`warroom photos check | migrate | rehash | review-placement | review-reuse`: the store, hashes and reviews."""

from __future__ import annotations

import typer

from api.cli.common import domain_session
from geo.settings import get_settings

app = typer.Typer(help="现场照片 / site photos", no_args_is_help=True)


@app.command("check")
def check(
    repair: bool = typer.Option(
        False, "--repair", help="remove files no row references (older than 10 minutes); rows are never deleted"
    ),
):
    """Report photo files without rows and rows without files (exit 1 when any)."""
    from geo.photos.queries import check_store

    settings = get_settings()
    with domain_session() as session:
        report = check_store(session, settings=settings, repair=repair)
    typer.echo(f"照片 / photos: {report['rows']} rows in the database, files in {report['store']}")
    for path in report["removed"]:
        typer.echo(f"  已删除无记录的文件 / removed file without row: {path}")
    for path in report["files_without_rows"]:
        typer.echo(f"  无记录的文件 / file without row: {path}")
    for m in report["rows_without_files"]:
        typer.echo(f"  缺少文件 / row without file: {m['sha256']} {m['kind']} ({m['path']})")
    problems = len(report["files_without_rows"]) + len(report["rows_without_files"])
    typer.echo("一切正常 / all consistent" if not problems else f"发现 {problems} 处不一致 / {problems} problems")
    raise typer.Exit(1 if problems else 0)


@app.command("migrate")
def migrate_command(
    to: str = typer.Option(..., "--to", help="the target store: s3://bucket/prefix (endpoint and keys from settings)"),
    source: str = typer.Option(None, "--from", help="the source store (default: the configured one)"),
):
    """Copy the photo store into another, resumable (objects already there with the same sha256 are skipped) and
    verified by hash; the source is left as it is. Then set WARROOM_PHOTO_STORE to the target and restart."""
    from geo.photos import store
    from geo.photos.migrate import migrate

    settings = get_settings()
    src = store.open_store(source, settings) if source else store.get_store(settings)
    dst = store.open_store(to, settings)
    dst.ping()
    typer.echo(f"复制 / copying {src.url} → {dst.url}")
    report = migrate(src, dst)
    typer.echo(
        f"已复制 / copied {report['copied']} ({report['bytes'] / 2**20:.1f} MB), "
        f"已存在且一致 / already there {report['skipped']}, 失败 / failed {len(report['failed'])}"
    )
    for f in report["failed"]:
        typer.echo(f"  失败 / failed: {f['key']}: {f['why']}")
    if not report["failed"]:
        typer.echo(f"完成。设置 / now set WARROOM_PHOTO_STORE={to} and restart the app")
    raise typer.Exit(1 if report["failed"] else 0)


@app.command("rehash")
def rehash(
    flag: bool = typer.Option(
        True, "--flag/--no-flag", help="flag photos that match an older one of another project or month"
    ),
):
    """Compute the perceptual hashes (pHash, dHash) of photos stored without them, from their display copies."""
    from geo.accounts.principal import cli_principal
    from geo.photos.reuse import rehash as rehash_photos

    with domain_session() as session:
        report = rehash_photos(session, settings=get_settings(), actor=cli_principal(), flag=flag)
    typer.echo(f"已计算 / hashed: {report['hashed']} photos")
    for photo_id in report["flagged"]:
        typer.echo(f"  疑似重复使用 / suspected reuse: photo {photo_id}")
    for path in report["missing_files"]:
        typer.echo(f"  缺少展示图 / display copy missing: {path}")
    raise typer.Exit(1 if report["missing_files"] else 0)


@app.command("review-placement")
def review_placement_command(
    photo_id: int = typer.Argument(..., help="photo id"),
    verdict: str = typer.Argument(..., help="verified | rejected | pending"),
    reason: str = typer.Option(None, "--reason", help="why (required to reject)"),
):
    """A planner's verdict on a hand placement, as PUT /api/photos/{id}/placement/review."""
    from geo.accounts.principal import cli_principal
    from geo.photos.review import review_placement

    with domain_session() as session:
        photo = review_placement(session, actor=cli_principal(), photo_id=photo_id, verdict=verdict, reason=reason)
    typer.echo(f"照片 / photo {photo_id}: {' · '.join(photo['badges'])}")


@app.command("review-reuse")
def review_reuse_command(
    photo_id: int = typer.Argument(..., help="photo id"),
    verdict: str = typer.Argument(..., help="confirmed | cleared"),
    reason: str = typer.Option(None, "--reason", help="why (required to clear)"),
):
    """A planner's verdict on a suspected reuse, as PUT /api/photos/{id}/reuse/review."""
    from geo.accounts.principal import cli_principal
    from geo.photos.review import review_reuse

    with domain_session() as session:
        photo = review_reuse(session, actor=cli_principal(), photo_id=photo_id, verdict=verdict, reason=reason)
    typer.echo(f"照片 / photo {photo_id}: {' · '.join(photo['badges'])}")
