"""Problems to coordinate (问题清单): a report's 存在问题 becomes a tracked problem, moves 待协调 → 协调中 → 已解决
with a required note, is overdue by the rule at a month's end, and a district reporter acts only on their district."""

import pytest
from sqlalchemy import text

from geo.problems.rules import overdue_on
from tests.factories import file_report, interior_point, make_project, make_user, token_for

REPORT = {
    "progress": "30",
    "investment_month": "0.5",
    "investment_cumulative": "3",
    "status": "construction",
    "problems": "征地拆迁未完成,影响二期开工",
}


def _project(session, district="乳山市"):
    lon, lat = interior_point(session, "districts", district)
    return make_project(session, district=district, lon=lon, lat=lat)


def _tracked(client, session, *, deadline="2026-12-20", district="乳山市"):
    pid = _project(session, district)
    status, report = file_report(client, pid, "2026-11", REPORT)
    assert status in (200, 201), report
    r = client.post(
        "/api/problems",
        json={"report_id": report["id"], "department": "市自然资源和规划局", "deadline": deadline},
    )
    assert r.status_code == 201, r.text
    return pid, r.json()


def test_a_reports_problem_becomes_a_tracked_problem_with_its_text_and_month(as_planner, session):
    pid, problem = _tracked(as_planner, session)
    assert problem["project_id"] == pid
    assert problem["description"] == REPORT["problems"]
    assert problem["source_month"] == "2026-11"
    assert problem["status"] == "open"
    assert [e["kind"] for e in problem["history"]] == ["create"]
    audit = session.execute(
        text("SELECT after FROM audit_log WHERE action = 'problem.create' AND object_id = :id"),
        {"id": str(problem["id"])},
    ).scalar_one()
    assert audit["牵头协调部门"] == "市自然资源和规划局" and audit["状态"] == "待协调"
    listed = as_planner.get(f"/api/problems?project={pid}").json()
    assert [p["id"] for p in listed["problems"]] == [problem["id"]]


def test_the_same_reports_problem_is_not_tracked_twice(as_planner, session):
    _, problem = _tracked(as_planner, session)
    again = as_planner.post(
        "/api/problems", json={"report_id": problem["report_id"], "department": "市财政局", "deadline": "2026-12-31"}
    )
    assert again.status_code == 409
    assert str(problem["id"]) in again.json()["detail"]


def test_a_problem_moves_forward_and_closes_with_its_note(as_planner, session):
    _, problem = _tracked(as_planner, session)
    url = f"/api/problems/{problem['id']}/transition"
    r = as_planner.post(url, json={"to": "coordinating", "note": "已召开协调会"})
    assert r.status_code == 200 and r.json()["status"] == "coordinating"
    r = as_planner.post(url, json={"to": "resolved", "note": "土地已征收完毕,二期开工"})
    assert r.status_code == 200, r.text
    closed = r.json()
    assert closed["status"] == "resolved" and closed["resolution"] == "土地已征收完毕,二期开工"
    assert [(e["from"], e["to"]) for e in closed["history"]] == [
        (None, "open"),
        ("open", "coordinating"),
        ("coordinating", "resolved"),
    ]
    back = as_planner.post(url, json={"to": "coordinating", "note": "重新打开"})
    assert back.status_code == 409
    assert "已解决" in back.json()["detail"]
    edit = as_planner.patch(f"/api/problems/{problem['id']}", json={"deadline": "2027-01-31"})
    assert edit.status_code == 409


def test_closing_needs_a_note(as_planner, session):
    _, problem = _tracked(as_planner, session)
    r = as_planner.post(f"/api/problems/{problem['id']}/transition", json={"to": "resolved", "note": "  "})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "note"
    assert "销号" in r.json()["detail"]
    status = session.execute(text("SELECT status FROM problems WHERE id = :id"), {"id": problem["id"]}).scalar()
    assert status == "open"


def test_an_edit_is_a_readable_change_in_the_history(as_planner, session):
    _, problem = _tracked(as_planner, session)
    r = as_planner.patch(f"/api/problems/{problem['id']}", json={"deadline": "2027-01-15", "department": "市财政局"})
    assert r.status_code == 200
    change = r.json()["history"][-1]["changes"]
    assert "办结时限：2026-12-20 → 2027-01-15" in change
    assert "牵头协调部门：市自然资源和规划局 → 市财政局" in change


def _overdue(client, problem_id, month=None):
    listed = client.get("/api/problems", params={"month": month} if month else {}).json()
    found = [p for p in listed["problems"] if p["id"] == problem_id]
    return (found[0]["overdue"], found[0]["overdue_days"]) if found else None


