"""`warroom db upgrade | downgrade | current`: schema migrations."""

from __future__ import annotations

import typer

from api.cli.common import database
from geo.db import migrations

app = typer.Typer(help="数据库迁移 / schema migrations", no_args_is_help=True)


@app.command("upgrade")
def upgrade(revision: str = typer.Argument("head")):
    """Migrate the schema up."""
    with database() as db:
        migrations.upgrade_database(db, revision)
        typer.echo(f"database at {migrations.current(db.engine)}")


@app.command("downgrade")
def downgrade(revision: str = typer.Argument("base")):
    """Migrate the schema down (default: to an empty schema)."""
    with database() as db:
        migrations.downgrade(db.owner_engine, revision)
        typer.echo(f"database at {migrations.current(db.engine)}")


@app.command("current")
def current():
    """Print the schema revision."""
    with database() as db:
        typer.echo(migrations.current(db.engine) or "base (empty)")
