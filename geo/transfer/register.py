"""Project register import (项目台账): Excel/CSV with Chinese headers, every row checked, upsert by 项目编号.

Nothing is written unless every row passes (or allow_partial, which writes the rows that pass).  Header variants are
matched loosely (full-width brackets, spaces, case) against REGISTER_COLUMNS, the documented mapping.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.accounts.principal import Principal
from geo.crs import parse_crs
from geo.errors import InvalidInput
from geo.projects.fields import COORDS, FIELD_ZH, PROJECT_COLUMNS, REQUIRED, check_fields
from geo.projects.versions import record_version, snapshot
from geo.siting.engine import refresh_project_siting
from geo.transfer.archives import ArchiveLimits
from geo.transfer.sheets import cell_text, find_columns, read_table, write_xlsx

# The columns, their labels and the checks of each field are the project library's (geo/projects/fields.py).
REGISTER_COLUMNS = PROJECT_COLUMNS
REPORT_HEADERS = ("行号", "列", "值", "问题", "建议")


@dataclass
class RowError:
    """One problem in one cell of the register."""

    row: int
    column: str
    value: str
    message: str
    suggestion: str = ""

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
            "suggestion": self.suggestion,
        }


@dataclass
class RegisterCheck:
    """The checked register: clean rows ready to write, errors, and what writing would do."""

    rows: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    bad_rows: set[int] = field(default_factory=set)

    def error_report_xlsx(self) -> bytes:
        """The row-level error report as an Excel workbook."""
        return write_xlsx(
            {"错误报告": (REPORT_HEADERS, [(e.row, e.column, e.value, e.message, e.suggestion) for e in self.errors])}
        )


def check_register(
    data: bytes, filename: str, *, coords: str = "wgs84", crs: str | None = None, limits: ArchiveLimits | None = None
) -> RegisterCheck:
    """Read and check every row; coords 'gcj02' converts from web-map coordinates, `crs` from any EPSG CRS."""
    if coords not in COORDS:
        raise InvalidInput(
            f"coords 应为 {' 或 '.join(COORDS)} / coords must be one of {', '.join(COORDS)}",
            errors=[{"field": "coords", "message": "unknown"}],
        )
    source_crs = parse_crs(crs, field="crs") if crs else None
    table = read_table(data, filename, limits=limits)
    cols = find_columns(table.headers, REGISTER_COLUMNS)
    missing = [FIELD_ZH[f] for f in REQUIRED if f not in cols]
    if missing:
        raise InvalidInput(
            f"缺少必需的列:{'、'.join(missing)}。现有列:{'、'.join(table.headers)} / missing columns: "
            f"{', '.join(missing)}",
            errors=[{"field": m, "message": "column missing"} for m in missing],
        )
    check = RegisterCheck(ignored_columns=[h for i, h in enumerate(table.headers) if i not in cols.values() and h])
    first_row_of: dict[str, int] = {}

    for row_no, row in table.rows:

        def err(f: str, message: str, suggestion: str = "", *, value=None, row=row, row_no=row_no) -> None:
            shown = cell_text(row[cols[f]]) if f in cols and value is None else cell_text(value)
            check.errors.append(
                RowError(row_no, table.headers[cols[f]] if f in cols else FIELD_ZH[f], shown, message, suggestion)
            )
            check.bad_rows.add(row_no)

        raw = {f: (row[cols[f]] if f in cols else None) for f in PROJECT_COLUMNS}
        out = {"row": row_no, **check_fields(raw, err=err, coords=coords, source_crs=source_crs)}
        code = out["code"]
        if code:
            if code in first_row_of:
                err(
                    "code",
                    f"项目编号重复(与第 {first_row_of[code]} 行相同)/ "
                    f"duplicated code, first on row {first_row_of[code]}",
                )
            else:
                first_row_of[code] = row_no
        check.rows.append(out)
    return check


_UPSERT = text("""
INSERT INTO projects (code, name, district_id, cluster_id, investment_total, investment_year, status, progress, unit,
                      person, start_date, end_date, demo, geom)
