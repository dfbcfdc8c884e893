"""Dashboard data for one month (116 projects × 12 months of reports): target under 100 ms.

Printed beside baselines measured in the same run: a plain aggregate scan of the same reports, and the map's
/api/summary query for that month (the same state and light SQL without the groupings and trend).
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from api.app import create_app  # noqa: E402
from bench._benchdb import bench_engine, median_ms  # noqa: E402
from geo.db import Database  # noqa: E402
from geo.periods import monthly  # noqa: E402
from geo.queries.dashboard import dashboard_json  # noqa: E402
from geo.queries.projects import ProjectFilter, projects_summary  # noqa: E402
from geo.settings import Settings  # noqa: E402

RUNS = 50
TARGET_MS = 100


def main() -> None:
    settings = Settings(basemap="none")
    period = monthly("2026-10")
    with bench_engine() as engine, Session(engine) as session:
        reports = session.execute(text("SELECT count(*) FROM progress_reports")).scalar()
        scan = median_ms(lambda: session.execute(text(
            "SELECT project_id, sum(investment_month), max(progress) FROM progress_reports "
            "WHERE superseded_at IS NULL GROUP BY project_id")).all(), RUNS)
        summary = median_ms(lambda: projects_summary(session, settings=settings, filters=ProjectFilter(),
                                                     month=period.last), RUNS)
        sql = median_ms(lambda: dashboard_json(session, settings=settings, period=period), RUNS)
        with TestClient(create_app(settings, Database(engine))) as client:
            http = median_ms(lambda: client.get("/api/dashboard?month=2026-10").raise_for_status(), RUNS)
    print(f"dashboard data, 2026-10, {reports} reports, median of {RUNS}")
    print(f"  baseline: aggregate scan of the reports   {scan:8.2f} ms")
    print(f"  baseline: /api/summary SQL for the month  {summary:8.2f} ms")
    print(f"  dashboard SQL (geo.queries.dashboard)     {sql:8.2f} ms   {sql / scan:5.1f}× scan, {sql / summary:4.1f}× summary")
    print(f"  GET /api/dashboard (in-process HTTP)      {http:8.2f} ms   {http / sql:5.2f}× the SQL alone")
    print(f"  target < {TARGET_MS} ms: {'met' if http < TARGET_MS else 'MISSED'}")


if __name__ == "__main__":
    main()
