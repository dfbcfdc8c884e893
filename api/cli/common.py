"""What every command shares: the database for one command, domain errors as messages, the console."""

from __future__ import annotations

import logging
import signal
import sys
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from geo.db.engine import open_database
from geo.errors import WarroomError
from geo.settings import get_settings

console = Console()
errors = Console(stderr=True)


def setup_logging() -> None:
    """Log at the configured level; alembic only when it has something to say."""
    settings = get_settings()
    level = settings.log_level.upper()
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    access = logging.getLogger("warroom.access")
    if settings.log_json and not access.handlers:
        # One JSON object a line, nothing around it, for log shippers (each line carries its own time).
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        access.addHandler(handler)
        access.propagate = False


def fail(exc: WarroomError, code: int = 1) -> None:
    """End the command with the error's message and, when it has them, its problems as a table."""
    errors.print(f"[red]错误 / error:[/] {exc.detail}")
    if exc.errors:
        keys = list(dict.fromkeys(k for e in exc.errors for k in e))
        table = Table(title="问题 / problems")
        for key in keys:
            table.add_column(key, overflow="fold")  # fold, never cut: the hint is at the end of the message
        for e in exc.errors[:200]:
            table.add_row(*(str(e.get(k, "")) for k in keys))
        errors.print(table)
    raise typer.Exit(code)


@contextmanager
def database(*, migrate: bool = False):
    """Open the configured database for one command and close it (stopping an embedded cluster we started)."""
    setup_logging()
    try:
        db = open_database(get_settings())
    except WarroomError as exc:
        fail(exc, 2)
    # SIGTERM must unwind through `finally` so the embedded cluster is stopped, as on Ctrl-C.
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        if migrate:
            from geo.db import migrations

            migrations.upgrade_database(db)
        yield db
    finally:
        db.close()
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def domain_session(*, migrate: bool = False):
    """A committed-on-success session; a domain error rolls it back and ends the command with its message."""
    with database(migrate=migrate) as db:
        try:
            with db.session() as session:
                yield session
        except WarroomError as exc:
            fail(exc)


def show_password_once(username: str, password: str) -> None:
    """Print a new password to the terminal only."""
    # Straight to the terminal, never through logging: the password must not end up in a log file.
    typer.secho(
        f"\n  账户 / account: {username}\n  密码 / password: {password}\n"
        "  只显示这一次,请立即保存 / shown this once only: keep it now\n",
        fg=typer.colors.YELLOW,
        bold=True,
    )


def progress_bar() -> Progress:
    """A progress bar for long imports and exports."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def planner_actor(session, by: str):
    """The active planner (or admin) account named `by`, as the actor of a CLI write; else exit saying so."""
    from geo.accounts.principal import Principal
    from geo.accounts.users import find_user
    from geo.errors import Forbidden

    user = find_user(session, by)
    actor = (
        None
        if user is None or not user.active
        else Principal(
            user_id=user.id,
            username=user.username,
            display_name=user.display_name,
            role=user.role,
            via="cli",
            address="localhost",
        )
    )
    if actor is None or not actor.has_role("planner"):
        fail(Forbidden(f"“{by}”不是在用的规划人员账户 / {by!r} is not an active planner (or admin) account"))
    return actor
