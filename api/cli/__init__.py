"""The `warroom` command: serve the map, migrate the schema, load seed data."""

from __future__ import annotations

import logging
import signal
import sys
from contextlib import contextmanager
from pathlib import Path

import typer

from geo.db.engine import Database, open_database
from geo.errors import WarroomError
from geo.settings import get_settings

app = typer.Typer(help="威海新旧动能转换挂图作战 / Weihai war-room map", no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="数据库迁移 / schema migrations", no_args_is_help=True)
app.add_typer(db_app, name="db")
user_app = typer.Typer(help="账户 / accounts", no_args_is_help=True)
app.add_typer(user_app, name="user")
report_app = typer.Typer(help="工作简报 / monthly and quarterly bulletins (PDF and Excel)", no_args_is_help=True)
app.add_typer(report_app, name="report")
photos_app = typer.Typer(help="现场照片 / site photos", no_args_is_help=True)
app.add_typer(photos_app, name="photos")


def _setup_logging() -> None:
    level = get_settings().log_level.upper()
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)


@contextmanager
def database():
    """Open the configured database for one command and close it (stopping an embedded cluster we started)."""
    _setup_logging()
    try:
        db = open_database(get_settings())
    except WarroomError as exc:
        typer.secho(f"错误 / error: {exc.detail}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    # SIGTERM must unwind through `finally` so the embedded cluster is stopped, as on Ctrl-C.
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        yield db
    finally:
        db.close()
        signal.signal(signal.SIGTERM, previous)


def _show_password_once(username: str, password: str) -> None:
    # Straight to the terminal, never through logging: the password must not end up in a log file.
    typer.secho(
        f"\n  账户 / account: {username}\n  密码 / password: {password}\n"
        "  只显示这一次,请立即保存 / shown this once only: keep it now\n",
        fg=typer.colors.YELLOW,
        bold=True,
    )


def _prepare(db: Database, *, migrate: bool, seed: bool) -> None:
    from geo.accounts.principal import cli_principal
    from geo.accounts.users import ensure_first_admin
    from geo.db import migrations
    from geo.demo.seed import is_seeded, seed_all

    if migrate:
        migrations.upgrade(db.engine)
    elif migrations.current(db.engine) != migrations.head():
        typer.secho(
            "数据库结构不是最新的,请先运行 `warroom db upgrade`(或 `warroom serve --migrate`)/ "
            "the database schema is not up to date: run `warroom db upgrade` first",
            fg=typer.colors.RED,
            err=True,
        )
        raise typer.Exit(2)
    if seed:
        with db.session() as session:
            if not is_seeded(session):
                summary = seed_all(session)
                typer.echo(
                    f"已载入种子数据 / seed loaded: {summary['projects']} projects, "
                    f"{summary['investment_total']} 亿元 total, {summary['investment_year']} 亿元 this year"
                )
            password = ensure_first_admin(session, actor=cli_principal())
        if password:
            typer.echo("已创建第一个管理员账户 / created the first admin account")
            _show_password_once("admin", password)


@app.command()
def serve(
    host: str = typer.Option(None, help="listen address (default from WARROOM_HOST, 127.0.0.1)"),
    port: int = typer.Option(None, help="port (default from WARROOM_PORT, 8000)"),
    migrate: bool = typer.Option(False, "--migrate", help="apply migrations before serving"),
    seed: bool = typer.Option(False, "--seed", help="load the seed data when the database is empty"),
):
    """Serve the map and API; with no DATABASE_URL, run the embedded PostGIS for as long as the server runs."""
    import uvicorn

    from api.app import create_app

    settings = get_settings()
    with database() as db:
        _prepare(db, migrate=migrate, seed=seed)
        url = f"http://{host or settings.host}:{port or settings.port}"
        typer.secho(f"威海挂图作战地图 / war-room map: {url}", fg=typer.colors.GREEN)
        uvicorn.run(
            create_app(settings, db),
            host=host or settings.host,
            port=port or settings.port,
            log_level=settings.log_level.lower(),
        )


@app.command("seed")
def seed_command(
    demo_projects: int = typer.Option(
        116,
        "--demo-projects",
        min=0,
        max=200_000,
        help="number of generated demo projects (116 matches the plan's totals)",
    ),
):
    """Load or refresh the boundaries, clusters and demo projects (idempotent)."""
    from geo.db import migrations
    from geo.demo.seed import seed_all

    with database() as db:
        migrations.upgrade(db.engine)
        with db.session() as session:
            summary = seed_all(session, demo_projects=demo_projects)
    typer.echo(
        f"projects: {summary['projects']} (demo {summary['demo_projects']}), "
        f"total {summary['investment_total']} 亿元, this year {summary['investment_year']} 亿元"
    )


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head")):
    """Migrate the schema up."""
    from geo.db import migrations

    with database() as db:
        migrations.upgrade(db.engine, revision)
        typer.echo(f"database at {migrations.current(db.engine)}")


@db_app.command("downgrade")
def db_downgrade(revision: str = typer.Argument("base")):
    """Migrate the schema down (default: to an empty schema)."""
    from geo.db import migrations

    with database() as db:
        migrations.downgrade(db.engine, revision)
        typer.echo(f"database at {migrations.current(db.engine)}")


@db_app.command("current")
def db_current():
    """Print the schema revision."""
    from geo.db import migrations

    with database() as db:
        typer.echo(migrations.current(db.engine) or "base (empty)")


@user_app.command("add")
def user_add(
    username: str = typer.Argument(..., help="login name"),
    role: str = typer.Option("viewer", help="viewer | reporter | planner | admin"),
    district: str = typer.Option(None, help="区市 the reporter reports for, e.g. 乳山市"),
    display_name: str = typer.Option(None, "--display-name", help="name shown in the app and the audit log"),
):
    """Create an account with a random password, printed once."""
    from geo.accounts.principal import cli_principal
    from geo.accounts.users import create_user

    with _account_command() as session:
        user, password = create_user(
            session, actor=cli_principal(), username=username, display_name=display_name, role=role, district=district
        )
    typer.echo(f"已创建 / created: {user['username']} ({user['role_name']} {user['district'] or ''})".rstrip())
    _show_password_once(user["username"], password)


@user_app.command("list")
def user_list():
    """List the accounts."""
    from geo.accounts.users import list_users

    with _account_command() as session:
        users = list_users(session)
    for u in users:
        state = "active" if u["active"] else "DISABLED"
        typer.echo(
            f"{u['id']:>4}  {u['username']:<20} {u['role']:<9} {u['district'] or '-':<6} {state:<8} {u['display_name']}"
        )


@user_app.command("disable")
def user_disable(username: str = typer.Argument(...)):
    """Disable an account: its sessions and API tokens stop at once."""
    from geo.accounts.principal import cli_principal
    from geo.accounts.users import update_user

    with _account_command() as session:
        update_user(session, actor=cli_principal(), user_id=_user_id(session, username), active=False)
    typer.echo(f"已停用 / disabled: {username}")


@user_app.command("reset-password")
def user_reset_password(username: str = typer.Argument(...)):
    """Give an account a new random password, printed once, and end its sessions."""
    from geo.accounts.principal import cli_principal
    from geo.accounts.users import reset_password

    with _account_command() as session:
        user, password = reset_password(session, actor=cli_principal(), user_id=_user_id(session, username))
    _show_password_once(user["username"], password)


@contextmanager
def _account_command():
    """A migrated database session for an account command; domain errors end the command with their message."""
    from geo.db import migrations

    with database() as db:
        migrations.upgrade(db.engine)
        try:
            with db.session() as session:
                yield session
        except WarroomError as exc:
            typer.secho(f"错误 / error: {exc.detail}", fg=typer.colors.RED, err=True)
            raise typer.Exit(1) from None


def _user_id(session, username: str) -> int:
    from geo.accounts.users import find_user
    from geo.errors import NotFound

    user = find_user(session, username)
    if user is None:
        raise NotFound(f"没有用户“{username}” / no user {username!r}")
    return user.id


def _write_bulletin(period_of, raw: str, formats: list[str], out_dir: Path) -> None:
    from geo.bulletin.render import render_bulletin

    try:
        period = period_of(raw)
    except WarroomError as exc:
        typer.secho(f"错误 / error: {exc.detail}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    with database() as db, db.session() as session:
        out_dir.mkdir(parents=True, exist_ok=True)
        for fmt in formats:
            try:
                bulletin = render_bulletin(session, settings=get_settings(), period=period, fmt=fmt)
            except WarroomError as exc:
                typer.secho(f"错误 / error: {exc.detail}", fg=typer.colors.RED, err=True)
                raise typer.Exit(2) from None
            target = out_dir / bulletin.filename
            partial = target.with_suffix(target.suffix + ".part")
            partial.write_bytes(bulletin.data)
            partial.replace(target)  # never leave a half-written bulletin under the final name
            typer.echo(f"{target} ({len(bulletin.data):,} bytes)")


FORMAT_OPTION = typer.Option(["pdf", "xlsx"], "--format", "-f", help="pdf and/or xlsx (repeatable)")
OUT_OPTION = typer.Option(Path("."), "--out", "-o", help="directory to write into")


@report_app.command("monthly")
def report_monthly(
    month: str = typer.Argument(..., help="YYYY-MM, e.g. 2026-10"),
    fmt: list[str] = FORMAT_OPTION,
    out: Path = OUT_OPTION,
):
    """Write the month's bulletin (工作简报) as PDF and Excel."""
    from geo.periods import monthly

    _write_bulletin(monthly, month, fmt, out)


@report_app.command("quarterly")
def report_quarterly(
    quarter: str = typer.Argument(..., help="YYYY-Qn, e.g. 2026-Q3"),
    fmt: list[str] = FORMAT_OPTION,
    out: Path = OUT_OPTION,
):
    """Write the quarter's bulletin (季度通报) as PDF and Excel."""
    from geo.periods import quarterly

    _write_bulletin(quarterly, quarter, fmt, out)


@photos_app.command("check")
def photos_check():
    """Report photo files without rows and rows without files (exit 1 when any)."""
    from geo.photos.queries import check_store

    settings = get_settings()
    with database() as db, db.session() as session:
        report = check_store(session, settings=settings)
    typer.echo(f"照片 / photos: {report['rows']} rows in the database, files under {settings.photo_dir}")
    for path in report["files_without_rows"]:
        typer.echo(f"  无记录的文件 / file without row: {path}")
    for m in report["rows_without_files"]:
        typer.echo(f"  缺少文件 / row without file: {m['sha256']} {m['kind']} ({m['path']})")
    problems = len(report["files_without_rows"]) + len(report["rows_without_files"])
    typer.echo("一切正常 / all consistent" if not problems else f"发现 {problems} 处不一致 / {problems} problems")
    raise typer.Exit(1 if problems else 0)


from api.cli.planner import register as _register_planner  # noqa: E402  (needs `app` and `database` above)

_register_planner(app)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
