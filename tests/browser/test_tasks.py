"""The key tasks in the browser: the register and its filters, the task card with its mini map, a department
reporter filing a month from the card, the map filtered to a task's projects, and the dashboard's task section."""

import json

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.browser.conftest import open_app, sign_in

pytestmark = pytest.mark.browser


def _open_register(page, base: str, hash_: str = "") -> None:
    page.goto(f"{base}/tasks.html{hash_}")
    page.wait_for_function("() => document.body.dataset.ready === '1' && !document.body.dataset.loading")


def _count(page) -> int:
    page.wait_for_function("() => !document.body.dataset.loading")
    return int(page.get_by_test_id("task-count").get_attribute("data-value"))


def test_the_register_lists_155_tasks_and_filters_narrow_them(page, live_server):
    _open_register(page, live_server)
    assert _count(page) == 155
    assert page.get_by_test_id("task-row").count() == 155
    assert "演示" in page.get_by_test_id("task-row").first.inner_text()
    page.get_by_test_id("tf-source").select_option("province")
    page.wait_for_function("() => document.querySelectorAll('[data-testid=task-row]').length === 72")
    assert "source=province" in page.evaluate("location.hash")
    page.get_by_test_id("tf-light").select_option("red")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=task-row]')].every((r) => r.dataset.light === 'red')"
    )
    red = _count(page)
    assert 0 < red < 72
    page.get_by_test_id("tf-reset").click()
    page.wait_for_function("() => document.querySelectorAll('[data-testid=task-row]').length === 155")
    page.get_by_test_id("tf-q").fill("国家区域创新中心")
    page.wait_for_function("() => document.querySelectorAll('[data-testid=task-row]').length < 155")
    titles = page.get_by_test_id("task-row").all_inner_texts()
    assert titles and all("国家区域创新中心" in x for x in titles)
    # The lead department's filter lists today's names; the register is the same via the old name in the URL.
    page.get_by_test_id("tf-reset").click()
    page.wait_for_function("() => document.querySelectorAll('[data-testid=task-row]').length === 155")
    page.get_by_test_id("tf-department").select_option(label="市工业和信息化局")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=task-row]')]"
        ".every((r) => r.innerText.includes('市工业和信息化局'))"
    )
    assert 0 < page.get_by_test_id("task-row").count() < 155


def test_the_card_shows_deliverable_deadline_and_linked_projects_on_a_mini_map(page, live_server, engine):
    with Session(engine) as s:
        task_id, n, code = s.execute(
            text("""SELECT t.id, count(*), t.code FROM tasks t JOIN task_projects tp ON tp.task_id = t.id
                    GROUP BY t.id HAVING count(*) >= 2 ORDER BY t.code LIMIT 1""")
        ).one()
    _open_register(page, live_server, f"#task={task_id}")
    page.wait_for_function(f"() => document.getElementById('task-card').dataset.taskId === '{task_id}'")
    card = page.get_by_test_id("task-card")
    assert code in card.inner_text()
    assert page.get_by_test_id("task-deliverable").inner_text()
    assert page.get_by_test_id("task-deadline").inner_text()[:4] in ("2026", "2027")
    assert page.get_by_test_id("task-demo").is_visible()
    page.wait_for_function(f"() => document.querySelector('[data-testid=task-minimap]')?.dataset.markers === '{n}'")
    assert page.locator(".task-minimap path.leaflet-interactive").count() == n
    assert page.get_by_test_id("task-report-row").count() == 12


