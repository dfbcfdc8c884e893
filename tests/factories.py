"""Small factories for test data, written through the same SQL paths as the app."""

from __future__ import annotations

import itertools
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.accounts.principal import Principal, cli_principal
from geo.accounts.tokens import create_token
from geo.accounts.users import create_user
from geo.siting.engine import refresh_project_siting

_seq = itertools.count(1)


def make_project(
    session: Session,
    *,
    lon: float,
    lat: float,
    district: str = "环翠区",
    cluster: str = "新一代信息技术",
    status: str = "construction",
    progress: str = "40",
    total: str = "10",
    year: str = "2",
    name: str | None = None,
    start: str = "2025-01-01",
    end: str = "2027-12-31",
) -> int:
    """Insert one project at (lon, lat), site it, and return its id."""
    n = next(_seq)
    pid = session.execute(
        text("""
        INSERT INTO projects (code, name, district_id, cluster_id, investment_total, investment_year, status, progress,
                              start_date, end_date, demo, geom)
        VALUES (:code, :name, (SELECT id FROM districts WHERE name = :district),
                (SELECT id FROM industry_clusters WHERE name = :cluster), :total, :year, :status, :progress,
                :start, :end, false, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))
        RETURNING id"""),
        {
            "code": f"TEST-{n:04d}",
            "name": name or f"测试项目{n}",
            "district": district,
            "cluster": cluster,
            "total": Decimal(total),
            "year": Decimal(year),
            "status": status,
            "progress": Decimal(progress),
            "start": start,
            "end": end,
            "lon": lon,
            "lat": lat,
        },
    ).scalar_one()
    refresh_project_siting(session, project_ids=[pid])
    return pid


def interior_point(session: Session, table: str, name: str) -> tuple[float, float]:
    """A point well inside a named boundary (PostGIS's point on surface)."""
    row = session.execute(
        text(f"SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p FROM {table} WHERE name = :n) s"),
        {"n": name},
    ).one()
    return float(row[0]), float(row[1])


PASSWORD = "correct-horse-42"
_user_seq = itertools.count(1)


def make_user(
    session,
    *,
    role: str = "viewer",
    district: str | None = None,
    department: str | None = None,
    password: str = PASSWORD,
) -> dict:
    """A new active account; the dict carries its password for signing in."""
    if role == "reporter" and district is None:
        district = "乳山市"
    if role == "dept_reporter" and department is None:
        department = "市商务局"
    user, _ = create_user(
        session,
        actor=cli_principal(),
        username=f"t{role}{next(_user_seq)}",
        role=role,
        district=district,
        department=department,
        password=password,
    )
    return {**user, "password": password}


def principal_of(user: dict, *, via: str = "token") -> Principal:
    """The user as the actor of a domain function (`via="session"` for what only a browser session may do)."""
    return Principal(
        user_id=user["id"],
        username=user["username"],
        display_name=user["display_name"],
        role=user["role"],
        district=user["district"],
        department_id=user.get("department_id"),
        via=via,
    )


def token_for(session, user: dict) -> dict:
    """Authorization headers with a new personal API token of the user."""
    _, secret = create_token(session, actor=principal_of(user, via="session"), name="test")
    return {"Authorization": f"Bearer {secret}"}


def site_with_photo(
    client, session, *, uploader: dict, district: str = "乳山市", seed: int = 7001, orientation: int | None = None
) -> dict:
    """A project of `district` with one photo (GPS beside it, May 2026) uploaded through the API by `uploader`."""
    from tests.photos.images import jpeg

    lon, lat = interior_point(session, "districts", district)
    pid = make_project(session, district=district, lon=lon, lat=lat)
    data = jpeg(seed=seed, lon=lon + 0.0005, lat=lat, taken="2026:05:03 10:00:00", orientation=orientation)
    r = client.post(
        f"/api/projects/{pid}/photos",
        data={"month": "2026-05"},
        headers=token_for(session, uploader),
        files=[("files", ("site.jpg", data, "image/jpeg"))],
    )
    assert r.status_code == 201, r.text
    return {"project": pid, "photo": r.json()["photos"][0], "bytes": data, "district": district}


def file_report(client, pid: int, month: str, body: dict) -> tuple[int, dict]:
    """PUT a month's report and, when it awaits review, pass it as the signed-in planner: (PUT status, report)."""
    r = client.put(f"/api/projects/{pid}/reports/{month}", json=body)
    if r.status_code not in (200, 201):
        return r.status_code, r.json()
    if r.json()["review_state"] == "pending":
        passed = client.post(f"/api/projects/{pid}/reports/{month}/review", json={"decision": "pass"})
        assert passed.status_code == 200, passed.text
        return r.status_code, passed.json()
    return r.status_code, r.json()
