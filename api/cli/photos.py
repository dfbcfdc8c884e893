"""`warroom photos check`: stored photo files against their rows."""

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
    typer.echo(f"照片 / photos: {report['rows']} rows in the database, files under {settings.photo_dir}")
    for path in report["removed"]:
        typer.echo(f"  已删除无记录的文件 / removed file without row: {path}")
    for path in report["files_without_rows"]:
        typer.echo(f"  无记录的文件 / file without row: {path}")
    for m in report["rows_without_files"]:
        typer.echo(f"  缺少文件 / row without file: {m['sha256']} {m['kind']} ({m['path']})")
    problems = len(report["files_without_rows"]) + len(report["rows_without_files"])
    typer.echo("一切正常 / all consistent" if not problems else f"发现 {problems} 处不一致 / {problems} problems")
    raise typer.Exit(1 if problems else 0)
