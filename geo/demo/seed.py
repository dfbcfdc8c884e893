"""Seed data: districts, zones and bases from data/seed/*.geojson, the seven clusters, and generated demo projects."""

from __future__ import annotations

import json
import logging
from decimal import Decimal
from pathlib import Path

from shapely.geometry import MultiPolygon, shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.demo.problems import seed_demo_problems
from geo.demo.reports import seed_demo_reports
from geo.demo.tasks import seed_demo_tasks
from geo.demo.workplan import seed_demo_workplans
from geo.enums import CLUSTERS
from geo.settings import PROJECT_ROOT
from geo.siting.engine import refresh_project_siting
from geo.tasks.departments import seed_departments

log = logging.getLogger("warroom.seed")

SEED_DIR = PROJECT_ROOT / "data" / "seed"
SEED_PROJECT_COUNT = 116


def read_features(path: Path) -> list[dict]:
    """Features of a GeoJSON file."""
    return json.loads(path.read_text(encoding="utf-8"))["features"]


def as_multipolygon(geometry: dict) -> BaseGeometry:
    """A GeoJSON polygon geometry as a shapely MultiPolygon."""
    geom = shape(geometry)
    return MultiPolygon([geom]) if geom.geom_type == "Polygon" else geom


def _ewkt(geom: BaseGeometry) -> str:
    return f"SRID=4326;{geom.wkt}"


def seed_clusters(session: Session) -> None:
    """Upsert the seven industry clusters from geo.enums."""
    session.execute(
        text("""INSERT INTO industry_clusters (code, name, name_en) VALUES (:code, :name, :name_en)
                ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, name_en = EXCLUDED.name_en"""),
        [{"code": c.code, "name": c.name, "name_en": c.name_en} for c in CLUSTERS],
    )


def seed_districts(session: Session, features: list[dict]) -> None:
    """Upsert districts by code; parents are resolved by name after all rows exist."""
    rows = [
        {
            "code": f["properties"]["code"],
            "name": f["properties"]["name"],
            "full_name": f["properties"].get("full_name"),
            "name_en": f["properties"].get("name_en"),
            "kind": f["properties"]["kind"],
            "schematic": bool(f["properties"].get("schematic")),
            "source": f["properties"].get("source"),
            "description": f["properties"].get("description"),
            "geom": _ewkt(as_multipolygon(f["geometry"])),
        }
        for f in features
    ]
    session.execute(
        text("""
        INSERT INTO districts (code, name, full_name, name_en, kind, schematic, source, description, geom)
        VALUES (:code, :name, :full_name, :name_en, :kind, :schematic, :source, :description, ST_GeomFromEWKT(:geom))
        ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, full_name = EXCLUDED.full_name, name_en =
            EXCLUDED.name_en,
            kind = EXCLUDED.kind, schematic = EXCLUDED.schematic, source = EXCLUDED.source,
            description = EXCLUDED.description, geom = EXCLUDED.geom"""),
        rows,
    )
    session.execute(
        text("UPDATE districts d SET parent_id = p.id FROM districts p WHERE d.code = :code AND p.name = :parent"),
        [
            {"code": f["properties"]["code"], "parent": f["properties"]["parent"]}
            for f in features
            if f["properties"].get("parent")
        ],
    )


def seed_areas(session: Session, table: str, features: list[dict]) -> None:
    """Upsert zones or bases by code."""
    rows = [
        {
            "code": f["properties"]["code"],
            "name": f["properties"]["name"],
            "name_en": f["properties"].get("name_en"),
            "schematic": bool(f["properties"].get("schematic", True)),
            "carrier": f["properties"].get("carrier"),
            "district": f["properties"].get("district"),
            "source": f["properties"].get("source"),
            "description": f["properties"].get("description"),
            "cluster": f["properties"].get("cluster"),
            "geom": _ewkt(as_multipolygon(f["geometry"])),
        }
        for f in features
    ]
    cluster_col, cluster_val, cluster_set = ("", "", "")
    if table == "bases":
        cluster_col, cluster_val = ", cluster_id", ", (SELECT id FROM industry_clusters WHERE name = :cluster)"
        cluster_set = ", cluster_id = EXCLUDED.cluster_id"
    session.execute(
        text(f"""
        INSERT INTO {table} (code, name, name_en, schematic, carrier, district, source, description, geom{cluster_col})
        VALUES (:code, :name, :name_en, :schematic, :carrier, :district, :source, :description,
            ST_GeomFromEWKT(:geom){cluster_val})
        ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, name_en = EXCLUDED.name_en, schematic =
            EXCLUDED.schematic,
            carrier = EXCLUDED.carrier, district = EXCLUDED.district, source = EXCLUDED.source,
            description = EXCLUDED.description, geom = EXCLUDED.geom{cluster_set}"""),
        rows,
    )


