"""The traffic light at its threshold edges, monthly plans, and projects/summary as they stood at a month's end."""

from decimal import Decimal

import pytest
from sqlalchemy import text

from geo.periods import parse_month
from geo.progress.lights import LIGHT_SQL
from geo.progress.state import STATE_JOINS_SQL, state_params
from tests.factories import file_report, interior_point, make_project

# Writes and bulletins need an account; these tests act as a planner (tests/auth covers who may do what).
pytestmark = pytest.mark.usefixtures("as_planner")

# Planned progress at the end of 2026-06 for a project running 2026-01-01 … 2026-12-31 (linear): 181/364 days.
LINEAR_JUNE = round(100 * 180 / 364, 1)


def light_of(session, settings, pid, month=None):
    sql = f"SELECT st.progress, st.planned, {LIGHT_SQL} FROM projects p {STATE_JOINS_SQL} WHERE p.id = :id"
    return session.execute(text(sql), {"id": pid, **state_params(settings, parse_month(month))}).one()


@pytest.fixture
def project(session):
    lon, lat = interior_point(session, "districts", "乳山市")
    return make_project(
        session, lon=lon, lat=lat, district="乳山市", start="2026-01-01", end="2026-12-31", progress="0"
    )


def plan(session, pid, month, planned):
    session.execute(
        text("INSERT INTO progress_plans (project_id, month, planned_progress) VALUES (:p, :m, :v)"),
        {"p": pid, "m": parse_month(month), "v": Decimal(planned)},
    )


def report(client, pid, month, progress, status="construction"):
    body = {
        "progress": progress,
        "investment_month": "0",
        "investment_cumulative": "0",
        "status": status,
        "regress_reason": "测试",
    }
    status_code, filed = file_report(client, pid, month, body)
    assert status_code in (200, 201), filed


@pytest.mark.parametrize(
    "progress,expected",
    [
        ("50", "green"),  # lag exactly 10 (yellow_lag): still green
        ("49.99", "yellow"),
        ("35", "yellow"),  # lag exactly 25 (red_lag): still yellow
        ("34.99", "red"),
    ],
)
def test_light_edges_against_a_monthly_plan(client, session, settings, project, progress, expected):
    plan(session, project, "2025-06", "60")
    report(client, project, "2025-06", progress)
    assert settings.light_yellow_lag == 10 and settings.light_red_lag == 25
    assert light_of(session, settings, project, "2025-06")[2] == expected


def test_linear_plan_applies_without_a_monthly_plan(client, session, settings, project):
    report(client, project, "2026-06", "30")
    progress, planned, light = light_of(session, settings, project, "2026-06")
    assert planned == Decimal(str(LINEAR_JUNE)) and light == "yellow"  # 49.5 planned, 19.5 behind


def test_completed_is_green_and_stalled_is_red_whatever_the_lag(client, session, settings, project):
    report(client, project, "2026-06", "100", status="completed")
    assert light_of(session, settings, project, "2026-06")[2] == "green"
    report(client, project, "2026-07", "99", status="stalled")
    assert light_of(session, settings, project, "2026-07")[2] == "red"


def test_month_state_uses_the_latest_report_as_of_that_month(client, session, settings, project):
    report(client, project, "2026-03", "10")
    report(client, project, "2026-05", "40")
    assert light_of(session, settings, project, "2026-04")[0] == Decimal("10")
    assert light_of(session, settings, project, "2026-05")[0] == Decimal("40")
    assert light_of(session, settings, project, "2026-02")[0] == Decimal("0")  # nothing reported yet


def test_projects_and_summary_at_a_month_end(client, project):
    report(client, project, "2026-03", "10")
    report(client, project, "2026-05", "40")
    march = client.get("/api/projects", params={"month": "2026-03", "district": "乳山市", "q": "测试"}).json()
    mine = [f for f in march["features"] if f["properties"]["id"] == project][0]["properties"]
    assert mine["progress"] == 10 and mine["report_month"] == "2026-03"
    now = client.get(f"/api/projects/{project}").json()["properties"]
    assert now["progress"] == 40
    s = client.get("/api/summary", params={"month": "2026-03"}).json()
    assert s["month"] == "2026-03" and s["count"] >= 117


def test_summary_lights_change_with_the_month(client):
    march = client.get("/api/summary", params={"month": "2026-03"}).json()
    october = client.get("/api/summary", params={"month": "2026-10"}).json()
    assert sum(march["by_light"].values()) == sum(october["by_light"].values()) == march["count"]
    assert march["by_light"] != october["by_light"]
    assert october["investment_completed"] > march["investment_completed"]


@pytest.mark.parametrize("bad", ["2026-13", "26-10", "2026/10", "x"])
def test_bad_month_parameter_is_a_422_problem(client, bad):
    r = client.get("/api/projects", params={"month": bad})
    assert r.status_code == 422 and "YYYY-MM" in r.json()["detail"]


def test_meta_serves_thresholds_and_report_months(client):
    meta = client.get("/api/meta").json()
    assert meta["light_thresholds"] == {"yellow_lag": 10.0, "red_lag": 25.0}
    assert meta["report_months"][0] == "2026-10" and len(meta["report_months"]) == 12


def test_report_months_list_every_month_with_a_passed_current_report_and_no_other(client, session, project):
    """The month selector skips from month to month on the index: a gap is crossed, and a month whose only report
    awaits review or was superseded is not listed."""
    for month, state, superseded in (
        ("2024-06-01", "passed", None),
        ("2024-03-01", "pending", None),
        ("2024-01-01", "passed", "2024-02-01"),
    ):
        session.execute(
            text("""INSERT INTO progress_reports (project_id, month, version, progress, status, investment_month,
                    investment_cumulative, review_state, superseded_at)
                    VALUES (:p, :m, 1, 10, 'construction', 0, 0, :s, CAST(:sup AS timestamptz))"""),
            {"p": project, "m": month, "s": state, "sup": superseded},
        )
    months = client.get("/api/meta").json()["report_months"]
    assert months[0] == "2026-10" and months[-1] == "2024-06" and len(months) == 13
    assert months == sorted(months, reverse=True) and "2024-03" not in months and "2024-01" not in months
