"""The monthly dispatch cycle in the browser: a reporter files November, a planner returns one report with a reason
and passes another, closes November, and the dashboard and the map move their default month (最新) to 2026-11."""

import pytest
from sqlalchemy import text

from tests.browser.conftest import app_page, sign_in, signed_in_client

pytestmark = pytest.mark.browser
NOVEMBER = "2026-11"


def ready(page):
    page.wait_for_function("() => document.body.dataset.ready === '1'")


def test_file_review_close_and_the_default_month_moves(browser, page, page_problems, live_server, engine, accounts):
    reporter = signed_in_client(live_server, accounts["reporter"])
    ids = [
        f.get("id", f["properties"]["id"])
        for f in reporter.get("/api/projects", params={"district": "乳山市"}).json()["features"]
    ][:2]
    assert len(ids) == 2
    try:
        # The reporter files November from the project card: the form opens on it, pre-filled from October.
        sign_in(page, live_server, accounts["reporter"])
        page.goto(f"{live_server}/#project={ids[0]}")
        page.wait_for_function("() => document.body.dataset.ready === '1' && window.warroom.idle()")
        assert page.get_by_test_id("summary-asof").get_attribute("data-month") == "2026-10"
        assert "2026-10" in page.get_by_test_id("month-select").locator("option[value='']").inner_text()
        page.get_by_test_id("report-open").click()
        form = page.get_by_test_id("report-form")
        form.wait_for()
        assert form.locator("input[name=month]").input_value() == NOVEMBER
        form.locator("textarea[name=problems]").fill("周期测试:待退回")
        form.get_by_test_id("report-submit").click()
        page.get_by_test_id("toast").filter(has_text="待审核").wait_for()
        page.get_by_test_id("report-status").locator(f"[data-month='{NOVEMBER}'][data-review-state=pending]").wait_for()
        # The second project through the API, as the same reporter.
        last = reporter.get(f"/api/projects/{ids[1]}/reports").json()[0]
        body = {k: last[k] for k in ("progress", "investment_month", "investment_cumulative", "status")}
        assert reporter.put(f"/api/projects/{ids[1]}/reports/{NOVEMBER}", json=body).status_code in (200, 201)

        # The planner returns the first with a reason (required), passes the second, and closes November.
        context, planner = app_page(browser, live_server, page_problems)
        try:
            sign_in(planner, live_server, accounts["planner"], "/review.html")
            ready(planner)
            row = planner.locator(f"[data-testid=review-row][data-project='{ids[0]}']")
            row.get_by_test_id("review-return").click()
            assert "原因" in row.get_by_test_id("review-error").inner_text()
            row.get_by_test_id("review-reason-input").fill("投资数与台账不符")
            row.get_by_test_id("review-return").click()
            row.wait_for(state="detached")
            planner.locator(f"[data-testid=review-row][data-project='{ids[1]}']").get_by_test_id("review-pass").click()
            planner.locator(f"[data-testid=review-row][data-project='{ids[1]}']").wait_for(state="detached")
            # Passed reports alone move nothing: the dashboard and its bulletin stay on October until the close.
            planner.goto(f"{live_server}/dashboard.html")
            ready(planner)
            assert planner.evaluate("window.warroomDashboard.data.month") == "2026-10"
            assert planner.get_by_test_id("dash-pdf").get_attribute("href").endswith("/2026-10.pdf")
            planner.goto(f"{live_server}/review.html")
            ready(planner)
            planner.on("dialog", lambda d: d.accept())
            planner.locator(f"[data-testid=close-month][data-month='{NOVEMBER}']").click()
            planner.locator(f"[data-testid=period-row][data-month='{NOVEMBER}'][data-state=closed]").wait_for()
            # The dashboard's default month is now November, with its reminder list.
            planner.goto(f"{live_server}/dashboard.html")
            ready(planner)
            planner.wait_for_function(f"() => window.warroomDashboard.data?.month === '{NOVEMBER}'")
            assert "已关账" in planner.get_by_test_id("dash-asof").inner_text()
            assert (
                planner.get_by_test_id("dash-reminders").get_attribute("href").startswith(f"/api/periods/{NOVEMBER}/")
            )
            assert planner.get_by_test_id("dash-pdf").get_attribute("href").endswith(f"/{NOVEMBER}.pdf")
        finally:
            context.close()

        # The reporter sees the reason; the map's 最新 is November.
        page.goto(f"{live_server}/#project={ids[0]}")
        page.reload()
        page.wait_for_function("() => document.body.dataset.ready === '1' && window.warroom.idle()")
        assert page.get_by_test_id("summary-asof").get_attribute("data-month") == NOVEMBER
        assert NOVEMBER in page.get_by_test_id("month-select").locator("option[value='']").inner_text()
        reason = page.get_by_test_id("report-status").get_by_test_id("review-reason")
        reason.wait_for()
        assert "投资数与台账不符" in reason.inner_text()

        # Correcting the closed November is an explicit choice, and the correction waits for approval: until then the
        # city keeps counting the passed report.
        def november_progress():
            q = {"month": NOVEMBER, "district": "乳山市", "fields": "progress"}
            features = reporter.get("/api/projects", params=q).json()["features"]
            return next(
                f["properties"]["progress"] for f in features if f.get("id", f["properties"].get("id")) == ids[1]
            )

        counted = november_progress()
        page.goto(f"{live_server}/#project={ids[1]}")
        page.reload()
        page.wait_for_function("() => document.body.dataset.ready === '1' && window.warroom.idle()")
        page.get_by_test_id("report-open").click()
        form = page.get_by_test_id("report-form")
        form.wait_for()
        # November closed, the form opens on the next month due; going back to November is a correction.
        assert form.locator("input[name=month]").input_value() == "2026-12"
        assert not form.get_by_test_id("report-correct-row").is_visible()
        form.locator("input[name=month]").fill(NOVEMBER)
        form.locator("input[name=month]").dispatch_event("change")
        assert form.get_by_test_id("report-correct-row").is_visible()
        form.locator("input[name=progress]").fill(str(min(100, float(counted) + 7)))
        form.get_by_test_id("report-submit").click()
        assert "已关账" in form.locator("[data-error-for=month]").inner_text()
        form.get_by_test_id("report-correct").check()
        form.get_by_test_id("report-submit").click()
        page.get_by_test_id("toast").filter(has_text="更正").wait_for()
        assert november_progress() == counted
    finally:
        reporter.close()
        with engine.begin() as conn:  # the live server commits: restore the seeded state for other tests
            for pid in ids:
                conn.execute(
                    text("DELETE FROM progress_reports WHERE project_id = :p AND month = '2026-11-01' AND NOT demo"),
                    {"p": pid},
                )
                conn.execute(
                    text(
                        "UPDATE progress_reports SET superseded_at = NULL "
                        "WHERE project_id = :p AND month = '2026-11-01'"
                    ),
                    {"p": pid},
                )
                conn.execute(
                    text(
                        "UPDATE projects p SET progress = r.progress, status = r.status FROM (SELECT progress, status "
                        "FROM progress_reports WHERE project_id = :p AND superseded_at IS NULL "
                        "AND review_state = 'passed' "
                        "ORDER BY month DESC LIMIT 1) r WHERE p.id = :p"
                    ),
                    {"p": pid},
                )
            conn.execute(text("DELETE FROM reporting_periods WHERE month = '2026-11-01'"))
