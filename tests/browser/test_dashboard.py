"""The dashboard in a real browser: charts render from /api/dashboard, and clicking a bar filters the map."""

import os

import pytest

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("WARROOM_SCREENSHOTS")


def open_dashboard(page, base, hash_=""):
    page.goto(f"{base}/dashboard.html{hash_}")
    page.wait_for_function("() => document.body.dataset.ready === '1'")


def test_charts_render_the_months_figures(page, live_server):
    open_dashboard(page, live_server, "#month=2026-10")
    assert page.get_by_test_id("dash-month").input_value() == "2026-10"
    series = page.evaluate("""() => {
        const c = window.warroomDashboard.charts;
        return Object.fromEntries(Object.entries(c).map(([k, ch]) => [k, ch.getOption().series.map(s =>
            s.data.length)]));
    }""")
    assert series["district"] == [8, 8] and series["cluster"] == [7, 7] and series["base"] == [9, 9]
    assert series["trend"] == [12, 12, 12] and series["lights"] == [12, 12]
    # The canvases are really painted (not blank).
    painted = page.evaluate("""() => [...document.querySelectorAll('.chart canvas')].map(cv => {
        const d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; })""")
    assert len(painted) == 6 and all(n > 1000 for n in painted)
    data = page.evaluate("window.warroomDashboard.data.headline")
    assert page.get_by_test_id("kpi-count").inner_text() == "116"
    assert str(data["completion_rate"]) in page.get_by_test_id("kpi-rate").inner_text()
    rows = page.get_by_test_id("lagging-row")
    assert rows.count() == data["by_light"]["red"] + data["by_light"]["yellow"]
    assert rows.first.get_attribute("data-light") == "red"
    assert page.get_by_test_id("dash-pdf").get_attribute("href") == "/api/reports/monthly/2026-10.pdf"
    assert page.get_by_test_id("dash-reminders").get_attribute("href") == "/api/periods/2026-10/reminders.xlsx"
    assert page.get_by_test_id("completeness-row").count() == 8
    assert "已关账" in page.get_by_test_id("dash-asof").inner_text()
    assert "演示数据" in page.get_by_test_id("dash-note").inner_text()  # demo figures say they are demo
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/dashboard.png", full_page=True)


def test_switching_month_reloads(page, live_server):
    open_dashboard(page, live_server, "#month=2026-10")
    october = page.evaluate("window.warroomDashboard.data.headline.completed_year")
    page.get_by_test_id("dash-month").select_option("2026-03")
    page.wait_for_function(
        "() => window.warroomDashboard.data.month === '2026-03' && document.body.dataset.ready === '1'"
    )
    assert page.evaluate("window.warroomDashboard.data.headline.completed_year") < october
    assert "2026-03" in page.get_by_test_id("dash-asof").inner_text()


def test_clicking_a_district_bar_opens_the_map_filtered(page, live_server):
    open_dashboard(page, live_server, "#month=2026-10")
    index = page.evaluate("window.warroomDashboard.data.by_district.findIndex(g => g.name === '荣成市')")
    point = page.evaluate(f"""() => {{
        const ch = window.warroomDashboard.charts.district;
        const bar = ch.getModel().getSeriesByIndex(1).getData().getItemLayout({index});  // the completed-investment bar
        const r = ch.getDom().getBoundingClientRect();
        return {{x: r.left + bar.x + bar.width / 2, y: r.top + bar.y + bar.height / 2}};
    }}""")
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url("**/#*district=*")
    page.wait_for_function("() => document.body.dataset.ready === '1'")
    state = page.evaluate("window.warroom.state()")
    assert state["filters"] == {"district": "荣成市", "month": "2026-10"} and state["mode"] == "light"
    assert page.get_by_test_id("district-select").input_value() == "荣成市"
    assert page.get_by_test_id("month-select").input_value() == "2026-10"
    expected = page.evaluate("fetch('/api/summary?district=荣成市&month=2026-10').then(r => r.json())")
    assert page.get_by_test_id("summary-count").get_attribute("data-value") == str(expected["count"])
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/map-from-dashboard.png")
