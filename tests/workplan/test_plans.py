"""The monthly plan (定投资计划): the months must sum to the year plan, and the lights read its planned progress."""

import json
from decimal import Decimal

import pytest
from sqlalchemy import text

from tests.factories import file_report, interior_point, make_project

pytestmark = pytest.mark.usefixtures("as_planner")


@pytest.fixture
def project(session):
    lon, lat = interior_point(session, "districts", "乳山市")
    # Year plan 2.40 亿元 (WARROOM_PLAN_YEAR 2026); linear plan at the end of June 2026 ≈ 49.5%.
    return make_project(
        session, lon=lon, lat=lat, district="乳山市", start="2026-01-01", end="2026-12-31", progress="0", year="2.40"
    )


def months(investments, progress=None):
    progress = progress or [None] * 12
    return {
        "months": [
            {"month": f"2026-{m:02d}", "planned_investment": inv, "planned_progress": prog}
            for m, (inv, prog) in enumerate(zip(investments, progress, strict=True), start=1)
        ]
    }


def light(client, pid, month):
    return client.get(f"/api/projects/{pid}", params={"month": month}).json()["properties"]


def test_a_plan_summing_to_the_year_plan_is_stored_and_read_back(client, project):
    body = months(["0.20"] * 12, [str(8 * m) for m in range(1, 13)])
    r = client.put(f"/api/projects/{project}/plan", params={"year": 2026}, json=body)
    assert r.status_code == 200, r.text
    plan = client.get(f"/api/projects/{project}/plan", params={"year": 2026}).json()
    assert Decimal(str(plan["investment_sum"])) == Decimal("2.40") and Decimal(str(plan["difference"])) == 0
    assert plan["months"][2] == {"month": "2026-03", "planned_investment": 0.2, "planned_progress": 24.0}


def test_a_plan_not_summing_to_the_year_plan_is_refused_stating_the_difference(client, session, project):
    body = months(["0.20"] * 11 + ["0.10"])  # 2.30 against 2.40
    r = client.put(f"/api/projects/{project}/plan", params={"year": 2026}, json=body)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert "合计 2.3 亿元" in problem["detail"] and "少 0.1 亿元" in problem["detail"]
    assert problem["errors"][0]["difference"] == "-0.10"
    stored = session.execute(text("SELECT count(*) FROM progress_plans WHERE project_id = :p"), {"p": project})
    assert stored.scalar() == 0  # nothing written


def test_planned_progress_may_not_fall_and_stays_within_0_100(client, project):
    body = months(["0.20"] * 12, ["10", "20", "15"] + [None] * 9)
    r = client.put(f"/api/projects/{project}/plan", json=body)
    assert r.status_code == 422 and "逐月不减" in r.json()["detail"]
    body = months(["0.20"] * 12, ["120"] + [None] * 11)
    assert client.put(f"/api/projects/{project}/plan", json=body).status_code == 422


def test_a_month_outside_the_year_or_twice_is_refused(client, project):
    body = {"months": [{"month": "2025-03", "planned_progress": "10"}, {"month": "2026-03", "planned_progress": "5"}]}
    r = client.put(f"/api/projects/{project}/plan", params={"year": 2026}, json=body)
    assert r.status_code == 422 and "不在 2026 年内" in r.json()["detail"]
    body = {"months": [{"month": "2026-03", "planned_progress": "10"}, {"month": "2026-03", "planned_progress": "10"}]}
    assert client.put(f"/api/projects/{project}/plan", json=body).status_code == 422


def test_the_lights_use_the_plan_when_present(client, project):
    report = {"progress": "30", "investment_month": "0", "investment_cumulative": "0", "status": "construction"}
    status, _ = file_report(client, project, "2026-06", report)
    assert status in (200, 201)
    # Linear: ≈49.5% planned, 19.5 points behind → yellow.
    assert light(client, project, "2026-06")["light"] == "yellow"
    body = months(["0.20"] * 12, ["5", "10", "15", "20", "25", "35", "45", "55", "65", "75", "90", "100"])
    assert client.put(f"/api/projects/{project}/plan", json=body).status_code == 200
    props = light(client, project, "2026-06")
    assert props["planned_progress"] == 35 and props["light"] == "green"  # 5 points behind the plan
    # The same project in the summary of its district agrees.
    summary = client.get("/api/summary", params={"district": "乳山市", "month": "2026-06"}).json()
    assert summary["by_light"].get("green", 0) >= 1


def test_a_change_is_audited_as_readable_lines(client, session, project):
    assert client.put(f"/api/projects/{project}/plan", json=months(["0.20"] * 12)).status_code == 200
    body = months(["0.30", "0.10"] + ["0.20"] * 10)
    assert client.put(f"/api/projects/{project}/plan", json=body).status_code == 200
    after = session.execute(
        text("SELECT after FROM audit_log WHERE action = 'plan.update' AND object_id = :p ORDER BY id DESC LIMIT 1"),
        {"p": str(project)},
    ).scalar_one()
    assert after["变更"] == ["2026-01 计划投资 0.2 → 0.3 亿元", "2026-02 计划投资 0.2 → 0.1 亿元"]
    assert json.dumps(after, ensure_ascii=False).count("计划投资") == 2


def test_viewers_may_read_but_not_write(client, session, project):
    from tests.factories import make_user, token_for

    viewer = token_for(session, make_user(session, role="viewer"))
    assert client.get(f"/api/projects/{project}/plan", headers=viewer).status_code == 200
    r = client.put(f"/api/projects/{project}/plan", json=months(["0.20"] * 12), headers=viewer)
    assert r.status_code == 403
