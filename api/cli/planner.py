"""Planner commands: `warroom import boundaries|projects`, `warroom export projects|layer`, `warroom export-map`."""

from __future__ import annotations

import getpass
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from geo.accounts.audit import audit
from geo.errors import WarroomError
from geo.transfer.imports import audit_counts

console = Console()
# The command line has no account: its imports are audited under this name and the operating-system user.
CLI_ACTOR = f"命令行 / command line ({getpass.getuser()})"
import_app = typer.Typer(help="导入边界与项目台账 / import boundaries and project registers", no_args_is_help=True)
export_app = typer.Typer(help="导出项目与图层 / export projects and layers", no_args_is_help=True)


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def _fail(exc: WarroomError) -> None:
    console.print(f"[red]错误 / error:[/] {exc.detail}")
    if exc.errors:
        keys = list(dict.fromkeys(k for e in exc.errors for k in e))
        table = Table(*keys, title="问题 / problems")
        for e in exc.errors[:200]:
            table.add_row(*(str(e.get(k, "")) for k in keys))
        console.print(table)
    raise typer.Exit(1)


@import_app.command("boundaries")
def import_boundaries(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="GeoJSON, zipped Shapefile, GeoPackage or KML"),
    layer: str = typer.Option(..., "--layer", help="districts | zones | bases"),
    crs: str = typer.Option(None, "--crs", help="CRS when the file has none, e.g. EPSG:4549"),
    name_column: str = typer.Option(None, "--name-column", help="column with the feature names"),
    encoding: str = typer.Option(None, "--encoding", help="Shapefile attribute encoding, e.g. GBK"),
    keep_missing: bool = typer.Option(False, "--keep-missing", help="keep stored features the file lacks"),
    apply: bool = typer.Option(False, "--apply", help="write (in one transaction); without it only preview"),
):
    """Preview an official boundary file against the stored layer; --apply writes it and re-sites every project."""
    from api.cli import database
    from geo.transfer.boundaries import apply_boundaries, preview_boundaries

    with database() as db, db.session() as session:
        try:
            with console.status(f"读取并核对 {file.name} / reading and checking…"):
                preview = preview_boundaries(
                    session,
                    path=file,
                    layer=layer,
                    crs=crs,
                    name_column=name_column,
                    encoding=encoding,
                    keep_missing=keep_missing,
                )
            result = apply_boundaries(session, preview) if apply else {**preview.as_dict(), "applied": False}
            if apply:
                audit(
                    session,
                    actor=None,
                    actor_name=CLI_ACTOR,
                    action="import.boundaries",
                    obj=("layer", layer),
                    after={"file": file.name, **audit_counts(result)},
                )
        except WarroomError as exc:
            session.rollback()
            _fail(exc)
    table = Table(
        "变化 / action",
        "编码 / code",
        "名称 / name",
        "面积前 km²",
        "面积后 km²",
        "变化 km²",
        title=f"{layer} ← {file.name} ({result['source_crs']})",
    )
    for c in result["changes"]:
        table.add_row(
            c["action"],
            c["code"] or "(新)",
            c["name"],
            str(c["area_km2_before"] or ""),
            str(c["area_km2_after"] or ""),
            str(c["area_change_km2"] or ""),
        )
    console.print(table)
    for note in result["repaired"]:
        console.print(f"[yellow]修复 / repaired[/] 要素 {note['feature']} {note['name']}: {note['message']}")
    counts = ", ".join(f"{k} {v}" for k, v in result["counts"].items())
    if apply:
        console.print(
            f"[green]已写入 / applied[/] ({counts}); 重新落位项目 {result['projects_resited']} 个 / projects re-sited"
        )
    else:
        console.print(f"预览 / dry run: {counts}. 加 --apply 写入 / add --apply to write.")


