"""The warroom command as a person runs it."""

import os
import subprocess
import sys

from tests.conftest import fresh_database


def warroom(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_serve_refuses_an_unmigrated_database_with_a_clear_message(cluster):
    url = fresh_database(cluster, "warroom_cli_empty")
    result = warroom("serve", "--port", "8999", env={"DATABASE_URL": url.render_as_string(hide_password=False)})
    assert result.returncode == 2
    assert "warroom db upgrade" in result.stderr


def test_seed_migrates_and_reports_the_plan_totals(cluster):
    url = fresh_database(cluster, "warroom_cli_seed")
    result = warroom("seed", env={"DATABASE_URL": url.render_as_string(hide_password=False)})
    assert result.returncode == 0, result.stderr
    assert "projects: 116" in result.stdout and "2289.60" in result.stdout and "293.80" in result.stdout


def test_command_line_imports_are_audited(cluster, tmp_path):
    from sqlalchemy import text

    from geo.db.engine import make_engine

    url = fresh_database(cluster, "warroom_cli_import")
    env = {"DATABASE_URL": url.render_as_string(hide_password=False)}
    assert warroom("seed", env=env).returncode == 0
    register = tmp_path / "台账.xlsx"
    exported = warroom("export", "projects", str(register), "--district", "荣成市", env=env)
    assert exported.returncode == 0, exported.stderr
    applied = warroom("import", "projects", str(register), "--apply", env=env)
    assert applied.returncode == 0, applied.stderr + applied.stdout
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            names = (
                conn.execute(text("SELECT actor_name FROM audit_log WHERE action = 'import.projects'")).scalars().all()
            )
    finally:
        engine.dispose()
    assert len(names) == 1 and names[0].startswith("命令行")


def test_the_work_plan_from_the_command_line_is_audited(cluster):
    from sqlalchemy import text

    from geo.db.engine import make_engine

    url = fresh_database(cluster, "warroom_cli_workplan")
    env = {"DATABASE_URL": url.render_as_string(hide_password=False)}
    assert warroom("seed", env=env).returncode == 0
    added = warroom("plan", "milestone-add", "1", "命令行节点", "2031-05-01", "--unit", "某局", env=env)
    assert added.returncode == 0, added.stderr + added.stdout
    shown = warroom("plan", "show", "1", env=env)
    assert shown.returncode == 0 and "命令行节点" in shown.stdout and "分包责任人" in shown.stdout
    bad = warroom("plan", "milestone-add", "1", " ", "2031-05-01", env=env)
    assert bad.returncode == 1 and "节点名称" in bad.stderr
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            actor = conn.execute(text("SELECT actor_name FROM audit_log WHERE action = 'milestone.create'")).scalar()
    finally:
        engine.dispose()
    assert actor.startswith("命令行")
