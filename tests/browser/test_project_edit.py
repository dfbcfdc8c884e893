"""The project library in the browser, as a planner: create a project by clicking the map (the siting answer shown
live), edit it by dragging its pin, read the readable history, retire it (it leaves the map, the summary says so);
a district reporter proposes a change that the planner accepts from the card."""

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.browser.conftest import app_page, sign_in, signed_in_client
from tests.factories import interior_point

pytestmark = pytest.mark.browser
CODE = "BROWSER-PE-1"


def ready(page):
    page.wait_for_function("() => document.body.dataset.ready === '1' && window.warroom.idle()")


def _cleanup(engine, code: str) -> None:
    with Session(engine) as s:
        s.execute(
            text("DELETE FROM project_proposals WHERE project_id IN (SELECT id FROM projects WHERE code = :c)"),
            {"c": code},
        )
        s.execute(text("DELETE FROM projects WHERE code = :c"), {"c": code})
        s.commit()


def _click_map_at(page, lon: float, lat: float) -> None:
    page.evaluate(f"() => window.warroom.map.setView([{lat}, {lon}], 15, {{ animate: false }})")
    page.wait_for_timeout(300)
    point = page.evaluate(f"() => window.warroom.pointOf({lon}, {lat})")
    page.mouse.click(point["x"], point["y"])


