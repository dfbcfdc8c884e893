"""Problems to coordinate in the browser: a planner turns a report's 存在问题 into a tracked problem from the project
card, sees it overdue there and under the map's 有逾期问题 filter, then moves it to 协调中 and closes it (销号) on the
problems page, where closing without a note is refused."""

import pytest
from sqlalchemy import text

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def ready(page):
    page.wait_for_function("() => document.body.dataset.ready === '1'")


def _report_with_a_problem(engine) -> tuple[int, int, str]:
    """A project's current report naming a problem that no open problem tracks yet: (project, report, month)."""
    with engine.connect() as conn:
        row = conn.execute(
            text("""
            SELECT r.project_id, r.id, to_char(r.month, 'YYYY-MM') FROM progress_reports r
            WHERE r.problems IS NOT NULL AND r.superseded_at IS NULL AND r.review_state = 'passed'
              AND NOT EXISTS (SELECT 1 FROM problems pr WHERE pr.project_id = r.project_id)
            ORDER BY r.month DESC, r.project_id LIMIT 1""")
        ).one()
    return row[0], row[1], row[2]


def test_a_reports_problem_is_tracked_from_the_card_and_closed_with_a_note(page, live_server, engine, accounts):
    project, report, month = _report_with_a_problem(engine)
    try:
        sign_in(page, live_server, accounts["planner"], f"/#project={project}")
        page.wait_for_function("() => document.body.dataset.ready === '1' && window.warroom.idle()")
        row = page.locator(f"[data-testid=report-problem][data-report-id='{report}']")
        row.get_by_test_id("track-problem").click()
        form = row.get_by_test_id("problem-form")
        assert form.locator("textarea[name=description]").input_value()  # the report's 存在问题, ready to edit
        form.get_by_test_id("problem-department").fill("市自然资源和规划局")
        form.get_by_test_id("problem-deadline").fill("2026-11-20")  # the tests' today is 2026-12-03
        form.get_by_test_id("problem-submit").click()
        tracked = page.get_by_test_id("project-problems").get_by_test_id("problem")
        tracked.wait_for()
        assert tracked.get_by_test_id("problem-state").inner_text() == "待协调"
        assert tracked.get_by_test_id("problem-overdue").inner_text() == "逾期 13 天"
        page.locator(f"[data-testid=report-problem][data-report-id='{report}']").get_by_test_id(
            "already-tracked"
        ).wait_for()

        # The map's 有逾期问题 filter keeps the project.
        page.get_by_test_id("overdue-problems").check()
        page.wait_for_function("() => document.body.dataset.loading === '0'")
        page.locator(f"[data-testid=project-item][data-id='{project}']").wait_for()
        assert "overdue_problems=1" in page.evaluate("location.hash")

        # On the problems page: 转入协调, then 销号 — refused without a note, done with one.
        page.goto(f"{live_server}/problems.html#project={project}")
        ready(page)
        item = page.get_by_test_id("problem").first
        # A new deadline: the overdue days follow, and the history says what changed.
        item.get_by_test_id("problem-edit").click()
        item.get_by_test_id("problem-edit-deadline").fill("2026-11-25")
        item.get_by_test_id("problem-save").click()
        page.get_by_test_id("problem-overdue").filter(has_text="逾期 8 天").wait_for()
        item = page.get_by_test_id("problem").first
        assert "办结时限：2026-11-20 → 2026-11-25" in item.get_by_test_id("problem-history").text_content()
        item.get_by_test_id("problem-to-coordinating").click()
        page.locator("[data-testid=problem][data-state=coordinating]").wait_for()
        item = page.locator("[data-testid=problem][data-state=coordinating]")
        item.get_by_test_id("problem-to-resolved").click()
        assert "解决情况" in item.get_by_test_id("problem-error").inner_text()
        item.get_by_test_id("problem-note").fill("已办理用地手续,问题解决")
        item.get_by_test_id("problem-to-resolved").click()
        done = page.locator("[data-testid=problem][data-state=resolved]")
        done.wait_for()
        assert done.get_by_test_id("problem-resolution").inner_text() == "已办理用地手续,问题解决"
        assert done.get_by_test_id("problem-state").inner_text() == "已解决(销号)"
        assert done.get_by_test_id("problem-overdue").count() == 0
        history = done.get_by_test_id("problem-history").text_content()  # folded under 办理记录
        assert "待协调 → 协调中" in history and "协调中 → 已解决(销号)" in history
        assert month

        # The dashboard lists the demo problems overdue today, counted per district.
        page.goto(f"{live_server}/dashboard.html")
        ready(page)
        section = page.get_by_test_id("dash-problems")
        section.get_by_test_id("dash-problem").first.wait_for()
        assert "逾期" in section.get_by_test_id("dash-problems-list").inner_text()
        assert section.get_by_test_id("dash-problems-districts").locator("tr[data-district]").count() >= 1
    finally:
        with engine.begin() as conn:  # the live server commits: restore the seeded state for other tests
            conn.execute(text("DELETE FROM problems WHERE project_id = :p AND NOT demo"), {"p": project})
