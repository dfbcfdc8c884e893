"""`warroom tour list | create | itinerary | scoresheet | scores`: 观摩 tours, as /api/tours serves them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from api.cli.common import domain_session, fail, planner_actor
from geo.errors import InvalidInput, WarroomError

app = typer.Typer(help="观摩路线 / inspection tours: stops, itinerary PDF, scoring sheet, scores", no_args_is_help=True)
OUT_OPTION = typer.Option(Path("."), "--out", "-o", help="directory to write into")


def _save(download, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / download.filename
    partial = target.with_suffix(target.suffix + ".part")
    partial.write_bytes(download.data)
    partial.replace(target)  # never leave a half-written document under the final name
    typer.echo(f"{target} ({len(download.data):,} bytes)")


@app.command("list")
def tour_list():
    """List the tours, latest date first."""
    from geo.tours.tours import list_tours

    with domain_session() as session:
        for t in list_tours(session):
            typer.echo(f"{t['id']:>4}  {t['date']}  {t['stops']:>2} 站  {t['name']}")


@app.command("create")
def tour_create(
    name: str = typer.Argument(..., help="观摩路线名称"),
    date: str = typer.Option(..., "--date", help="观摩日期 YYYY-MM-DD"),
    by: str = typer.Option(..., "--by", help="the planner (account name) making it, for the audit log"),
    project: list[int] = typer.Option(None, "--project", "-p", help="a project id (repeatable); else the filters'"),
    district: str = typer.Option(None, "--district"),
    cluster: str = typer.Option(None, "--cluster"),
    status: str = typer.Option(None, "--status"),
    light: str = typer.Option(None, "--light", help="green | yellow | red"),
    from_commission: bool = typer.Option(True, "--from-commission/--no-start", help="start at the commission"),
    note: str = typer.Option(None, "--note"),
):
    """Make a tour (stops ordered by straight-line distance, not a road route) and print its stops."""
    from geo.projects.queries import ProjectFilter
    from geo.settings import get_settings
    from geo.tours.tours import COMMISSION, Start, create_tour, select_projects

    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        fail(InvalidInput(f"日期应为 YYYY-MM-DD,收到 {date!r} / date must be YYYY-MM-DD"), 2)
    settings = get_settings()
    try:
        with domain_session() as session:
            actor = planner_actor(session, by)
            ids = project or select_projects(
                session,
                settings=settings,
                filters=ProjectFilter(district=district, cluster=cluster, status=status),
                light=light,
            )
            start = Start(COMMISSION["lon"], COMMISSION["lat"], COMMISSION["label"]) if from_commission else None
            tour = create_tour(
                session,
                settings=settings,
                actor=actor,
                name=name,
                date=day,
                note=note,
                start=start,
                project_ids=list(ids),
            )
    except WarroomError as exc:
        fail(exc, 2)
    typer.echo(f"观摩路线 {tour['id']}:{tour['name']},{len(tour['stops'])} 站,直线合计 {tour['total_km']:.1f} 公里")
    typer.echo(tour["route_note"])
    for s in tour["stops"]:
        typer.echo(f"  {s['seq']:>2}. {s['name']}({s['district']})  +{s['leg_km']:.1f} km")


@app.command("itinerary")
def tour_itinerary(tour_id: int = typer.Argument(...), out: Path = OUT_OPTION):
    """Write the tour's itinerary PDF."""
    from geo.settings import get_settings
    from geo.tours.itinerary import itinerary_pdf

    try:
        with domain_session() as session:
            _save(itinerary_pdf(session, settings=get_settings(), tour_id=tour_id), out)
    except WarroomError as exc:
        fail(exc)


@app.command("scoresheet")
def tour_scoresheet(
    tour_id: int = typer.Argument(...),
    fmt: list[str] = typer.Option(["pdf", "xlsx"], "--format", "-f", help="pdf and/or xlsx"),
    out: Path = OUT_OPTION,
):
    """Write the officials' scoring sheet (PDF and Excel)."""
    from geo.settings import get_settings
    from geo.tours.itinerary import scoresheet

    try:
        with domain_session() as session:
            for f in fmt:
                if f not in ("pdf", "xlsx"):
                    raise InvalidInput(f"格式应为 pdf 或 xlsx,收到 {f!r} / format must be pdf or xlsx")
                _save(scoresheet(session, settings=get_settings(), tour_id=tour_id, fmt=f), out)
    except WarroomError as exc:
        fail(exc)


@app.command("scores")
def tour_score_table(period: str = typer.Argument(..., help="YYYY-MM or YYYY-Qn")):
    """Print each district's weighted tour score for the month or quarter."""
    from geo.periods import monthly, quarterly
    from geo.tours.tours import tour_scores

    try:
        parsed = quarterly(period) if "q" in period.lower() else monthly(period)
        with domain_session() as session:
            scores = tour_scores(session, parsed)
    except WarroomError as exc:
        fail(exc, 2)
    if not scores:
        typer.echo(f"{parsed.label}:没有已评分的观摩 / no scored tour")
    for district, score in scores.items():
        typer.echo(f"{district}\t{score}")
