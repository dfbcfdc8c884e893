"""`warroom manual tasks | projects`: the two 推进手册 as PDF and Excel files, as /api/manuals serves them."""

from __future__ import annotations

from pathlib import Path

import typer

from api.cli.common import domain_session, fail
from geo.errors import WarroomError

app = typer.Typer(help="推进手册 / the task and project working manuals (PDF and Excel)", no_args_is_help=True)
FORMAT_OPTION = typer.Option(["pdf", "xlsx"], "--format", "-f", help="pdf and/or xlsx (repeatable)")
OUT_OPTION = typer.Option(Path("."), "--out", "-o", help="directory to write into")


def _write(make, formats: list[str], out_dir: Path, **filters) -> None:
    from geo.settings import get_settings

    with domain_session() as session:
        out_dir.mkdir(parents=True, exist_ok=True)
        for fmt in formats:
            try:
                manual = make(session, settings=get_settings(), fmt=fmt, **filters)
            except WarroomError as exc:
                fail(exc, 2)
            target = out_dir / manual.filename
            partial = target.with_suffix(target.suffix + ".part")
            partial.write_bytes(manual.data)
            partial.replace(target)  # never leave a half-written manual under the final name
            typer.echo(f"{target} ({len(manual.data):,} bytes)")


@app.command("tasks")
def manual_tasks(
    fmt: list[str] = FORMAT_OPTION,
    out: Path = OUT_OPTION,
    department: str = typer.Option(None, "--department", help="only this lead department's (name, code or alias)"),
    category: str = typer.Option(None, "--category", help="only this category (code, e.g. planning)"),
):
    """Write the 重点任务推进手册 (by category) as PDF and Excel."""
    from geo.manuals.tasks import task_manual

    _write(task_manual, fmt, out, department=department, category=category)


@app.command("projects")
def manual_projects(
    fmt: list[str] = FORMAT_OPTION,
    out: Path = OUT_OPTION,
    district: str = typer.Option(None, "--district", help="only this district's projects (e.g. 荣成市)"),
):
    """Write the 重大项目推进手册 (by district) as PDF and Excel."""
    from geo.manuals.projects import project_manual

    _write(project_manual, fmt, out, district=district)
