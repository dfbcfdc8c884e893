"""The quarterly bulletin's 考核排名: the districts' full league table in official form, weights printed below, the
same ranks and scores as /api/assessment; the monthly bulletin has no such section."""

import io
import re

import pypdf
import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.usefixtures("as_planner")

HALF_WIDTH_BESIDE_CHINESE = re.compile(r"[\u4e00-\u9fff][,;:()?!]|[,;:()?!][\u4e00-\u9fff]")


def _text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def test_the_quarterly_bulletin_prints_the_league_table_with_the_weights_below(client):
    league = client.get("/api/assessment", params={"period": "2026-Q3", "kind": "district"}).json()
    r = client.get("/api/reports/quarterly/2026-Q3.pdf")
    assert r.status_code == 200
    t = _text(r.content)
    assert "九、考核排名" in t and "十、下步工作" in t and t.index("九、考核排名") < t.index("十、下步工作")
    part = t[t.index("九、考核排名") : t.index("十、下步工作")]
    # The full table, in rank order, each district with its score as the API gives it.
    positions = [part.index(f"{u['rank']}{u['name']}{u['score']:.2f}") for u in league["units"]]
    assert positions == sorted(positions) and len(positions) == 8
    assert f"{league['red'][0]}以{league['units'][0]['score']:.2f}分位居第一" in part
    assert "列入红榜（前3名）" in part and "列入黑榜（后3名）" in part
    # The weights below the table, and the rule for a criterion without data.
    assert part.index("注：考核满分100分") > positions[-1]
    assert "填报及时率15分、审核通过率10分、投资完成率20分" in part and "无数据" in part
    assert not HALF_WIDTH_BESIDE_CHINESE.search(part), HALF_WIDTH_BESIDE_CHINESE.search(part)


def test_the_quarterly_excel_has_the_league_sheet_and_the_monthly_bulletin_none(client):
    book = load_workbook(io.BytesIO(client.get("/api/reports/quarterly/2026-Q3.xlsx").content))
    assert "考核排名" in book.sheetnames
    rows = list(book["考核排名"].values)
    assert rows[0][:4] == ("排名", "区市", "得分", "较上期") and len([r for r in rows[1:] if r[1]]) >= 8
    assert "注：考核满分100分" in rows[-1][0]
    monthly = _text(client.get("/api/reports/monthly/2026-10.pdf").content)
    assert "考核排名" not in monthly and "九、下步工作" in monthly
