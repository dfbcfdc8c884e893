"""Two database roles: the owner migrates; the app's own connection can write rows but never change the schema,
switch off the audit log's trigger or rewrite the audit log."""

import logging

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from api.app import create_app
from api.cli import serve as cli_serve
from geo.db import migrations, roles
from geo.db.embedded import APP_ROLE, DB_USER, OWNER_ROLE
from geo.db.engine import Database, make_engine, open_database
from geo.settings import Settings
from tests.conftest import app_url, fresh_database
from tests.factories import make_user, token_for

# What a hostile statement through the app's connection tries: each must be refused by privilege.
FORBIDDEN = (
    "DROP TRIGGER audit_log_append_only ON audit_log",
    "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
    "ALTER TABLE audit_log DISABLE TRIGGER ALL",
    "DELETE FROM audit_log",
    "UPDATE audit_log SET actor_name = 'someone else'",
    "TRUNCATE audit_log",
    "SET session_replication_role = replica",
    "CREATE TABLE stolen (id int)",
    "CREATE TEMP TABLE stolen (id int)",
    "CREATE SCHEMA stolen",
    "CREATE FUNCTION public.stolen() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    "DROP TABLE projects",
    "ALTER TABLE projects ADD COLUMN stolen int",
    "CREATE TRIGGER stolen BEFORE UPDATE ON projects FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "UPDATE alembic_version SET version_num = 'stolen'",
)


def refused(engine, statement: str) -> bool:
    """Whether the statement fails for lack of privilege (SQLSTATE 42501), leaving nothing behind."""
    with engine.connect() as conn:
        try:
            conn.execute(text(statement))
        except DBAPIError as exc:
            return isinstance(exc.orig, psycopg.errors.InsufficientPrivilege)
        finally:
            conn.rollback()
    return False


def test_the_app_connects_as_its_own_role(engine, owner_engine):
    assert roles.current_role(engine) == APP_ROLE
    assert roles.current_role(owner_engine) == OWNER_ROLE


@pytest.mark.parametrize("statement", FORBIDDEN)
def test_the_app_role_cannot_change_the_schema_or_the_audit_log(engine, statement):
    assert refused(engine, statement), statement


def test_the_owner_could_so_the_refusals_are_the_roles(owner_engine):
    assert not refused(owner_engine, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
    assert not refused(owner_engine, "CREATE TABLE stolen (id int)")


def test_the_apps_writes_still_work_and_are_audited(client, session):
    admin = make_user(session, role="admin")
    r = client.post("/api/users", json={"username": "roles-check", "role": "viewer"}, headers=token_for(session, admin))
    assert r.status_code == 201, r.text
    logged = session.execute(
        text("SELECT count(*) FROM audit_log WHERE action = 'user.create' AND after->>'username' = 'roles-check'")
    ).scalar()
    assert logged == 1
    assert session.execute(text("SELECT current_user")).scalar() == APP_ROLE


def test_the_app_warns_at_start_when_its_role_is_too_powerful(engine, owner_engine, settings, caplog):
    assert roles.warn_if_privileged(engine) == []
    problems = roles.warn_if_privileged(owner_engine)
    assert any("owns" in p for p in problems) and any("CREATE" in p for p in problems)

    caplog.clear()
    caplog.set_level(logging.WARNING, logger="warroom.db")
    with TestClient(create_app(settings, Database(engine))):
        pass
    assert "too powerful" not in caplog.text
    with TestClient(create_app(settings, Database(owner_engine))):
        pass
    assert "too powerful" in caplog.text and "WARROOM_MIGRATE_DATABASE_URL" in caplog.text


def test_serve_migrates_as_the_owner_and_serves_as_the_app(cluster, tmp_path):
    owner_url = fresh_database(cluster, "warroom_roles")
    settings = Settings(
        database_url=app_url(cluster, "warroom_roles").render_as_string(hide_password=False),
        migrate_database_url=owner_url.render_as_string(hide_password=False),
        var_dir=tmp_path,
    )
    db = open_database(settings)
    try:
        cli_serve.prepare(db, migrate=True, seed=True)  # what `warroom serve --migrate --seed` does before serving
        assert migrations.current(db.engine) == migrations.head()
        assert roles.current_role(db.engine) == APP_ROLE
        with db.engine.connect() as conn:
            assert roles.privilege_problems(conn) == []
            assert conn.execute(text("SELECT count(*) FROM projects")).scalar() == 116
        assert refused(db.engine, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
        assert refused(db.engine, "DELETE FROM audit_log")
    finally:
        db.close()


def test_an_old_superuser_database_is_handed_to_the_owner_in_place(cluster):
    """A database migrated by the cluster's superuser (before the two roles) works under them after a restart."""
    if cluster is None:
        pytest.skip("the embedded cluster's layout")
    name = "warroom_legacy"
    with psycopg.connect(host=str(cluster.socket_dir), user=DB_USER, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    legacy = make_engine(cluster.url(name, role=DB_USER))
    try:
        with legacy.begin() as conn:
            conn.execute(text("CREATE EXTENSION postgis"))
        migrations.upgrade(legacy)
    finally:
        legacy.dispose()

    cluster.create_database(name)  # what the next start does
    db = Database(make_engine(cluster.app_url(name)), owner_url=cluster.url(name))
    try:
        migrations.upgrade_database(db)
        with db.owner_engine.connect() as conn:
            left = conn.execute(
                text(
                    "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace "
                    "AND relkind IN ('r', 'S', 'v') AND relowner = CAST(:su AS regrole) "
                    "AND relname NOT IN ('spatial_ref_sys', 'geometry_columns', 'geography_columns')"
                ),
                {"su": DB_USER},
            ).all()
            assert left == []
        with db.engine.connect() as conn:
            assert roles.privilege_problems(conn) == []
        with db.session() as s:
            s.execute(text("INSERT INTO audit_log (actor_name, action) VALUES ('cli', 'roles.check')"))
        assert refused(db.engine, "DROP TRIGGER audit_log_append_only ON audit_log")
        assert refused(db.engine, "UPDATE audit_log SET actor_name = 'x'")
    finally:
        db.close()
