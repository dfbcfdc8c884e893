"""Reporters' proposals (提议修改): a district reporter proposes a change to a project of their district; a planner
accepts it (it is applied as the project's next version, checked again) or rejects it with a reason."""

from __future__ import annotations

import json

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.accounts.audit import audit
from geo.accounts.principal import Principal
from geo.accounts.scope import ensure_may_act_on_project
from geo.errors import Conflict, InvalidInput, NotFound
from geo.projects.edit import apply_changes
from geo.projects.versions import history_link

_SELECT = """
SELECT pr.id, pr.project_id, p.code, p.name AS project_name, pr.proposed_at, pr.proposed_by_name,
       pu.display_name AS proposed_by_display, pr.changes, pr.note, pr.state, pr.decided_at, pr.decided_by_name,
       pr.reason, v.version
FROM project_proposals pr
JOIN projects p ON p.id = pr.project_id
LEFT JOIN users pu ON pu.id = pr.proposed_by
LEFT JOIN project_versions v ON v.id = pr.version_id"""


def _entry(row) -> dict:
    stored = row["changes"]
    return {
        "id": row["id"],
        "project_id": row["project_id"],
        "code": row["code"],
        "project_name": row["project_name"],
        "proposed_at": row["proposed_at"].isoformat(),
        "proposed_by": row["proposed_by_display"] or row["proposed_by_name"],
        "fields": stored["fields"],
        "coords": stored.get("coords", "wgs84"),
        "crs": stored.get("crs"),
        "preview": stored.get("preview", []),
        "note": row["note"],
        "state": row["state"],
        "decided_at": row["decided_at"].isoformat() if row["decided_at"] else None,
        "decided_by": row["decided_by_name"],
        "reason": row["reason"],
        "version": row["version"],
    }


def _name(actor: Principal) -> str:
    return (actor.display_name or actor.username or "匿名 / anonymous")[:200]


def propose_change(
    session: Session,
    *,
    actor: Principal,
    project_id: int,
    fields: dict,
    coords: str = "wgs84",
    crs: str | None = None,
    note: str | None = None,
) -> dict:
    """Store a proposed change of a project of the actor's district, checked now and shown as before → after."""
    ensure_may_act_on_project(session, actor=actor, project_id=project_id)
    # The change is made in a savepoint and rolled back: the preview is exactly what accepting it would change.
    savepoint = session.begin_nested()
    try:
        version = apply_changes(session, actor=actor, project_id=project_id, fields=fields, coords=coords, crs=crs)
    finally:
        savepoint.rollback()
    if version is None:
        raise InvalidInput(
            "提议的内容与现有信息相同 / the proposal changes nothing",
            errors=[{"field": "request", "message": "no change"}],
        )
    stored = {"fields": fields, "coords": coords, "crs": crs, "preview": version["changes"]}
    proposal_id = session.execute(
        text("""
        INSERT INTO project_proposals (project_id, proposed_by, proposed_by_name, changes, note)
        VALUES (:project_id, :by, :by_name, CAST(:changes AS jsonb), :note) RETURNING id"""),
        {
            "project_id": project_id,
            "by": actor.user_id,
            "by_name": _name(actor),
            "changes": json.dumps(stored, ensure_ascii=False, default=str),
            "note": (note or "").strip() or None,
        },
    ).scalar_one()
    audit(
        session,
        actor=actor,
        action="project.propose",
        obj=("project", project_id),
        after={
            **{c["label"]: f"{c['before']} → {c['after']}" for c in version["changes"]},
            "提议 / proposal": proposal_id,
        },
    )
    return get_proposal(session, proposal_id=proposal_id)


def get_proposal(session: Session, *, proposal_id: int) -> dict:
    """One proposal."""
    row = session.execute(text(_SELECT + " WHERE pr.id = :id"), {"id": proposal_id}).mappings().first()
    if row is None:
        raise NotFound(f"提议 {proposal_id} 不存在 / proposal {proposal_id} does not exist")
    return _entry(row)


def list_proposals(session: Session, *, state: str | None = "pending", project_id: int | None = None) -> dict:
    """Proposals (pending ones by default), oldest first, optionally of one project."""
    rows = session.execute(
        text(
            _SELECT
            + """ WHERE (CAST(:state AS text) IS NULL OR pr.state = CAST(:state AS text))
                  AND (CAST(:project_id AS integer) IS NULL OR pr.project_id = CAST(:project_id AS integer))
                ORDER BY pr.proposed_at, pr.id LIMIT 500"""
        ),
        {"state": state, "project_id": project_id},
    ).mappings()
    return {"proposals": [_entry(r) for r in rows]}


def _pending(session: Session, proposal_id: int, project_id: int) -> dict:
    row = (
        session.execute(
            text("SELECT * FROM project_proposals WHERE id = :id AND project_id = :project_id FOR UPDATE"),
            {"id": proposal_id, "project_id": project_id},
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(f"项目 {project_id} 没有提议 {proposal_id} / no such proposal")
    if row["state"] != "pending":
        raise Conflict(
            f"该提议已处理({'已采纳' if row['state'] == 'accepted' else '已驳回'})/ the proposal was already decided",
            errors=[{"field": "proposal_id", "message": row["state"]}],
        )
    return dict(row)


def decide_proposal(
    session: Session,
    *,
    actor: Principal,
    project_id: int,
    proposal_id: int,
    decision: str,
    reason: str | None = None,
) -> dict:
    """Accept (apply it as the project's next version) or reject (a reason is required) a pending proposal."""
    row = _pending(session, proposal_id, project_id)
    reason = (reason or "").strip() or None
    version_id = None
    if decision == "accept":
        stored = row["changes"]
        version = apply_changes(
            session,
            actor=actor,
            project_id=project_id,
            fields=stored["fields"],
            coords=stored.get("coords", "wgs84"),
            crs=stored.get("crs"),
            note=f"采纳{row['proposed_by_name']}的提议 #{proposal_id}" + (f":{row['note']}" if row["note"] else ""),
        )
        if version is None:
            raise Conflict(
                "提议的内容已与现有信息相同,可驳回 / the project already reads as proposed; reject it instead",
                errors=[{"field": "proposal_id", "message": "no change"}],
            )
        version_id = version["id"]
    elif decision == "reject":
        if not reason:
            raise InvalidInput(
                "驳回须说明原因 / give the reason for rejecting",
                errors=[{"field": "reason", "label": "驳回原因", "message": "required"}],
            )
    else:
        raise InvalidInput(
            "decision 应为 accept 或 reject / decision must be accept or reject",
            errors=[{"field": "decision", "message": "unknown", "allowed": ["accept", "reject"]}],
        )
    session.execute(
        text("""
        UPDATE project_proposals SET state = :state, decided_at = now(), decided_by = :by, decided_by_name = :by_name,
               reason = :reason, version_id = :version_id
        WHERE id = :id"""),
        {
            "state": "accepted" if decision == "accept" else "rejected",
            "by": actor.user_id,
            "by_name": _name(actor),
            "reason": reason,
            "version_id": version_id,
            "id": proposal_id,
        },
    )
    audit(
        session,
        actor=actor,
        action=f"project.proposal_{decision}",
        obj=("project", project_id),
        before={"提议 / proposal": proposal_id, "提议人": row["proposed_by_name"]},
        after={"决定": "采纳" if decision == "accept" else "驳回", "原因": reason, "history": history_link(project_id)},
    )
    return get_proposal(session, proposal_id=proposal_id)
