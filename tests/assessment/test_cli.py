"""`warroom assess`: the same league, breakdown and Excel as /api/assessment."""

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner


@pytest.fixture
def cli_on_test_db(engine, monkeypatch):
    from api.cli import common
    from geo.db.engine import Database

    monkeypatch.setattr(common, "open_database", lambda settings: Database(engine))
    monkeypatch.setattr(Database, "close", lambda self: None)


@pytest.mark.usefixtures("cli_on_test_db")
def test_the_cli_prints_the_league_and_a_breakdown_and_writes_the_excel(client, tmp_path):
    from api import cli

    league = client.get("/api/assessment", params={"period": "2026-Q3"}).json()
    result = CliRunner().invoke(cli.app, ["assess", "league", "--period", "2026-Q3"])
    assert result.exit_code == 0, result.output
    lines = [x for x in result.output.splitlines() if x.split() and x.split()[0].isdigit()]
    assert [x.split()[-1] for x in lines] == [u["name"] for u in league["units"]]
    assert f"{league['units'][0]['score']:.2f}" in lines[0] and "红榜" in result.output
    first = league["units"][0]["name"]
    unit = CliRunner().invoke(cli.app, ["assess", "unit", first, "--period", "2026-Q3"])
    assert unit.exit_code == 0 and "填报及时率" in unit.output and "走势" in unit.output
    out = tmp_path / "league.xlsx"
    done = CliRunner().invoke(cli.app, ["assess", "export", str(out), "--period", "2026-Q3", "--kind", "department"])
    assert done.exit_code == 0, done.output
    assert load_workbook(out).sheetnames[0].startswith("部门排名")
    bad = CliRunner().invoke(cli.app, ["assess", "league", "--kind", "county"])
    assert bad.exit_code != 0 and "district" in bad.output
