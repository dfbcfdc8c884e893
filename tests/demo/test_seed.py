"""The seed data keeps the plan's invariants."""

from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from geo.demo.seed import seed_all
from geo.enums import CLUSTER_NAMES, DISTRICT_NAMES


def scalar(session, sql):
    return session.execute(text(sql)).scalar_one()


def test_counts(session):
    assert scalar(session, "SELECT count(*) FROM districts") == 8
    assert scalar(session, "SELECT count(*) FROM zones") == 5
    assert scalar(session, "SELECT count(*) FROM bases") == 9
    assert scalar(session, "SELECT count(*) FROM industry_clusters") == 7
    assert scalar(session, "SELECT count(*) FROM projects") == 116


def test_names_match_the_enumerations(session):
    assert set(session.execute(text("SELECT name FROM districts")).scalars()) == set(DISTRICT_NAMES)
    assert set(session.execute(text("SELECT name FROM industry_clusters")).scalars()) == set(CLUSTER_NAMES)


def test_investment_sums_are_exact(session):
    assert scalar(session, "SELECT sum(investment_total) FROM projects") == Decimal("2289.6")
    assert scalar(session, "SELECT sum(investment_year) FROM projects") == Decimal("293.8")


def test_every_project_lies_inside_its_district(session):
    outside = (
        session.execute(
            text("""
        SELECT p.code FROM projects p JOIN districts d ON d.id = p.district_id
        WHERE NOT ST_Intersects(d.geom, p.geom)""")
        )
        .scalars()
        .all()
    )
    assert outside == []
    # and the district it reports under is the one PostGIS finds (functional areas win over their county)
    assert scalar(session, "SELECT count(*) FROM projects WHERE located_district_id IS DISTINCT FROM district_id") == 0


def test_projects_report_under_functional_areas(session):
    in_functional = scalar(
        session,
        """
        SELECT count(*) FROM projects p JOIN districts d ON d.id = p.located_district_id WHERE d.kind = 'functional'""",
    )
    assert in_functional > 0
    county_of_functional = scalar(
        session,
        """
        SELECT count(*) FROM projects p JOIN districts d ON d.id = p.located_district_id
        JOIN districts c ON c.id = p.county_id WHERE d.kind = 'functional' AND c.id <> d.parent_id""",
    )
    assert county_of_functional == 0


def test_demo_and_schematic_flags_are_honest(session):
    assert scalar(session, "SELECT bool_and(demo) FROM projects")
    assert scalar(session, "SELECT bool_and(schematic) FROM zones")
    assert scalar(session, "SELECT bool_and(schematic) FROM bases")
    assert scalar(session, "SELECT bool_and(schematic = (kind = 'functional')) FROM districts")


def test_boundaries_are_valid(session):
    for table in ("districts", "zones", "bases"):
        assert scalar(session, f"SELECT bool_and(ST_IsValid(geom)) FROM {table}"), table


def test_seed_is_idempotent(session):
    ids = session.execute(text("SELECT code, id FROM projects ORDER BY code")).all()
    summary = seed_all(session)
    assert summary["projects"] == 116
    assert summary["investment_total"] == Decimal("2289.6")
    assert session.execute(text("SELECT code, id FROM projects ORDER BY code")).all() == ids


@pytest.mark.parametrize(
    "column,value", [("progress", 101), ("progress", -1), ("investment_total", -5), ("status", "'unknown'")]
)
def test_check_constraints_reject_bad_rows(session, column, value):
    with pytest.raises(IntegrityError):
        with session.begin_nested():
            session.execute(text(f"UPDATE projects SET {column} = {value} WHERE id = (SELECT min(id) FROM projects)"))
