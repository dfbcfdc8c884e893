"""Projects written from the browser: create, edit, retire (退库) and restore, each checked like a register row
(geo/projects/fields.py), sited at write (geo/siting) and stored as a version (geo/projects/versions.py)."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.accounts.principal import Principal
from geo.crs import parse_crs
from geo.db.sql import project_not_found
from geo.errors import Conflict, InvalidInput
from geo.periods import add_months, month_label
from geo.progress.cycle import month_state, shown_month
from geo.projects.fields import COORDS, FIELD_ZH, PROJECT_COLUMNS, check_fields
from geo.projects.queries import project_feature
from geo.projects.versions import record_version, snapshot
from geo.settings import Settings
from geo.siting.engine import refresh_project_siting
from geo.transfer.sheets import cell_text

EDITABLE = tuple(PROJECT_COLUMNS)

# field -> the column it is written to, and the SQL expression of its bound value
_COLUMNS = {
    "code": ("code", ":code"),
    "name": ("name", ":name"),
    "district": ("district_id", "(SELECT id FROM districts WHERE name = :district)"),
    "cluster": ("cluster_id", "(SELECT id FROM industry_clusters WHERE name = :cluster)"),
    "investment_total": ("investment_total", ":investment_total"),
    "investment_year": ("investment_year", ":investment_year"),
    "status": ("status", ":status"),
    "progress": ("progress", ":progress"),
    "unit": ("unit", ":unit"),
    "person": ("person", ":person"),
    "start_date": ("start_date", ":start_date"),
    "end_date": ("end_date", ":end_date"),
}


def checked_fields(raw: dict, *, partial: bool, coords: str = "wgs84", crs: str | None = None) -> dict:
    """The fields checked as a register row is; InvalidInput listing every problem with its hint otherwise."""
    if coords not in COORDS:
        raise InvalidInput(
            f"coords 应为 {' 或 '.join(COORDS)} / coords must be one of {', '.join(COORDS)}",
            errors=[{"field": "coords", "message": "unknown", "allowed": list(COORDS)}],
        )
    source_crs = parse_crs(crs, field="crs") if crs else None
    unknown = [f for f in raw if f not in EDITABLE]
    if unknown:
        raise InvalidInput(
            f"未知字段:{'、'.join(unknown)} / unknown fields",
            errors=[{"field": f, "message": "unknown"} for f in unknown],
        )
    if partial and not raw:
        raise InvalidInput("没有要修改的字段 / nothing to change", errors=[{"field": "request", "message": "empty"}])
    errors: list[dict] = []

    def err(field: str, message: str, suggestion: str = "", **_) -> None:
        errors.append(
            {
                "field": field,
                "label": FIELD_ZH.get(field, field),
                "value": cell_text(raw.get(field)),
                "message": message,
                "suggestion": suggestion,
            }
        )

    out = check_fields(raw, err=err, coords=coords, source_crs=source_crs, partial=partial, exact=True)
    if errors:
        lines = [f"{e['label']}:{e['message']}" + (f"({e['suggestion']})" if e["suggestion"] else "") for e in errors]
        raise InvalidInput(f"请修改 {len(errors)} 处 / {len(errors)} to fix: " + ";".join(lines), errors=errors)
    return out


def _ensure_code_free(session: Session, code: str, project_id: int | None) -> None:
    row = session.execute(
        text("SELECT id, name FROM projects WHERE code = :code AND id IS DISTINCT FROM :id"),
        {"code": code, "id": project_id},
    ).first()
    if row is not None:
        raise Conflict(
            f"项目编号“{code}”已被项目“{row.name}”(#{row.id})使用 / code {code!r} is taken by project {row.id}",
            errors=[{"field": "code", "message": "taken", "project_id": row.id}],
        )


def _answer(session: Session, settings: Settings, project_id: int, version: dict | None) -> dict:
    feature = json.loads(project_feature(session, settings=settings, project_id=project_id))
    return {"project": feature, "version": version}


def create_project(
    session: Session,
    *,
    settings: Settings,
    actor: Principal,
    fields: dict,
    coords: str = "wgs84",
    crs: str | None = None,
    note: str | None = None,
) -> dict:
    """Add a project to the library (its version 1) and answer it with its siting and the version."""
    out = checked_fields(fields, partial=False, coords=coords, crs=crs)
    _ensure_code_free(session, out["code"], None)
    params = {f: out.get(f) for f in _COLUMNS} | {"lon": out["lon"], "lat": out["lat"]}
    columns = ", ".join(c for c, _ in _COLUMNS.values())
    values = ", ".join(v for _, v in _COLUMNS.values())
    project_id = session.execute(
        text(f"""
        INSERT INTO projects ({columns}, demo, geom)
        VALUES ({values}, false, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)) RETURNING id"""),
        params,
    ).scalar_one()
    refresh_project_siting(session, project_ids=[project_id])
    version = record_version(session, actor=actor, project_id=project_id, action="create", before=None, note=note)
    return _answer(session, settings, project_id, version)


def _lock(session: Session, project_id: int) -> dict:
    row = (
        session.execute(
            text("SELECT id, start_date, end_date, retired_month FROM projects WHERE id = :id FOR UPDATE"),
            {"id": project_id},
        )
        .mappings()
        .first()
    )
    if row is None:
        raise project_not_found(project_id)
    return dict(row)


def apply_changes(
    session: Session,
    *,
    actor: Principal,
    project_id: int,
    fields: dict,
    coords: str = "wgs84",
    crs: str | None = None,
    note: str | None = None,
) -> dict | None:
    """Check and write the given fields of one project as its next version; None when nothing changed."""
    current = _lock(session, project_id)
    out = checked_fields(fields, partial=True, coords=coords, crs=crs)
    start = out.get("start_date", current["start_date"])
    end = out.get("end_date", current["end_date"])
    if start and end and end < start:
        field = "end_date" if "end_date" in out else "start_date"
        raise InvalidInput(
            f"计划竣工日期({end})早于开工日期({start})/ ends before it starts",
            errors=[{"field": field, "label": FIELD_ZH[field], "message": "ends before it starts"}],
        )
    if out.get("code"):
        _ensure_code_free(session, out["code"], project_id)
    before = snapshot(session, project_id)
    sets = [f"{_COLUMNS[f][0]} = {_COLUMNS[f][1]}" for f in _COLUMNS if f in out]
    params = {f: out[f] for f in _COLUMNS if f in out}
    if "lon" in out:
        sets.append("geom = ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)")
        params |= {"lon": out["lon"], "lat": out["lat"]}
    session.execute(
        text(f"UPDATE projects SET {', '.join(sets)}, updated_at = now() WHERE id = :id"), {**params, "id": project_id}
    )
    if "lon" in out:
        refresh_project_siting(session, project_ids=[project_id])
    return record_version(session, actor=actor, project_id=project_id, action="update", before=before, note=note)


def update_project(
    session: Session,
    *,
    settings: Settings,
    actor: Principal,
    project_id: int,
    fields: dict,
    coords: str = "wgs84",
    crs: str | None = None,
    note: str | None = None,
) -> dict:
    """Change some fields of a project; answered with the project and its new version (null when nothing changed)."""
    version = apply_changes(
        session, actor=actor, project_id=project_id, fields=fields, coords=coords, crs=crs, note=note
    )
    return _answer(session, settings, project_id, version)


def _reason(reason: str | None, *, required: bool) -> str | None:
    reason = (reason or "").strip() or None
    if required and not reason:
        raise InvalidInput(
            "请填写退库原因 / give the reason for retiring the project",
            errors=[{"field": "reason", "label": "退库原因", "message": "required"}],
        )
    return reason


def earliest_retirement(session: Session, settings: Settings) -> dt.date:
    """The first month a retirement may start from (and its default): the month shown as 最新, so the project
    leaves the current figures at once, unless that month's bulletin is published, whose figures never change."""
    shown = shown_month(session, settings)
    return add_months(shown, 1) if month_state(session, settings, shown) == "published" else shown


