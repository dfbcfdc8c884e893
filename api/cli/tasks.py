"""`warroom tasks …` and `warroom departments …`: the key task register and the departments, as /api/tasks and
/api/departments serve them (the same geo.tasks functions)."""

from __future__ import annotations

import typer

from api.cli.common import domain_session
from geo.accounts.principal import cli_principal
from geo.enums import LIGHTS, TASK_CATEGORIES, TASK_SOURCES, TASK_STATUSES

app = typer.Typer(help="重点任务 / the key tasks", no_args_is_help=True)
departments_app = typer.Typer(help="部门名录 / city departments", no_args_is_help=True)

_NAMES = {x.code: x.name for group in (TASK_SOURCES, TASK_CATEGORIES, TASK_STATUSES, LIGHTS) for x in group}


@app.command("list")
def list_command(
    source: str = typer.Option(None, help="province | city"),
    category: str = typer.Option(None, help="planning | projects | policy | promotion | cluster_plan | …"),
    department: str = typer.Option(None, help="lead department: name, former name or code"),
    district: str = typer.Option(None, help="区市"),
    status: str = typer.Option(None, help="not_started | in_progress | completed | lagging"),
    light: str = typer.Option(None, help="green | yellow | red"),
    q: str = typer.Option(None, help="title, code or department contains"),
    month: str = typer.Option(None, help="YYYY-MM (default 最新)"),
):
    """List the tasks, as GET /api/tasks does."""
    from geo.periods import parse_month
    from geo.settings import get_settings
    from geo.tasks.register import TaskFilter, list_tasks

    filters = TaskFilter(
        source=source, category=category, department=department, district=district, status=status, light=light, q=q
    )
    with domain_session() as session:
        answer = list_tasks(session, settings=get_settings(), filters=filters, month=parse_month(month))
    for t in answer["tasks"]:
        typer.echo(
            f"{t['code']}  {_NAMES[t['source']]}  {_NAMES[t['category']]:<10} {_NAMES[t['status']]:<4} "
            f"{_NAMES[t['light']]}  {t['deadline']}  {t['lead']['name']}  {t['title']}"
        )
    typer.echo(f"{len(answer['tasks'])} 项 / tasks, {answer['month']}")


@departments_app.command("list")
def departments_list():
    """List the departments, as GET /api/departments does."""
    from geo.tasks.departments import list_departments

    with domain_session() as session:
        for d in list_departments(session):
            alias = f"(原{d['alias']})" if d["alias"] else ""
            typer.echo(f"{d['id']:>3}  {d['code']:<6} {d['name']}{alias}  牵头 {d['leads']} 配合 {d['cooperates']}")


@departments_app.command("add")
def departments_add(
    code: str = typer.Argument(..., help="short code, e.g. SWJ"),
    name: str = typer.Argument(..., help="部门名称"),
    alias: str = typer.Option(None, help="曾用名"),
):
    """Add a department (audited), as POST /api/departments does."""
    from geo.tasks.departments import create_department

    with domain_session() as session:
        d = create_department(session, actor=cli_principal(), code=code, name=name, alias=alias)
    typer.echo(f"已新增 / added: {d['id']} {d['name']}")


@departments_app.command("rename")
def departments_rename(
    department: str = typer.Argument(..., help="id, code or current name"),
    name: str = typer.Argument(..., help="新名称; the old name becomes the alias"),
):
    """Rename a department (audited), as PATCH /api/departments/{id} does."""
    from geo.tasks.departments import find_department, update_department

    with domain_session() as session:
        found = find_department(session, department)
        d = update_department(session, actor=cli_principal(), department_id=found["id"], name=name)
    typer.echo(f"已修改 / renamed: {d['name']}(原{d['alias']})")
