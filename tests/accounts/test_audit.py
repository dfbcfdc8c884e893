"""The audit log: written in the change's own transaction, append-only, filtered, exported; no secrets anywhere."""

from __future__ import annotations

import io
import logging

import pytest
from openpyxl import load_workbook
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from geo.accounts.principal import Principal
from geo.accounts.users import create_user
from geo.db import migrations
from geo.db.engine import Database, make_engine
from tests.accounts.conftest import PASSWORD, make_user, sign_in, token_for
from tests.conftest import fresh_database


@pytest.fixture(scope="module")
def own_db(cluster):
    """A migrated database of this module's own, where transactions really commit."""
    engine = make_engine(fresh_database(cluster, "warroom_audit"))
    migrations.upgrade(engine)
    yield Database(engine)
    engine.dispose()


ADMIN = Principal(username="tester", via="cli", role="admin", address="10.0.0.9")


def _counts(db: Database, username: str) -> tuple[int, int]:
    with db.session() as s:
        users = s.execute(text("SELECT count(*) FROM users WHERE username = :u"), {"u": username}).scalar()
        rows = s.execute(
            text("SELECT count(*) FROM audit_log WHERE action = 'user.create' AND after->>'username' = :u"),
            {"u": username},
        ).scalar()
    return users, rows


def test_audit_row_is_committed_with_the_change(own_db):
    with own_db.session() as s:
        create_user(s, actor=ADMIN, username="committed1", role="viewer", password=PASSWORD)
    assert _counts(own_db, "committed1") == (1, 1)
    with own_db.session() as s:
        row = s.execute(
            text("SELECT actor_name, object_type, address FROM audit_log WHERE after->>'username' = 'committed1'")
        ).one()
    assert tuple(row) == ("tester", "user", "10.0.0.9")


def test_no_audit_row_when_the_change_rolls_back(own_db):
    with pytest.raises(RuntimeError), own_db.session() as s:
        create_user(s, actor=ADMIN, username="rolledback1", role="viewer", password=PASSWORD)
        raise RuntimeError("a later step of the same change failed")
    assert _counts(own_db, "rolledback1") == (0, 0)


def test_audit_log_refuses_update_and_delete(own_db):
    with own_db.session() as s:
        create_user(s, actor=ADMIN, username="appendonly1", role="viewer", password=PASSWORD)
    for statement in (
        "UPDATE audit_log SET actor_name = 'someone else'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ):
        with pytest.raises(DBAPIError, match="append-only"), own_db.session() as s:
            s.execute(text(statement))
    assert _counts(own_db, "appendonly1") == (1, 1)


def test_admin_lists_filters_and_exports_the_audit_log(client, session):
    admin = make_user(session, role="admin")
    headers = token_for(session, admin)
    client.post("/api/users", json={"username": "wendeng-1", "role": "reporter", "district": "文登区"}, headers=headers)
    client.post("/api/auth/login", json={"username": "wendeng-1", "password": "wrong-password"})

    page = client.get("/api/audit", params={"actor": admin["username"], "action": "user"}, headers=headers).json()
    assert page["total"] >= 1
    entry = page["entries"][0]
    assert (entry["action"], entry["action_name"], entry["after"]["district"]) == ("user.create", "创建用户", "文登区")
    assert all(e["actor_name"] == admin["username"] for e in page["entries"])

    failed = client.get(
        "/api/audit", params={"action": "auth.sign_in_failed", "actor": "wendeng-1"}, headers=headers
    ).json()
    assert failed["total"] == 1 and failed["entries"][0]["after"] == {"reason": "wrong password"}
    assert failed["entries"][0]["address"] == "testclient"

    assert client.get("/api/audit", params={"since": "2999-01-01"}, headers=headers).json()["total"] == 0
    r = client.get("/api/audit/export.xlsx", params={"actor": admin["username"]}, headers=headers)
    assert r.status_code == 200 and "spreadsheetml" in r.headers["content-type"]
    sheet = load_workbook(io.BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    everything_by_admin = client.get("/api/audit", params={"actor": admin["username"]}, headers=headers).json()
    assert rows[0][1].startswith("用户") and len(rows) == everything_by_admin["total"] + 1
    assert [r[4] for r in rows[1:]] == [e["action"] for e in everything_by_admin["entries"]]
    assert "user.create" in [r[4] for r in rows]


def test_password_hashes_never_leave_the_server(client, session, caplog):
    caplog.set_level(logging.DEBUG)
    admin = make_user(session, role="admin")
    headers = token_for(session, admin)
    bodies = []
    made = client.post(
        "/api/users", json={"username": "leaky", "role": "viewer", "password": "leaky-secret-1"}, headers=headers
    )
    bodies.append(made.text)
    user_id = made.json()["user"]["id"]
    bodies.append(client.post("/api/auth/login", json={"username": "leaky", "password": "leaky-secret-1"}).text)
    bodies.append(client.post("/api/auth/login", json={"username": "leaky", "password": "leaky-wrong-1"}).text)
    bodies.append(client.patch(f"/api/users/{user_id}", json={"role": "planner"}, headers=headers).text)
    reset = client.post(f"/api/users/{user_id}/password", headers=headers)
    bodies.append(reset.text)
    for path in ("/api/users", "/api/audit", "/api/auth/me", "/api/meta"):
        bodies.append(client.get(path, headers=headers).text)
    bodies.append(client.get("/api/audit/export.xlsx", headers=headers).content.decode("latin-1"))
    stored = session.execute(text("SELECT password_hash FROM users WHERE id = :id"), {"id": user_id}).scalar()
    assert stored.startswith("$argon2id$")
    everything = "\n".join(bodies) + caplog.text
    assert "$argon2" not in everything and stored not in everything
    assert "leaky-secret-1" not in everything and "leaky-wrong-1" not in everything
    audit_text = session.execute(
        text("SELECT string_agg(coalesce(before::text,'') || coalesce(after::text,''), ' ') FROM audit_log")
    ).scalar()
    assert "$argon2" not in audit_text and "leaky-secret-1" not in audit_text
    # the reset password is shown once, in that answer only
    assert reset.json()["password"] and reset.json()["password"] not in "\n".join(bodies[:4] + bodies[5:])


def test_a_sign_in_is_audited_with_its_address(client, session):
    user = make_user(session)
    sign_in(client, user)
    row = session.execute(
        text("SELECT actor_id, address FROM audit_log WHERE action = 'auth.sign_in' ORDER BY id DESC LIMIT 1")
    ).one()
    assert tuple(row) == (user["id"], "testclient")
