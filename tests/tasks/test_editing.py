"""A planner keeps the register: adds a task, changes its lead, cooperators and projects; bad entries are refused
whole with every problem named, and each change is audited in words."""

import pytest
from sqlalchemy import text

from tests.factories import make_user, token_for


def _planner(session) -> dict:
    return token_for(session, make_user(session, role="planner"))


def test_a_planner_adds_a_task_linked_to_projects_and_the_map_finds_them(client, session):
    projects = list(session.execute(text("SELECT id FROM projects ORDER BY id LIMIT 2")).scalars())
    body = {
        "code": "C-084",
        "title": "编制新旧动能转换重点任务工作推进手册",
        "source": "city",
        "category": "planning",
        "lead": "市发改委",
        "cooperators": ["市商务局", "市发展和改革委员会"],
        "districts": ["荣成市"],
        "deadline": "2027-03-31",
        "milestones": [{"month": "2027-01", "kind": "quarterly", "text": "形成初稿"}],
        "projects": projects,
    }
    r = client.post("/api/tasks", json=body, headers=_planner(session))
    assert r.status_code == 201, r.text
    card = r.json()
    assert card["lead"]["name"] == "市发展和改革委员会" and card["demo"] is False
    assert [c["name"] for c in card["cooperators"]] == ["市商务局"]  # the lead is not its own cooperator
    assert sorted(p["id"] for p in card["linked_projects"]) == sorted(projects)
    assert len(client.get("/api/tasks").json()["tasks"]) == 156
    fc = client.get("/api/projects", params={"task": card["id"]}).json()
    assert sorted(f["properties"]["id"] for f in fc["features"]) == sorted(projects)
    after = session.execute(
        text("SELECT after FROM audit_log WHERE action = 'task.create' ORDER BY id DESC LIMIT 1")
    ).scalar_one()
    assert after["lead"] == "市发展和改革委员会" and after["code"] == "C-084"


def test_changing_a_task_replaces_its_lists_and_audits_before_and_after(client, session):
    planner = _planner(session)
    task = session.execute(text("SELECT id FROM tasks ORDER BY code LIMIT 1")).scalar_one()
    r = client.patch(f"/api/tasks/{task}", json={"lead": "市科技局", "projects": []}, headers=planner)
    assert r.status_code == 200, r.text
    assert r.json()["lead"]["name"] == "市科学技术局" and r.json()["linked_projects"] == []
    before, after = session.execute(
        text("SELECT before, after FROM audit_log WHERE action = 'task.update' ORDER BY id DESC LIMIT 1")
    ).one()
    assert after["lead"] == "市科学技术局" and before["lead"] != after["lead"] and after["projects"] == []


def test_a_bad_entry_is_refused_whole_with_each_problem(client, session):
    planner = _planner(session)
    body = {
        "code": "S-001",
        "title": "x",
        "source": "county",
        "category": "reform",
        "lead": "市不存在局",
        "districts": ["北京市"],
        "deadline": "2040-01-01",
        "projects": [999999],
    }
    r = client.post("/api/tasks", json=body, headers=planner)
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"source", "lead", "districts", "deadline", "projects"}
    ok = {**body, "source": "city", "lead": "市商务局", "districts": [], "deadline": "2027-01-31", "projects": []}
    assert client.post("/api/tasks", json=ok, headers=planner).status_code == 409  # S-001 exists
    assert len(client.get("/api/tasks").json()["tasks"]) == 155
    reporter = token_for(session, make_user(session, role="dept_reporter", department="市商务局"))
    task = session.execute(text("SELECT id FROM tasks ORDER BY code LIMIT 1")).scalar_one()
    assert client.patch(f"/api/tasks/{task}", json={"title": "改"}, headers=reporter).status_code == 403


@pytest.mark.parametrize("lead", ["²", "١٢", "0", "99999999999999999999"])
def test_a_lead_that_only_looks_like_a_number_is_an_unknown_department(client, session, lead):
    body = {"code": "S-900", "title": "x", "source": "city", "category": "reform", "lead": lead}
    body |= {"districts": [], "deadline": "2027-01-31", "projects": []}
    r = client.post("/api/tasks", json=body, headers=_planner(session))
    assert r.status_code == 422, r.text
    assert "lead" in {e["field"] for e in r.json()["errors"]}
