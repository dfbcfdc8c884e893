"""Departments are a list the planners keep: add, rename (the old name stays findable), every change audited."""

from sqlalchemy import text

from tests.factories import make_user, token_for


def test_a_planner_renames_a_department_and_the_old_name_still_finds_its_tasks(client, session):
    planner = token_for(session, make_user(session, role="planner"))
    deps = client.get("/api/departments").json()
    swj = next(d for d in deps if d["name"] == "市商务局")
    assert swj["leads"] > 0
    r = client.patch(f"/api/departments/{swj['id']}", json={"name": "市商务和投资促进局"}, headers=planner)
    assert r.status_code == 200, r.text
    assert r.json()["alias"] == "市商务局"
    tasks = client.get("/api/tasks", params={"department": "市商务局"}).json()["tasks"]
    assert len(tasks) == swj["leads"] and {t["lead"]["name"] for t in tasks} == {"市商务和投资促进局"}
    row = session.execute(
        text(
            "SELECT before->>'name', after->>'name' FROM audit_log WHERE action = 'department.update' ORDER BY id DESC"
        )
    ).first()
    assert tuple(row) == ("市商务局", "市商务和投资促进局")


def test_adding_a_department_twice_is_a_conflict_and_viewers_may_not_add(client, session):
    planner = token_for(session, make_user(session, role="planner"))
    body = {"code": "TJJ", "name": "市统计局"}
    assert client.post("/api/departments", json=body, headers=planner).status_code == 201
    assert client.post("/api/departments", json=body, headers=planner).status_code == 409
    viewer = token_for(session, make_user(session, role="viewer"))
    assert client.post("/api/departments", json={"code": "X", "name": "Y"}, headers=viewer).status_code == 403


def test_a_department_reporter_needs_a_known_department(session):
    import pytest

    from geo.errors import InvalidInput

    with pytest.raises(InvalidInput) as missing:
        make_user(session, role="dept_reporter", department="")
    assert "部门" in missing.value.detail
    with pytest.raises(InvalidInput):
        make_user(session, role="dept_reporter", department="市不存在局")
