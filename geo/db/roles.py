"""The two database roles: the owner, who migrates, and the app, who may only read and write rows.

The app's own connection must not be able to undo what protects the data: it owns no table (so it cannot ALTER,
DROP or DISABLE TRIGGER), cannot CREATE in the schema or make temporary objects, and may only INSERT and SELECT on
the append-only tables. The owner grants this after every upgrade, so tables added by later migrations are covered.
"""

from __future__ import annotations

import logging

from psycopg import sql
from sqlalchemy import Connection, Engine, text

log = logging.getLogger("warroom.db")

SCHEMA = "public"
# The app adds rows and reads them; changing or removing one is refused by privilege as well as by trigger.
APPEND_ONLY = ("audit_log",)
# The schema's revision is the owner's to change; the app reads it to refuse an old schema. The data's version is
# moved only by the owner's trigger function (migration 0019), so the app cannot fake or stall it.
READ_ONLY = ("alembic_version", "data_version")
APP_TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
OWNED_SCHEMAS = ("ogc", "ogc_catalog")  # besides public: the views /ogc/ publishes and tipg's catalog functions


def quote(name: str) -> str:
    """A role, table or database name quoted as an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def bootstrap_statements(database: str, owner: str, app: str) -> list[str]:
    """What a superuser runs in `database` (roles already made) so `owner` migrates and `app` can do no DDL."""
    db, owner_q, app_q = quote(database), quote(owner), quote(app)
    return [
        f"ALTER DATABASE {db} OWNER TO {owner_q}",
        # PostgreSQL < 15 lets every role create in public; temporary tables and pg_temp functions are DDL too.
        f"REVOKE CREATE ON SCHEMA {SCHEMA} FROM PUBLIC",
        f"REVOKE TEMPORARY ON DATABASE {db} FROM PUBLIC",
        f"GRANT USAGE, CREATE ON SCHEMA {SCHEMA} TO {owner_q}",
        f"GRANT CONNECT ON DATABASE {db} TO {app_q}",
        f"GRANT USAGE ON SCHEMA {SCHEMA} TO {app_q}",
    ]


def ensure_login_role(conn, role: str, password: str | None = None) -> None:
    """Create a login role with no special powers when missing (psycopg autocommit connection, as a superuser)."""
    exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
    verb = "ALTER" if exists else "CREATE"
    statement = sql.SQL(verb + " ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS").format(
        sql.Identifier(role)
    )
    if password is not None:
        statement = statement + sql.SQL(" PASSWORD {}").format(sql.Literal(password))
    conn.execute(statement)


def hand_over(conn, database: str, owner: str, app: str) -> None:
    """As a superuser in `database`: give `owner` the database and the schema's objects, set both roles' rights."""
    # The objects moved are those of the old layout, made by the superuser before the two roles existed.
    for statement in bootstrap_statements(database, owner, app):
        conn.execute(statement)
    # Objects of an extension (PostGIS's spatial_ref_sys, its functions) stay the superuser's.
    not_extension = "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = o.oid AND d.deptype = 'e')"
    tables = conn.execute(
        f"""SELECT o.relname, o.relkind FROM pg_class o
            WHERE o.relnamespace = %s::regnamespace AND o.relkind IN ('r', 'p', 'v', 'm', 'f')
              AND o.relowner <> %s::regrole AND {not_extension}""",
        (SCHEMA, owner),
    ).fetchall()
    kinds = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW", "f": "FOREIGN TABLE"}
    for name, kind in tables:
        conn.execute(f"ALTER {kinds[kind]} {SCHEMA}.{quote(name)} OWNER TO {quote(owner)}")
    # Sequences of serial and identity columns moved with their tables; only free-standing ones are left.
    for (name,) in conn.execute(
        f"""SELECT o.relname FROM pg_class o WHERE o.relnamespace = %s::regnamespace AND o.relkind = 'S'
              AND o.relowner <> %s::regrole AND {not_extension}""",
        (SCHEMA, owner),
    ).fetchall():
        conn.execute(f"ALTER SEQUENCE {SCHEMA}.{quote(name)} OWNER TO {quote(owner)}")
    for (signature,) in conn.execute(
        f"""SELECT o.oid::regprocedure::text FROM pg_proc o
            WHERE o.pronamespace = %s::regnamespace AND o.proowner <> %s::regrole AND {not_extension}""",
        (SCHEMA, owner),
    ).fetchall():
        conn.execute(f"ALTER ROUTINE {signature} OWNER TO {quote(owner)}")
    for (name,) in conn.execute(
        f"""SELECT o.typname FROM pg_type o
            WHERE o.typnamespace = %s::regnamespace AND o.typtype IN ('e', 'd', 'r')
              AND o.typowner <> %s::regrole AND {not_extension}""",
        (SCHEMA, owner),
    ).fetchall():
        conn.execute(f"ALTER TYPE {SCHEMA}.{quote(name)} OWNER TO {quote(owner)}")
    # The /ogc/ schemas (migration 0019) with their views and tipg's functions: the owner's as a whole.
    for schema in OWNED_SCHEMAS:
        if conn.execute("SELECT to_regnamespace(%s)", (schema,)).fetchone()[0] is None:
            continue
        conn.execute(f"ALTER SCHEMA {quote(schema)} OWNER TO {quote(owner)}")
        for (name,) in conn.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = %s::regnamespace AND relkind = 'v'", (schema,)
        ).fetchall():
            conn.execute(f"ALTER VIEW {quote(schema)}.{quote(name)} OWNER TO {quote(owner)}")
        for (signature,) in conn.execute(
            "SELECT oid::regprocedure::text FROM pg_proc WHERE pronamespace = %s::regnamespace", (schema,)
        ).fetchall():
            conn.execute(f"ALTER ROUTINE {signature} OWNER TO {quote(owner)}")


def grant_app(conn: Connection, app: str) -> None:
    """As the owner after an upgrade: the app reads and writes rows, appends only to APPEND_ONLY, and nothing more."""
    # Re-run after every upgrade; the default privileges cover tables made later by the owner outside migrations.
    app_q = quote(app)
    owned = conn.execute(
        text(
            "SELECT o.relname, o.relkind FROM pg_class o WHERE o.relnamespace = CAST(:schema AS regnamespace) "
            "AND o.relkind IN ('r', 'p', 'v', 'm', 'S') AND pg_has_role(o.relowner, 'USAGE') "
            "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = o.oid AND d.deptype = 'e')"
        ),
        {"schema": SCHEMA},
    ).all()
    for name, kind in owned:
        target = f"{SCHEMA}.{quote(name)}"
        if kind == "S":
            conn.execute(text(f"GRANT USAGE, SELECT ON SEQUENCE {target} TO {app_q}"))
            continue
        # From nothing each time, so a privilege the table list takes away is really gone.
        conn.execute(text(f"REVOKE ALL ON TABLE {target} FROM {app_q}"))
        if name in READ_ONLY or kind in ("v", "m"):
            privileges = "SELECT"
        elif name in APPEND_ONLY:
            privileges = "SELECT, INSERT"
        else:
            privileges = APP_TABLE_PRIVILEGES
        conn.execute(text(f"GRANT {privileges} ON TABLE {target} TO {app_q}"))
    conn.execute(text(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {SCHEMA} GRANT {APP_TABLE_PRIVILEGES} ON TABLES TO {app_q}"))
    conn.execute(text(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {SCHEMA} GRANT USAGE, SELECT ON SEQUENCES TO {app_q}"))


def current_role(engine: Engine) -> str:
    """The role an engine's connections act as."""
    with engine.connect() as conn:
        return conn.execute(text("SELECT current_user")).scalar_one()


