"""`warroom project edit | retire | restore | history`: the same services and versions as the browser's."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from api import cli
from api.cli import serve as cli_serve
from geo.db.engine import Database, make_engine
from geo.settings import get_settings
from tests.conftest import fresh_database


@pytest.fixture
def seeded_db(cluster, monkeypatch):
    """A migrated, seeded database that the `warroom` commands open through DATABASE_URL."""
    url = fresh_database(cluster, "warroom_cli_projects")
    monkeypatch.setenv("DATABASE_URL", url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    engine = make_engine(url)
    db = Database(engine)
    cli_serve.prepare(db, migrate=True, seed=True)
    yield db
    engine.dispose()
    get_settings.cache_clear()


def test_edit_retire_restore_and_history_from_the_command_line(seeded_db):
    with seeded_db.session() as s:
        code, name = s.execute(text("SELECT code, name FROM projects ORDER BY id LIMIT 1")).one()
    runner = CliRunner()
    edited = runner.invoke(cli.app, ["project", "edit", code, "--set", "项目名称=命令行改名", "--set", "责任人=李四"])
    assert edited.exit_code == 0, edited.output
    assert f"项目名称: {name} → 命令行改名" in edited.output
    bad = runner.invoke(cli.app, ["project", "edit", code, "--set", "总投资=约5亿"])
    assert bad.exit_code == 1 and "不是数字" in bad.output
    retired = runner.invoke(cli.app, ["project", "retire", code, "--reason", "撤销"])
    assert retired.exit_code == 0 and "退库" in retired.output, retired.output
    again = runner.invoke(cli.app, ["project", "retire", code, "--reason", "撤销"])
    assert again.exit_code == 1 and "已于" in again.output
    assert runner.invoke(cli.app, ["project", "restore", code]).exit_code == 0
    history = runner.invoke(cli.app, ["project", "history", code])
    assert history.exit_code == 0
    assert [line.split(" · ")[1].split(" /")[0] for line in history.output.splitlines() if line.startswith("第 ")] == [
        "恢复入库",
        "退库",
        "修改",
    ]
    assert runner.invoke(cli.app, ["project", "history", "NO-SUCH"]).exit_code == 1


def test_a_vector_tile_from_the_command_line_holds_the_district_s_projects(seeded_db, tmp_path):
    import mapbox_vector_tile

    from tests.projects.test_tiles import tile_of

    with seeded_db.session() as s:
        lon, lat, n = s.execute(
            text(
                "SELECT avg(ST_X(p.geom)), avg(ST_Y(p.geom)), count(*) FROM projects p JOIN districts d "
                "ON d.id = p.district_id WHERE d.name = '荣成市'"
            )
        ).one()
    x, y = tile_of(lon, lat, 6)  # one tile holds the whole district
    out = tmp_path / "t.mvt"
    runner = CliRunner()
    made = runner.invoke(cli.app, ["project", "tile", "6", str(x), str(y), str(out), "--district", "荣成市"])
    assert made.exit_code == 0, made.output
    tile = mapbox_vector_tile.decode(out.read_bytes())
    drawn = sum(f["properties"]["point_count"] for f in tile.get("clusters", {}).get("features", []))
    drawn += len(tile.get("projects", {}).get("features", []))
    assert 0 < drawn <= n
    bad = runner.invoke(cli.app, ["project", "tile", "6", "64", "0", str(out)])
    assert bad.exit_code == 1 and "0–63" in bad.output
