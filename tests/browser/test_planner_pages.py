"""Browser: the siting-check page end to end, and the exported district map opened from a file with no network."""

import re

import pytest

from geo.transfer.offline_map import district_map_html
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_siting_page_checks_pasted_points_and_downloads_excel(page, live_server, tmp_path, accounts):
    sign_in(page, live_server, accounts["planner"])  # the siting check is a planner's tool
    page.get_by_test_id("siting-link").click()
    page.wait_for_selector("body[data-ready='1']")
    page.get_by_test_id("siting-text").fill("122.05, 37.20, 文登点\n116.40, 39.90, 北京\nabc\n37.41, 122.13, 写反")
    page.get_by_test_id("siting-run").click()
    page.wait_for_selector("body[data-checked='3']")
    rows = page.get_by_test_id("siting-row")
    assert rows.count() == 3
    assert "文登" in rows.nth(0).inner_text()
    assert "写反" in rows.nth(2).inner_text()
    assert "第 3 行" in page.get_by_test_id("siting-status").inner_text()
    assert page.locator(".siting-map path.leaflet-interactive").count() > 9  # districts, bases and the markers
    page.screenshot(path=str(tmp_path / "siting.png"))
    with page.expect_download() as download:
        page.get_by_test_id("siting-download").click()
    assert download.value.suggested_filename == "siting-check.xlsx"


def test_exported_district_map_is_self_contained(browser, session, settings, tmp_path):
    html = district_map_html(session, settings=settings, district="荣成市")
    assert not re.findall(r'<(?:script|link)[^>]+(?:src|href)="https?:', html)
    path = tmp_path / "rongcheng.html"
    path.write_text(html, encoding="utf-8")
    context = browser.new_context()
    requests = []
    context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    page.goto(path.as_uri())
    page.wait_for_selector("path.leaflet-interactive")
    assert page.locator("path.leaflet-interactive").count() >= 20  # boundary, zones, bases and project markers
    assert page.evaluate("typeof L") == "object"
    page.screenshot(path=str(tmp_path / "map.png"))
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    context.close()


def test_exported_map_popups_open(browser, session, settings, tmp_path):
    path = tmp_path / "m.html"
    path.write_text(district_map_html(session, settings=settings, district="乳山市"), encoding="utf-8")
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_selector("path.leaflet-interactive")
    page.locator(".leaflet-overlay-pane path.leaflet-interactive").last.click(force=True)
    page.wait_for_selector(".leaflet-popup-content")
    assert "亿元" in page.locator(".leaflet-popup-content").inner_text()
    assert errors == []
    page.close()
