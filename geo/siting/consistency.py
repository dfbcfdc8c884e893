"""Declared against real siting: projects whose declared district is not where they lie, and past membership."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.siting.engine import site_with, snapshot_as_of


def consistency_report(session: Session) -> list[dict]:
    """Projects whose declared district is neither the reporting unit nor the county their point lies in."""
    rows = session.execute(
        text("""
        SELECT p.id, p.code, p.name, dd.name AS declared_district, ld.name AS located_district, c.name AS county,
               ARRAY(SELECT b.name FROM bases b WHERE b.id = ANY(p.base_ids) ORDER BY b.code) AS bases,
               ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat
        FROM projects p JOIN districts dd ON dd.id = p.district_id
        LEFT JOIN districts ld ON ld.id = p.located_district_id LEFT JOIN districts c ON c.id = p.county_id
        WHERE p.located_district_id IS NULL
           OR (p.district_id <> p.located_district_id AND p.district_id IS DISTINCT FROM p.county_id)
        ORDER BY p.code""")
    ).mappings()
    report = []
    for r in rows:
        where = r["located_district"] or "威海陆域以外 / outside Weihai's land"
        report.append(
            {
                **r,
                "message": f"申报为{r['declared_district']},坐标落在{where} / declared "
                f"{r['declared_district']}, point lies in {r['located_district'] or 'no district'}",
            }
        )
    return report


def membership_as_of(session: Session, *, at: dt.datetime) -> list[dict]:
    """Each project's district, county, zones and bases by the boundaries valid at `at` (boundary_versions)."""
    snap = snapshot_as_of(session, at=at)
    projects = session.execute(text("SELECT id, code, ST_X(geom), ST_Y(geom) FROM projects ORDER BY code")).all()
    names = {
        (r.layer, r.feature_id): r.name
        for r in session.execute(
            text(
                "SELECT DISTINCT ON (layer, feature_id) layer, feature_id, name FROM boundary_versions "
                "WHERE valid_from <= :at AND (valid_to IS NULL OR valid_to > :at) "
                "ORDER BY layer, feature_id, valid_from DESC"
            ),
            {"at": at},
        )
    }
    sites = site_with(snap, lons=[p[2] for p in projects], lats=[p[3] for p in projects])
    return [
        {
            "code": p[1],
            "district": names.get(("districts", s["district_id"])),
            "county": names.get(("districts", s["county_id"])),
            "zones": [names[("zones", i)] for i in s["zone_ids"]],
            "bases": [names[("bases", i)] for i in s["base_ids"]],
        }
        for p, s in zip(projects, sites)
    ]
