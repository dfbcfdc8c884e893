"""The map's month selector (state, hash, summary) and submitting a monthly report from the project card."""

import pytest
from sqlalchemy import text

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def open_map(page, base, hash_=""):
    page.goto(f"{base}/{hash_}")
    page.wait_for_function("() => document.body.dataset.ready === '1' && window.warroom.idle()")


def summary_count(page, light):
    return int(page.get_by_test_id(f"light-{light}").get_attribute("data-value"))


def test_month_selector_drives_state_hash_and_lights(page, live_server):
    open_map(page, live_server)
    assert page.get_by_test_id("month-select").input_value() == ""
    page.get_by_test_id("month-select").select_option("2026-03")
    page.wait_for_function("() => window.warroom.state().filters.month === '2026-03' && window.warroom.idle()")
    assert "month=2026-03" in page.evaluate("location.hash")
    march = page.evaluate("fetch('/api/summary?month=2026-03').then(r => r.json())")
    page.wait_for_function(
        f"() => document.querySelector('[data-testid=light-red]').dataset.value === '{march['by_light'].get('red', 0)}'"
    )
    assert summary_count(page, "yellow") == march["by_light"].get("yellow", 0)
    # Reloading the page restores the month from the hash.
    page.reload()
    page.wait_for_function("() => document.body.dataset.ready === '1'")
    assert page.get_by_test_id("month-select").input_value() == "2026-03"
    page.get_by_test_id("month-select").select_option("")
    page.wait_for_function("() => !('month' in window.warroom.state().filters)")
    assert "month=" not in page.evaluate("location.hash")


def test_submitting_a_report_updates_the_card_and_keeps_history(page, page_problems, live_server, engine, accounts):
    page_problems.allow_http_errors = True  # the first submission is refused on purpose (422)
    with engine.connect() as conn:
        pid, code = conn.execute(
            text("SELECT id, code FROM projects WHERE status = 'construction' ORDER BY id LIMIT 1")
        ).one()
    try:
        sign_in(page, live_server, accounts["planner"])  # reports need an account; a planner reports for any district
        open_map(page, live_server, f"#project={pid}&month=2026-10")
        page.get_by_test_id("report-open").click()
        form = page.get_by_test_id("report-form")
        form.wait_for()
        # The form opens on the due month, pre-filled from the month before and saying so.
        due = page.evaluate("window.warroom.meta.cycle.due_month")
        assert form.locator("input[name=month]").input_value() == due == "2026-11"
        assert "以下为 2026-10 数据" in form.get_by_test_id("report-prefill").inner_text()
        assert form.get_by_test_id("report-correct-row").is_hidden()
        # A closed month takes a report only as an explicit correction.
        form.locator("input[name=month]").fill("2026-10")
        form.get_by_test_id("report-correct-row").wait_for()
        form.locator("input[name=progress]").fill("1")
        form.locator("[data-testid=report-submit]").click()
        assert "更正已关账月份" in form.locator("[data-error-for=month]").inner_text()
        form.get_by_test_id("report-correct").check()
        form.locator("[data-testid=report-submit]").click()
        error = form.locator("[data-error-for=regress_reason]")
        error.wait_for()
        assert "低于" in error.inner_text()
        form.locator("input[name=progress]").fill("99")
        form.locator("textarea[name=problems]").fill("浏览器测试:设备到货延迟")
        form.locator("[data-testid=report-submit]").click()
        # October is closed: the change is a correction that counts only once a planner approves it.
        page.get_by_test_id("toast").filter(has_text="待审核").wait_for()
        assert not page.get_by_test_id("project-progress").inner_text().startswith("99")
        history = page.evaluate(f"fetch('/api/projects/{pid}/reports/2026-10/history').then(r => r.json())")
        assert [h["version"] for h in history] == [2, 1] and history[0]["problems"] == "浏览器测试:设备到货延迟"
        assert history[0]["review_state"] == "pending" and history[0]["correction"] is True
    finally:
        with engine.begin() as conn:  # the live server commits: restore the seeded state for other tests
            conn.execute(
                text("DELETE FROM progress_reports WHERE project_id = :p AND month = '2026-10-01' AND NOT demo"),
                {"p": pid},
            )
            conn.execute(
                text("UPDATE progress_reports SET superseded_at = NULL WHERE project_id = :p AND month = '2026-10-01'"),
                {"p": pid},
            )
            conn.execute(
                text(
                    "UPDATE projects p SET progress = r.progress, status = r.status FROM progress_reports r "
                    "WHERE r.project_id = p.id AND p.id = :p AND r.month = '2026-10-01'"
                ),
                {"p": pid},
            )
