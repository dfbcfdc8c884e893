"""Project versions: each change of a library entry stored as who, when and field-level before → after, as people
read them (Chinese labels, status names, dates, 亿元), and the history answered from them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.accounts.audit import audit
from geo.accounts.principal import Principal
from geo.db.sql import project_not_found, require_project
from geo.enums import STATUSES
from geo.projects.fields import FIELD_ZH

# What a version compares, in the order the history lists it, with each field's label.
LABELS: dict[str, str] = {
    "code": FIELD_ZH["code"],
    "name": FIELD_ZH["name"],
    "district": FIELD_ZH["district"],
    "cluster": FIELD_ZH["cluster"],
    "investment_total": FIELD_ZH["investment_total"],
    "investment_year": FIELD_ZH["investment_year"],
    "status": FIELD_ZH["status"],
    "progress": FIELD_ZH["progress"],
    "unit": FIELD_ZH["unit"],
    "person": FIELD_ZH["person"],
    "start_date": FIELD_ZH["start_date"],
    "end_date": FIELD_ZH["end_date"],
    "location": "位置(经度, 纬度)",
    "located_district": "落位区市",
    "zones": "所在功能区",
    "bases": "所在基地",
    "retired": "库内状态",
    "retired_reason": "退库原因",
}
ACTIONS = {"create": "新建", "update": "修改", "retire": "退库", "restore": "恢复入库", "import": "台账导入"}
_STATUS_NAMES = {s.code: s.name for s in STATUSES}

_SNAPSHOT = text("""
SELECT p.code, p.name, d.name AS district, cl.name AS cluster, p.investment_total, p.investment_year, p.status,
       p.progress, p.unit, p.person, p.start_date, p.end_date, ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat,
       ld.name AS located_district, p.zone_names AS zones, p.base_names AS bases, p.retired_month, p.retired_reason
FROM projects p
JOIN districts d ON d.id = p.district_id
JOIN industry_clusters cl ON cl.id = p.cluster_id
LEFT JOIN districts ld ON ld.id = p.located_district_id
WHERE p.id = :id""")


def _text(value) -> str:
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def snapshot(session: Session, project_id: int) -> dict[str, str]:
    """The entry as people read it: every field of LABELS as display text ('' when empty)."""
    row = session.execute(_SNAPSHOT, {"id": project_id}).mappings().first()
    if row is None:
        raise project_not_found(project_id)
    shown = {f: _text(row[f]) for f in LABELS if f in row}
    shown["status"] = _STATUS_NAMES.get(row["status"], row["status"])
    shown["location"] = f"{row['lon']:.6f}, {row['lat']:.6f}"
    retired = row["retired_month"]
    shown["retired"] = f"退库({retired:%Y-%m} 起)" if retired else "在库"
    return shown


def diff(before: dict[str, str] | None, after: dict[str, str]) -> list[dict]:
    """Field-level changes [{field, label, before, after}] between two snapshots (all fields for a new entry)."""
    before = before or {}
    return [
        {"field": f, "label": label, "before": before.get(f, ""), "after": after.get(f, "")}
        for f, label in LABELS.items()
        if before.get(f, "") != after.get(f, "") and (before or after.get(f, ""))
    ]


def record_version(
    session: Session,
    *,
    actor: Principal,
    project_id: int,
    action: str,
    before: dict[str, str] | None,
    note: str | None = None,
    audited: bool = True,
) -> dict | None:
    """Store the change since `before` as the project's next version and audit it (both in the caller's
    transaction; not audited one by one when the caller audits the whole, as a register import does); None when
    nothing changed."""
    after = snapshot(session, project_id)
    changes = diff(before, after)
    if not changes:
        return None
    name = actor.display_name or actor.username or "匿名 / anonymous"
    row = (
        session.execute(
            text("""
            INSERT INTO project_versions (project_id, version, action, actor_id, actor_name, changes, snapshot, note)
            SELECT :project_id, COALESCE(max(version), 0) + 1, :action, :actor_id, :actor_name,
                   CAST(:changes AS jsonb), CAST(:snapshot AS jsonb), :note
            FROM project_versions WHERE project_id = :project_id
            RETURNING id, version, at"""),
            {
                "project_id": project_id,
                "action": action,
                "actor_id": actor.user_id,
                "actor_name": name[:200],
                "changes": _json(changes),
                "snapshot": _json(after),
                "note": note,
            },
        )
        .mappings()
        .one()
    )
    link = history_link(project_id, row["version"])
    if audited:
        _audit(session, actor, action, project_id, before, changes, row["version"], link)
    return {
        "id": row["id"],
        "version": row["version"],
        "action": action,
        "action_name": ACTIONS[action],
        "at": row["at"].isoformat(),
        "actor": name,
        "note": note,
        "changes": changes,
        "link": link,
    }


def _audit(session, actor, action, project_id, before, changes, version, link) -> None:
    audit(
        session,
        actor=actor,
        action=f"project.{action}",
        obj=("project", project_id),
        before={c["label"]: c["before"] for c in changes} if before else None,
        after={**{c["label"]: c["after"] for c in changes}, "版本 / version": version, "history": link},
    )


def history_link(project_id: int, version: int | None = None) -> str:
    """The map page with the project's card open on its 历史 tab (the audit log links here)."""
    anchor = f"&version={version}" if version else ""
    return f"/?history={project_id}{anchor}#project={project_id}"


def _json(value) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def project_history(session: Session, *, project_id: int) -> dict:
    """Every version of the project, newest first, each with its readable changes."""
    require_project(session, project_id)
    rows = session.execute(
        text("""
        SELECT v.id, v.version, v.action, v.at, v.actor_name, u.display_name, v.changes, v.note
        FROM project_versions v LEFT JOIN users u ON u.id = v.actor_id
        WHERE v.project_id = :id ORDER BY v.version DESC"""),
        {"id": project_id},
    ).mappings()
    versions = [
        {
            "id": r["id"],
            "version": r["version"],
            "action": r["action"],
            "action_name": ACTIONS.get(r["action"], r["action"]),
            "at": r["at"].isoformat(),
            "actor": r["display_name"] or r["actor_name"],
            "note": r["note"],
            "changes": r["changes"],
        }
        for r in rows
    ]
    return {"project_id": project_id, "versions": versions}
