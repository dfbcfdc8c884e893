"""The assessment (考核) in a real browser: the league table as the API ranks it, a unit's breakdown opens with the
API's numbers and its trend, the department league, and the dashboard's 考核 section following its month."""

import os

import httpx
import pytest

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("WARROOM_SCREENSHOTS")


def _open(page, base: str, hash_: str = "") -> None:
    page.goto(f"{base}/assessment.html{hash_}")
    page.wait_for_function("() => document.body.dataset.ready === '1' && !document.body.dataset.loading")


def test_the_league_table_and_a_breakdown_show_the_apis_numbers(page, live_server):
    api = httpx.get(f"{live_server}/api/assessment", params={"period": "2026-Q3", "kind": "district"}).json()
    _open(page, live_server, "#period=2026-Q3&kind=district")
    rows = page.get_by_test_id("assess-row")
    assert rows.count() == 8
    shown = [(r.get_attribute("data-unit"), float(r.get_attribute("data-score"))) for r in rows.all()]
    assert shown == [(u["name"], u["score"]) for u in api["units"]]
    assert page.get_by_test_id("assess-red").inner_text().startswith(api["red"][0])
    weights = page.get_by_test_id("assess-weights").inner_text()
    assert "填报及时率 15" in weights and "无数据" in page.get_by_test_id("assess-note").inner_text()
    # Open the second-ranked district: its breakdown is the API's, to the cent.
    second = api["units"][1]
    rows.nth(1).click()
    page.wait_for_function(
        "(n) => document.querySelector('[data-testid=assess-breakdown]')?.dataset.unit === n", arg=second["name"]
    )
    assert f"unit={second['name']}" in page.evaluate("decodeURIComponent(location.hash)")
    total = page.get_by_test_id("assess-total")
    assert float(total.get_attribute("data-value")) == second["score"]
    criteria = page.get_by_test_id("assess-criterion")
    assert criteria.count() == len(second["criteria"])
    for row, c in zip(criteria.all(), second["criteria"], strict=True):
        assert row.get_attribute("data-code") == c["code"]
        if c["no_data"]:
            assert "无数据" in row.inner_text()
        else:
            assert float(row.get_by_test_id("assess-criterion-score").inner_text()) == c["score"]
            assert float(row.get_by_test_id("assess-points").inner_text()) == c["points"]
    points = page.evaluate("window.warroomAssessment.unit.trend.length")
    assert points == 12
    painted = page.evaluate("""() => { const cv = document.querySelector('[data-testid=assess-trend] canvas');
        const d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; }""")
    assert painted > 1000
    assert (
        page.get_by_test_id("assess-xlsx").get_attribute("href") == "/api/assessment.xlsx?period=2026-Q3&kind=district"
    )
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/assessment.png", full_page=True)


def test_the_department_league_and_the_period_switch(page, live_server):
    _open(page, live_server, "#period=2026-Q3")
    page.get_by_test_id("assess-kind-department").click()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=assess-league]')?.dataset.kind === 'department'"
        " && !document.body.dataset.loading"
    )
    assert page.get_by_test_id("assess-row").count() > 8
    assert "kind=department" in page.evaluate("location.hash")
    page.get_by_test_id("assess-period").select_option("2026-09")
    page.wait_for_function("() => document.querySelector('[data-testid=assess-league]')?.dataset.period === '2026-09'")


def test_the_dashboard_has_the_district_league_of_its_month(page, live_server):
    page.goto(f"{live_server}/dashboard.html#month=2026-10")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=dash-assessment]')?.dataset.period === '2026-10'"
    )
    section = page.get_by_test_id("dash-assessment")
    assert section.get_by_test_id("assess-row").count() == 8
    assert "填报及时率" in section.get_by_test_id("assess-weights").inner_text()
    href = section.get_by_test_id("dash-assessment-open").get_attribute("href")
    assert href.startswith("/assessment.html#period=2026-10")
