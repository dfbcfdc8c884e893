"""One recent site photo per district for the bulletin, when the photos feature is installed.

The photos table comes from another part of the system; its presence and columns are looked up at run time so
the bulletin works (without this section) on databases that do not have it.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.settings import Settings

TIME_COLUMNS = ("taken_at", "uploaded_at", "created_at")
PATH_COLUMNS = ("display_path", "path", "file_path", "stored_path")


def _columns(session: Session) -> set[str]:
    return set(session.execute(text("""SELECT column_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = 'photos'""")).scalars())


def _image_file(row: dict, settings: Settings) -> Path | None:
    """The display copy (or original) of a photo row on disk, if it can be found."""
    root = settings.var_dir / "photos"
    for column in PATH_COLUMNS:
        if row.get(column):
            path = Path(row[column])
            path = path if path.is_absolute() else root / path
            if path.is_file():
                return path
    sha = row.get("sha256")
    if sha and root.is_dir():
        found = sorted(root.rglob(f"*{sha}*"), key=lambda p: ("display" not in str(p), str(p)))
        return next((p for p in found if p.is_file()), None)
    return None


def recent_photo_per_district(session: Session, *, settings: Settings, until: dt.date) -> list[dict]:
    """[{district, project, taken, path}] — the newest photo up to `until` in each district; [] without photos."""
    columns = _columns(session)
    time_column = next((c for c in TIME_COLUMNS if c in columns), None)
    if "project_id" not in columns or time_column is None:
        return []
    wanted = [c for c in (*PATH_COLUMNS, "sha256") if c in columns]
    select = ", ".join(f"ph.{c}" for c in wanted) or "NULL AS none"
    rows = session.execute(text(f"""
        SELECT DISTINCT ON (d.name) d.name AS district, p.name AS project, ph.{time_column} AS taken, {select}
        FROM photos ph JOIN projects p ON p.id = ph.project_id
        JOIN districts d ON d.id = COALESCE(p.located_district_id, p.district_id)
        WHERE ph.{time_column} < CAST(:until AS date) + 1
        ORDER BY d.name, ph.{time_column} DESC"""), {"until": until}).mappings().all()
    found = []
    for row in rows:
        path = _image_file(dict(row), settings)
        if path is not None:
            found.append({"district": row["district"], "project": row["project"], "taken": row["taken"], "path": path})
    return found
