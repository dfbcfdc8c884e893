"""Liveness (the process answers) and readiness (the database and the photo store answer), for load balancers and
orchestrators: a process that is alive but not ready is taken out of rotation rather than restarted."""

from __future__ import annotations

import time

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.photos import store
from geo.settings import Settings


def readiness(session: Session, *, settings: Settings) -> dict:
    """{ready, checks: {database: {ok, ms, detail}, photo_store: {…}}}; never raises for a failing dependency."""
    checks = {}
    started = time.perf_counter()
    try:
        version = session.execute(text("SELECT postgis_lib_version()")).scalar_one()
        checks["database"] = {"ok": True, "detail": f"PostGIS {version}"}
    except Exception as e:  # any failure means not ready; the reason is for the operator
        session.rollback()
        checks["database"] = {"ok": False, "detail": type(e).__name__}
    checks["database"]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    started = time.perf_counter()
    files = store.get_store(settings)
    try:
        files.ping()
        checks["photo_store"] = {"ok": True, "detail": "s3" if files.local_path("x") is None else "local"}
    except store.StoreError:
        checks["photo_store"] = {"ok": False, "detail": "unreachable"}
    checks["photo_store"]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return {"ready": all(c["ok"] for c in checks.values()), "checks": checks}
