"""A project's milestones (定工作量清单 / 节点): name, planned and done dates, evidence, responsible unit.

Whether one is overdue at a month's end, and what that does to the light, is the light rule's
(geo.progress.lights.MILESTONE_OVERDUE_SQL); here they are kept and listed.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.accounts.audit import audit
from geo.accounts.principal import Principal
from geo.db.sql import project_not_found, require_project
from geo.errors import InvalidInput, NotFound
from geo.periods import local_today
from geo.settings import Settings

MIN_DATE, MAX_DATE = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
EDITABLE = ("name", "planned_date", "done_date", "responsible_unit", "evidence_photo_id")
LABELS = {
    "name": "节点名称",
    "planned_date": "计划完成日期",
    "done_date": "实际完成日期",
    "responsible_unit": "责任单位",
    "evidence_photo_id": "佐证照片",
}

# Overdue days count as of today, for the list; the light counts them as of the month's end (geo.progress.lights).
MILESTONE_JSON_SQL = """
json_build_object('id', m.id, 'project_id', m.project_id, 'name', m.name, 'planned_date', m.planned_date,
    'done_date', m.done_date, 'responsible_unit', m.responsible_unit, 'evidence_photo_id', m.evidence_photo_id,
    'document', CASE WHEN m.evidence_doc_sha256 IS NULL THEN NULL ELSE json_build_object('name', m.evidence_doc_name,
        'type', m.evidence_doc_type, 'size', m.evidence_doc_size) END,
    'demo', m.demo, 'updated_at', m.updated_at,
    'overdue_days', CASE WHEN m.done_date IS NULL AND m.planned_date < CAST(:today AS date)
        THEN CAST(:today AS date) - m.planned_date ELSE 0 END,
    'late_days', CASE WHEN m.done_date > m.planned_date THEN m.done_date - m.planned_date ELSE 0 END)"""


def _fmt(value) -> str:
    return "—" if value is None or value == "" else str(value)


def validate(fields: dict, *, today: dt.date) -> list[dict]:
    """Field errors of a milestone's (partial) fields; empty when valid."""
    errors: list[dict] = []
    if "name" in fields:
        name = (fields["name"] or "").strip()
        if not name:
            errors.append({"field": "name", "message": "请填写节点名称 / the milestone needs a name"})
        fields["name"] = name
    for key in ("planned_date", "done_date"):
        value = fields.get(key)
        if value is not None and not MIN_DATE <= value <= MAX_DATE:
            errors.append({"field": key, "message": f"{LABELS[key]}应在 2000–2100 年之间 / date out of range"})
    if "planned_date" in fields and fields["planned_date"] is None:
        errors.append({"field": "planned_date", "message": "请填写计划完成日期 / the planned date is required"})
    done = fields.get("done_date")
    if done is not None and done > today:
        errors.append(
            {
                "field": "done_date",
                "message": f"实际完成日期 {done} 晚于今天 {today},完成后再标记 / a milestone is marked done once done",
            }
        )
    if "responsible_unit" in fields:
        fields["responsible_unit"] = (fields["responsible_unit"] or "").strip() or None
    return errors


def _check_photo(session: Session, project_id: int, photo_id: int | None) -> list[dict]:
    if photo_id is None:
        return []
    owner = session.execute(text("SELECT project_id FROM photos WHERE id = :id"), {"id": photo_id}).scalar()
    if owner != project_id:
        return [
            {
                "field": "evidence_photo_id",
                "message": f"照片 {photo_id} 不是本项目的现场照片 / photo {photo_id} is not this project's",
            }
        ]
    return []


def _raise(errors: list[dict]) -> None:
    if errors:
        raise InvalidInput(
            "节点未保存:" + ";".join(e["message"].split(" / ")[0] for e in errors) + " / the milestone was not saved",
            errors=errors,
        )


def _one(session: Session, milestone_id: int, today: dt.date) -> dict:
    return session.execute(
        text(f"SELECT {MILESTONE_JSON_SQL} FROM milestones m WHERE m.id = :mid"), {"mid": milestone_id, "today": today}
    ).scalar_one()


