"""`warroom problems list`: the problems to coordinate (问题清单), as GET /api/problems lists them."""

from __future__ import annotations

import json

import typer

from api.cli.common import domain_session, fail
from geo.errors import WarroomError

app = typer.Typer(help="督办问题 / problems to coordinate", no_args_is_help=True)


@app.command("list")
def problems_list(
    district: str = typer.Option(None, "--district", help="区市, e.g. 荣成市"),
    status: str = typer.Option(None, "--status", help="open | coordinating | resolved"),
    overdue: bool = typer.Option(False, "--overdue", help="only those past their deadline and not closed"),
    month: str = typer.Option(None, "--month", help="YYYY-MM: overdue as of that month's end (default: today)"),
):
    """One line per problem (overdue first), then the open and overdue counts per district."""
    from geo.periods import parse_month
    from geo.problems.tracking import ProblemFilter, list_problems
    from geo.settings import get_settings

    with domain_session() as session:
        try:
            filters = ProblemFilter(
                district=district, status=status, overdue=True if overdue else None, month=parse_month(month)
            )
            listed = json.loads(list_problems(session, settings=get_settings(), filters=filters))
        except WarroomError as exc:
            fail(exc, 2)
    states = {"open": "待协调", "coordinating": "协调中", "resolved": "已解决"}
    for p in listed["problems"]:
        late = f"逾期 {p['overdue_days']} 天" if p["overdue"] else f"时限 {p['deadline']}"
        typer.echo(
            f"#{p['id']} {states[p['status']]} {late} | {p['district']} {p['project_name']} | {p['description']} "
            f"| {p['department']}"
        )
    typer.echo(f"截至 {listed['as_of']}: 未销号 {listed['open']},逾期 {listed['overdue']} / open, overdue")
    for d in listed["by_district"]:
        if d["open"] or d["overdue"]:
            typer.echo(f"  {d['district']}: {d['open']} / {d['overdue']}")
