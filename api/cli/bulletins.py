"""`warroom report monthly | quarterly`: the 工作简报 as PDF and Excel files, as /api/reports serves them."""

from __future__ import annotations

from pathlib import Path

import typer

from api.cli.common import domain_session, fail
from geo.errors import WarroomError
from geo.periods import monthly, quarterly

app = typer.Typer(help="工作简报 / monthly and quarterly bulletins (PDF and Excel)", no_args_is_help=True)
FORMAT_OPTION = typer.Option(["pdf", "xlsx"], "--format", "-f", help="pdf and/or xlsx (repeatable)")
OUT_OPTION = typer.Option(Path("."), "--out", "-o", help="directory to write into")


def _write(period_of, raw: str, formats: list[str], out_dir: Path) -> None:
    from geo.bulletin.render import render_bulletin
    from geo.settings import get_settings

    try:
        period = period_of(raw)
    except WarroomError as exc:
        fail(exc, 2)
    with domain_session() as session:
        out_dir.mkdir(parents=True, exist_ok=True)
        for fmt in formats:
            bulletin = render_bulletin(session, settings=get_settings(), period=period, fmt=fmt)
            target = out_dir / bulletin.filename
            partial = target.with_suffix(target.suffix + ".part")
            partial.write_bytes(bulletin.data)
            partial.replace(target)  # never leave a half-written bulletin under the final name
            typer.echo(f"{target} ({len(bulletin.data):,} bytes)")


@app.command("monthly")
def report_monthly(
    month: str = typer.Argument(..., help="YYYY-MM, e.g. 2026-10"),
    fmt: list[str] = FORMAT_OPTION,
    out: Path = OUT_OPTION,
):
    """Write the month's bulletin (工作简报) as PDF and Excel."""
    _write(monthly, month, fmt, out)


@app.command("quarterly")
def report_quarterly(
    quarter: str = typer.Argument(..., help="YYYY-Qn, e.g. 2026-Q3"),
    fmt: list[str] = FORMAT_OPTION,
    out: Path = OUT_OPTION,
):
    """Write the quarter's bulletin (季度通报) as PDF and Excel."""
    _write(quarterly, quarter, fmt, out)
