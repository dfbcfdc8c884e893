"""The two 推进手册 as an official reads them: every task by category, every project by district, page numbers and a
目录, Chinese punctuation, the demo note; the Excel with numbers as numbers and dates as dates; filters; sign-in."""

import datetime as dt
import io
import re
import shutil
import subprocess
import time
from decimal import Decimal

import pypdf
import pytest
from openpyxl import load_workbook
from sqlalchemy import text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from geo.enums import DISTRICT_NAMES, TASK_CATEGORIES

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (make test installs it)")
# The downloads need a reader's account unless anonymous reading is on; `client` signs in as a planner here.
signed_in = pytest.mark.usefixtures("as_planner")

HALF_WIDTH_BESIDE_CHINESE = re.compile(r"[\u4e00-\u9fff][,;:()?!]|[,;:()?!][\u4e00-\u9fff]")


def at(body: str, code: str) -> int:
    """Where a record's code stands in the text (not a longer code it begins), or -1."""
    found = re.search(re.escape(code) + r"(?![\d])", body)
    return found.start() if found else -1


def pages_text(content: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(content))
    # CJK lines wrap anywhere: drop the breaks and spaces, keep the ideographic space between a code and its title
    return [re.sub(r"[^\S\u3000]+", "", page.extract_text()) for page in reader.pages]


@pytest.fixture(scope="module")
def rendered(engine, settings):
    """Both manuals in both formats, rendered once from the seeded database, with the seconds each took."""
    from geo.manuals.projects import project_manual
    from geo.manuals.tasks import task_manual

    out = {}
    with Session(engine) as session:
        for name, make in (("tasks", task_manual), ("projects", project_manual)):
            for fmt in ("pdf", "xlsx"):
                start = time.perf_counter()
                out[name, fmt] = make(session, settings=settings, fmt=fmt, today=dt.date(2026, 12, 4))
                out[name, fmt, "seconds"] = time.perf_counter() - start
        session.rollback()
    for key, value in out.items():
        if len(key) == 3:
            print(f"render {key[0]}.{key[1]}: {value:.1f} s")  # shown with -s: the figures for the report
    return out


def test_the_task_manual_lists_all_155_tasks_in_category_order(rendered, session):
    tasks = session.execute(text("SELECT code, category FROM tasks")).all()
    assert len(tasks) == 155
    pages = pages_text(rendered["tasks", "pdf"].data)
    body = "".join(pages)
    order = [c.code for c in TASK_CATEGORIES]
    expected = [code for code, _ in sorted(tasks, key=lambda t: (order.index(t[1]), t[0]))]
    positions = [at(body, code) for code in expected]
    assert all(p >= 0 for p in positions), [c for c, p in zip(expected, positions) if p < 0]
    assert positions == sorted(positions), "tasks are printed by category, then code"
    # Each category's heading comes before its tasks and says how many it holds.
    for category in TASK_CATEGORIES:
        n = sum(1 for _, c in tasks if c == category.code)
        if n:
            assert f"{category.name}（{n}项）" in body
    assert "重点任务推进手册" in pages[0] and "威海市发展和改革委员会" in pages[0]
    assert "2026年12月4日" in pages[0]


def test_each_task_record_has_its_lead_deliverable_deadline_and_linked_projects(rendered, session):
    row = session.execute(
        text("""SELECT t.code, d.name, t.deadline, p.code FROM tasks t JOIN departments d ON d.id = t.lead_department_id
                JOIN task_projects tp ON tp.task_id = t.id JOIN projects p ON p.id = tp.project_id
                ORDER BY t.code LIMIT 1""")
    ).one()
    body = "".join(pages_text(rendered["tasks", "pdf"].data))
    record = body[at(body, row[0]) :][:900]
    assert "牵头单位" + row[1] in record
    assert f"完成时限{row[2].year}年{row[2].month}月{row[2].day}日" in record
    assert "关联项目" in record and row[3] in record
    assert "省规划" in body and "市方案" in body


