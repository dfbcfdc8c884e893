"""`warroom serve` and `warroom seed`: the server, and the seed data it starts with."""

from __future__ import annotations

import typer

from api.cli.common import database, show_password_once
from geo.db.engine import Database
from geo.settings import get_settings


def prepare(db: Database, *, migrate: bool, seed: bool) -> None:
    """Migrate (or refuse an old schema), seed an empty database and create the first admin."""
    from geo.accounts.principal import cli_principal
    from geo.accounts.users import ensure_first_admin
    from geo.db import migrations
    from geo.demo.seed import is_seeded, seed_all

    if migrate:
        migrations.upgrade_database(db)
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
                session.commit()
                migrations.analyze(db)
                typer.echo(
                    f"已载入种子数据 / seed loaded: {summary['projects']} projects, "
                    f"{summary['investment_total']} 亿元 total, {summary['investment_year']} 亿元 this year"
                )
            password = ensure_first_admin(session, actor=cli_principal())
        if password:
            typer.echo("已创建第一个管理员账户 / created the first admin account")
            show_password_once("admin", password)


def serve(
    host: str = typer.Option(None, help="listen address (default from WARROOM_HOST, 127.0.0.1)"),
    port: int = typer.Option(None, help="port (default from WARROOM_PORT, 8000)"),
    migrate: bool = typer.Option(False, "--migrate", help="apply migrations before serving"),
    seed: bool = typer.Option(False, "--seed", help="load the seed data when the database is empty"),
    workers: int = typer.Option(
        1, "--workers", min=1, max=64, help="worker processes (uvicorn's); about one per core, see the README"
    ),
):
    """Serve the map and API; with no DATABASE_URL, run the embedded PostGIS for as long as the server runs."""
    import os
    import shutil

    import uvicorn

    from api.app import create_app

    settings = get_settings()
    with database() as db:
        prepare(db, migrate=migrate, seed=seed)
        url = f"http://{host or settings.host}:{port or settings.port}"
        typer.secho(f"威海挂图作战地图 / war-room map: {url} ({workers} worker(s))", fg=typer.colors.GREEN)
        common = dict(
            host=host or settings.host,
            port=port or settings.port,
            log_level=settings.log_level.lower(),
            access_log=False,  # api/observe.py writes the access log, with the request id
            proxy_headers=True,  # X-Forwarded-For/-Proto from FORWARDED_ALLOW_IPS (default 127.0.0.1)
        )
        if workers == 1:
            uvicorn.run(create_app(settings, db), **common)
            return
        # Each worker keeps its metrics in files here, so that one scrape sums them all.
        metrics_dir = settings.var_dir / f"prometheus-{os.getpid()}"
        shutil.rmtree(metrics_dir, ignore_errors=True)
        metrics_dir.mkdir(parents=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
        try:
            uvicorn.run("api.app:create_worker_app", factory=True, workers=workers, **common)
        finally:
            shutil.rmtree(metrics_dir, ignore_errors=True)


def seed(
    demo_projects: int = typer.Option(
        116, "--demo-projects", min=0, max=200_000, help="number of generated demo projects (116 matches the plan)"
    ),
):
    """Load or refresh the boundaries, clusters and demo projects (idempotent)."""
    from geo.db import migrations
    from geo.demo.seed import seed_all

    with database(migrate=True) as db:
        with db.session() as session:
            summary = seed_all(session, demo_projects=demo_projects)
        migrations.analyze(db)
    typer.echo(
        f"projects: {summary['projects']} (demo {summary['demo_projects']}), "
        f"total {summary['investment_total']} 亿元, this year {summary['investment_year']} 亿元"
    )
    if "demo_tasks" in summary:
        typer.echo(f"key tasks: {summary['demo_tasks']} demo (72 + 83), {summary['demo_task_reports']} monthly reports")