def retire_project(
    session: Session,
    *,
    settings: Settings,
    actor: Principal,
    project_id: int,
    reason: str | None,
    month: dt.date | None = None,
) -> dict:
    """退库: the project leaves the figures from `month` on (default: earliest_retirement), keeping its history,
    reports and photos; months before still show it."""
    current = _lock(session, project_id)
    reason = _reason(reason, required=True)
    if current["retired_month"] is not None:
        raise Conflict(
            f"项目已于 {month_label(current['retired_month'])} 退库 / already retired in "
            f"{month_label(current['retired_month'])}",
            errors=[{"field": "project_id", "message": "already retired"}],
        )
    earliest = earliest_retirement(session, settings)
    month = (month or earliest).replace(day=1)
    if month < earliest:
        raise InvalidInput(
            f"退库月份不能早于 {month_label(earliest)}:之前的月份已关账公布或简报已发布 / the retirement month "
            f"cannot be before {month_label(earliest)}: earlier months are closed or their bulletin is published",
            errors=[{"field": "month", "label": "退库月份", "message": "too early", "min": month_label(earliest)}],
        )
    before = snapshot(session, project_id)
    session.execute(
        text("UPDATE projects SET retired_month = :m, retired_at = now(), retired_reason = :r WHERE id = :id"),
        {"m": month, "r": reason, "id": project_id},
    )
    version = record_version(session, actor=actor, project_id=project_id, action="retire", before=before, note=reason)
    return _answer(session, settings, project_id, version)


def restore_project(
    session: Session, *, settings: Settings, actor: Principal, project_id: int, reason: str | None = None
) -> dict:
    """Bring a retired project back into the library: it counts again in every month."""
    current = _lock(session, project_id)
    if current["retired_month"] is None:
        raise Conflict(
            "项目在库,无需恢复 / the project is not retired", errors=[{"field": "project_id", "message": "not retired"}]
        )
    before = snapshot(session, project_id)
    session.execute(
        text("UPDATE projects SET retired_month = NULL, retired_at = NULL, retired_reason = NULL WHERE id = :id"),
        {"id": project_id},
    )
    version = record_version(
        session,
        actor=actor,
        project_id=project_id,
        action="restore",
        before=before,
        note=_reason(reason, required=False),
    )
    return _answer(session, settings, project_id, version)
