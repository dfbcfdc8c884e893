"""`warroom import boundaries | projects`: the same import service as POST /api/imports, audited as the command line."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from api.cli.common import console, domain_session, progress_bar
from geo.accounts.principal import cli_principal
from geo.transfer.imports import import_boundaries, import_register_file

app = typer.Typer(help="导入边界与项目台账 / import boundaries and project registers", no_args_is_help=True)


@app.command("boundaries")
def boundaries(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="GeoJSON, zipped Shapefile, GeoPackage or KML"),
    layer: str = typer.Option(..., "--layer", help="districts | zones | bases"),
    crs: str = typer.Option(None, "--crs", help="CRS when the file has none, e.g. EPSG:4549"),
    name_column: str = typer.Option(None, "--name-column", help="column with the feature names"),
    encoding: str = typer.Option(None, "--encoding", help="Shapefile attribute encoding, e.g. GBK"),
    source_layer: str = typer.Option(None, "--source-layer", help="layer of a GeoPackage or KML (default first)"),
    remove_missing: bool = typer.Option(
        False, "--remove-missing", help="delete stored features the file lacks (asks to confirm with --apply)"
    ),
    keep_missing: bool = typer.Option(
        False, "--keep-missing", hidden=True, help="the default now: stored features the file lacks are kept"
    ),
    yes: bool = typer.Option(False, "--yes", help="confirm --remove-missing --apply without asking"),
    apply: bool = typer.Option(False, "--apply", help="write (in one transaction); without it only preview"),
):
    """Preview an official boundary file against the stored layer; --apply writes it and re-sites every project.
    Stored features the file lacks are kept unless --remove-missing."""
    if remove_missing and keep_missing:
        raise typer.BadParameter("--remove-missing 与 --keep-missing 不能同时使用 / choose one")
    if remove_missing and apply and not yes:
        typer.confirm(f"删除 {layer} 中文件里没有的要素?/ delete the stored {layer} the file lacks?", abort=True)
    with domain_session() as session, console.status(f"读取并核对 {file.name} / reading and checking…"):
        result = import_boundaries(
            session,
            data=file.read_bytes(),
            filename=file.name,
            layer=layer,
            crs=crs,
            name_column=name_column,
            encoding=encoding,
            remove_missing=remove_missing,
            source_layer=source_layer,
            apply=apply,
            actor=cli_principal(),
        )
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
    kept = result["counts"].get("kept", 0)
    if kept:
        console.print(
            f"文件中没有的 {kept} 个要素保留不变 / {kept} stored features the file lacks are kept "
            "(删除它们加 --remove-missing / add --remove-missing to delete them)"
        )
    counts = ", ".join(f"{k} {v}" for k, v in result["counts"].items())
    if apply:
        console.print(
            f"[green]已写入 / applied[/] ({counts}); 重新落位项目 {result['projects_resited']} 个 / projects re-sited"
        )
    else:
        console.print(f"预览 / dry run: {counts}. 加 --apply 写入 / add --apply to write.")


@app.command("projects")
def projects(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help=".xlsx or .csv register"),
    coords: str = typer.Option("wgs84", "--coords", help="wgs84 | gcj02 (convert web-map coordinates)"),
    crs: str = typer.Option(None, "--crs", help="CRS of the 经度/纬度 columns, e.g. EPSG:4490, EPSG:4549"),
    allow_partial: bool = typer.Option(False, "--allow-partial", help="write the rows that pass even if others fail"),
    report: Path = typer.Option(None, "--report", help="write the row-level error report to this .xlsx"),
    apply: bool = typer.Option(False, "--apply", help="write; without it only check"),
):
    """Check every row of a project register; --apply upserts by 项目编号 (all-or-nothing unless --allow-partial)."""
    with domain_session() as session, progress_bar() as bar:
        task = bar.add_task("写入 / upserting" if apply else "核对 / checking", total=None)
        summary, report_xlsx = import_register_file(
            session,
            data=file.read_bytes(),
            filename=file.name,
            coords=coords,
            crs=crs,
            allow_partial=allow_partial,
            apply=apply,
            want_report=report is not None,
            actor=cli_principal(),
            progress=lambda n: bar.advance(task, n),
        )
        bar.update(task, total=summary["rows"], completed=summary["rows"])
    if summary["errors"]:
        print_row_errors(summary["errors"])
    if report:
        report.write_bytes(report_xlsx)
        console.print(f"错误报告 / report: {report}")
    if summary["ignored_columns"]:
        console.print(f"未使用的列 / ignored columns: {'、'.join(summary['ignored_columns'])}")
    line = (
        f"{summary['rows']} 行 / rows, {summary['valid']} 通过 / pass, {len(summary['errors'])} 个问题 / problems; "
        f"新增 added {summary['added']}, 更新 updated {summary['updated']}, 未变 unchanged {summary['unchanged']}"
    )
    if summary["applied"]:
        console.print(f"[green]已写入 / applied:[/] {line}")
    else:
        why = "有错误,未写入 / errors: nothing written" if summary["errors"] and not allow_partial else "预览 / dry run"
        console.print(f"[yellow]{why}[/]: {line}")
    if summary["errors"] and not allow_partial:
        raise typer.Exit(1)


def print_row_errors(errors: list[dict]) -> None:
    """The register's problems in full: a folding table on a terminal, one whole line per problem otherwise (a pipe
    or a log has no width to fold to, and a cut message hides the hint)."""
    if console.is_terminal:
        table = Table(title="错误报告 / errors")
        for header in ("行 / row", "列 / column", "值 / value", "问题 / problem", "建议 / hint"):
            table.add_column(header, overflow="fold")
        for e in errors:
            table.add_row(str(e["row"]), e["column"], e["value"], e["message"], e["suggestion"])
        console.print(table)
        return
    console.print("错误报告 / errors:")
    for e in errors:
        hint = f" — 建议 / hint: {e['suggestion']}" if e["suggestion"] else ""
        line = f"第 {e['row']} 行 / row {e['row']} [{e['column']}] {e['value']!r}: {e['message']}{hint}"
        console.print(line, markup=False, highlight=False, soft_wrap=True)
