"""Browser: a planner makes a 观摩 tour from the filters, sees its numbered stops and the not-a-road-route notice,
reorders it, enters a score and downloads the itinerary PDF."""

import os
import shutil
import subprocess

import pytest
from sqlalchemy import text

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def tours_undone(engine):
    """The live server commits: drop the tours a test made, so their scores do not reach other tests' periods."""
    with engine.connect() as conn:
        before = conn.execute(text("SELECT COALESCE(max(id), 0) FROM tours")).scalar()
    yield
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM tours WHERE id > :id"), {"id": before})


@pytest.mark.usefixtures("tours_undone")
def test_planner_creates_a_tour_from_a_filter_and_downloads_its_itinerary(page, live_server, tmp_path, accounts):
    sign_in(page, live_server, accounts["planner"])
    page.get_by_test_id("tours-link").click()
    page.wait_for_selector("body[data-ready='1']")
    page.get_by_test_id("tour-district").select_option("荣成市")
    page.get_by_test_id("tour-status").select_option("construction")
    page.wait_for_function(
        "() => { const c = document.querySelector('[data-testid=tour-filter-count]');"
        " return c && (c.dataset.query || '').includes('status=construction'); }"
    )
    expected = int(page.get_by_test_id("tour-filter-count").get_attribute("data-count"))
    assert 0 < expected <= 30
    page.get_by_test_id("tour-name").fill("荣成市在建项目观摩")
    page.get_by_test_id("tour-create-filter").click()
    page.wait_for_selector("[data-testid=tour-detail]:not([hidden]) [data-testid=tour-stop]")
    stops = page.get_by_test_id("tour-stop")
    assert stops.count() == expected
    assert page.get_by_test_id("tour-stop-marker").count() == expected  # numbered on the map
    assert "不是道路路线" in page.get_by_test_id("tour-route-note").inner_text()
    assert float(page.get_by_test_id("tour-total").get_attribute("data-km")) > 0
    assert page.locator(".tour-map path.leaflet-interactive").count() > 1  # districts and the straight route line
    first = stops.nth(0).inner_text().split("\t")[1]

    # Move the first stop down by hand: the order on the page follows and the itinerary will too.
    stops.nth(0).get_by_role("button", name="下移").click()
    page.wait_for_function(
        "(name) => document.querySelectorAll('[data-testid=tour-stop]')[1].innerText.includes(name)", arg=first
    )
    first = page.get_by_test_id("tour-stop").nth(0).inner_text().split("\t")[1]

    page.get_by_test_id("tour-scorer").fill("王局长")
    for cell in page.locator("[data-testid=tour-score-input][data-project]").all()[:5]:
        cell.fill("80")
    page.get_by_test_id("tour-save-scores").click()
    page.wait_for_function("() => document.querySelectorAll('[data-testid=tour-stop]')[0].innerText.includes('80.00')")
    page.screenshot(path=str(tmp_path / "tours.png"), full_page=True)
    if os.environ.get("TOUR_PAGES_DIR"):
        shutil.copy(tmp_path / "tours.png", os.environ["TOUR_PAGES_DIR"])

    with page.expect_download() as download:
        page.get_by_test_id("tour-itinerary").click()
    assert download.value.suggested_filename.endswith(".pdf")
    saved = tmp_path / "itinerary.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        words = "".join(subprocess.run(["pdftotext", str(saved), "-"], capture_output=True, text=True).stdout.split())
        assert "不是道路路线" in words and f"第1站{first}" in words
