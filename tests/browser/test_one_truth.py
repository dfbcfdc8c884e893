"""One truth on screen: for the same month, the map's summary, the dashboard's tiles and the bulletin the dashboard
links to print the same project count and the same red / yellow / green counts — city-wide and per district."""

import io
import re

import openpyxl
import pypdf
import pytest

from tests.browser.conftest import open_app, sign_in

pytestmark = pytest.mark.browser
LIGHTS = ("red", "yellow", "green")
DISTRICTS = ("环翠区", "荣成市", "高区")


def map_figures(page) -> dict:
    """The count and lights the map's summary panel shows."""
    count = int(page.get_by_test_id("summary-count").get_attribute("data-value"))
    return {"count": count} | {k: int(page.get_by_test_id(f"light-{k}").get_attribute("data-value")) for k in LIGHTS}


def test_map_dashboard_and_bulletin_show_the_same_counts(page, live_server, accounts):
    sign_in(page, live_server, accounts["viewer"])  # bulletins are for accounts; the counts are public anyway
    for month in ("2026-10", "2026-06"):
        page.goto(f"{live_server}/dashboard.html#month={month}")
        page.wait_for_function(
            f"() => document.body.dataset.ready === '1' && window.warroomDashboard.data?.month === '{month}'"
        )
        assert page.get_by_test_id("dash-asof").get_attribute("data-month") == month
        tiles = {"count": int(page.get_by_test_id("kpi-count").inner_text().replace(",", ""))} | {
            k: int(page.get_by_test_id(f"kpi-light-{k}").inner_text()) for k in LIGHTS
        }
        pdf = page.request.get(live_server + page.get_by_test_id("dash-pdf").get_attribute("href"))
        xlsx = page.request.get(live_server + page.get_by_test_id("dash-xlsx").get_attribute("href"))
        assert pdf.ok and xlsx.ok
        text = re.sub(r"\s+", "", "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.body())).pages))
        sheet = openpyxl.load_workbook(io.BytesIO(xlsx.body()))["分区市"]
        by_district = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}

        open_app(page, live_server, f"#month={month}&mode=light")
        assert page.get_by_test_id("summary-asof").get_attribute("data-month") == month
        city = map_figures(page)
        assert city == tiles, (month, city, tiles)
        assert f"全市纳入调度的重大项目{city['count']}个" in text
        assert f"红灯{city['red']}个" in text and f"黄灯{city['yellow']}个" in text, month
        assert f"五、红灯项目（{city['red']}个）" in text and f"六、黄灯项目（{city['yellow']}个）" in text
        for district in DISTRICTS:
            page.get_by_test_id("district-select").select_option(district)
            page.wait_for_function(
                "() => document.body.dataset.loading === '0' && "
                f"document.getElementById('summary-scope')?.textContent.includes('{district}')"
            )
            shown = map_figures(page)
            row = by_district[district]
            assert (shown["count"], shown["red"], shown["yellow"]) == (row[1], row[6], row[7]), (month, district)
        page.get_by_test_id("district-select").select_option("")
