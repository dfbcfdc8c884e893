"""A planner in the browser gives a project a monthly plan and three milestones, moves one milestone's planned date
into the past, and sees the project's light turn; a viewer sees the plan read-only."""

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.browser.conftest import sign_in, signed_in_client
from tests.factories import interior_point, make_project

pytestmark = pytest.mark.browser


@pytest.fixture
def fresh_project(engine):
    """A committed project on schedule by its dates (60% at the end of October 2026), registered in 2025."""
    with Session(engine) as s:
        lon, lat = interior_point(s, "districts", "荣成市")
        pid = make_project(
            s, lon=lon, lat=lat, district="荣成市", start="2025-01-01", end="2027-12-31", progress="60", year="2"
        )
        s.execute(text("UPDATE projects SET created_at = '2025-01-01' WHERE id = :p"), {"p": pid})
        s.commit()
    yield pid
    with Session(engine) as s:
        s.execute(text("DELETE FROM projects WHERE id = :p"), {"p": pid})
        s.commit()


def card_light(page):
    return page.locator("#project-panel .pcard-progress .light-badge").get_attribute("data-light")


def idle(page):
    page.wait_for_function("() => document.body.dataset.ready === '1' && window.warroom.idle()")


def renders(page):
    return int(page.evaluate("() => document.body.dataset.workplanRenders || '0'"))


def saved(page, click):
    """Click a save button and wait until the card's 计划 section is drawn again with what was saved."""
    before = renders(page)
    click()
    page.wait_for_function(f"() => Number(document.body.dataset.workplanRenders || 0) > {before}")
    idle(page)


def add_milestone(page, name, planned, unit, count):
    form = page.get_by_test_id("milestone-add-form")
    form.locator("input[name=name]").fill(name)
    form.locator("input[name=planned_date]").fill(planned)
    form.locator("input[name=responsible_unit]").fill(unit)
    saved(page, form.get_by_test_id("milestone-save").click)
    assert page.get_by_test_id("milestone-row").count() == count


def test_plan_milestones_and_the_light_turns(page, page_problems, live_server, accounts, fresh_project):
    pid = fresh_project
    page_problems.allow_http_errors = True  # the plan that does not add up is refused with a 422, on purpose
    sign_in(page, live_server, accounts["planner"], f"/#project={pid}")
    idle(page)
    page.get_by_test_id("project-card").wait_for()
    assert card_light(page) == "green"

    # The monthly plan: spread the year's 2 亿元 evenly, planned progress 60% by October, 70% by December.
    saved(page, page.get_by_test_id("workplan-toggle").click)
    page.get_by_test_id("plan-spread").click()
    assert page.get_by_test_id("plan-sum").get_attribute("data-ok") == "true"
    page.locator("input[name='inv-2026-01']").fill("0.50")  # the running sum tells the planner it is off
    assert page.get_by_test_id("plan-sum").get_attribute("data-ok") == "false"
    assert "多 0.34 亿元" in page.get_by_test_id("plan-sum").inner_text()
    page.get_by_test_id("plan-save").click()
    page.get_by_test_id("plan-error").filter(has_text="比年度计划投资 2 亿元多 0.34 亿元").wait_for()
    page.get_by_test_id("plan-spread").click()
    page.locator("input[name='prog-2026-10']").fill("60")
    page.locator("input[name='prog-2026-12']").fill("70")
    saved(page, page.get_by_test_id("plan-save").click)
    page.get_by_test_id("toast").filter(has_text="月度计划已保存").wait_for()

    # Three milestones, all in the future: the light stays green.
    add_milestone(page, "施工许可", "2027-02-01", "荣成市住建局", 1)
    add_milestone(page, "主体结构封顶", "2027-06-30", "项目公司", 2)
    add_milestone(page, "竣工验收", "2027-11-30", "荣成市发改局", 3)
    assert card_light(page) == "green"
    page.get_by_test_id("next-milestone").filter(has_text="施工许可").wait_for()

    # 主体结构封顶 moved to mid-October 2026 and not done: overdue at the month's end, the light turns.
    row = page.locator("[data-testid=milestone-row]", has_text="主体结构封顶")
    row.get_by_test_id("milestone-edit").click()
    form = page.get_by_test_id("milestone-edit-form")
    form.locator("input[name=planned_date]").fill("2026-10-15")
    saved(page, form.get_by_test_id("milestone-save").click)
    assert card_light(page) in ("yellow", "red")
    page.get_by_test_id("next-milestone").filter(has_text="主体结构封顶").wait_for()
    assert "逾期" in page.get_by_test_id("next-milestone-late").inner_text()
    assert page.get_by_test_id("workplan").get_attribute("open") is not None  # still open after the reload

    # What the browser saved is what the API and the map say.
    planner = signed_in_client(live_server, accounts["planner"])
    plan = planner.get(f"/api/projects/{pid}/plan", params={"year": 2026}).json()
    assert plan["difference"] == 0 and plan["months"][9]["planned_progress"] == 60
    props = planner.get(f"/api/projects/{pid}").json()["properties"]
    assert props["light"] == card_light(page) and props["milestone_overdue_days"] > 0


def test_a_viewer_sees_the_plan_but_no_editor(page, live_server, accounts, fresh_project):
    pid = fresh_project
    sign_in(page, live_server, accounts["viewer"], f"/#project={pid}")
    idle(page)
    page.get_by_test_id("workplan-toggle").click()
    page.get_by_test_id("plan-table").wait_for()
    assert page.locator("input[name='inv-2026-01']").is_disabled()
    assert page.get_by_test_id("plan-save").count() == 0
    assert page.get_by_test_id("milestone-add-form").count() == 0