@import_app.command("projects")
def import_projects(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help=".xlsx or .csv register"),
    coords: str = typer.Option("wgs84", "--coords", help="wgs84 | gcj02 (convert web-map coordinates)"),
    crs: str = typer.Option(None, "--crs", help="CRS of the 经度/纬度 columns, e.g. EPSG:4490, EPSG:4549"),
    allow_partial: bool = typer.Option(False, "--allow-partial", help="write the rows that pass even if others fail"),
    report: Path = typer.Option(None, "--report", help="write the row-level error report to this .xlsx"),
    apply: bool = typer.Option(False, "--apply", help="write; without it only check"),
):
    """Check every row of a project register; --apply upserts by 项目编号 (all-or-nothing unless --allow-partial)."""
    from api.cli import database
    from geo.transfer.register import check_register, import_register

    with database() as db, db.session() as session:
        try:
            check = check_register(file.read_bytes(), file.name, coords=coords, crs=crs)
            with _progress() as bar:
                task = bar.add_task("写入 / upserting" if apply else "核对 / checking", total=len(check.rows))
                summary = import_register(
                    session, check, apply=apply, allow_partial=allow_partial, progress=lambda n: bar.advance(task, n)
                )
            if apply:
                audit(
                    session,
                    actor=None,
                    actor_name=CLI_ACTOR,
                    action="import.projects",
                    obj=("register", file.name),
                    after=audit_counts(summary),
                )
        except WarroomError as exc:
            session.rollback()
            _fail(exc)
    if check.errors:
        table = Table(
            "行 / row", "列 / column", "值 / value", "问题 / problem", "建议 / hint", title="错误报告 / errors"
        )
        for e in check.errors:
            table.add_row(str(e.row), e.column, e.value, e.message, e.suggestion)
        console.print(table)
    if report:
        report.write_bytes(check.error_report_xlsx())
        console.print(f"错误报告 / report: {report}")
    if summary["ignored_columns"]:
        console.print(f"未使用的列 / ignored columns: {'、'.join(summary['ignored_columns'])}")
    line = (
        f"{summary['rows']} 行 / rows, {summary['valid']} 通过 / pass, {len(check.errors)} 个问题 / problems; "
        f"新增 added {summary['added']}, 更新 updated {summary['updated']}, 未变 unchanged {summary['unchanged']}"
    )
    if summary["applied"]:
        console.print(f"[green]已写入 / applied:[/] {line}")
    else:
        why = (
            "有错误,未写入 / errors: nothing written"
            if check.errors and not allow_partial
            else "预览 / dry run (--apply)"
        )
        console.print(f"[yellow]{why}[/]: {line}")
    if check.errors and not allow_partial:
        raise typer.Exit(1)


def _write(out: Path, data: bytes) -> None:
    out.write_bytes(data)
    console.print(f"[green]已导出 / written[/] {out} ({len(data) / 1024:.0f} KB)")


@export_app.command("projects")
def export_projects_command(
    out: Path = typer.Argument(..., help="output file; the format follows its suffix unless --format"),
    format: str = typer.Option(None, "--format", help="geojson | gpkg | shp | kml | xlsx"),
    district: str = typer.Option(None),
    cluster: str = typer.Option(None),
    zone: str = typer.Option(None),
    base: str = typer.Option(None),
    status: str = typer.Option(None),
    q: str = typer.Option(None),
    bbox: str = typer.Option(None, help="minLon,minLat,maxLon,maxLat"),
):
    """Export the projects matching the same filters as /api/projects."""
    from api.cli import database
    from geo.projects.queries import ProjectFilter, parse_bbox
    from geo.settings import get_settings
    from geo.transfer.exports import export_projects

    fmt = format or {".zip": "shp", ".json": "geojson"}.get(out.suffix.lower(), out.suffix.lower().lstrip("."))
    with database() as db, db.session() as session:
        try:
            filters = ProjectFilter(
                district=district, cluster=cluster, zone=zone, base=base, status=status, q=q, bbox=parse_bbox(bbox)
            )
            with _progress() as bar:
                task = bar.add_task(f"导出 / exporting {fmt}", total=None)
                export = export_projects(
                    session,
                    settings=get_settings(),
                    filters=filters,
                    fmt=fmt,
                    progress=lambda n: bar.update(task, total=n, completed=n),
                )
        except WarroomError as exc:
            _fail(exc)
    _write(out, export.data)


@export_app.command("layer")
def export_layer_command(
    layer: str = typer.Argument(..., help="districts | zones | bases"),
    out: Path = typer.Argument(..., help="output file"),
    format: str = typer.Option(None, "--format", help="geojson | gpkg | shp | kml | xlsx"),
):
    """Export one boundary layer at full precision."""
    from api.cli import database
    from geo.transfer.exports import export_layer

    fmt = format or {".zip": "shp", ".json": "geojson"}.get(out.suffix.lower(), out.suffix.lower().lstrip("."))
    with database() as db, db.session() as session:
        try:
            export = export_layer(session, layer=layer, fmt=fmt)
        except WarroomError as exc:
            _fail(exc)
    _write(out, export.data)


def export_map(
    out: Path = typer.Argument(..., help="output .html"),
    district: str = typer.Option(..., "--district", help="区市, e.g. 荣成市"),
):
    """Write a standalone map of a district's projects and layers that opens from a file, with no server or network."""
    from api.cli import database
    from geo.settings import get_settings
    from geo.transfer.offline_map import district_map_html

    with database() as db, db.session() as session:
        try:
            html = district_map_html(session, settings=get_settings(), district=district)
        except WarroomError as exc:
            _fail(exc)
    _write(out, html.encode("utf-8"))


def register(app: typer.Typer) -> None:
    """Add the planner commands to the `warroom` command."""
    app.add_typer(import_app, name="import")
    app.add_typer(export_app, name="export")
    app.command("export-map")(export_map)
