"""The monthly and quarterly 简报: what an official reads in the PDF, what sorts and sums in the Excel, the 期号."""

import io
import re
from decimal import Decimal

import pypdf
import pytest
from openpyxl import load_workbook
from sqlalchemy import text
from typer.testing import CliRunner

from geo.bulletin.text import zh

# Writes and bulletins need an account; these tests act as a planner (tests/auth covers who may do what).
pytestmark = pytest.mark.usefixtures("as_planner")

HALF_WIDTH_BESIDE_CHINESE = re.compile(r"[\u4e00-\u9fff][,;:()?!]|[,;:()?!][\u4e00-\u9fff]")


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))  # lines wrap anywhere in CJK


def money(value) -> str:
    return f"{Decimal(str(value)):.2f}"


def test_zh_sets_chinese_punctuation_and_leaves_numbers_alone():
    assert zh("截至10月底, 全市 116 个项目(演示):总投资 2,289.60 亿元; 完成率 77.0%.") == (
        "截至10月底，全市116个项目（演示）：总投资2,289.60亿元；完成率77.0%。"
    )
    assert zh('标注"演示"的项目') == "标注“演示”的项目"
    assert zh("10:30 开会") == "10:30开会" and zh("") == ""


def test_the_preview_reads_as_a_bulletin(client):
    r = client.get("/api/reports/monthly/2026-10.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert 'filename="weihai-bulletin-2026-10.pdf"' in r.headers["content-disposition"]
    d = client.get("/api/dashboard", params={"month": "2026-10"}).json()
    prev = client.get("/api/dashboard", params={"month": "2026-09"}).json()["headline"]
    h = d["headline"]
    t = pdf_text(r.content)
    # masthead: name, no number yet (a preview), the issuing units, a date in Chinese
    assert "全市新旧动能转换重大项目推进情况" in t and "征求意见稿" in t and not re.search(r"第\d+期", t)
    assert "威海市发展和改革委员会" in t and "市新旧动能转换重大工程推进办公室" in t
    assert re.search(r"20\d\d年\d{1,2}月\d{1,2}日", t)
    for heading in (
        "一、总体情况",
        "二、填报与审核情况",
        "三、分区市推进情况",
        "四、分产业集群推进情况",
        f"五、红灯项目（{h['by_light']['red']}个）",
        f"六、黄灯项目（{h['by_light']['yellow']}个）",
        "七、主要问题",
        "八、需协调解决的问题",
        "九、下步工作",
    ):
        assert heading in t, heading
    assert "全市纳入调度的重大项目116个，总投资2289.60亿元，年度计划投资293.80亿元" in t
    assert f"1—10月累计完成投资{money(h['completed_year'])}亿元，完成率{h['completion_rate']}%" in t
    assert f"10月完成投资{money(h['completed_period'])}亿元，较上月（{money(prev['completed_period'])}亿元）" in t
    assert f"红灯{h['by_light']['red']}个" in t and "与上月相比" in t
    assert "荣成市" in t and "海洋生物与健康食品" in t and "亮灯分布示意图" in t
    c = d["completeness"]
    assert f"应填报月度进度{c['due']}个项目，已填报{c['reported']}个" in t and f"审核通过{c['passed']}份" in t
    # plain words on what is not real, no developer text, and Chinese punctuation in Chinese text
    assert "演示数据" in t and "示意" in t
    for developer in ("cnmaps", "GCJ", "WGS84", "EPSG", "Amap", "weihai-warroom"):
        assert developer not in t
    assert not HALF_WIDTH_BESIDE_CHINESE.search(t), HALF_WIDTH_BESIDE_CHINESE.search(t)
    pages = pypdf.PdfReader(io.BytesIO(r.content)).pages
    assert [f"—{i}—" in re.sub(r"\s+", "", p.extract_text()) for i, p in enumerate(pages, 1)] == [True] * len(pages)


def test_red_and_yellow_projects_are_separate_tables_with_whole_names(client):
    d = client.get("/api/dashboard", params={"month": "2026-10"}).json()
    t = pdf_text(client.get("/api/reports/monthly/2026-10.pdf").content)
    red_part = t[t.index("五、红灯项目") : t.index("六、黄灯项目")]
    yellow_part = t[t.index("六、黄灯项目") : t.index("七、主要问题")]
    for x in d["lagging"]:
        assert x["name"] in (red_part if x["light"] == "red" else yellow_part), x["name"]
    problems = t[t.index("七、主要问题") : t.index("八、需协调解决的问题")]
    some = next(x for x in d["lagging"] if x["problems"])
    assert zh(some["problems"]).rstrip("。") in problems
    assert "下一步，市新旧动能转换重大工程推进办公室" in t


def test_completeness_and_review_are_said_when_the_dashboard_has_them(session, settings):
    from geo.bulletin.pdf import render_pdf
    from geo.bulletin.render import bulletin_data
    from geo.periods import monthly

    data = bulletin_data(session, settings=settings, period=monthly("2026-10"), with_map=False)
    # The shape of geo.progress.completeness, with figures no demo month has.
    data["completeness"] = {
        "due": 116,
        "reported": 110,
        "passed": 100,
        "pending": 3,
        "returned": 7,
        "photos_received": 90,
        "photos_due": 116,
        "by_district": [{"name": "乳山市", "reported": 8, "due": 9, "photos_received": 7, "photos_due": 9}],
        "unreported": [{"name": "乳山测试项目", "district": "乳山市", "unit": "乳山市人民政府", "person": "张三"}],
    }
    t = pdf_text(render_pdf(data))
    assert "应填报月度进度116个项目，已填报110个，填报率94.8%" in t and "已上传90个" in t
    assert "乳山市乳山测试项目（乳山市人民政府，张三）" in t
    assert "审核通过100份、退回修改7份、待审核3份" in t and "8/9" in t


def test_quarterly_pdf_covers_the_quarter(client):
    r = client.get("/api/reports/quarterly/2026-Q3.pdf")
    assert r.status_code == 200
    t = pdf_text(r.content)
    assert "2026年第三季度" in t and "季度通报" in t and "7—9月完成投资" in t and "较上季度" in t


def test_issuing_numbers_the_bulletin_per_kind_and_year(client, session):
    assert client.post("/api/reports/monthly/2026-12/issue").status_code == 409  # still open: close it first
    assert client.post("/api/reports/monthly/2020-01/issue").status_code == 422  # no reports: nothing to issue
    first = client.post("/api/reports/monthly/2026-09/issue")
    assert first.status_code == 201 and first.json()["seq"] == 1, first.text
    second = client.post("/api/reports/monthly/2026-10/issue").json()
    assert second["seq"] == 2 and second["year"] == 2026
    again = client.post("/api/reports/monthly/2026-10/issue")
    assert again.status_code == 409 and "第 2 期" in again.json()["detail"]
    assert client.post("/api/reports/quarterly/2026-Q3/issue").json()["seq"] == 1  # quarters count on their own
    assert [i["period"] for i in client.get("/api/reports/issues", params={"year": 2026}).json()][:2] == [
        "2026-Q3",
        "2026-10",
    ]
    t = pdf_text(client.get("/api/reports/monthly/2026-10.pdf").content)
    day = second["issued_on"]
    assert "第2期" in t and "征求意见稿" not in t
    assert f"{int(day[:4])}年{int(day[5:7])}月{int(day[8:])}日" in t
    audited = (
        session.execute(
            text(
                "SELECT after->>'seq' FROM audit_log WHERE action = 'bulletin.issue' AND object_id = 'monthly/2026-10'"
            )
        )
        .scalars()
        .all()
    )
    assert audited == ["2"]
    wb = load_workbook(io.BytesIO(client.get("/api/reports/monthly/2026-10.xlsx").content))
    assert dict(r[:2] for r in wb["概况"].iter_rows(values_only=True) if r and r[0])["期号"] == "第2期"


def test_only_planners_issue(client, session):
    from tests.factories import make_user, token_for

    viewer = token_for(session, make_user(session, role="viewer"))
    assert client.post("/api/reports/monthly/2026-10/issue", headers=viewer).status_code == 403


def test_excel_numbers_are_numbers(client):
    r = client.get("/api/reports/monthly/2026-10.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    d = client.get("/api/dashboard", params={"month": "2026-10"}).json()
    overview = {row[0]: row[1] for row in wb["概况"].iter_rows(values_only=True) if row and row[0]}
    assert overview["项目数"] == 116 and overview["期号"].startswith("征求意见稿")
    assert Decimal(str(overview["年内累计完成投资（亿元）"])) == Decimal(str(d["headline"]["completed_year"]))
    assert Decimal(str(overview["年度计划投资（亿元）"])) == Decimal("293.8")
    ws = wb["分区市"]
    assert ws.freeze_panes == "B2"
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:6] == (
        "名称",
        "项目数",
        "年度计划投资（亿元）",
        "年内累计完成（亿元）",
        "本期完成（亿元）",
        "完成率",
    )
    body, total = rows[1:-1], rows[-1]
    assert total[0] == "合计" and total[1] == 116
    assert [r[0] for r in body] == [g["name"] for g in d["by_district"]]
    for row, g in zip(body, d["by_district"]):
        assert Decimal(str(row[3])) == Decimal(str(g["completed_year"]))
        assert round(Decimal(str(row[5])) * 100, 1) == Decimal(str(g["completion_rate"]))
    assert (
        sum(Decimal(str(r[3])) for r in body) == Decimal(str(total[3])) == Decimal(str(d["headline"]["completed_year"]))
    )
    rate, amount = ws.cell(2, 6), ws.cell(2, 4)
    assert rate.data_type == "n" and rate.number_format == "0.0%" and 0 <= rate.value <= 1.5
    assert amount.data_type == "n" and amount.number_format == "0.00"
    red = list(wb["红灯项目"].iter_rows(values_only=True))[1:]
    yellow = list(wb["黄灯项目"].iter_rows(values_only=True))[1:]
    assert len(red) + len(yellow) == len(d["lagging"]) and all(r[4] and r[5] for r in red + yellow)
    assert wb["红灯项目"].cell(2, 8).number_format == "0.0%" and isinstance(wb["红灯项目"].cell(2, 8).value, float)


def test_reporters_text_in_the_excel_is_never_a_formula(client, session):
    session.execute(
        text("UPDATE projects SET unit = '=HYPERLINK(\"http://x\")' WHERE id = (SELECT id FROM projects LIMIT 1)")
    )
    d = client.get("/api/dashboard", params={"month": "2026-10"}).json()
    wb = load_workbook(io.BytesIO(client.get("/api/reports/monthly/2026-10.xlsx").content))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [c for c in cells if c.data_type == "f"]
    assert d["lagging"] is not None


def test_bad_period_or_format_is_a_problem(client):
    assert client.get("/api/reports/monthly/2026-13.pdf").status_code == 422
    assert client.get("/api/reports/quarterly/2026-Q5.xlsx").status_code == 422
    r = client.get("/api/reports/monthly/2026-10.docx")
    assert r.status_code == 422 and "pdf" in r.json()["detail"]


@pytest.fixture
def cli_on_test_db(engine, monkeypatch):
    from api.cli import common
    from geo.db.engine import Database

    monkeypatch.setattr(common, "open_database", lambda settings: Database(engine))
    monkeypatch.setattr(Database, "close", lambda self: None)


@pytest.mark.usefixtures("cli_on_test_db")
def test_cli_writes_both_files(tmp_path):
    from api import cli

    result = CliRunner().invoke(cli.app, ["report", "monthly", "2026-10", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert pypdf.PdfReader(tmp_path / "weihai-bulletin-2026-10.pdf").pages
    assert load_workbook(tmp_path / "weihai-bulletin-2026-10.xlsx")["分区市"]
    assert not list(tmp_path.glob("*.part"))
    bad = CliRunner().invoke(cli.app, ["report", "quarterly", "2026-Q9", "--out", str(tmp_path)])
    assert bad.exit_code == 2 and "YYYY-Qn" in bad.output


def test_cli_issues_as_a_planner(session, monkeypatch):
    from contextlib import contextmanager

    from api import cli
    from api.cli import bulletins
    from tests.factories import make_user

    monkeypatch.setattr(bulletins, "domain_session", contextmanager(lambda: (yield session)))  # the test's transaction
    planner, viewer = make_user(session, role="planner"), make_user(session, role="viewer")
    refused = CliRunner().invoke(cli.app, ["report", "issue", "quarterly", "2026-Q2", "--by", viewer["username"]])
    assert refused.exit_code == 1 and "规划人员" in refused.output
    done = CliRunner().invoke(cli.app, ["report", "issue", "quarterly", "2026-Q2", "--by", planner["username"]])
    assert done.exit_code == 0 and "2026年第1期" in done.output, done.output
    listed = CliRunner().invoke(cli.app, ["report", "issues", "--year", "2026"])
    assert "2026-Q2" in listed.output and planner["username"] in listed.output


def test_pdf_shows_a_site_photo_per_district(client, session):
    from tests.factories import interior_point
    from tests.photos.images import jpeg

    far_lon, far_lat = interior_point(session, "districts", "乳山市")
    pid = session.execute(
        text(
            "SELECT id FROM projects WHERE district_id = (SELECT id FROM districts WHERE name = '乳山市') "
            "ORDER BY id LIMIT 1"
        )
    ).scalar()
    name, lon, lat = session.execute(
        text("SELECT name, ST_X(geom), ST_Y(geom) FROM projects WHERE id = :p"), {"p": pid}
    ).one()
    # Away from the site: not evidence, so it never stands for the district.
    away = client.post(
        f"/api/projects/{pid}/photos",
        data={"month": "2026-10"},
        files=[
            (
                "files",
                ("far.jpg", jpeg(seed=8, lon=far_lon + 0.2, lat=far_lat, taken="2026:10:20 10:00:00"), "image/jpeg"),
            )
        ],
    )
    assert away.status_code == 201, away.text
    assert "项目建设现场图片" not in pdf_text(client.get("/api/reports/monthly/2026-10.pdf").content)
    up = client.post(
        f"/api/projects/{pid}/photos",
        data={"month": "2026-10"},
        files=[("files", ("site.jpg", jpeg(seed=7, lon=lon, lat=lat, taken="2026:10:12 10:00:00"), "image/jpeg"))],
    )
    assert up.status_code == 201, up.text
    text_ = pdf_text(client.get("/api/reports/monthly/2026-10.pdf").content)
    assert "附：项目建设现场图片" in text_ and f"乳山市｜{zh(name)}｜2026年10月12日摄" in text_
    assert "项目建设现场图片" not in pdf_text(client.get("/api/reports/monthly/2026-09.pdf").content)
