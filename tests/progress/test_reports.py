"""Monthly progress reports: validation, corrections kept as history, and the project following its latest report."""

from decimal import Decimal

import pytest
from sqlalchemy import text

from tests.factories import file_report, interior_point, make_project

# Writes and bulletins need an account; these tests act as a planner (tests/auth covers who may do what).
pytestmark = pytest.mark.usefixtures("as_planner")


@pytest.fixture
def project(session):
    lon, lat = interior_point(session, "districts", "荣成市")
    return make_project(
        session, lon=lon, lat=lat, district="荣成市", total="20", progress="10", start="2025-01-01", end="2027-12-31"
    )


def report(**over):
    body = {
        "progress": "35.5",
        "investment_month": "1.25",
        "investment_cumulative": "6.40",
        "status": "construction",
        "milestone": "主体结构施工",
        "problems": "用地手续待批",
        "next_steps": "加快施工",
    }
    return {**body, **over}


def put(client, pid, month, body):
    return client.put(f"/api/projects/{pid}/reports/{month}", json=body)


def test_submit_then_read_exact_decimals_and_project_follows(client, project):
    status, body = file_report(client, project, "2025-09", report())
    assert status == 201, body
    assert body["month"] == "2025-09" and body["version"] == 1 and body["current"] is True
    assert Decimal(str(body["investment_cumulative"])) == Decimal("6.40")
    listed = client.get(f"/api/projects/{project}/reports").json()
    assert [x["month"] for x in listed] == ["2025-09"]
    feature = client.get(f"/api/projects/{project}").json()
    assert feature["properties"]["progress"] == 35.5


def test_correction_keeps_earlier_version_in_history(client, project):
    assert file_report(client, project, "2025-09", report(progress="30"))[0] == 201
    status, corrected = file_report(client, project, "2025-09", report(progress="32", problems="资金到位不足"))
    assert status == 200, corrected
    assert corrected["version"] == 2
    history = client.get(f"/api/projects/{project}/reports/2025-09/history").json()
    assert [(h["version"], h["progress"], h["current"]) for h in history] == [(2, 32, True), (1, 30, False)]
    assert history[1]["superseded_at"] is not None
    assert len(client.get(f"/api/projects/{project}/reports").json()) == 1


def test_correcting_an_older_month_does_not_move_the_project(client, session, project):
    file_report(client, project, "2025-08", report(progress="30"))
    file_report(client, project, "2025-09", report(progress="40"))
    assert file_report(client, project, "2025-08", report(progress="31"))[0] == 200
    assert session.execute(text("SELECT progress FROM projects WHERE id = :id"), {"id": project}).scalar() == Decimal(
        "40"
    )


@pytest.mark.parametrize(
    "field,value",
    [
        ("progress", "100.01"),
        ("progress", "-1"),
        ("progress", "12.345"),
        ("investment_month", "-0.01"),
        ("status", "finished"),
    ],
)
def test_out_of_range_values_are_refused_with_field_errors(client, project, field, value):
    r = put(client, project, "2025-09", report(**{field: value}))
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert field in [e["field"] for e in r.json()["errors"]]
    assert client.get(f"/api/projects/{project}/reports").json() == []


def test_progress_edges_0_and_100_are_accepted(client, project):
    assert put(client, project, "2025-08", report(progress="0")).status_code == 201
    assert put(client, project, "2025-09", report(progress="100", status="completed")).status_code == 201


def test_progress_below_previous_month_needs_a_reason(client, project):
    file_report(client, project, "2025-08", report(progress="40"))
    refused = put(client, project, "2025-09", report(progress="39.9"))
    assert refused.status_code == 422
    assert "低于" in refused.json()["detail"]
    assert [e["field"] for e in refused.json()["errors"]] == ["regress_reason"]
    accepted = file_report(client, project, "2025-09", report(progress="39.9", regress_reason="设计变更,部分工程返工"))
    assert accepted[0] == 201
    assert put(client, project, "2025-10", report(progress="39.9")).status_code == 201  # equal is not a regression


def test_cumulative_investment_cannot_exceed_total(client, project):
    assert file_report(client, project, "2025-09", report(investment_cumulative="20.00"))[0] == 201
    r = put(client, project, "2025-09", report(investment_cumulative="20.01"))
    assert r.status_code == 422
    assert "超过总投资" in r.json()["detail"]


def test_future_month_and_bad_month_and_unknown_project(client, project):
    assert put(client, project, "2999-01", report()).status_code == 422
    assert put(client, project, "2026-13", report()).status_code == 422
    assert put(client, 999999, "2025-09", report()).status_code == 404
    assert client.get(f"/api/projects/{project}/reports/2025-01/history").status_code == 404


def test_completed_status_needs_full_progress(client, project):
    r = put(client, project, "2025-09", report(status="completed", progress="99"))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "status"


def test_malformed_body_is_a_problem_not_a_500(client, project):
    r = client.put(f"/api/projects/{project}/reports/2025-09", json={"progress": "abc"})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    for bad in ("NaN", "Infinity"):
        assert put(client, project, "2025-09", report(progress=bad)).status_code == 422
