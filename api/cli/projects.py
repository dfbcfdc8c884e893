"""`warroom project edit | retire | restore | history`: the project library as the browser and /api/projects edit it."""

from __future__ import annotations

from pathlib import Path

import typer
from sqlalchemy import text

from api.cli.common import console, domain_session
from geo.errors import InvalidInput, NotFound

app = typer.Typer(help="项目库 / edit, retire (退库) and restore projects; their versions", no_args_is_help=True)


def _id_of(session, code: str) -> int:
    found = session.execute(text("SELECT id FROM projects WHERE code = :c"), {"c": code}).scalar()
    if found is None:
        raise NotFound(f"没有编号为“{code}”的项目 / no project with code {code!r}")
    return found


def _fields(pairs: list[str]) -> dict:
    from geo.projects.fields import PROJECT_COLUMNS

    by_name = {name: field for field, names in PROJECT_COLUMNS.items() for name in names}
    fields = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or key.strip() not in by_name:
            raise InvalidInput(
                f"--set 应写成 字段=值,如 项目名称=新名称;收到 {pair!r} / --set takes field=value",
                errors=[{"field": key, "message": "unknown field", "allowed": list(PROJECT_COLUMNS)}],
            )
        fields[by_name[key.strip()]] = value.strip() or None
    return fields


def _show(version: dict | None) -> None:
    if version is None:
        typer.echo("没有变化 / nothing changed")
        return
    typer.echo(f"第 {version['version']} 版 · {version['action_name']} / version {version['version']}")
    for c in version["changes"]:
        console.print(f"  {c['label']}: {c['before'] or '(空)'} → {c['after'] or '(空)'}", markup=False)


@app.command("edit")
def project_edit(
    code: str = typer.Argument(..., help="项目编号"),
    set_: list[str] = typer.Option(..., "--set", help="字段=值, e.g. 项目名称=新名称 or lon=122.1 (repeatable)"),
    coords: str = typer.Option("wgs84", "--coords", help="wgs84 | gcj02 (lon/lat picked on a Chinese web map)"),
    note: str = typer.Option(None, "--note", help="说明, kept with the version"),
):
    """Change fields of a project, checked as a register row (as PATCH /api/projects/{id})."""
    from geo.accounts.principal import cli_principal
    from geo.projects.edit import apply_changes

    with domain_session() as session:
        version = apply_changes(
            session,
            actor=cli_principal(),
            project_id=_id_of(session, code),
            fields=_fields(set_),
            coords=coords,
            note=note,
        )
    _show(version)


@app.command("retire")
def project_retire(
    code: str = typer.Argument(..., help="项目编号"),
    reason: str = typer.Option(..., "--reason", help="退库原因"),
    month: str = typer.Option(None, "--month", help="YYYY-MM, the first month without it (default: 最新)"),
):
    """退库: from the month on the project leaves every figure; its history stays (as POST …/retire)."""
    from geo.accounts.principal import cli_principal
    from geo.periods import parse_month
    from geo.projects.edit import retire_project
    from geo.settings import get_settings

    with domain_session() as session:
        answer = retire_project(
            session,
            settings=get_settings(),
            actor=cli_principal(),
            project_id=_id_of(session, code),
            reason=reason,
            month=parse_month(month),
        )
    _show(answer["version"])


@app.command("restore")
def project_restore(code: str = typer.Argument(..., help="项目编号"), reason: str = typer.Option(None, "--reason")):
    """恢复入库: the project counts again in every month (as POST …/restore)."""
    from geo.accounts.principal import cli_principal
    from geo.projects.edit import restore_project
    from geo.settings import get_settings

    with domain_session() as session:
        answer = restore_project(
            session, settings=get_settings(), actor=cli_principal(), project_id=_id_of(session, code), reason=reason
        )
    _show(answer["version"])


@app.command("history")
def project_history(code: str = typer.Argument(..., help="项目编号")):
    """Every version of the project, newest first (as GET …/history)."""
    from geo.projects.versions import project_history as history

    with domain_session() as session:
        versions = history(session, project_id=_id_of(session, code))["versions"]
    if not versions:
        typer.echo("尚无变更记录 / no versions yet")
    for v in versions:
        typer.echo(f"{v['at'][:16]}  {v['actor']}" + (f"  ({v['note']})" if v["note"] else ""))
        _show(v)


@app.command("tile")
def project_tile(
    z: int = typer.Argument(..., help="缩放级别 / zoom"),
    x: int = typer.Argument(..., help="瓦片列 / column"),
    y: int = typer.Argument(..., help="瓦片行 / row"),
    out: Path = typer.Argument(..., help="output .mvt file"),
    district: str = typer.Option(None),
    status: str = typer.Option(None),
    month: str = typer.Option(None, help="YYYY-MM: state at that month's end (default 最新, the latest closed)"),
):
    """Write one vector tile of the map's projects (as GET /api/projects/tiles/{z}/{x}/{y}.mvt)."""
    from geo.periods import parse_month
    from geo.projects.queries import ProjectFilter
    from geo.projects.tiles import projects_tile
    from geo.settings import get_settings

    with domain_session() as session:
        filters = ProjectFilter(district=district, status=status)
        data = projects_tile(session, settings=get_settings(), filters=filters, z=z, x=x, y=y, month=parse_month(month))
    out.write_bytes(data)
    typer.echo(f"{out}: {len(data)} bytes")