def reporting_geometries(district_features: list[dict]) -> dict[str, BaseGeometry]:
    """Each reporting unit's own area: functional areas whole, counties minus the functional areas carved out."""
    geoms = {f["properties"]["name"]: as_multipolygon(f["geometry"]) for f in district_features}
    for f in district_features:
        parent = f["properties"].get("parent")
        if parent:
            geoms[parent] = geoms[parent].difference(geoms[f["properties"]["name"]])
    return geoms


def seed_demo_projects(session: Session, *, count: int = SEED_PROJECT_COUNT, seed_dir: Path = SEED_DIR) -> int:
    """Upsert `count` generated demo projects by code and drop other demo ones; imported projects are kept."""
    from geo.demo.projects import generate_projects

    districts = reporting_geometries(read_features(seed_dir / "districts.geojson"))
    bases = {
        f["properties"]["name"]: (as_multipolygon(f["geometry"]), f["properties"]["cluster"])
        for f in read_features(seed_dir / "bases.geojson")
    }
    projects = generate_projects(districts, bases, count=count)
    rows = [{**p, "geom": f"SRID=4326;POINT({p['lon']} {p['lat']})"} for p in projects]
    session.execute(
        text("""
        INSERT INTO projects (code, name, district_id, cluster_id, investment_total, investment_year, status, progress,
                              unit, person, start_date, end_date, demo, geom)
        VALUES (:code, :name, (SELECT id FROM districts WHERE name = :district),
                (SELECT id FROM industry_clusters WHERE name = :cluster), :investment_total, :investment_year, :status,
                :progress, :unit, :person, :start_date, :end_date, true, ST_GeomFromEWKT(:geom))
        ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, district_id = EXCLUDED.district_id,
            cluster_id = EXCLUDED.cluster_id, investment_total = EXCLUDED.investment_total,
            investment_year = EXCLUDED.investment_year, status = EXCLUDED.status, progress = EXCLUDED.progress,
            unit = EXCLUDED.unit, person = EXCLUDED.person, start_date = EXCLUDED.start_date,
            end_date = EXCLUDED.end_date, geom = EXCLUDED.geom, updated_at = now()
        WHERE projects.demo"""),
        rows,
    )
    session.execute(
        text("DELETE FROM projects WHERE demo AND NOT (code = ANY(:codes))"), {"codes": [p["code"] for p in projects]}
    )
    return len(rows)


def seed_all(session: Session, *, demo_projects: int | None = SEED_PROJECT_COUNT, seed_dir: Path = SEED_DIR) -> dict:
    """Load (or refresh) all seed data in the caller's transaction and recompute project siting."""
    seed_clusters(session)
    district_features = read_features(seed_dir / "districts.geojson")
    seed_districts(session, district_features)
    seed_areas(session, "zones", read_features(seed_dir / "zones.geojson"))
    seed_areas(session, "bases", read_features(seed_dir / "bases.geojson"))
    seed_departments(session)
    loaded = reports = milestones = 0
    if demo_projects is not None:
        loaded = seed_demo_projects(session, count=demo_projects, seed_dir=seed_dir)
        session.execute(text("DELETE FROM problems WHERE demo"))  # they point at the demo reports replaced next
        reports = seed_demo_reports(session)
        milestones = seed_demo_workplans(session)
        seed_demo_problems(session)
    refresh_project_siting(session)
    tasks = seed_demo_tasks(session) if demo_projects is not None else {}
    totals = session.execute(
        text("SELECT count(*), COALESCE(sum(investment_total), 0), COALESCE(sum(investment_year), 0) FROM projects")
    ).one()
    return {
        "demo_projects": loaded,
        "demo_reports": reports,
        "demo_milestones": milestones,
        **tasks,
        "projects": totals[0],
        "investment_total": Decimal(totals[1]),
        "investment_year": Decimal(totals[2]),
    }


def is_seeded(session: Session) -> bool:
    """Whether the boundaries and at least one project are present."""
    return bool(
        session.execute(text("SELECT EXISTS (SELECT 1 FROM districts) AND EXISTS (SELECT 1 FROM projects)")).scalar()
    )
