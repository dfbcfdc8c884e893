"""Migrations run both ways on an empty database."""

from sqlalchemy import inspect

from geo.db import migrations
from geo.db.engine import make_engine
from tests.conftest import fresh_database

TABLES = {"districts", "zones", "bases", "industry_clusters", "projects", "photos"}


def test_upgrade_downgrade_upgrade(cluster):
    engine = make_engine(fresh_database(cluster, "warroom_migrations"))
    try:
        migrations.upgrade(engine)
        assert migrations.current(engine) is not None
        assert TABLES <= set(inspect(engine).get_table_names())
        indexes = {i["name"] for i in inspect(engine).get_indexes("projects")}
        assert "idx_projects_geom" in indexes

        migrations.downgrade(engine)
        assert migrations.current(engine) is None
        assert not TABLES & set(inspect(engine).get_table_names())

        migrations.upgrade(engine)
        assert TABLES <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_models_match_the_migrated_schema(engine):
    """The ORM models and the hand-written migrations describe the same tables, columns and indexes."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from geo.db.migrations import include_object
    from geo.db.models import Base

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include_object})
        assert compare_metadata(context, Base.metadata) == []
