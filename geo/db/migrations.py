"""Schema migrations through Alembic, on the app's own engine."""

from __future__ import annotations

from alembic.config import Config
from sqlalchemy import Engine

from alembic import command
from geo.settings import PROJECT_ROOT


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Leave PostGIS's own tables (spatial_ref_sys) out of autogenerate comparisons."""
    return not (type_ == "table" and name == "spatial_ref_sys")


def alembic_config() -> Config:
    """An Alembic config pointing at alembic/ in the project."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database up to revision."""
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


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
