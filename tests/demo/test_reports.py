"""The seeded demo history: 12 months per project, consistent with dates and current progress, deterministic."""

from decimal import Decimal

from sqlalchemy import text

from geo.demo.reports import generate_reports


def test_twelve_months_per_project_ending_at_current_progress(session):
    rows = (
        session.execute(
            text("""
        SELECT p.id, p.progress, p.status, p.investment_total, p.start_date, p.end_date,
               array_agg(r.month ORDER BY r.month) AS months, array_agg(r.progress ORDER BY r.month) AS path,
               array_agg(r.status ORDER BY r.month) AS statuses, array_agg(r.investment_cumulative ORDER BY r.month)
                   AS cum,
               array_agg(r.investment_month ORDER BY r.month) AS inv
        FROM projects p JOIN progress_reports r ON r.project_id = p.id AND r.superseded_at IS NULL
        WHERE p.demo GROUP BY p.id""")
        )
        .mappings()
        .all()
    )
    assert len(rows) == 116
    for p in rows:
        assert len(p["months"]) == 12 and p["months"][-1].isoformat() == "2026-10-01"
        assert p["path"][-1] == p["progress"] and p["statuses"][-1] == p["status"]
        assert list(p["path"]) == sorted(p["path"]), "progress never goes back in the demo"
        assert max(p["cum"]) <= p["investment_total"]
        assert all(b - a == i for a, b, i in zip(p["cum"], p["cum"][1:], p["inv"][1:])), "cumulative = previous + month"
        for month, progress, status in zip(p["months"], p["path"], p["statuses"]):
            if status == "completed":
                assert progress == 100 and month >= p["end_date"].replace(day=1)
            if month.replace(day=28) < p["start_date"].replace(day=1) and p["status"] != "planning":
                assert progress == 0


def test_generation_is_deterministic():
    project = {
        "code": "X-1",
        "status": "construction",
        "progress": Decimal("42.0"),
        "investment_total": Decimal("10.0"),
        "investment_year": Decimal("2.0"),
        "start_date": __import__("datetime").date(2025, 3, 1),
        "end_date": __import__("datetime").date(2027, 3, 1),
    }
    assert generate_reports([project]) == generate_reports([dict(project)])
    assert generate_reports([project])[-1]["progress"] == Decimal("42.0")
