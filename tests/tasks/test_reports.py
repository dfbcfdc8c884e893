"""Monthly task reports on the project reports' cycle: a department reporter files its own department's tasks,
a planner reviews, a closed month's change is a correction waiting for approval, history keeps every version."""

from sqlalchemy import text

from tests.factories import make_user, token_for


def _task_of(session, department: str, *, not_completed: bool = True) -> int:
    return session.execute(
        text("""SELECT t.id FROM tasks t JOIN departments d ON d.id = t.lead_department_id
                WHERE d.name = :d ORDER BY t.code LIMIT 1"""),
        {"d": department},
    ).scalar_one()


def _reporter(session, department: str) -> dict:
    return token_for(session, make_user(session, role="dept_reporter", department=department))


def test_a_department_reporter_files_its_task_it_waits_for_review_and_passing_moves_the_status(client, session):
    task = _task_of(session, "市商务局")
    headers = _reporter(session, "市商务局")
    body = {"status": "lagging", "narrative": "推介会延期举办", "problems": "外方日程调整"}
    r = client.put(f"/api/tasks/{task}/reports/2026-11", json=body, headers=headers)
    assert r.status_code == 201, r.text
    assert r.json()["review_state"] == "pending" and r.json()["correction"] is False
    # Nothing the city sees moves before review (and November is not yet the shown month).
    assert client.get(f"/api/tasks/{task}", params={"month": "2026-11"}).json()["status"] != "lagging"
    queue = client.get("/api/tasks", params={"pending": "true"}).json()["tasks"]
    assert [t["id"] for t in queue] == [task] and queue[0]["pending"] is True
    planner = token_for(session, make_user(session, role="planner"))
    passed = client.post(f"/api/tasks/{task}/reports/2026-11/review", json={"decision": "pass"}, headers=planner)
    assert passed.status_code == 200, passed.text
    card = client.get(f"/api/tasks/{task}", params={"month": "2026-11"}).json()
    assert (card["status"], card["light"], card["problems"]) == ("lagging", "red", "外方日程调整")
    assert client.get("/api/tasks", params={"pending": "true"}).json()["tasks"] == []
    audit = session.execute(
        text("SELECT action FROM audit_log WHERE object_type = 'task' AND object_id = :id ORDER BY id"),
        {"id": str(task)},
    ).scalars()
    assert list(audit) == ["task_report.submit", "task_report.pass"]


def test_a_returned_report_carries_the_reason_and_refiling_replaces_it(client, session):
    task = _task_of(session, "市商务局")
    headers = _reporter(session, "市商务局")
    planner = token_for(session, make_user(session, role="planner"))
    client.put(f"/api/tasks/{task}/reports/2026-11", json={"status": "in_progress", "narrative": "x"}, headers=headers)
    back = client.post(f"/api/tasks/{task}/reports/2026-11/review", json={"decision": "return"}, headers=planner)
    assert back.status_code == 422 and "原因" in back.json()["detail"]
    back = client.post(
        f"/api/tasks/{task}/reports/2026-11/review",
        json={"decision": "return", "reason": "请写明推介会时间"},
        headers=planner,
    )
    assert back.json()["review_state"] == "returned" and back.json()["review_reason"] == "请写明推介会时间"
    again = client.put(
        f"/api/tasks/{task}/reports/2026-11",
        json={"status": "in_progress", "narrative": "定于12月10日举办"},
        headers=headers,
    )
    assert again.status_code == 200 and again.json()["version"] == 2
    history = client.get(f"/api/tasks/{task}/reports/2026-11/history").json()
    assert [h["version"] for h in history] == [2, 1]


def test_a_closed_month_is_corrected_only_by_approval(client, session):
    task = _task_of(session, "市商务局")
    before = client.get(f"/api/tasks/{task}", params={"month": "2026-10"}).json()["status"]
    new = "lagging" if before != "lagging" else "in_progress"
    r = client.put(
        f"/api/tasks/{task}/reports/2026-10",
        json={"status": new, "narrative": "更正", "problems": "补报问题"},
        headers=_reporter(session, "市商务局"),
    )
    assert r.status_code == 200 and r.json()["correction"] is True and r.json()["review_state"] == "pending"
    assert client.get(f"/api/tasks/{task}", params={"month": "2026-10"}).json()["status"] == before
    planner = token_for(session, make_user(session, role="planner"))
    client.post(f"/api/tasks/{task}/reports/2026-10/review", json={"decision": "pass"}, headers=planner)
    assert client.get(f"/api/tasks/{task}", params={"month": "2026-10"}).json()["status"] == new


