"""Dashboard data for one month (116 projects × 12 months of reports): target under 100 ms.

Printed beside baselines measured in the same run: a plain aggregate scan of the same reports, and the map's
/api/summary query for that month (the same state and light SQL without the groupings and trend).
"""

from __future__ import annotations

from _common import demo_month_session, median_ms
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.app import create_app
from geo.db.engine import Database
from geo.progress.dashboard import dashboard_json
from geo.projects.queries import ProjectFilter, projects_summary

RUNS = 50
TARGET_MS = 100


def main() -> None:
    """Time the dashboard SQL beside a plain scan and the summary."""
    with demo_month_session() as (session, settings, period):
        month = period.first.strftime("%Y-%m")
        reports = session.execute(text("SELECT count(*) FROM progress_reports")).scalar()
        scan = median_ms(
            lambda: session.execute(
                text(
                    "SELECT project_id, sum(investment_month), max(progress) FROM progress_reports "
                    "WHERE superseded_at IS NULL GROUP BY project_id"
                )
            ).all(),
            RUNS,
        )
        summary = median_ms(
            lambda: projects_summary(session, settings=settings, filters=ProjectFilter(), month=period.last), RUNS
        )
        sql = median_ms(lambda: dashboard_json(session, settings=settings, period=period), RUNS)
        with TestClient(create_app(settings, Database(session.get_bind()))) as client:
            http = median_ms(lambda: client.get("/api/dashboard", params={"month": month}).raise_for_status(), RUNS)
    print(f"dashboard data, {month}, {reports} reports, median of {RUNS}")
    print(f"  baseline: aggregate scan of the reports   {scan:8.2f} ms")
    print(f"  baseline: /api/summary SQL for the month  {summary:8.2f} ms")
    print(
        f"  dashboard SQL (geo.progress.dashboard)     {sql:8.2f} ms   "
        f"{sql / scan:5.1f}× scan, {sql / summary:4.1f}× summary"
    )
    print(f"  GET /api/dashboard (in-process HTTP)      {http:8.2f} ms   {http / sql:5.2f}× the SQL alone")
    print(f"  target < {TARGET_MS} ms: {'met' if http < TARGET_MS else 'MISSED'}")


if __name__ == "__main__":
    main()
