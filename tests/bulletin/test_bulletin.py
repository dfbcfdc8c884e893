"""The monthly and quarterly bulletin: the PDF opens and states the month's totals; Excel totals equal the API's."""

import io
import re
from decimal import Decimal

import pypdf
import pytest
from openpyxl import load_workbook
from sqlalchemy import text
from typer.testing import CliRunner

# Writes and bulletins need an account; these tests act as a planner (tests/auth covers who may do what).
pytestmark = pytest.mark.usefixtures("as_planner")


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))  # lines wrap anywhere in CJK


def test_monthly_pdf_opens_and_contains_the_months_totals(client):
    r = client.get("/api/reports/monthly/2026-10.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert 'filename="weihai-bulletin-2026-10.pdf"' in r.headers["content-disposition"]
    h = client.get("/api/dashboard", params={"month": "2026-10"}).json()["headline"]
    text = pdf_text(r.content)
    assert "威海市新旧动能转换重点项目工作简报" in text and "2026年10月" in text
    assert "116个重点项目" in text and "总投资2289.60亿元" in text and "年度计划投资293.80亿元" in text
    assert f"1—10月累计完成投资{Decimal(str(h['completed_year'])):.2f}亿元" in text
    assert f"完成率{h['completion_rate']}%" in text
    assert f"红灯{h['by_light']['red']}个" in text
    assert "荣成市" in text and "海洋生物与健康食品" in text and "存在问题" in text
    assert "演示数据" in text and "示意" in text  # the demo projects and schematic areas say so in the bulletin too


def test_quarterly_pdf_covers_the_quarter(client):
    r = client.get("/api/reports/quarterly/2026-Q3.pdf")
    assert r.status_code == 200
    text = pdf_text(r.content)
    assert "2026年第三季度" in text and "季度通报" in text and "截至2026-09-30" in text and "7—9月完成投资" in text


def test_excel_totals_equal_the_api(client):
    r = client.get("/api/reports/monthly/2026-10.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    d = client.get("/api/dashboard", params={"month": "2026-10"}).json()
    overview = {row[0]: row[1] for row in wb["概况"].iter_rows(values_only=True) if row and row[0]}
    assert overview["项目数"] == 116
    assert Decimal(str(overview["年内累计完成投资(亿元)"])) == Decimal(str(d["headline"]["completed_year"]))
    assert Decimal(str(overview["年度计划投资(亿元)"])) == Decimal("293.8")
    rows = list(wb["分区市"].iter_rows(values_only=True))
    assert rows[0][:4] == ("名称", "项目数", "年度计划投资", "年内累计完成")
    body, total = rows[1:-1], rows[-1]
    assert total[0] == "合计" and total[1] == 116
    assert [r[0] for r in body] == [g["name"] for g in d["by_district"]]
    for row, g in zip(body, d["by_district"]):
        assert Decimal(str(row[3])) == Decimal(str(g["completed_year"]))
    assert (
        sum(Decimal(str(r[3])) for r in body) == Decimal(str(total[3])) == Decimal(str(d["headline"]["completed_year"]))
    )
    lagging = list(wb["滞后项目"].iter_rows(values_only=True))[1:]
    assert len(lagging) == len(d["lagging"]) and all(r[4] and r[5] for r in lagging)


def test_bad_period_or_format_is_a_problem(client):
    assert client.get("/api/reports/monthly/2026-13.pdf").status_code == 422
    assert client.get("/api/reports/quarterly/2026-Q5.xlsx").status_code == 422
    r = client.get("/api/reports/monthly/2026-10.docx")
    assert r.status_code == 422 and "pdf" in r.json()["detail"]


def test_cli_writes_both_files(engine, tmp_path, monkeypatch):
    from api import cli
    from api.cli import common
    from geo.db.engine import Database

    monkeypatch.setattr(common, "open_database", lambda settings: Database(engine))
    monkeypatch.setattr(Database, "close", lambda self: None)
    result = CliRunner().invoke(cli.app, ["report", "monthly", "2026-10", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert pypdf.PdfReader(tmp_path / "weihai-bulletin-2026-10.pdf").pages
    assert load_workbook(tmp_path / "weihai-bulletin-2026-10.xlsx")["分区市"]
    assert not list(tmp_path.glob("*.part"))
    bad = CliRunner().invoke(cli.app, ["report", "quarterly", "2026-Q9", "--out", str(tmp_path)])
    assert bad.exit_code == 2 and "YYYY-Qn" in bad.output


def test_pdf_shows_a_recent_site_photo_per_district(client, session):
    from tests.factories import interior_point
    from tests.photos.images import jpeg

    lon, lat = interior_point(session, "districts", "乳山市")
    pid = session.execute(
        text(
            "SELECT id FROM projects WHERE district_id = (SELECT id FROM districts WHERE name = '乳山市') "
            "ORDER BY id LIMIT 1"
        )
    ).scalar()
    name = session.execute(text("SELECT name FROM projects WHERE id = :p"), {"p": pid}).scalar()
    up = client.post(
        f"/api/projects/{pid}/photos",
        data={"month": "2026-10"},
        files=[("files", ("site.jpg", jpeg(seed=7, lon=lon, lat=lat, taken="2026:10:12 10:00:00"), "image/jpeg"))],
    )
    assert up.status_code == 201, up.text
    text_ = pdf_text(client.get("/api/reports/monthly/2026-10.pdf").content)
    assert "五、项目建设现场图片" in text_ and f"乳山市·{name}·2026-10-12" in text_
    assert "项目建设现场图片" not in pdf_text(client.get("/api/reports/monthly/2026-09.pdf").content)
