"""The monthly dispatch cycle as the city lives it: due month, early reports, review, closing, completeness, 催报单."""

import io
from urllib.parse import unquote

import openpyxl
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.app import create_app
from geo.db.engine import Database
from tests.conftest import share_session
from tests.factories import make_user, token_for


def _body(session, pid: int, month: str) -> dict:
    """A plausible report for the project: a little ahead of its latest passed figures."""
    p = session.execute(
        text("""SELECT p.progress, p.status, COALESCE(r.investment_cumulative, 0) AS cum FROM projects p
        LEFT JOIN LATERAL (SELECT investment_cumulative FROM progress_reports r WHERE r.project_id = p.id
            AND r.superseded_at IS NULL AND r.review_state = 'passed' AND r.month < :m
            ORDER BY r.month DESC LIMIT 1) r ON true WHERE p.id = :p"""),
        {"p": pid, "m": f"{month}-01"},
    ).one()
    return {
        "progress": str(min(100, p.progress + 1)),
        "investment_month": "0.10",
        "investment_cumulative": str(p.cum + 1),
        "status": p.status,
        "issues": "征地手续未完成",
    }


def _project(session, district: str) -> int:
    return session.execute(
        text("""SELECT p.id FROM projects p JOIN districts d ON d.id = p.district_id
        WHERE d.name = :d AND p.status = 'construction' ORDER BY p.id LIMIT 1"""),
        {"d": district},
    ).scalar_one()


def _reporter(client, session, district: str) -> dict:
    return token_for(session, make_user(session, role="reporter", district=district))


def test_on_december_3rd_november_is_due_and_october_is_shown(client):
    p = client.get("/api/periods").json()
    assert (p["due_month"], p["shown_month"]) == ("2026-11", "2026-10")
    states = {m["month"]: m for m in p["months"]}
    assert states["2026-11"]["state"] == "open" and states["2026-11"]["due_date"] == "2026-12-05"
    assert states["2026-10"]["state"] == "closed" and states["2026-10"]["auto_closed"] is True
    meta = client.get("/api/meta").json()["cycle"]
    assert (meta["due_month"], meta["shown_month"]) == ("2026-11", "2026-10")


def test_an_early_report_waits_for_review_and_changes_nothing_the_city_sees(client, session, as_planner):
    before = client.get("/api/dashboard").json()
    pid = _project(session, "乳山市")
    r = client.put(
        f"/api/projects/{pid}/reports/2026-11",
        json=_body(session, pid, "2026-11"),
        headers=_reporter(client, session, "乳山市"),
    )
    assert r.status_code == 201, r.text
    assert r.json()["review_state"] == "pending"
    after = client.get("/api/dashboard").json()
    assert after["month"] == "2026-10" and after["headline"] == before["headline"]
    nov = client.get("/api/periods/2026-11/completeness").json()
    assert (nov["due"], nov["reported"], nov["pending"], nov["passed"]) == (116, 1, 1, 0)
    rushan = next(g for g in nov["by_district"] if g["name"] == "乳山市")
    assert rushan["reported"] == 1 and rushan["pending"] == 1
    assert pid not in {u["id"] for u in nov["unreported"]} and len(nov["unreported"]) == 115
    assert all(u["unit"] and u["person"] for u in nov["unreported"])
    queue = client.get("/api/reviews").json()
    assert [(x["project"]["id"], x["report"]["month"]) for x in queue] == [(pid, "2026-11")]