def test_closing_a_month_counts_task_reports_awaiting_review(client, session, settings):
    import datetime as dt

    from geo.progress.cycle import close_month
    from tests.factories import principal_of

    task = _task_of(session, "市商务局")
    client.put(
        f"/api/tasks/{task}/reports/2026-11",
        json={"status": "in_progress", "narrative": "推进中"},
        headers=_reporter(session, "市商务局"),
    )
    planner = make_user(session, role="planner")
    closed = close_month(
        session, settings=settings, actor=principal_of(planner), month=dt.date(2026, 11, 1), today=dt.date(2026, 12, 3)
    )
    assert closed["tasks_pending"] == 1


def test_a_department_reporter_reaches_only_its_own_departments_tasks_and_no_projects(client, session):
    other = _task_of(session, "市科学技术局")
    headers = _reporter(session, "市商务局")
    r = client.put(
        f"/api/tasks/{other}/reports/2026-11", json={"status": "in_progress", "narrative": "x"}, headers=headers
    )
    assert r.status_code == 403
    assert "市商务局" in r.json()["detail"] and "市科学技术局" in r.json()["detail"]
    district_reporter = token_for(session, make_user(session, role="reporter", district="乳山市"))
    r = client.put(
        f"/api/tasks/{other}/reports/2026-11",
        json={"status": "in_progress", "narrative": "x"},
        headers=district_reporter,
    )
    assert r.status_code == 403
    project = session.execute(text("SELECT id FROM projects ORDER BY id LIMIT 1")).scalar_one()
    body = {"progress": "10", "investment_month": "0", "investment_cumulative": "0", "status": "construction"}
    r = client.put(f"/api/projects/{project}/reports/2026-11", json=body, headers=headers)
    assert r.status_code == 403 and "部门填报员" in r.json()["detail"]
    assert (
        session.execute(
            text("SELECT count(*) FROM task_reports WHERE task_id = :t AND NOT demo"), {"t": other}
        ).scalar()
        == 0
    )


def test_bad_reports_are_refused_with_reasons_and_leave_nothing(client, session):
    task = _task_of(session, "市商务局")
    headers = _reporter(session, "市商务局")
    r = client.put(f"/api/tasks/{task}/reports/2026-11", json={"status": "lagging", "narrative": " "}, headers=headers)
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields == {"narrative", "problems"}
    r = client.put(f"/api/tasks/{task}/reports/2027-05", json={"status": "done", "narrative": "x"}, headers=headers)
    assert r.status_code == 422 and {e["field"] for e in r.json()["errors"]} == {"month", "status"}
    assert (
        session.execute(text("SELECT count(*) FROM task_reports WHERE task_id = :t AND NOT demo"), {"t": task}).scalar()
        == 0
    )


def test_demo_history_is_consistent_with_deadlines(session):
    rows = session.execute(
        text("""SELECT t.code, t.deadline, r.month, r.status FROM tasks t JOIN task_reports r ON r.task_id = t.id
                WHERE t.demo AND r.demo ORDER BY t.code, r.month""")
    ).all()
    assert len(rows) == 155 * 12
    history: dict[str, list] = {}
    for code, deadline, month, status in rows:
        history.setdefault(code, []).append((deadline, month, status))
    for code, months in history.items():
        statuses = [s for _, _, s in months]
        # Once completed, a task stays completed; nothing is completed before it has been under way.
        if "completed" in statuses:
            first = statuses.index("completed")
            assert set(statuses[first:]) == {"completed"}, code
            assert "in_progress" in statuses[:first], code
            assert months[first][1] <= months[first][0], code  # completed by its deadline
        # A task past its deadline in the history is either completed or reported 滞后.
        deadline, last_month, last = months[-1]
        if deadline.replace(day=1) <= last_month:
            assert last in ("completed", "lagging"), code


def test_reseeding_keeps_the_months_people_filed(client, session):
    from geo.demo.tasks import seed_demo_tasks

    task = _task_of(session, "市商务局")
    r = client.put(
        f"/api/tasks/{task}/reports/2026-10",
        json={"status": "in_progress", "narrative": "更正"},
        headers=_reporter(session, "市商务局"),
    )
    assert r.status_code == 200 and r.json()["review_state"] == "pending"
    assert seed_demo_tasks(session)["demo_tasks"] == 155
    states = session.execute(
        text("SELECT review_state, demo FROM task_reports WHERE task_id = :t AND month = '2026-10-01' ORDER BY id"),
        {"t": task},
    ).all()
    assert [tuple(s) for s in states] == [("passed", True), ("pending", False)]