def privilege_problems(conn: Connection) -> list[str]:
    """What the connection's role can do that the app's role must not: superuser, owning tables, DDL."""
    row = conn.execute(
        text(
            """SELECT r.rolname, r.rolsuper, r.rolcreaterole, r.rolcreatedb,
                      has_schema_privilege(CAST(:schema AS regnamespace), 'CREATE'),
                      has_database_privilege(current_database(), 'TEMPORARY'),
                      (SELECT count(*) FROM pg_class c
                        WHERE c.relnamespace = CAST(:schema AS regnamespace) AND c.relkind IN ('r', 'p')
                          AND pg_has_role(c.relowner, 'USAGE')),
                      (SELECT pg_has_role(d.datdba, 'USAGE') FROM pg_database d WHERE d.datname = current_database()),
                      (SELECT array_agg(t) FROM unnest(CAST(:append_only AS text[])) AS t
                        WHERE to_regclass(t) IS NOT NULL
                          AND has_table_privilege(to_regclass(t), 'UPDATE, DELETE, TRUNCATE'))
               FROM pg_roles r WHERE r.rolname = current_user"""
        ),
        {"schema": SCHEMA, "append_only": list(APPEND_ONLY)},
    ).one()
    name, superuser, createrole, createdb, create, temporary, owned, owns_db, changeable = row
    problems = []
    if superuser:
        problems.append(f"role {name} is a superuser")
    if createrole or createdb:
        problems.append(f"role {name} may create roles or databases")
    if owns_db:
        problems.append(f"role {name} owns the database")
    if owned:
        problems.append(f"role {name} owns {owned} tables (it can ALTER, DROP or DISABLE TRIGGER on them)")
    if create:
        problems.append(f"role {name} may CREATE in schema {SCHEMA}")
    if temporary:
        problems.append(f"role {name} may create temporary tables")
    if changeable:
        problems.append(f"role {name} may UPDATE, DELETE or TRUNCATE the append-only {', '.join(changeable)}")
    return problems


def warn_if_privileged(engine: Engine) -> list[str]:
    """Log loudly when the app's role could change the schema or rewrite the audit log; return the problems."""
    try:
        with engine.connect() as conn:
            problems = privilege_problems(conn)
    except Exception as exc:  # a database that is down now is answered with 503 later, not a failed start
        log.info("database role not checked at start: %s", exc.__class__.__name__)
        return []
    if problems:
        log.warning(
            "数据库角色权限过大 / the app's database role is too powerful: %s. Set WARROOM_MIGRATE_DATABASE_URL "
            "to the owner role and DATABASE_URL to a role with row privileges only (README, security).",
            "; ".join(problems),
        )
    return problems