def test_a_returned_report_carries_its_reason_and_is_resubmitted(client, session, as_planner):
    pid = _project(session, "文登区")
    reporter = _reporter(client, session, "文登区")
    client.put(f"/api/projects/{pid}/reports/2026-11", json=_body(session, pid, "2026-11"), headers=reporter)
    bare = client.post(f"/api/projects/{pid}/reports/2026-11/review", json={"decision": "return"})
    assert bare.status_code == 422 and bare.headers["content-type"] == "application/problem+json"
    back = client.post(
        f"/api/projects/{pid}/reports/2026-11/review", json={"decision": "return", "reason": "投资额与台账不符"}
    )
    assert back.status_code == 200, back.text
    mine = client.get(f"/api/projects/{pid}/reports", headers=reporter).json()
    nov = next(x for x in mine if x["month"] == "2026-11")
    assert nov["review_state"] == "returned" and nov["review_reason"] == "投资额与台账不符"
    comp = client.get("/api/periods/2026-11/completeness").json()
    assert comp["returned"] == 1 and any(u["id"] == pid and u["returned"] for u in comp["unreported"])
    again = client.put(f"/api/projects/{pid}/reports/2026-11", json=_body(session, pid, "2026-11"), headers=reporter)
    assert again.status_code in (200, 201) and again.json()["review_state"] == "pending"
    ok = client.post(f"/api/projects/{pid}/reports/2026-11/review", json={"decision": "pass"})
    assert ok.status_code == 200 and ok.json()["review_state"] == "passed"
    assert client.post(f"/api/projects/{pid}/reports/2026-11/review", json={"decision": "pass"}).status_code == 409
    actions = (
        session.execute(text("SELECT action FROM audit_log WHERE object_id = :o ORDER BY id"), {"o": str(pid)})
        .scalars()
        .all()
    )
    assert {"report.submit", "report.return", "report.pass"} <= set(actions)


def test_closing_november_moves_the_city_and_later_changes_need_approval(client, session, as_planner):
    reporter = _reporter(client, session, "荣成市")
    assert client.post("/api/periods/2026-11/close", headers=reporter).status_code == 403
    assert client.post("/api/periods/2026-12/close").status_code == 422
    assert client.post("/api/periods/2026-10/close").status_code == 409
    closed = client.post("/api/periods/2026-11/close")
    assert closed.status_code == 200, closed.text
    assert client.post("/api/periods/2026-11/close").status_code == 409
    p = client.get("/api/periods").json()
    assert (p["due_month"], p["shown_month"]) == ("2026-12", "2026-11")
    assert client.get("/api/dashboard").json()["month"] == "2026-11"
    assert client.get("/api/summary").json()["month"] == "2026-11"
    pid = _project(session, "荣成市")
    late = client.put(f"/api/projects/{pid}/reports/2026-11", json=_body(session, pid, "2026-11"), headers=reporter)
    assert late.status_code in (200, 201) and late.json()["correction"] is True
    assert late.json()["review_state"] == "pending"


def test_without_the_review_step_a_report_passes_on_submission(engine, session, settings):
    app = create_app(settings.model_copy(update={"report_review": False}), Database(engine))
    share_session(app, session)
    with TestClient(app, raise_server_exceptions=False) as c:
        pid = _project(session, "环翠区")
        r = c.put(
            f"/api/projects/{pid}/reports/2026-11",
            json=_body(session, pid, "2026-11"),
            headers=_reporter(c, session, "环翠区"),
        )
        assert r.status_code == 201 and r.json()["review_state"] == "passed"
        assert c.get("/api/periods/2026-11/completeness").json()["passed"] == 1


def test_the_reminder_list_names_each_districts_unreported_projects(client, session, as_planner):
    pid = _project(session, "乳山市")
    client.put(
        f"/api/projects/{pid}/reports/2026-11",
        json=_body(session, pid, "2026-11"),
        headers=_reporter(client, session, "乳山市"),
    )
    r = client.get("/api/periods/2026-11/reminders.xlsx", params={"district": "乳山市"})
    assert r.status_code == 200 and "催报单-乳山市-2026-11.xlsx" in unquote(r.headers["content-disposition"])
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    comp = client.get("/api/periods/2026-11/completeness", params={"district": "乳山市"}).json()
    sheet = next(ws for ws in book.worksheets if ws.title.startswith("乳山市"))
    codes = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == [u["code"] for u in comp["unreported"]] and len(codes) == comp["due"] - 1
    all_city = openpyxl.load_workbook(io.BytesIO(client.get("/api/periods/2026-11/reminders.xlsx").content))
    assert len(all_city.worksheets) == 1 + 8


def test_only_a_closed_month_is_issued_and_issuing_publishes_it(client, session, as_planner):
    assert client.post("/api/reports/monthly/2026-11/issue").status_code == 409
    issued = client.post("/api/reports/monthly/2026-10/issue")
    assert issued.status_code == 201, issued.text
    states = {m["month"]: m for m in client.get("/api/periods").json()["months"]}
    assert states["2026-10"]["state"] == "published" and states["2026-10"]["published_by"]
    assert client.get("/api/periods").json()["shown_month"] == "2026-10"
