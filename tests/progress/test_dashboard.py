"""The dashboard endpoint agrees with itself, with /api/summary (one light implementation) and with the reports."""

from decimal import Decimal

import pytest
from sqlalchemy import text

# Writes and bulletins need an account; these tests act as a planner (tests/auth covers who may do what).
pytestmark = pytest.mark.usefixtures("as_planner")


def dec(x):
    return Decimal(str(x))


def test_dashboard_totals_add_up_and_match_the_summary(client, session):
    d = client.get("/api/dashboard", params={"month": "2026-10"}).json()
    h = d["headline"]
    assert d["month"] == "2026-10" and d["as_of"] == "2026-10-31"
    assert h["count"] == 116 and dec(h["investment_year"]) == Decimal("293.8")
    assert sum(g["count"] for g in d["by_district"]) == 116
    assert sum(dec(g["completed_year"]) for g in d["by_district"]) == dec(h["completed_year"])
    assert sum(dec(g["completed_year"]) for g in d["by_cluster"]) == dec(h["completed_year"])
    expected = session.execute(
        text("""SELECT sum(investment_month) FROM progress_reports
        WHERE superseded_at IS NULL AND month BETWEEN '2026-01-01' AND '2026-10-01'""")
    ).scalar()
    assert dec(h["completed_year"]) == expected
    assert h["completion_rate"] == float(round(100 * expected / Decimal("293.8"), 1))
    summary = client.get("/api/summary", params={"month": "2026-10"}).json()
    assert h["by_light"] == summary["by_light"] and h["by_status"] == summary["by_status"]
    assert len(d["lagging"]) == h["by_light"].get("red", 0) + h["by_light"].get("yellow", 0)
    assert all(x["unit"] and x["person"] for x in d["lagging"])
    assert [x["light"] for x in d["lagging"]] == sorted((x["light"] for x in d["lagging"]), key=lambda c: c != "red")
    assert [t["month"] for t in d["trend"]][-1] == "2026-10" and len(d["trend"]) == 12
    last = d["trend"][-1]
    assert (last["red"], last["yellow"]) == (h["by_light"].get("red", 0), h["by_light"].get("yellow", 0))
    assert dec(last["completed_ytd"]) == dec(h["completed_year"])
    assert {b["name"] for b in d["by_base"]} == set(session.execute(text("SELECT name FROM bases")).scalars())


def test_a_correction_of_a_closed_month_moves_the_dashboard_only_once_approved(client, session):
    before = client.get("/api/dashboard", params={"month": "2025-11"}).json()["headline"]["completed_year"]
    pid, total = session.execute(
        text("SELECT id, investment_total FROM projects WHERE status = 'construction' ORDER BY id LIMIT 1")
    ).one()
    old = (
        session.execute(
            text("SELECT * FROM progress_reports WHERE project_id = :p AND month = '2025-11-01'"), {"p": pid}
        )
        .mappings()
        .one()
    )
    r = client.put(
        f"/api/projects/{pid}/reports/2025-11",
        json={
            "progress": str(old["progress"]),
            "investment_month": str(old["investment_month"] + 1),
            "investment_cumulative": str(old["investment_cumulative"] + 1),
            "status": old["status"],
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["review_state"] == "pending" and r.json()["correction"] is True
    waiting = client.get("/api/dashboard", params={"month": "2025-11"}).json()
    assert dec(waiting["headline"]["completed_year"]) == dec(before)
    assert waiting["completeness"]["corrections_pending"] == 1
    passed = client.post(f"/api/projects/{pid}/reports/2025-11/review", json={"decision": "pass"})
    assert passed.status_code == 200, passed.text
    after = client.get("/api/dashboard", params={"month": "2025-11"}).json()["headline"]["completed_year"]
    assert dec(after) == dec(before) + 1


def test_default_month_is_the_latest_closed(client):
    assert client.get("/api/dashboard").json()["month"] == "2026-10"
    assert client.get("/api/dashboard", params={"month": "2026-1"}).status_code == 422
