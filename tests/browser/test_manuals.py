"""Browser: a reader downloads the 重点任务推进手册 from the task register (following its category filter) and finds
the 重大项目推进手册 links on the dashboard."""

import io
import re

import pypdf
import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_a_reader_downloads_the_task_manual_of_the_chosen_category(page, live_server, tmp_path, accounts):
    sign_in(page, live_server, accounts["viewer"], "/tasks.html")
    page.wait_for_function("() => document.body.dataset.ready === '1' && !document.body.dataset.loading")
    link = page.get_by_test_id("manual-tasks-pdf")
    assert link.inner_text() == "任务推进手册 PDF"
    page.get_by_test_id("tf-category").select_option("promotion")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".pdf")
    saved = tmp_path / "manual.pdf"
    download.value.save_as(saved)
    data = saved.read_bytes()
    assert data.startswith(b"%PDF")
    words = re.sub(r"\s+", "", "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages))
    assert "重点任务推进手册" in words and "推介宣传（" in words and "规划引领（" not in words
    assert "category=promotion" in page.get_by_test_id("manual-tasks-xlsx").get_attribute("href")


def test_the_dashboard_offers_the_project_manual(page, live_server, accounts):
    sign_in(page, live_server, accounts["viewer"], "/dashboard.html")
    page.wait_for_selector("body[data-ready='1'] [data-testid=manual-projects-pdf]")
    assert page.get_by_test_id("manual-projects-pdf").get_attribute("href") == "/api/manuals/projects.pdf"
    assert page.get_by_test_id("manual-projects-xlsx").inner_text() == "项目推进手册 Excel"
    page.locator("#lang-toggle").click()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=manual-projects-xlsx]').textContent === 'Project manual Excel'"
    )
