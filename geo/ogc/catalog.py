"""tipg's catalog functions, installed by the owner into schema ogc_catalog, and the app role's rights there.

tipg creates its functions in pg_temp on every new connection; the app role may not create temporary objects
(geo/db/roles.py), so the owner installs them once per upgrade, from the tipg that is installed.
"""

from __future__ import annotations

from importlib.resources import files

from sqlalchemy import Connection, text

from geo.db.roles import quote

SCHEMA = "ogc"  # the published views, and nothing else
CATALOG_SCHEMA = "ogc_catalog"


def install_catalog(conn: Connection) -> None:
    """As the owner: (re)create tipg's catalog functions in ogc_catalog, when the schema exists."""
    if not conn.execute(text("SELECT to_regnamespace(:s) IS NOT NULL"), {"s": CATALOG_SCHEMA}).scalar_one():
        return
    sql = (files("tipg") / "sql" / "dbcatalog.sql").read_text(encoding="utf-8").replace("pg_temp", CATALOG_SCHEMA)
    # Straight to psycopg without parameters: the functions' format() strings hold %I and %L.
    conn.connection.driver_connection.execute(sql)


def grant_ogc(conn: Connection, app: str) -> None:
    """As the owner: the app reads the published views and calls the catalog functions, nothing more."""
    if not conn.execute(text("SELECT to_regnamespace(:s) IS NOT NULL"), {"s": SCHEMA}).scalar_one():
        return
    app_q = quote(app)
    conn.execute(text(f"GRANT USAGE ON SCHEMA {SCHEMA}, {CATALOG_SCHEMA} TO {app_q}"))
    conn.execute(text(f"REVOKE ALL ON ALL TABLES IN SCHEMA {SCHEMA} FROM {app_q}"))
    conn.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA {SCHEMA} TO {app_q}"))
    conn.execute(text(f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {CATALOG_SCHEMA} TO {app_q}"))
