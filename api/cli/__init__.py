"""The `warroom` command: one module per group of commands, each calling the same services as the API."""

from __future__ import annotations

import typer

from api.cli import (
    assessment,
    backup,
    bulletins,
    db,
    exports,
    imports,
    manuals,
    photos,
    problems,
    projects,
    serve,
    tasks,
    tours,
    users,
    workplan,
)

app = typer.Typer(help="威海新旧动能转换挂图作战 / Weihai war-room map", no_args_is_help=True, add_completion=False)
app.command("serve")(serve.serve)
app.command("seed")(serve.seed)
app.add_typer(db.app, name="db")
app.add_typer(users.app, name="user")
app.add_typer(bulletins.app, name="report")
app.add_typer(photos.app, name="photos")
app.add_typer(problems.app, name="problems")
app.add_typer(imports.app, name="import")
app.add_typer(workplan.app, name="plan")
app.add_typer(exports.app, name="export")
app.add_typer(projects.app, name="project")
app.add_typer(tours.app, name="tour")
app.add_typer(manuals.app, name="manual")
app.add_typer(tasks.app, name="tasks")
app.add_typer(tasks.departments_app, name="departments")
app.add_typer(assessment.app, name="assess")
app.command("export-map")(exports.export_map)
app.command("backup")(backup.backup_command)
app.command("restore")(backup.restore_command)


def main() -> None:
    """Console-script entry point."""
    app()
