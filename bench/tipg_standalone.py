"""tipg 1.6.1 on its own (its stock app, tipg.main), for bench/ogc.py's same-run baseline.

Usage: python bench/tipg_standalone.py PORT DSN — the stock app reads PostgresSettings, whose DSN type cannot hold
the embedded cluster's unix socket, so only the pool's DSN is given here; everything else is tipg's defaults.
"""

from __future__ import annotations

import sys
from contextlib import asynccontextmanager

import uvicorn
from tipg import main
from tipg.collections import register_collection_catalog
from tipg.database import close_db_connection, connect_to_db
from tipg.settings import PostgresSettings


@asynccontextmanager
async def lifespan(app):
    """tipg.main's lifespan with the DSN given on the command line."""
    settings = PostgresSettings.model_construct(
        database_url=sys.argv[2],
        db_min_conn_size=1,
        db_max_conn_size=10,
        db_max_queries=50000,
        db_max_inactive_conn_lifetime=300,
    )
    await connect_to_db(
        app, schemas=main.db_settings.schemas, tipg_schema=main.db_settings.tipg_schema, settings=settings
    )
    await register_collection_catalog(app, db_settings=main.db_settings)
    yield
    await close_db_connection(app)


if __name__ == "__main__":
    main.app.router.lifespan_context = lifespan
    uvicorn.run(main.app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
