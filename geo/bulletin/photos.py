"""One recent site photo per district for the bulletin, when the photos feature is installed.

The photos table is looked up at run time, so the bulletin still works (without this section) on a database
migrated without it; the display copy is found through geo.photos.store, the one place that knows the layout.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.settings import Settings


def _columns(session: Session) -> set[str]:
    return set(
        session.execute(
            text("""SELECT column_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = 'photos'""")
        ).scalars()
    )


def _display_file(settings: Settings, sha256: str) -> Path | None:
    try:
        from geo.photos.store import path_of
    except ImportError:
        return None
    path = path_of(settings.photo_dir, "display", sha256, "jpg")
    return path if path.is_file() else None


def recent_photo_per_district(session: Session, *, settings: Settings, until: dt.date) -> list[dict]:
    """[{district, project, taken, path}]: each district's newest published photo taken (or uploaded) up to `until`.

    Published only, whoever renders it: a bulletin is handed on, so it shows what an anonymous visitor may see."""
    columns = _columns(session)
    if not {"project_id", "sha256", "created_at"} <= columns:
        return []
    when = "COALESCE(ph.taken_at, ph.created_at)" if "taken_at" in columns else "ph.created_at"
    visible = "true"
    if "published" in columns:
        from geo.accounts.principal import ANONYMOUS
        from geo.accounts.scope import photo_visible

        visible = photo_visible(ANONYMOUS)
    rows = (
        session.execute(
            text(f"""
        SELECT DISTINCT ON (d.name) d.name AS district, p.name AS project, {when} AS taken, ph.sha256
        FROM photos ph JOIN projects p ON p.id = ph.project_id
        JOIN districts d ON d.id = COALESCE(p.located_district_id, p.district_id)
        WHERE {when} < CAST(:until AS date) + 1 AND {visible}
        ORDER BY d.name, {when} DESC"""),
            {"until": until},
        )
        .mappings()
        .all()
    )
    found = []
    for row in rows:
        path = _display_file(settings, row["sha256"])
        if path is not None:
            found.append({"district": row["district"], "project": row["project"], "taken": row["taken"], "path": path})
    return found