def test_a_department_reporter_files_a_month_from_the_card_and_a_planner_passes_it(page, live_server, engine, accounts):
    from tests.factories import make_user

    with Session(engine) as s:
        reporter = make_user(s, role="dept_reporter", department="市海洋发展局")
        s.commit()
        task_id = s.execute(
            text("""SELECT t.id FROM tasks t JOIN departments d ON d.id = t.lead_department_id
                    WHERE d.name = '市海洋发展局' ORDER BY t.code LIMIT 1""")
        ).scalar_one()
    try:
        sign_in(page, live_server, reporter, f"/tasks.html#task={task_id}")
        page.wait_for_function("() => document.body.dataset.ready === '1'")
        page.wait_for_selector("[data-testid=task-report-form]")
        page.get_by_test_id("tr-status").select_option("lagging")
        page.get_by_test_id("tr-narrative").fill("海洋发展战略规划征求意见中")
        page.get_by_test_id("tr-problems").fill("需省级部门反馈意见")
        page.get_by_test_id("tr-submit").click()
        page.wait_for_selector("[data-testid=task-report-row][data-review=pending]")
        row = page.locator("[data-testid=task-report-row][data-review=pending]")
        assert "需省级部门反馈意见" in row.inner_text() and "待审核" in row.inner_text()
        # A task of another department offers no form.
        with Session(engine) as s:
            other = s.execute(
                text("""SELECT t.id FROM tasks t JOIN departments d ON d.id = t.lead_department_id
                        WHERE d.name = '市商务局' ORDER BY t.code LIMIT 1""")
            ).scalar_one()
        page.evaluate(f"window.warroomTasks.openTask('{other}')")
        page.wait_for_selector("[data-testid=task-not-yours]")
        assert page.get_by_test_id("task-report-form").count() == 0
        # A planner finds it among the tasks awaiting review and passes it: the card then tells it as 滞后.
        sign_in(page, live_server, accounts["planner"], "/tasks.html")
        page.wait_for_function("() => document.body.dataset.ready === '1'")
        page.get_by_test_id("tf-pending").check()
        page.wait_for_function(
            f"() => [...document.querySelectorAll('[data-testid=task-row]')].map((r) => r.dataset.taskId)"
            f".join() === '{task_id}'"
        )
        page.get_by_test_id("task-row").first.click()
        page.wait_for_function(f"() => document.getElementById('task-card').dataset.taskId === '{task_id}'")
        page.get_by_test_id("tr-pass").click()
        page.wait_for_selector("[data-testid=task-report-row][data-month='2026-11'][data-review=passed]")
    finally:
        with Session(engine) as s:
            s.execute(text("DELETE FROM task_reports WHERE task_id = :t AND NOT demo"), {"t": task_id})
            s.commit()


def test_the_map_shows_only_a_tasks_projects_and_names_the_task(page, live_server, engine):
    with Session(engine) as s:
        task_id, n, code = s.execute(
            text("""SELECT t.id, count(*), t.code FROM tasks t JOIN task_projects tp ON tp.task_id = t.id
                    GROUP BY t.id HAVING count(*) >= 2 ORDER BY t.code LIMIT 1""")
        ).one()
    open_app(page, live_server, f"#task={task_id}&mode=light")
    page.wait_for_function(f"() => window.warroom.totalCount() === {n}")
    page.wait_for_function(f"() => document.querySelector('[data-testid=task-chip]')?.dataset.taskId === '{task_id}'")
    assert code in page.get_by_test_id("task-chip").inner_text()
    assert page.get_by_test_id("summary-count").get_attribute("data-value") == str(n)
    # The project's card names the task among those it carries out.
    with Session(engine) as s:
        pid = s.execute(text("SELECT min(project_id) FROM task_projects WHERE task_id = :t"), {"t": task_id}).scalar()
    page.evaluate(f"window.warroom.openProject({pid})")
    page.wait_for_selector(f"[data-testid=project-task][data-task-id='{task_id}']")
    page.get_by_test_id("task-chip-clear").click()
    page.wait_for_function("() => window.warroom.totalCount() > 100")
    assert page.get_by_test_id("task-chip").is_hidden()


def test_the_dashboard_has_the_tasks_by_department_and_category(page, live_server):
    page.goto(f"{live_server}/dashboard.html")
    page.wait_for_function(
        "() => document.body.dataset.ready === '1' && document.getElementById('dash-tasks').dataset.month"
    )
    values = {
        k: int(page.get_by_test_id(f"dash-tasks-{k}").get_attribute("data-value"))
        for k in ("total", "completed", "on_schedule", "lagging")
    }
    assert values["total"] == 155 == values["completed"] + values["on_schedule"] + values["lagging"]
    assert values["completed"] and values["lagging"]
    assert page.locator("[data-testid=chart-task-department] canvas").count() == 1
    assert page.locator("[data-testid=chart-task-category] canvas").count() == 1