def test_a_planner_creates_edits_reads_the_history_and_retires_a_project(page, live_server, engine, accounts):
    with Session(engine) as s:
        lon, lat = interior_point(s, "districts", "荣成市")
    lon, lat = lon + 0.0123, lat + 0.0071  # off the seeded markers
    try:
        sign_in(page, live_server, accounts["planner"])
        ready(page)
        page.get_by_test_id("project-new").click()
        box = page.get_by_test_id("project-create-box")
        box.wait_for()
        _click_map_at(page, lon, lat)
        siting = box.get_by_test_id("pe-siting")
        page.wait_for_function("() => document.querySelector('[data-testid=pe-siting]').dataset.state === 'done'")
        assert "荣成市" in siting.inner_text()  # the live siting answer for the clicked point
        assert abs(float(box.get_by_test_id("pe-lon").input_value()) - lon) < 1e-4
        form = box.get_by_test_id("project-create-form")
        form.locator("input[name=code]").fill(CODE)
        form.locator("input[name=name]").fill("浏览器新建项目")
        form.locator("select[name=district]").select_option("荣成市")
        form.locator("select[name=cluster]").select_option(index=1)
        form.locator("input[name=investment_total]").fill("约5亿")
        form.locator("input[name=investment_year]").fill("1.20")
        form.get_by_test_id("pe-submit").click()
        error = form.get_by_test_id("pe-error-investment_total")
        error.wait_for()
        assert "不是数字" in error.inner_text()  # refused with what to write, nothing created
        form.locator("input[name=investment_total]").fill("5.00")
        form.get_by_test_id("pe-submit").click()

        panel = page.get_by_test_id("project-panel")
        page.wait_for_function(
            "() => document.querySelector('[data-testid=project-panel]').dataset.view === 'project' && "
            "document.querySelector('[data-testid=project-name]').textContent.includes('浏览器新建项目')"
        )
        assert box.is_hidden()
        pid = panel.get_attribute("data-project-id")
        drawn = [{k: i[k] for k in ("kind", "count", "id")} for i in page.evaluate("() => window.warroom.items()")]
        assert {"kind": "point", "count": 1, "id": pid} in drawn  # drawn on the map on its own
        assert "荣成市" in page.get_by_test_id("project-district").inner_text()

        # Edit: rename and drag the pin east; the siting line follows the pin.
        page.get_by_test_id("project-edit").click()
        edit = page.get_by_test_id("project-edit-form")
        edit.wait_for()
        edit.locator("input[name=name]").fill("浏览器新建项目(二期)")
        pin = page.locator(".pe-pin").bounding_box()
        x, y = pin["x"] + pin["width"] / 2, pin["y"] + pin["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + 40, y + 10, steps=8)
        page.mouse.up()
        lon_input = "document.querySelector('[data-testid=project-edit-form] [name=lon]')"
        page.wait_for_function(f"() => Math.abs(Number({lon_input}.value) - {lon}) > 1e-4")
        moved_lon = float(edit.locator("input[name=lon]").input_value())
        assert moved_lon > lon
        edit.get_by_test_id("pe-save").click()
        page.get_by_test_id("toast").filter(has_text="第 2 版").wait_for()
        page.wait_for_function(
            "() => document.querySelector('[data-testid=project-name]').textContent.includes('二期')"
        )

        # 历史: version 2 lists the rename and the move as label: old → new.
        page.get_by_test_id("project-history-tab").click()
        v2 = page.locator("[data-testid=history-version][data-version='2']")
        v2.wait_for()
        name_change = v2.locator("[data-testid=history-change][data-field=name]").inner_text()
        assert "项目名称" in name_change and "浏览器新建项目" in name_change and "二期" in name_change
        assert v2.locator("[data-testid=history-change][data-field=location]").count() == 1
        assert page.locator("[data-testid=history-version][data-version='1'][data-action=create]").count() == 1

        # 退库 asks for a reason first; then the project leaves the map and the summary says so.
        total_before = int(page.get_by_test_id("map").get_attribute("data-total"))
        page.get_by_test_id("project-retire").click()
        retire = page.get_by_test_id("project-retire-form")
        retire.get_by_test_id("retire-confirm").click()
        assert "原因" in retire.locator("[data-error-for=reason]").inner_text()
        retire.get_by_test_id("retire-reason").fill("项目取消")
        retire.get_by_test_id("retire-confirm").click()
        page.get_by_test_id("project-retired").wait_for()
        assert "项目取消" in page.get_by_test_id("project-retired").inner_text()
        page.wait_for_function(f"() => Number(document.getElementById('map').dataset.total) === {total_before - 1}")
        assert "退库 1 个" in page.get_by_test_id("summary-retired").inner_text()
        assert pid not in [i.get("id") for i in page.evaluate("() => window.warroom.items()")]
    finally:
        _cleanup(engine, CODE)


@pytest.fixture(autouse=True)
def _allow_expected_422(page_problems):
    # the 422 of the refused amount is expected (the page shows it next to the field); page errors still fail
    page_problems.allow_http_errors = True


def test_a_reporter_proposes_and_the_planner_accepts_from_the_card(
    browser, page, page_problems, live_server, engine, accounts
):
    reporter = accounts["reporter"]  # reports for 乳山市
    with Session(engine) as s:
        lon, lat = interior_point(s, "districts", "乳山市")
    planner_api = signed_in_client(live_server, accounts["planner"])
    body = {
        "code": CODE,
        "name": "乳山提议项目",
        "district": "乳山市",
        "cluster": "新一代信息技术",
        "investment_total": "2",
        "investment_year": "1",
        "status": "planning",
        "lon": lon + 0.01,
        "lat": lat,
    }
    created = planner_api.post("/api/projects", json=body)
    assert created.status_code == 201, created.text
    pid = created.json()["project"]["properties"]["id"]
    try:
        sign_in(page, live_server, reporter, f"/#project={pid}")
        ready(page)
        page.get_by_test_id("project-propose").click()
        form = page.get_by_test_id("project-propose-form")
        form.locator("input[name=unit]").fill("乳山市发展和改革局")
        form.get_by_test_id("pe-save").click()
        page.get_by_test_id("toast").filter(has_text="待规划人员审核").wait_for()
        assert page.get_by_test_id("project-edit").count() == 0  # a reporter proposes, never edits
        page.locator("[data-testid=own-proposal][data-state=pending]").wait_for()  # and sees it awaiting a decision

        context, planner = app_page(browser, live_server, page_problems)
        try:
            # The review page lists every pending proposal; the planner accepts it there.
            sign_in(planner, live_server, accounts["planner"], "/review.html")
            planner.wait_for_function("() => document.body.dataset.ready === '1'")
            proposal = planner.locator(f"[data-testid=proposal][data-project='{pid}']")
            proposal.wait_for()
            assert "乳山市发展和改革局" in proposal.inner_text() and "乳山提议项目" in proposal.inner_text()
            proposal.get_by_test_id("proposal-accept").click()
            planner.get_by_test_id("toast").filter(has_text="已采纳").wait_for()
            proposal.wait_for(state="detached")
            # The card's 历史 shows it applied as version 2.
            planner.goto(f"{live_server}/#project={pid}")
            ready(planner)
            planner.get_by_test_id("project-history-tab").click()
            change = planner.locator("[data-testid=history-version][data-version='2'] [data-field=unit]")
            change.wait_for()
            assert "乳山市发展和改革局" in change.inner_text()
        finally:
            context.close()
    finally:
        _cleanup(engine, CODE)