VALUES (:code, :name, (SELECT id FROM districts WHERE name = :district),
        (SELECT id FROM industry_clusters WHERE name = :cluster), :investment_total, :investment_year, :status,
            :progress,
        :unit, :person, :start_date, :end_date, false, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))
ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, district_id = EXCLUDED.district_id, cluster_id =
    EXCLUDED.cluster_id,
    investment_total = EXCLUDED.investment_total, investment_year = EXCLUDED.investment_year, status = EXCLUDED.status,
    progress = EXCLUDED.progress, unit = EXCLUDED.unit, person = EXCLUDED.person, start_date = EXCLUDED.start_date,
    end_date = EXCLUDED.end_date, demo = false, geom = EXCLUDED.geom, updated_at = now()
WHERE (projects.name, projects.district_id, projects.cluster_id, projects.investment_total, projects.investment_year,
       projects.status, projects.progress, projects.unit, projects.person, projects.start_date, projects.end_date,
       ST_AsBinary(projects.geom))
   IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.district_id, EXCLUDED.cluster_id, EXCLUDED.investment_total,
       EXCLUDED.investment_year, EXCLUDED.status, EXCLUDED.progress, EXCLUDED.unit, EXCLUDED.person,
           EXCLUDED.start_date,
       EXCLUDED.end_date, ST_AsBinary(EXCLUDED.geom))
RETURNING id, (xmax = 0) AS inserted""")

FIELDS = (
    "code",
    "name",
    "district",
    "cluster",
    "investment_total",
    "investment_year",
    "status",
    "progress",
    "unit",
    "person",
    "start_date",
    "end_date",
    "lon",
    "lat",
)


def _existing(session: Session, codes: list[str]) -> dict[str, int]:
    rows = session.execute(text("SELECT code, id FROM projects WHERE code = ANY(:codes)"), {"codes": codes})
    return dict(rows.all())


def import_register(
    session: Session,
    check: RegisterCheck,
    *,
    apply: bool,
    allow_partial: bool = False,
    progress: Callable[[int], None] | None = None,
    actor: Principal | None = None,
) -> dict:
    """Summarise (and with apply, upsert in the caller's transaction) the checked rows; refuses rows with errors.
    Applied by an `actor`, each added or changed project gets a version (geo/projects/versions.py)."""
    good = [r for r in check.rows if r["row"] not in check.bad_rows]
    summary = {
        "rows": len(check.rows),
        "valid": len(good),
        "errors": [e.as_dict() for e in check.errors],
        "ignored_columns": check.ignored_columns,
        "applied": False,
        "added": 0,
        "updated": 0,
        "unchanged": 0,
        "added_codes": [],
        "updated_codes": [],
    }
    if check.errors and not allow_partial:
        summary["unchanged"] = None
        return summary
    # A dry run does the very same writes inside a savepoint and rolls them back: its counts are exact.
    savepoint = session.begin_nested()
    versioned = apply and actor is not None
    try:
        existing = _existing(session, [r["code"] for r in good]) if versioned else {}
        before = {pid: snapshot(session, pid) for pid in existing.values()}
        written = []
        for r in good:
            hit = session.execute(_UPSERT, {k: r[k] for k in FIELDS}).first()
            if hit is None:
                summary["unchanged"] += 1
            else:
                written.append(hit.id)
                summary["added" if hit.inserted else "updated"] += 1
                summary["added_codes" if hit.inserted else "updated_codes"].append(r["code"])
            if progress:
                progress(1)
        if written:
            refresh_project_siting(session, project_ids=written)
        if versioned:
            for pid in written:
                record_version(
                    session, actor=actor, project_id=pid, action="import", before=before.get(pid), audited=False
                )
    except BaseException:
        savepoint.rollback()
        raise
    if apply:
        savepoint.commit()
        summary["applied"] = True
    else:
        savepoint.rollback()
    return summary