def _lock(session: Session, project_id: int, milestone_id: int):
    row = (
        session.execute(
            text(
                "SELECT m.*, p.code, p.name AS project_name FROM milestones m JOIN projects p ON p.id = m.project_id "
                "WHERE m.id = :mid AND m.project_id = :pid FOR UPDATE OF m"
            ),
            {"mid": milestone_id, "pid": project_id},
        )
        .mappings()
        .one_or_none()
    )
    if row is None:
        require_project(session, project_id)
        raise NotFound(f"项目 {project_id} 没有节点 {milestone_id} / no milestone {milestone_id} in that project")
    return row


def list_milestones(session: Session, *, settings: Settings, project_id: int) -> list[dict]:
    """The project's milestones by planned date, each with how many days it is overdue today."""
    require_project(session, project_id)
    return list(
        session.execute(
            text(f"""
            SELECT {MILESTONE_JSON_SQL} FROM milestones m WHERE m.project_id = :pid
            ORDER BY m.planned_date, m.id"""),
            {"pid": project_id, "today": local_today(settings.today)},
        ).scalars()
    )


def create_milestone(session: Session, *, settings: Settings, actor: Principal, project_id: int, fields: dict) -> dict:
    """Add a milestone; audited with its fields."""
    today = local_today(settings.today)
    project = session.execute(
        text("SELECT id, code, name FROM projects WHERE id = :id FOR UPDATE"), {"id": project_id}
    ).one_or_none()
    if project is None:
        raise project_not_found(project_id)
    fields = {k: fields.get(k) for k in EDITABLE}
    _raise(validate(fields, today=today) + _check_photo(session, project_id, fields["evidence_photo_id"]))
    milestone_id = session.execute(
        text("""
        INSERT INTO milestones (project_id, name, planned_date, done_date, responsible_unit, evidence_photo_id)
        VALUES (:pid, :name, :planned_date, :done_date, :responsible_unit, :evidence_photo_id) RETURNING id"""),
        {"pid": project_id, **fields},
    ).scalar_one()
    audit(
        session,
        actor=actor,
        action="milestone.create",
        obj=("project", project_id),
        after={
            "项目": f"{project.code} {project.name}",
            "节点": fields["name"],
            "变更": [f"{LABELS[k]}:{_fmt(fields[k])}" for k in EDITABLE if fields[k] is not None],
        },
    )
    return _one(session, milestone_id, today)


def update_milestone(
    session: Session, *, settings: Settings, actor: Principal, project_id: int, milestone_id: int, change: dict
) -> dict:
    """Change some fields of a milestone (mark it done by giving a done date); audited as 'field: old → new'."""
    today = local_today(settings.today)
    row = _lock(session, project_id, milestone_id)
    change = {k: v for k, v in change.items() if k in EDITABLE}
    _raise(validate(change, today=today) + _check_photo(session, project_id, change.get("evidence_photo_id")))
    diff = {k: v for k, v in change.items() if row[k] != v}
    if diff:
        sets = ", ".join(f"{k} = :{k}" for k in diff)
        session.execute(
            text(f"UPDATE milestones SET {sets}, updated_at = now() WHERE id = :mid"), {"mid": milestone_id, **diff}
        )
        audit(
            session,
            actor=actor,
            action="milestone.update",
            obj=("project", project_id),
            before={k: row[k] for k in diff},
            after={
                "项目": f"{row['code']} {row['project_name']}",
                "节点": change.get("name", row["name"]),
                "变更": [f"{LABELS[k]}:{_fmt(row[k])} → {_fmt(v)}" for k, v in diff.items()],
            },
        )
    return _one(session, milestone_id, today)


def delete_milestone(session: Session, *, actor: Principal, project_id: int, milestone_id: int) -> None:
    """Remove a milestone (its document file stays, content-addressed); audited with what it was."""
    row = _lock(session, project_id, milestone_id)
    session.execute(text("DELETE FROM milestones WHERE id = :mid"), {"mid": milestone_id})
    audit(
        session,
        actor=actor,
        action="milestone.delete",
        obj=("project", project_id),
        before={
            "项目": f"{row['code']} {row['project_name']}",
            "节点": row["name"],
            "计划完成日期": row["planned_date"],
            "实际完成日期": row["done_date"],
        },
    )