def test_pages_are_numbered_and_the_contents_gives_each_section_its_page(rendered, tmp_path):
    for name in ("tasks", "projects"):
        pages = pages_text(rendered[name, "pdf"].data)
        for number, page in enumerate(pages, 1):
            assert f"—{number}—" in page, (name, number)
            # No section heading left alone at a page's foot (page 1 is the 目录, a list of them).
            assert number == 1 or not re.search(r"[一二三四五六七八九十]、\S{1,16}（\d+[项个]）(—\d+—)?$", page), (
                name,
                number,
            )
        # The 目录 as laid out (pdftotext keeps each entry's dot leader and page number on its line).
        saved = tmp_path / f"{name}.pdf"
        saved.write_bytes(rendered[name, "pdf"].data)
        layout = subprocess.run(
            ["pdftotext", "-layout", "-f", "1", "-l", "1", str(saved), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "目" in layout and "录" in layout
        entries = re.findall(r"^\s*(\S+、\S+（\d+[项个]）)[ .]+(\d+)\s*$", layout, re.M)
        assert len(entries) >= 7, layout
        for heading, page in entries:
            assert pages[int(page) - 1].find(heading) >= 0, (name, heading, page)
        assert [int(p) for _, p in entries] == sorted(int(p) for _, p in entries)


def test_chinese_text_has_full_width_punctuation_and_the_demo_note(rendered):
    for name, note in (("tasks", "演示数据，非正式下达的任务清单"), ("projects", "演示数据，非真实项目")):
        pages = pages_text(rendered[name, "pdf"].data)
        body = "".join(pages)
        assert not HALF_WIDTH_BESIDE_CHINESE.findall(body), HALF_WIDTH_BESIDE_CHINESE.findall(body)[:5]
        assert note in pages[0]
        assert "None" not in body and "null" not in body


def test_the_project_manual_groups_all_116_projects_by_district_in_order(rendered, session):
    from geo.db.sql import JOIN_REPORTING_DISTRICT

    projects = session.execute(text(f"SELECT p.code, d.name FROM projects p {JOIN_REPORTING_DISTRICT}")).all()
    assert len(projects) == 116
    body = "".join(pages_text(rendered["projects", "pdf"].data))
    expected = [code for code, _ in sorted(projects, key=lambda p: (DISTRICT_NAMES.index(p[1]), p[0]))]
    positions = [at(body, code) for code in expected]
    assert all(p >= 0 for p in positions)
    assert positions == sorted(positions)
    headings = [body.find(f"{name}（") for name in DISTRICT_NAMES if any(d == name for _, d in projects)]
    assert headings == sorted(headings)
    for label in ("月度投资计划", "分包责任人", "责任单位", "联系人", "节点名称", "计划完成", "建设起止"):
        assert label in body


def test_the_project_manual_prints_a_projects_monthly_plan_and_leader(rendered, session):
    p = session.execute(
        text("""SELECT p.code, p.leader_name, pp.planned_investment FROM projects p
                JOIN progress_plans pp ON pp.project_id = p.id AND pp.month = DATE '2026-03-01'
                WHERE p.leader_name IS NOT NULL AND pp.planned_investment IS NOT NULL ORDER BY p.code LIMIT 1""")
    ).one()
    body = "".join(pages_text(rendered["projects", "pdf"].data))
    record = body[at(body, p[0]) :][:1200]
    assert p[1] in record and f"{p[2]:.2f}" in record


def test_the_task_excel_has_one_row_per_task_with_dates_as_dates(rendered):
    wb = load_workbook(io.BytesIO(rendered["tasks", "xlsx"].data))
    info = {r[0]: r[1] for r in wb["说明"].iter_rows(values_only=True) if r[0]}
    assert info["任务数"] == 155 and "演示数据" in info["说明"]
    rows = list(wb["重点任务"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert len(body) == 155
    deadline = header.index("完成时限")
    assert all(isinstance(r[deadline], dt.datetime) for r in body)
    assert all(isinstance(r[0], int) for r in body)
    category = header.index("任务类别")
    order = [c.name for c in TASK_CATEGORIES]
    assert [order.index(r[category]) for r in body] == sorted(order.index(r[category]) for r in body)


def test_the_project_excel_has_numbers_as_numbers_and_a_twelve_month_plan(rendered, session):
    wb = load_workbook(io.BytesIO(rendered["projects", "xlsx"].data))
    ws = wb["重大项目"]
    rows = list(ws.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert len(body) == 116
    total, year = header.index("总投资（亿元）"), header.index("年度计划投资（亿元）")
    months = [header.index(f"{m}月计划投资（亿元）") for m in range(1, 13)]
    assert all(type(r[total]) in (int, float) and type(r[year]) in (int, float) for r in body)
    assert ws.cell(2, total + 1).number_format == "0.00"
    planned = [r for r in body if all(r[i] is not None for i in months)]
    assert planned, "demo projects have a monthly plan"
    # The demo plans sum to the year's plan: the sheet carries the figures, not text.
    r = planned[0]
    assert abs(Decimal(str(sum(r[i] for i in months))) - Decimal(str(r[year]))) < Decimal("0.05")
    start = header.index("开工日期")
    assert any(isinstance(r[start], dt.datetime) for r in body)
    districts = [r[header.index("区市")] for r in body]
    assert [DISTRICT_NAMES.index(d) for d in districts] == sorted(DISTRICT_NAMES.index(d) for d in districts)
    milestones = list(wb["项目节点"].iter_rows(values_only=True))
    assert len(milestones) > 116 and isinstance(milestones[1][4], dt.datetime)


@signed_in
def test_text_from_people_never_becomes_a_formula(client, session):
    from tests.factories import interior_point, make_project

    lon, lat = interior_point(session, "districts", "环翠区")
    make_project(session, lon=lon, lat=lat, name='=HYPERLINK("http://x")测试项目', district="环翠区")
    r = client.get("/api/manuals/projects.xlsx")
    assert r.status_code == 200, r.text
    wb = load_workbook(io.BytesIO(r.content))
    names = [r[3] for r in wb["重大项目"].iter_rows(min_row=2, values_only=True)]
    assert '=HYPERLINK("http://x")测试项目' in names
    cell = next(c for c in wb["重大项目"]["D"] if c.value == '=HYPERLINK("http://x")测试项目')
    assert cell.data_type == "s"


@signed_in
def test_filters_narrow_the_manuals(client, session):
    r = client.get("/api/manuals/tasks.xlsx", params={"department": "市经信委"})
    assert r.status_code == 200, r.text
    rows = list(load_workbook(io.BytesIO(r.content))["重点任务"].iter_rows(min_row=2, values_only=True))
    assert rows and {row[5] for row in rows} == {"市工业和信息化局"}
    r = client.get("/api/manuals/tasks.pdf", params={"category": "promotion"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    body = "".join(pages_text(r.content))
    assert "推介宣传" in body and "规划引领（" not in body
    r = client.get("/api/manuals/projects.pdf", params={"district": "荣成市"})
    body = "".join(pages_text(r.content))
    assert "荣成市（" in body and "环翠区（" not in body
    from geo.db.sql import JOIN_REPORTING_DISTRICT

    codes = session.execute(text(f"SELECT p.code FROM projects p {JOIN_REPORTING_DISTRICT} WHERE d.name = '荣成市'"))
    codes = codes.scalars().all()
    assert codes and all(c in body for c in codes)


@signed_in
def test_bad_filters_and_formats_are_problems_a_person_can_act_on(client):
    r = client.get("/api/manuals/tasks.pdf", params={"category": "nonsense"})
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    assert "promotion" in r.text
    for department in ("市不存在局", "9" * 30, "²"):
        r = client.get("/api/manuals/tasks.pdf", params={"department": department})
        assert r.status_code == 422 and "市发展和改革委员会" in r.text, r.text
    r = client.get("/api/manuals/projects.pdf", params={"district": "北京市"})
    assert r.status_code == 422 and "荣成市" in r.text
    r = client.get("/api/manuals/projects.docx")
    assert r.status_code == 422 and "pdf" in r.json()["detail"]


def test_manuals_need_a_signed_in_reader(client_with, session):
    from tests.factories import make_user, token_for

    closed = client_with(anonymous_read=False)
    r = closed.get("/api/manuals/tasks.xlsx", params={"category": "promotion"})
    assert r.status_code == 401 and "登录" in r.json()["detail"]
    viewer = token_for(session, make_user(session, role="viewer"))
    r = closed.get("/api/manuals/projects.xlsx", params={"district": "乳山市"}, headers=viewer)
    assert r.status_code == 200
    # Like the bulletins, the manuals are for signed-in readers even where the map is open to anonymous readers.
    opened = client_with(anonymous_read=True)
    assert opened.get("/api/manuals/tasks.xlsx", params={"category": "promotion"}).status_code == 401


@pytest.fixture
def cli_on_test_db(engine, monkeypatch):
    from api.cli import common
    from geo.db.engine import Database

    monkeypatch.setattr(common, "open_database", lambda settings: Database(engine))
    monkeypatch.setattr(Database, "close", lambda self: None)


@pytest.mark.usefixtures("cli_on_test_db")
def test_cli_writes_both_manuals(tmp_path):
    from api import cli

    result = CliRunner().invoke(cli.app, ["manual", "projects", "--district", "乳山市", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert pypdf.PdfReader(tmp_path / "重大项目推进手册-2026.pdf").pages
    assert load_workbook(tmp_path / "重大项目推进手册-2026.xlsx")["重大项目"]
    result = CliRunner().invoke(cli.app, ["manual", "tasks", "-f", "xlsx", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert load_workbook(tmp_path / "重点任务推进手册-2026.xlsx")["重点任务"].max_row == 156
    assert not list(tmp_path.glob("*.part"))
    bad = CliRunner().invoke(cli.app, ["manual", "tasks", "--category", "nope", "--out", str(tmp_path)])
    assert bad.exit_code == 2 and "planning" in bad.output