def test_overdue_is_read_at_the_months_end_or_today(as_planner, session):
    # Entered on 5 November with a deadline of 20 November; the tests' today is 3 December.
    _, problem = _tracked(as_planner, session, deadline="2026-11-20")
    session.execute(text("UPDATE problems SET opened_on = '2026-11-05' WHERE id = :id"), {"id": problem["id"]})
    assert _overdue(as_planner, problem["id"], "2026-10") is None  # not entered yet at October's end
    assert _overdue(as_planner, problem["id"], "2026-11") == (True, 10)
    assert _overdue(as_planner, problem["id"]) == (True, 13)
    # Closed on 3 December: still overdue at November's end (it was open then), not any more today.
    as_planner.post(f"/api/problems/{problem['id']}/transition", json={"to": "resolved", "note": "已解决"})
    assert _overdue(as_planner, problem["id"], "2026-11") == (True, 10)
    assert _overdue(as_planner, problem["id"]) == (False, None)


def test_the_deadline_day_itself_is_on_time(as_planner, session):
    _, problem = _tracked(as_planner, session, deadline="2026-11-30")
    session.execute(text("UPDATE problems SET opened_on = '2026-11-05' WHERE id = :id"), {"id": problem["id"]})
    assert _overdue(as_planner, problem["id"], "2026-11") == (False, None)


def test_the_map_marks_and_filters_projects_with_an_overdue_problem(as_planner, session):
    pid, problem = _tracked(as_planner, session, deadline="2026-12-01")
    # Without a month: as of today (3 December), two days past the deadline.
    assert as_planner.get(f"/api/projects/{pid}").json()["properties"]["overdue_problems"] == 1
    # At November's end the problem was not entered yet.
    assert as_planner.get(f"/api/projects/{pid}?month=2026-11").json()["properties"]["overdue_problems"] == 0
    ids = {f["properties"]["id"] for f in as_planner.get("/api/projects?overdue_problems=true").json()["features"]}
    assert pid in ids
    ids = {
        f["properties"]["id"]
        for f in as_planner.get("/api/projects?month=2026-12&overdue_problems=true").json()["features"]
    }
    assert pid in ids
    as_planner.post(f"/api/problems/{problem['id']}/transition", json={"to": "resolved", "note": "已协调解决"})
    ids = {
        f["properties"]["id"]
        for f in as_planner.get("/api/projects?month=2026-12&overdue_problems=true").json()["features"]
    }
    assert pid not in ids


def test_bad_input_says_what_to_fix(as_planner, session):
    pid = _project(session)
    r = as_planner.post("/api/problems", json={"project_id": pid, "department": " ", "deadline": "2026-12-31"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "description"
    r = as_planner.post(
        "/api/problems", json={"project_id": pid, "description": "x", "department": " ", "deadline": "2026-12-31"}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "department"
    r = as_planner.post(
        "/api/problems", json={"project_id": 2**31 - 1, "description": "x", "department": "y", "deadline": "2026-12-31"}
    )
    assert r.status_code == 404
    _, problem = _tracked(as_planner, session)
    r = as_planner.patch(f"/api/problems/{problem['id']}", json={"deadline": "2026-10-01"})
    assert r.status_code == 422 and "早于" in r.json()["detail"]
    assert as_planner.get("/api/problems?status=closed").status_code == 422
    nul = as_planner.post(
        "/api/problems", json={"project_id": pid, "description": "a\x00b", "department": "y", "deadline": "2026-12-31"}
    )
    assert nul.status_code == 422


@pytest.fixture
def reporter(client, session):
    user = make_user(session, role="reporter", district="乳山市")
    return token_for(session, user)


def test_a_reporter_tracks_problems_of_their_own_district_only(client, session, reporter):
    own, other = _project(session, "乳山市"), _project(session, "荣成市")
    body = {"description": "施工用电不足", "department": "国网威海供电公司", "deadline": "2026-12-31"}
    r = client.post("/api/problems", json={**body, "project_id": own}, headers=reporter)
    assert r.status_code == 201, r.text
    refused = client.post("/api/problems", json={**body, "project_id": other}, headers=reporter)
    assert refused.status_code == 403
    assert "乳山市" in refused.json()["detail"]
    assert (
        client.patch(f"/api/problems/{r.json()['id']}", json={"action": "协调扩容"}, headers=reporter).status_code
        == 200
    )
    # Moving a problem on and closing it (销号) is the planner's.
    moved = client.post(f"/api/problems/{r.json()['id']}/transition", json={"to": "coordinating"}, headers=reporter)
    assert moved.status_code == 403


def test_the_cli_lists_the_overdue_problems_of_a_month(session, monkeypatch):
    from contextlib import contextmanager

    from typer.testing import CliRunner

    from api import cli
    from api.cli import problems

    monkeypatch.setattr(problems, "domain_session", contextmanager(lambda: (yield session)))  # the test's transaction
    month_end = "DATE '2026-11-30'"
    listed = session.execute(text(f"SELECT count(*) FROM problems pr WHERE {overdue_on(day=month_end)}")).scalar_one()
    assert listed  # the demo problems: some were overdue at November's end
    result = CliRunner().invoke(cli.app, ["problems", "list", "--overdue", "--month", "2026-11"])
    assert result.exit_code == 0, result.output
    assert result.output.count("逾期") == listed + 1  # one line each, and the counts line
    assert "截至 2026-11-30" in result.output
    bad = CliRunner().invoke(cli.app, ["problems", "list", "--status", "closed"])
    assert bad.exit_code == 2 and "resolved" in bad.output
