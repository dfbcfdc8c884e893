"""Alembic environment: runs on a connection handed over by geo.db.migrations, or opens the database as owner."""

from alembic import context
from geo.db.migrations import include_object
from geo.db.models import Base

target_metadata = Base.metadata


def run_migrations(connection) -> None:
    """Run migrations on one connection in one transaction."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=include_object,
        transaction_per_migration=False,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    from geo.db import roles
    from geo.db.engine import open_database
    from geo.settings import get_settings

    db = open_database(get_settings())
    try:
        app_role = db.app_role()
        with db.owner_engine.begin() as conn:
            run_migrations(conn)
            if app_role:
                roles.grant_app(conn, app_role)
    finally:
        db.close()
