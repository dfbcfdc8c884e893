"""`warroom user …` and the first admin of an empty database, printed once and never logged."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from api import cli
from api.cli import serve as cli_serve
from geo.accounts.credentials import verify_password
from geo.db.engine import Database, make_engine
from geo.settings import get_settings
from tests.conftest import fresh_database

PASSWORD_LINE = re.compile(r"密码 / password: (\S+)")


@pytest.fixture
def empty_db(cluster, monkeypatch):
    """An empty database that the `warroom` commands open through DATABASE_URL."""
    url = fresh_database(cluster, "warroom_cli")
    monkeypatch.setenv("DATABASE_URL", url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    engine = make_engine(url)
    yield Database(engine)
    engine.dispose()
    get_settings.cache_clear()


def _hash(db: Database, username: str) -> str | None:
    with db.session() as s:
        return s.execute(text("SELECT password_hash FROM users WHERE username = :u"), {"u": username}).scalar()


def test_first_serve_creates_admin_with_a_password_printed_once(empty_db, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    cli_serve.prepare(empty_db, migrate=True, seed=True)
    printed = capsys.readouterr().out
    passwords = PASSWORD_LINE.findall(printed)
    assert len(passwords) == 1 and len(passwords[0]) >= 12
    assert verify_password(_hash(empty_db, "admin"), passwords[0])
    assert passwords[0] not in caplog.text

    cli_serve.prepare(empty_db, migrate=True, seed=True)  # the second start prints no password and keeps the admin
    assert not PASSWORD_LINE.findall(capsys.readouterr().out)
    assert verify_password(_hash(empty_db, "admin"), passwords[0])


def test_user_commands(empty_db):
    runner = CliRunner()
    added = runner.invoke(
        cli.app,
        ["user", "add", "rushan-wang", "--role", "reporter", "--district", "乳山市", "--display-name", "王填报"],
    )
    assert added.exit_code == 0, added.output
    first = PASSWORD_LINE.search(added.output).group(1)
    assert verify_password(_hash(empty_db, "rushan-wang"), first)

    listed = runner.invoke(cli.app, ["user", "list"])
    assert re.search(r"rushan-wang\s+reporter\s+乳山市\s+active\s+王填报", listed.output), listed.output
    assert "$argon2" not in listed.output

    reset = runner.invoke(cli.app, ["user", "reset-password", "rushan-wang"])
    second = PASSWORD_LINE.search(reset.output).group(1)
    assert second != first and verify_password(_hash(empty_db, "rushan-wang"), second)

    assert runner.invoke(cli.app, ["user", "disable", "rushan-wang"]).exit_code == 0
    assert "DISABLED" in runner.invoke(cli.app, ["user", "list"]).output

    bad = runner.invoke(cli.app, ["user", "add", "someone", "--role", "reporter"])
    assert bad.exit_code == 1 and "区市" in bad.output
    missing = runner.invoke(cli.app, ["user", "disable", "nobody"])
    assert missing.exit_code == 1 and "nobody" in missing.output
    with empty_db.session() as s:
        actions = s.execute(text("SELECT action FROM audit_log WHERE object_type = 'user' ORDER BY id")).scalars().all()
    assert actions == ["user.create", "user.password_reset", "user.update"]


def test_user_sessions_are_listed_and_ended_from_the_command_line(empty_db):
    from geo.accounts.signin import open_session
    from geo.db.models import User
    from geo.settings import Settings

    runner = CliRunner()
    assert runner.invoke(cli.app, ["user", "add", "weihai-li"]).exit_code == 0
    with empty_db.session() as s:
        user = s.execute(text("SELECT * FROM users WHERE username = 'weihai-li'")).one()
        ids = [
            open_session(s, user=s.get(User, user.id), address=a, user_agent="Firefox", settings=Settings()).principal
            for a in ("10.1.1.1", "10.2.2.2")
        ]
    listed = runner.invoke(cli.app, ["user", "sessions", "weihai-li"])
    assert "10.1.1.1" in listed.output and "10.2.2.2" in listed.output, listed.output

    one = runner.invoke(cli.app, ["user", "sign-out", "weihai-li", "--session", str(ids[0].session_id)])
    assert one.exit_code == 0 and "1" in one.output, one.output
    assert "10.1.1.1" not in runner.invoke(cli.app, ["user", "sessions", "weihai-li"]).output
    rest = runner.invoke(cli.app, ["user", "sign-out", "weihai-li"])
    assert rest.exit_code == 0, rest.output
    assert "没有有效的登录会话" in runner.invoke(cli.app, ["user", "sessions", "weihai-li"]).output
    with empty_db.session() as s:
        ended = s.execute(text("SELECT count(*) FROM audit_log WHERE action = 'session.revoke'")).scalar()
    assert ended == 2
