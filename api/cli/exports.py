"""`warroom export projects | layer` and `warroom export-map`: the same exports as /api/exports, to files."""

from __future__ import annotations

from pathlib import Path

import typer

from api.cli.common import console, domain_session, progress_bar
from geo.settings import get_settings

app = typer.Typer(help="导出项目与图层 / export projects and layers", no_args_is_help=True)


def _format_of(out: Path, given: str | None) -> str:
    return given or {".zip": "shp", ".json": "geojson"}.get(out.suffix.lower(), out.suffix.lower().lstrip("."))


def _write(out: Path, data: bytes) -> None:
    out.write_bytes(data)
    console.print(f"[green]已导出 / written[/] {out} ({len(data) / 1024:.0f} KB)")


@app.command("projects")
def projects(
    out: Path = typer.Argument(..., help="output file; the format follows its suffix unless --format"),
    format: str = typer.Option(None, "--format", help="geojson | gpkg | shp | kml | xlsx"),
    district: str = typer.Option(None),
    cluster: str = typer.Option(None),
    zone: str = typer.Option(None),
    base: str = typer.Option(None),
    status: str = typer.Option(None),
    q: str = typer.Option(None),
    bbox: str = typer.Option(None, help="minLon,minLat,maxLon,maxLat"),
    month: str = typer.Option(None, help="YYYY-MM: state at that month's end (default 最新, the latest closed)"),
):
    """Export the projects matching the same filters and month as /api/projects."""
    from geo.periods import parse_month
    from geo.projects.queries import ProjectFilter, parse_bbox
    from geo.transfer.exports import export_projects

    fmt = _format_of(out, format)
    with domain_session() as session, progress_bar() as bar:
        filters = ProjectFilter(
            district=district, cluster=cluster, zone=zone, base=base, status=status, q=q, bbox=parse_bbox(bbox)
        )
        task = bar.add_task(f"导出 / exporting {fmt}", total=None)
        export = export_projects(
            session,
            settings=get_settings(),
            filters=filters,
            fmt=fmt,
            month=parse_month(month),
            progress=lambda n: bar.update(task, total=n, completed=n),
        )
    _write(out, export.data)


@app.command("layer")
def layer(
    layer: str = typer.Argument(..., help="districts | zones | bases"),
    out: Path = typer.Argument(..., help="output file"),
    format: str = typer.Option(None, "--format", help="geojson | gpkg | shp | kml | xlsx"),
):
    """Export one boundary layer at full precision."""
    from geo.transfer.exports import export_layer

    with domain_session() as session:
        export = export_layer(session, layer=layer, fmt=_format_of(out, format))
    _write(out, export.data)


def export_map(
    out: Path = typer.Argument(..., help="output .html"),
    district: str = typer.Option(..., "--district", help="区市, e.g. 荣成市"),
):
    """Write a standalone map of a district's projects and layers that opens from a file, with no server or network."""
    from geo.transfer.offline_map import district_map_html

    with domain_session() as session:
        html = district_map_html(session, settings=get_settings(), district=district)
    _write(out, html.encode("utf-8"))
