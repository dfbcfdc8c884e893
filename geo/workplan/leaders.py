"""A project's responsible leader (分包责任人): name, title and unit, apart from its responsible unit and contact."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.accounts.audit import audit
from geo.accounts.principal import Principal
from geo.db.sql import project_not_found

FIELDS = {"leader_name": "姓名", "leader_title": "职务", "leader_unit": "单位"}


def get_leader(session: Session, *, project_id: int) -> dict:
    """The leader's name, title and unit (each possibly null)."""
    row = (
        session.execute(
            text("SELECT leader_name AS name, leader_title AS title, leader_unit AS unit FROM projects WHERE id = :id"),
            {"id": project_id},
        )
        .mappings()
        .one_or_none()
    )
    if row is None:
        raise project_not_found(project_id)
    return dict(row)


def put_leader(
    session: Session, *, actor: Principal, project_id: int, name: str | None, title: str | None, unit: str | None
) -> dict:
    """Set the leader (blank fields clear); audited as 'field: old → new'."""
    new = {
        "leader_name": (name or "").strip() or None,
        "leader_title": (title or "").strip() or None,
        "leader_unit": (unit or "").strip() or None,
    }
    row = (
        session.execute(
            text("SELECT code, name, leader_name, leader_title, leader_unit FROM projects WHERE id = :id FOR UPDATE"),
            {"id": project_id},
        )
        .mappings()
        .one_or_none()
    )
    if row is None:
        raise project_not_found(project_id)
    diff = {k: v for k, v in new.items() if row[k] != v}
    if diff:
        session.execute(
            text(
                "UPDATE projects SET leader_name = :leader_name, leader_title = :leader_title, "
                "leader_unit = :leader_unit, updated_at = now() WHERE id = :id"
            ),
            {"id": project_id, **new},
        )
        audit(
            session,
            actor=actor,
            action="leader.update",
            obj=("project", project_id),
            before={FIELDS[k]: row[k] for k in diff},
            after={
                "项目": f"{row['code']} {row['name']}",
                "变更": [f"分包责任人{FIELDS[k]}:{row[k] or '—'} → {v or '—'}" for k, v in diff.items()],
            },
        )
    return get_leader(session, project_id=project_id)
