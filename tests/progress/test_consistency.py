"""One truth per month: the map's features, the summary, the dashboard, the bulletin and the project export agree for
every month of the demo history (and the open month and one before it) under several district filters.

Each row of the matrix is (month, filter); each source reduces to the same figures: the number of projects, the count
per light and per status, this year's planned investment and the cumulative completed investment at the month's end.
"""

import io
from collections import Counter
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import text

from geo.periods import add_months, month_label

pytestmark = pytest.mark.usefixtures("as_planner")

FILTERS = (None, "环翠区", "荣成市", "高区", "南海新区")
LIGHTS = ("red", "yellow", "green")


def _months(session) -> list[str]:
    first, last = session.execute(text("SELECT min(month), max(month) FROM progress_reports")).one()
    months, m = [], add_months(first, -1)
    while m <= add_months(last, 1):
        months.append(month_label(m))
        m = add_months(m, 1)
    return months


def _from_features(features: list[dict]) -> dict:
    props = [f["properties"] for f in features]
    return {
        "count": len(props),
        "lights": {k: sum(p["light"] == k for p in props) for k in LIGHTS},
        "status": dict(Counter(p["status"] for p in props)),
        "investment_year": sum(Decimal(str(p["investment_year"])) for p in props),
        "investment_completed": sum(Decimal(str(p["investment_completed"])) for p in props),
    }


def _from_export(features: list[dict]) -> dict:
    props = [f["properties"] for f in features]
    return _from_features(
        [{"properties": {**p, "investment_year": p["inv_year"], "investment_completed": p["inv_done"]}} for p in props]
    )


def _from_summary(s: dict) -> dict:
    return {
        "count": s["count"],
        "lights": {k: s["by_light"].get(k, 0) for k in LIGHTS},
        "status": s["by_status"],
        "investment_year": Decimal(str(s["investment_year"])),
        "investment_completed": Decimal(str(s["investment_completed"])),
    }


def _from_dashboard(group: dict) -> dict:
    lights = group.get("by_light", group)  # the headline counts lights by code, a group has one field per light
    return {
        "count": group["count"],
        "lights": {k: lights.get(k, 0) for k in LIGHTS},
        "investment_year": Decimal(str(group["investment_year"])),
        "investment_completed": Decimal(str(group["investment_completed"])),
    }


def _from_bulletin(xlsx: bytes) -> dict:
    """The bulletin workbook's 分区市 sheet: name → (count, planned investment this year, red, yellow)."""
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx))["分区市"]
    rows = sheet.iter_rows(min_row=2, values_only=True)
    return {r[0]: (r[1], round(Decimal(str(r[2])), 4), r[6], r[7]) for r in rows}


def _round(figures: dict) -> dict:
    # Exports write floats (GIS formats have no decimals); 4 places is finer than any register figure.
    return {k: round(v, 4) if isinstance(v, Decimal) else v for k, v in figures.items()}


def test_every_month_and_filter_shows_the_same_figures_everywhere(client, session):
    fields = "light,status,investment_year,investment_completed"
    rows = []
    for month in _months(session):
        dashboard = client.get("/api/dashboard", params={"month": month}).json()
        assert dashboard["month"] == month
        by_district = {g["name"]: g for g in dashboard["by_district"]}
        bulletin = client.get(f"/api/reports/monthly/{month}.xlsx")
        assert bulletin.status_code == 200, bulletin.text
        in_bulletin = _from_bulletin(bulletin.content)
        for district in FILTERS:
            q = {"month": month} | ({"district": district} if district else {})
            features = client.get("/api/projects", params=q | {"fields": fields}).json()["features"]
            mapped = _from_features(features)
            summary = client.get("/api/summary", params=q).json()
            assert summary["month"] == month
            exported = client.get("/api/exports/projects", params=q | {"format": "geojson"})
            assert exported.status_code == 200, exported.text
            group = dashboard["headline"] if district is None else by_district[district]
            assert _from_summary(summary) == mapped, (month, district)
            assert _round(_from_export(exported.json()["features"])) == _round(mapped), (month, district)
            assert _from_dashboard(group) == {k: v for k, v in mapped.items() if k != "status"}, (month, district)
            lights = mapped["lights"]
            printed = (mapped["count"], round(mapped["investment_year"], 4), lights["red"], lights["yellow"])
            assert in_bulletin[district or "合计"] == printed, (month, district)
            if district is None:
                assert dashboard["headline"]["by_light"] == summary["by_light"]
                assert dashboard["headline"]["by_status"] == summary["by_status"]
            rows.append((month, district, mapped["count"], mapped["lights"]["red"], mapped["lights"]["yellow"]))
    # The figures move through the history (a matrix of one repeated row would prove little).
    assert len({r[3:] for r in rows if r[1] is None}) > 3
    assert sum(r[2] for r in rows if r[1] is not None and r[0] == rows[0][0]) > 0


def test_the_default_month_is_the_same_everywhere(client):
    latest = client.get("/api/periods").json()["shown_month"]
    assert client.get("/api/summary").json()["month"] == latest
    assert client.get("/api/dashboard").json()["month"] == latest
    exported = client.get("/api/exports/projects", params={"format": "geojson"})
    assert f"projects-{latest}" in exported.headers["content-disposition"]
