"""`warroom user add | list | disable | reset-password`: accounts, as /api/users manages them."""

from __future__ import annotations

import typer

from api.cli.common import domain_session, show_password_once
from geo.accounts.principal import cli_principal
from geo.accounts.users import create_user, find_user, list_users, reset_password, update_user
from geo.errors import NotFound

app = typer.Typer(help="账户 / accounts", no_args_is_help=True)


def _user_id(session, username: str) -> int:
    user = find_user(session, username)
    if user is None:
        raise NotFound(f"没有用户“{username}” / no user {username!r}")
    return user.id


@app.command("add")
def add(
    username: str = typer.Argument(..., help="login name"),
    role: str = typer.Option("viewer", help="viewer | reporter | dept_reporter | planner | admin"),
    district: str = typer.Option(None, help="区市 the reporter reports for, e.g. 乳山市"),
    department: str = typer.Option(None, help="部门 a department reporter reports for, e.g. 市商务局"),
    display_name: str = typer.Option(None, "--display-name", help="name shown in the app and the audit log"),
):
    """Create an account with a random password, printed once."""
    with domain_session(migrate=True) as session:
        user, password = create_user(
            session,
            actor=cli_principal(),
            username=username,
            display_name=display_name,
            role=role,
            district=district,
            department=department,
        )
    typer.echo(f"已创建 / created: {user['username']} ({user['role_name']} {user['district'] or ''})".rstrip())
    show_password_once(user["username"], password)


@app.command("list")
def list_accounts():
    """List the accounts."""
    with domain_session(migrate=True) as session:
        users = list_users(session)
    for u in users:
        state = "active" if u["active"] else "DISABLED"
        typer.echo(
            f"{u['id']:>4}  {u['username']:<20} {u['role']:<9} {u['district'] or '-':<6} {state:<8} {u['display_name']}"
        )


@app.command("disable")
def disable(username: str = typer.Argument(...)):
    """Disable an account: its sessions and API tokens stop at once."""
    with domain_session(migrate=True) as session:
        update_user(session, actor=cli_principal(), user_id=_user_id(session, username), active=False)
    typer.echo(f"已停用 / disabled: {username}")


@app.command("reset-password")
def reset(username: str = typer.Argument(...)):
    """Give an account a new random password, printed once, and end its sessions."""
    with domain_session(migrate=True) as session:
        user, password = reset_password(session, actor=cli_principal(), user_id=_user_id(session, username))
    show_password_once(user["username"], password)
