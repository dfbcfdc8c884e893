"""`warroom plan show | milestone-add | milestone-done`: a project's work plan, as /api/projects/{id}/plan and
/milestones serve and change it (changes audited as the command-line actor)."""

from __future__ import annotations

import datetime as dt

import typer
from rich.console import Console
from rich.table import Table

from api.cli.common import domain_session

app = typer.Typer(help="项目工作计划 / a project's monthly plan, milestones and leader", no_args_is_help=True)
out = Console()


@app.command("show")
def show(
    project_id: int = typer.Argument(..., help="项目 id / project id"),
    year: int | None = typer.Option(None, "--year", help="default WARROOM_PLAN_YEAR"),
) -> None:
    """The monthly plan with its sum against the year plan, the milestones and the leader."""
    from geo.settings import get_settings
    from geo.workplan.leaders import get_leader
    from geo.workplan.milestones import list_milestones
    from geo.workplan.plans import get_plan

    settings = get_settings()
    with domain_session() as session:
        plan = get_plan(session, settings=settings, project_id=project_id, year=year)
        milestones = list_milestones(session, settings=settings, project_id=project_id)
        leader = get_leader(session, project_id=project_id)
    table = Table("月份 month", "计划投资 亿元", "计划进度 %", title=f"{plan['year']} 月度计划 / monthly plan")
    for m in plan["months"]:
        table.add_row(m["month"], str(m["planned_investment"] or ""), str(m["planned_progress"] or ""))
    out.print(table)
    diff = "" if plan["difference"] is None else f",差额 / difference {plan['difference']}"
    out.print(f"合计 / sum {plan['investment_sum']},年度计划 / year plan {plan['year_plan']}{diff}")
    table = Table("id", "节点 milestone", "计划 planned", "完成 done", "责任单位 unit", "逾期天数 overdue")
    for m in milestones:
        table.add_row(
            str(m["id"]),
            m["name"],
            m["planned_date"],
            m["done_date"] or "",
            m["responsible_unit"] or "",
            str(m["overdue_days"]),
        )
    out.print(table)
    out.print(f"分包责任人 / leader: {leader['name'] or '—'} {leader['title'] or ''} {leader['unit'] or ''}")


@app.command("milestone-add")
def milestone_add(
    project_id: int = typer.Argument(..., help="项目 id / project id"),
    name: str = typer.Argument(..., help="节点名称"),
    planned: dt.datetime = typer.Argument(..., formats=["%Y-%m-%d"], help="计划完成日期 YYYY-MM-DD"),
    unit: str | None = typer.Option(None, "--unit", help="责任单位"),
) -> None:
    """Add a milestone."""
    from geo.accounts.principal import cli_principal
    from geo.settings import get_settings
    from geo.workplan.milestones import create_milestone

    fields = {"name": name, "planned_date": planned.date(), "responsible_unit": unit}
    with domain_session() as session:
        made = create_milestone(
            session, settings=get_settings(), actor=cli_principal(), project_id=project_id, fields=fields
        )
    out.print(f"节点 {made['id']} 已添加 / milestone added")


@app.command("milestone-done")
def milestone_done(
    project_id: int = typer.Argument(..., help="项目 id / project id"),
    milestone_id: int = typer.Argument(..., help="节点 id / milestone id"),
    on: dt.datetime = typer.Option(None, "--on", formats=["%Y-%m-%d"], help="完成日期, default today"),
) -> None:
    """Mark a milestone done."""
    from geo.accounts.principal import cli_principal
    from geo.periods import local_today
    from geo.settings import get_settings
    from geo.workplan.milestones import update_milestone

    settings = get_settings()
    done = on.date() if on else local_today(settings.today)
    with domain_session() as session:
        update_milestone(
            session,
            settings=settings,
            actor=cli_principal(),
            project_id=project_id,
            milestone_id=milestone_id,
            change={"done_date": done},
        )
    out.print(f"节点 {milestone_id} 已完成 {done} / milestone done")
