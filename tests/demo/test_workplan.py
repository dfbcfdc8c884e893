"""The demo work plans: a plan summing to each year plan, 2–4 milestones and a leader per project, lights unchanged."""

import datetime as dt
from decimal import Decimal

from sqlalchemy import text

from geo.demo.workplan import generate_workplans
from geo.periods import parse_month
from geo.progress.lights import LIGHT_SQL
from geo.progress.state import STATE_JOINS_SQL, state_params


def test_every_demo_project_has_a_plan_milestones_and_a_leader(session):
    rows = (
        session.execute(
            text("""
        SELECT p.code, p.investment_year, p.leader_name, p.leader_title, p.leader_unit, p.unit, p.person,
               (SELECT sum(planned_investment) FROM progress_plans pp WHERE pp.project_id = p.id
                AND pp.month BETWEEN '2026-01-01' AND '2026-12-01') AS planned,
               (SELECT count(*) FROM progress_plans pp WHERE pp.project_id = p.id) AS months,
               (SELECT count(*) FROM milestones m WHERE m.project_id = p.id AND m.demo) AS milestones
        FROM projects p WHERE p.demo""")
        )
        .mappings()
        .all()
    )
    assert len(rows) == 116
    for r in rows:
        assert r["planned"] == r["investment_year"], r["code"]
        assert r["months"] == 12
        assert 2 <= r["milestones"] <= 4
        assert r["leader_name"] and r["leader_title"] and r["leader_unit"]
        assert r["leader_name"] not in (r["person"] or "")  # a leader, not the contact person


def _lights(session, settings, month):
    sql = f"SELECT p.code, {LIGHT_SQL} AS light FROM projects p {STATE_JOINS_SQL} WHERE p.demo ORDER BY p.code"
    return dict(session.execute(text(sql), state_params(settings, parse_month(month))).all())


def test_the_demo_plans_leave_the_lights_as_the_linear_plan_had_them(session, settings):
    months = ("2026-03", "2026-06", "2026-10")
    with_plans = {m: _lights(session, settings, m) for m in months}
    session.execute(text("DELETE FROM progress_plans"))
    session.execute(text("DELETE FROM milestones"))
    without = {m: _lights(session, settings, m) for m in months}
    assert with_plans == without
    assert set(with_plans["2026-10"].values()) == {"green", "yellow", "red"}  # still a plausible mix


def test_done_milestones_are_done_by_the_last_demo_month_and_only_stalled_projects_are_late(session):
    late = session.execute(
        text("""
        SELECT DISTINCT p.status FROM milestones m JOIN projects p ON p.id = m.project_id
        WHERE m.demo AND m.done_date IS NULL AND m.planned_date < DATE '2026-10-31'""")
    ).scalars()
    assert set(late) <= {"stalled"}
    last_done = session.execute(text("SELECT max(done_date) FROM milestones WHERE demo")).scalar()
    assert last_done <= dt.date(2026, 10, 31)


def test_generation_is_deterministic():
    project = {
        "code": "X-1",
        "status": "construction",
        "progress": Decimal("42.0"),
        "investment_total": Decimal("10.0"),
        "investment_year": Decimal("2.0"),
        "start_date": dt.date(2025, 3, 1),
        "end_date": dt.date(2027, 3, 1),
        "unit": "某单位",
        "district": "文登区",
    }
    made = generate_workplans([project])
    assert made == generate_workplans([dict(project)])
    assert sum(Decimal(p["planned_investment"]) for p in made["plans"]) == Decimal("2.0")
