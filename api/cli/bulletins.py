"""`warroom report monthly | quarterly`: the 工作简报 as PDF and Excel files, as /api/reports serves them."""

from __future__ import annotations

from pathlib import Path

import typer

from api.cli.common import domain_session, fail, planner_actor
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


KINDS = {"monthly": monthly, "quarterly": quarterly}


@app.command("issue")
def report_issue(
    kind: str = typer.Argument(..., help="monthly | quarterly"),
    period: str = typer.Argument(..., help="YYYY-MM or YYYY-Qn"),
    by: str = typer.Option(..., "--by", help="the planner (account name) issuing it, recorded with the 期号"),
):
    """Issue the period's bulletin: give it the next 期号 of its kind and year (as POST /api/reports/…/issue)."""
    from geo.bulletin.issues import issue_bulletin
    from geo.errors import InvalidInput

    try:
        if kind not in KINDS:
            raise InvalidInput(f"种类应为 monthly 或 quarterly,收到 {kind!r} / kind must be monthly or quarterly")
        parsed = KINDS[kind](period)
    except WarroomError as exc:
        fail(exc, 2)
    with domain_session() as session:
        actor = planner_actor(session, by)
        from geo.settings import get_settings

        issued = issue_bulletin(session, settings=get_settings(), actor=actor, period=parsed)
    typer.echo(
        f"已签发 / issued: {issued['period']} {issued['year']}年第{issued['seq']}期 "
        f"({issued['issued_by']}, {issued['issued_at']})"
    )


@app.command("issues")
def report_issues(year: int = typer.Option(None, "--year", help="only this year's")):
    """List the issued bulletins, newest first."""
    from geo.bulletin.issues import list_issues

    with domain_session() as session:
        for i in list_issues(session, year=year):
            typer.echo(
                f"{i['kind']:<9} {i['period']:<8} {i['year']}年第{i['seq']}期  {i['issued_at']}  {i['issued_by']}"
            )
