"""`warroom assess …`: the assessment (考核) league table, one unit's breakdown and the Excel, as /api/assessment
serves them (the same geo.assessment functions)."""

from __future__ import annotations

from pathlib import Path

import typer

from api.cli.common import domain_session

app = typer.Typer(help="考核排名 / the assessment of districts and lead departments", no_args_is_help=True)

PERIOD = typer.Option(None, help="YYYY-MM or YYYY-Qn (default 最新, the latest closed month)")
KIND = typer.Option("district", help="district | department")


def _num(value) -> str:
    return "无数据" if value is None else f"{value:.2f}"


@app.command("league")
def league_command(period: str = PERIOD, kind: str = KIND):
    """Print the league table with movement, the 红黑榜 and the weights, as GET /api/assessment does."""
    from geo.assessment.league import league, parse_period
    from geo.settings import get_settings

    settings = get_settings()
    with domain_session() as session:
        data = league(session, settings=settings, kind=kind, period=parse_period(period, session, settings))
    typer.echo(f"{data['title']} ({data['period']}) 考核排名,较上期 {data['previous_period']}")
    for u in data["units"]:
        typer.echo(f"{u['rank'] or '—':>3}  {_num(u['score']):>7}  {u['movement']:<3}  {u['name']}")
    typer.echo(f"红榜: {'、'.join(data['red'])}   黑榜: {'、'.join(data['black'])}")
    typer.echo("权重: " + "、".join(f"{w['name']} {w['weight']:g}" for w in data["weights"]))


@app.command("unit")
def unit_command(name: str = typer.Argument(..., help="区市 or 部门 name"), period: str = PERIOD, kind: str = KIND):
    """Print one unit's breakdown per criterion and its 12-month trend, as GET /api/assessment/{kind}/{name} does."""
    from geo.assessment.league import parse_period, unit_detail
    from geo.settings import get_settings

    settings = get_settings()
    with domain_session() as session:
        u = unit_detail(
            session, settings=settings, kind=kind, name=name, period=parse_period(period, session, settings)
        )
    typer.echo(f"{u['name']} {u['period']}: {_num(u['score'])} 分, 第 {u['rank']} 名, 较上期 {u['movement']}")
    for c in u["criteria"]:
        if c["no_data"]:
            typer.echo(f"  {c['name']:<10} 无数据          权重 {c['weight']:g}")
        else:
            typer.echo(
                f"  {c['name']:<10} {c['raw']:>7.2f}% ({c['num']:g}/{c['den']:g})  得分 {c['score']:.2f}  "
                f"权重 {c['weight']:g} → {c['effective_weight']:.2f}  加权 {c['points']:.2f}"
            )
    typer.echo("走势: " + "  ".join(f"{p['month']} {_num(p['score'])}" for p in u["trend"]))


@app.command("export")
def export_command(out: Path = typer.Argument(..., help="the .xlsx to write"), period: str = PERIOD, kind: str = KIND):
    """Write the league table, every breakdown and the weights as Excel, as GET /api/assessment.xlsx does."""
    from geo.assessment.league import league_xlsx, parse_period
    from geo.settings import get_settings

    settings = get_settings()
    with domain_session() as session:
        file = league_xlsx(session, settings=settings, kind=kind, period=parse_period(period, session, settings))
    out.write_bytes(file.data)
    typer.echo(f"已写出 / written: {out}")
