"""`warroom tour …` as a planner runs it: make a tour from filters, write its itinerary and scoring sheet."""

from tests.api.test_cli import warroom
from tests.conftest import fresh_database


def test_a_planner_makes_a_tour_and_writes_its_documents_from_the_command_line(cluster, tmp_path):
    url = fresh_database(cluster, "warroom_cli_tours")
    env = {"DATABASE_URL": url.render_as_string(hide_password=False)}
    assert warroom("seed", env=env).returncode == 0
    assert warroom("user", "add", "guihua", "--role", "planner", env=env).returncode == 0
    refused = warroom("tour", "create", "观摩", "--date", "2026-11-20", "--by", "nobody", env=env)
    assert refused.returncode != 0 and "规划人员" in refused.stderr
    made = warroom(
        "tour", "create", "荣成在建项目观摩", "--date", "2026-11-20", "--by", "guihua",
        "--district", "荣成市", "--status", "construction", env=env,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr + made.stdout
    assert "不是道路路线" in made.stdout and " 1. " in made.stdout
    assert "荣成在建项目观摩" in warroom("tour", "list", env=env).stdout
    pdf = warroom("tour", "itinerary", "1", "-o", str(tmp_path), env=env)
    assert pdf.returncode == 0, pdf.stderr
    sheets = warroom("tour", "scoresheet", "1", "-o", str(tmp_path), env=env)
    assert sheets.returncode == 0, sheets.stderr
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".pdf", ".pdf", ".xlsx"]
    assert "没有已评分的观摩" in warroom("tour", "scores", "2026-Q4", env=env).stdout
