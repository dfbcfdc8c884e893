"""The bulletin's site photos: one per district for the period, chosen by district_photos() alone.

The display copy is found through geo.photos.store, the one place that knows the layout.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.accounts.principal import ANONYMOUS
from geo.accounts.scope import photo_visible
from geo.db.sql import JOIN_REPORTING_DISTRICT
from geo.periods import Period
from geo.photos.evidence import counts_as_evidence
from geo.photos.store import get_store, key_of
from geo.settings import Settings


def _display_file(settings: Settings, sha256: str) -> bytes | None:
    return get_store(settings).read(key_of("display", sha256, "jpg"))


# Published (a bulletin is handed on, so it shows what an anonymous visitor may see), of the period's months, and
# only photos that count as the month's evidence (geo.photos.evidence); of those inside the project's area first.
_CANDIDATES = f"""
SELECT d.name AS district, p.name AS project, ph.taken_at AS taken, ph.created_at AS uploaded, ph.sha256,
       row_number() OVER (PARTITION BY d.name ORDER BY ph.in_project_area IS TRUE DESC,
           COALESCE(ph.taken_at, ph.created_at) DESC, ph.id DESC) AS rank
FROM photos ph JOIN projects p ON p.id = ph.project_id
{JOIN_REPORTING_DISTRICT}
WHERE ph.report_month BETWEEN CAST(:first AS date) AND CAST(:last AS date) AND {photo_visible(ANONYMOUS)}
  AND {counts_as_evidence("ph")}"""


def district_photos(session: Session, *, settings: Settings, period: Period) -> list[dict]:
    """[{district, project, taken, image}]: each district's photo for the bulletin, districts in name order.

    The one place the choice is made."""
    rows = session.execute(
        text(f"SELECT * FROM ({_CANDIDATES}) c WHERE rank <= 3 ORDER BY district, rank"),
        {"first": period.first, "last": period.last},
    ).mappings()
    found: dict[str, dict] = {}
    for row in rows:
        if row["district"] in found:
            continue
        data = _display_file(settings, row["sha256"])  # a row whose file is gone gives way to the next best
        if data is not None:
            found[row["district"]] = {
                "district": row["district"],
                "project": row["project"],
                "taken": row["taken"] or row["uploaded"],
                "image": data,
            }
    return list(found.values())
