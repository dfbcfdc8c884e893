"""`warroom user add | list | disable | reset-password | sessions | sign-out`: accounts, as /api/users manages them."""

from __future__ import annotations

import typer

from api.cli.common import domain_session, show_password_once
from geo.accounts.principal import cli_principal
from geo.accounts.sessions import end_other_sessions, end_session, list_sessions
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


@app.command("sessions")
def sessions(username: str = typer.Argument(...)):
    """List an account's live sign-in sessions: id, signed in, last used, address, browser."""
    with domain_session(migrate=True) as session:
        live = list_sessions(session, user_id=_user_id(session, username))
    for one in live:
        seen = one["last_seen_at"] or one["created_at"]
        typer.echo(
            f"{one['id']:>5}  {one['created_at'][:16]}  {seen[:16]}  {one['address'] or '-':<15} {one['user_agent']}"
        )
    if not live:
        typer.echo(f"{username} 没有有效的登录会话 / has no live session")


@app.command("sign-out")
def sign_out(
    username: str = typer.Argument(...),
    session_id: int = typer.Option(None, "--session", help="only this session (see `warroom user sessions`)"),
):
    """End an account's sign-in sessions (all of them, or one with --session); its tokens stay."""
    with domain_session(migrate=True) as session:
        user_id = _user_id(session, username)
        if session_id is None:
            ended = end_other_sessions(session, actor=cli_principal(), user_id=user_id)
        else:
            ended = [end_session(session, actor=cli_principal(), session_id=session_id, user_id=user_id)]
    typer.echo(f"已结束 {len(ended)} 个登录会话 / ended {len(ended)} session(s) of {username}")
