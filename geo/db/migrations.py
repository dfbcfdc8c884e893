"""Schema migrations through Alembic, on the owner role's engine, then the app role's grants."""

from __future__ import annotations

from typing import TYPE_CHECKING

from alembic.config import Config
from sqlalchemy import Engine

from alembic import command
from geo.db import roles
from geo.ogc.catalog import grant_ogc, install_catalog
from geo.settings import PROJECT_ROOT

if TYPE_CHECKING:
    from geo.db.engine import Database


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Leave PostGIS's own tables (spatial_ref_sys) out of autogenerate comparisons."""
    return not (type_ == "table" and name == "spatial_ref_sys")


def alembic_config() -> Config:
    """An Alembic config pointing at alembic/ in the project."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    return config


def upgrade(engine: Engine, revision: str = "head", *, app_role: str | None = None) -> None:
    """Migrate the database up to revision (as its owner); then grant `app_role` row privileges, when given."""
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
        install_catalog(conn)
        if app_role:
            roles.grant_app(conn, app_role)
            grant_ogc(conn, app_role)


def upgrade_database(db: Database, revision: str = "head") -> None:
    """Migrate as the owner role and grant the app's role what it needs (and no more)."""
    upgrade(db.owner_engine, revision, app_role=db.app_role())
    if db.owner_engine is not db.engine:
        db.owner_engine.dispose()  # a serving process keeps no connection of the owner's open


def analyze(db: Database) -> None:
    """Refresh the planner's statistics as the owner (only a table's owner may), e.g. after a bulk seed or import."""
    # Without statistics the state SQL's latest-report lookup walks the month index instead of (project, month):
    # /api/projects at 10,000 projects took 18 s instead of 0.3 s until autovacuum came round.
    with db.owner_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE")
    if db.owner_engine is not db.engine:
        db.owner_engine.dispose()


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Migrate the database down to revision."""
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)


def current(engine: Engine) -> str | None:
    """The revision the database is at."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head() -> str | None:
    """The newest revision in alembic/versions."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()