def test_a_planner_renames_a_department_and_the_old_name_becomes_its_alias(page, live_server, accounts):
    from tests.browser.conftest import signed_in_client

    planner = accounts["planner"]
    client = signed_in_client(live_server, planner)
    dept = next(d for d in client.get("/api/departments").json() if d["name"] == "市中小企业局")
    try:
        sign_in(page, live_server, planner, "/tasks.html")
        page.wait_for_function("() => document.body.dataset.ready === '1'")
        page.get_by_test_id("departments").locator("summary").click()
        row = page.locator("[data-testid=dept-row][data-code=ZXQ]")
        row.get_by_test_id("dept-name").fill("市中小企业发展局")
        row.get_by_test_id("dept-save").click()
        page.wait_for_function(
            "() => document.querySelector('[data-testid=dept-row][data-code=ZXQ]')?.innerText.includes('市中小企业局')"
        )
        page.wait_for_function(
            "() => [...document.querySelectorAll('#tf-department option')].some((o) => o.text === '市中小企业发展局')"
        )
        options = page.get_by_test_id("tf-department").locator("option").all_inner_texts()
        assert "市中小企业发展局" in options and "市中小企业局" not in options
        audit = client.get("/api/audit", params={"action": "department.update"})
        assert audit.status_code in (200, 403)  # planners may not read the audit log; the admin can (tests/tasks)
    finally:
        client.patch(f"/api/departments/{dept['id']}", json={"name": dept["name"], "alias": dept["alias"] or ""})
        client.close()


def test_hostile_text_in_a_task_and_its_department_is_shown_as_text(browser, live_server, engine):
    from tests.browser.conftest import PageProblems, app_page
    from tests.browser.test_xss import SEEN, WATCH
    from tests.payloads import hostile

    with Session(engine) as s:
        dept = s.execute(
            text("INSERT INTO departments (code, name) VALUES ('XSS', :n) RETURNING id"),
            {"n": hostile("市恶意局", 200)},
        ).scalar_one()
        task = s.execute(
            text("""INSERT INTO tasks (code, title, source, category, lead_department_id, deliverable, target, deadline,
                        milestones, districts)
                    VALUES ('XSS-1', :t, 'city', 'reform', :d, :t, :t, '2027-06-30',
                        CAST(:m AS jsonb), ARRAY['荣成市']) RETURNING id"""),
            {
                "t": hostile("恶意任务"),
                "d": dept,
                "m": json.dumps([{"month": "2027-03", "text": hostile("节点")}]),
            },
        ).scalar_one()
        s.execute(
            text("""INSERT INTO task_reports (task_id, month, status, narrative, problems)
                    VALUES (:t, '2026-10-01', 'lagging', :x, :x)"""),
            {"t": task, "x": hostile("恶意进展")},
        )
        s.execute(text("INSERT INTO task_projects (task_id, project_id) SELECT :t, min(id) FROM projects"), {"t": task})
        s.commit()
    problems = PageProblems()
    context, pg = app_page(browser, live_server, problems, init_script=WATCH)
    try:
        pg.goto(f"{live_server}/tasks.html#task={task}")
        pg.wait_for_function(f"() => document.getElementById('task-card').dataset.taskId === '{task}'")
        pg.get_by_test_id("departments").locator("summary").click()
        pg.hover("[data-testid=task-minimap] path.leaflet-interactive")
        assert "恶意任务<img" in pg.get_by_test_id("task-title").inner_text()
        assert "恶意进展" in pg.get_by_test_id("task-reports").inner_text()
        seen = pg.evaluate(SEEN)
        assert seen == {"xss": None, "csp": [], "planted": 0}, seen
        # The map's chip names the task; the dashboard draws the department on its chart.
        pg.goto(f"{live_server}/#task={task}")
        pg.wait_for_function(f"() => document.querySelector('[data-testid=task-chip]')?.dataset.taskId === '{task}'")
        assert "恶意任务<img" in pg.get_by_test_id("task-chip").inner_text()
        assert pg.evaluate(SEEN) == {"xss": None, "csp": [], "planted": 0}
        pg.goto(f"{live_server}/dashboard.html")
        pg.wait_for_function("() => document.getElementById('dash-tasks').dataset.month")
        assert pg.evaluate(SEEN) == {"xss": None, "csp": [], "planted": 0}
        assert not problems.unexpected()
    finally:
        context.close()
        with Session(engine) as s:
            s.execute(text("DELETE FROM tasks WHERE id = :t"), {"t": task})
            s.execute(text("DELETE FROM departments WHERE id = :d"), {"d": dept})
            s.commit()
