"""The audit log: one append-only row per change, written in the change's own transaction; listing and Excel export."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.accounts.principal import Principal
from geo.enums import AUDIT_ACTIONS
from geo.ops.metrics import count_on_commit
from geo.periods import LOCAL_TZ
from geo.transfer.sheets import write_xlsx

MAX_EXPORT_ROWS = 100_000
_ACTION_NAMES = {a.code: a for a in AUDIT_ACTIONS}


def _jsonable(value: dict | None) -> str | None:
    # Decimals, dates and the like become their text; summaries are for people, not for arithmetic.
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)


def audit(
    session: Session,
    *,
    actor: Principal | None,
    action: str,
    obj: tuple[str, object] | None = None,
    before: dict | None = None,
    after: dict | None = None,
    address: str | None = None,
    actor_name: str | None = None,
) -> None:
    """Append an audit row in the caller's transaction, so it is committed exactly when the change is."""
    actor = actor or Principal()
    name = actor_name or actor.username or "匿名 / anonymous"
    session.execute(
        text("""
        INSERT INTO audit_log (actor_id, actor_name, action, object_type, object_id, before, after, address)
        VALUES (:actor_id, :actor_name, :action, :object_type, :object_id,
                CAST(:before AS jsonb), CAST(:after AS jsonb), :address)"""),
        {
            "actor_id": actor.user_id,
            "actor_name": name[:200],
            "action": action,
            "object_type": obj[0] if obj else None,
            "object_id": str(obj[1]) if obj else None,
            "before": _jsonable(before),
            "after": _jsonable(after),
            "address": address or actor.address,
        },
    )
    count_on_commit(session, action)


@dataclass(frozen=True)
class AuditFilter:
    """Filters of the audit page; every field optional. `until` is inclusive of its whole day."""

    actor: str | None = None
    action: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None


def _where(f: AuditFilter) -> tuple[str, dict]:
    clauses, params = [], {}
    if f.actor:
        clauses.append("(lower(a.actor_name) = lower(:actor) OR lower(u.display_name) = lower(:actor))")
        params["actor"] = f.actor
    if f.action:
        # "user" matches user.create, user.update …; a full code matches itself only.
        clauses.append("(a.action = :action OR a.action LIKE :action_prefix)")
        params.update(action=f.action, action_prefix=f.action.replace("%", "").replace("_", "\\_") + ".%")
    if f.since:
        clauses.append("a.at >= CAST(:since AS date)")
        params["since"] = f.since
    if f.until:
        clauses.append("a.at < CAST(:until AS date) + 1")
        params["until"] = f.until
    return " AND ".join(clauses) or "true", params


def _select(where: str) -> str:
    return f"""
SELECT a.id, a.at, a.actor_id, a.actor_name, u.display_name AS actor_display_name, a.action, a.object_type,
       a.object_id, a.before, a.after, a.address
FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
WHERE {where}
ORDER BY a.at DESC, a.id DESC"""


def _entry(row) -> dict:
    entry = dict(row._mapping)
    entry["at"] = entry["at"].isoformat()
    known = _ACTION_NAMES.get(entry["action"])
    entry["action_name"] = known.name if known else entry["action"]
    entry["action_name_en"] = known.name_en if known else entry["action"]
    return entry


def list_audit(session: Session, *, filters: AuditFilter, limit: int = 100, offset: int = 0) -> dict:
    """The newest matching entries and how many match in all."""
    where, params = _where(filters)
    total = session.execute(
        text(f"SELECT count(*) FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id WHERE {where}"), params
    ).scalar_one()
    rows = session.execute(
        text(_select(where) + " LIMIT :limit OFFSET :offset"), {**params, "limit": limit, "offset": offset}
    )
    return {"total": total, "limit": limit, "offset": offset, "entries": [_entry(r) for r in rows]}


def audit_xlsx(session: Session, *, filters: AuditFilter) -> bytes:
    """The matching entries (newest first, at most MAX_EXPORT_ROWS) as an Excel workbook."""
    where, params = _where(filters)
    rows = session.execute(text(_select(where) + " LIMIT :limit"), {**params, "limit": MAX_EXPORT_ROWS})
    headers = (
        "时间(北京时间) time (UTC+8)",
        "用户 user",
        "姓名 name",
        "操作 action",
        "操作代码 code",
        "对象 object",
        "编号 id",
        "修改前 before",
        "修改后 after",
        "地址 address",
    )

    def line(row):
        e = _entry(row)
        return (
            row.at.astimezone(LOCAL_TZ).replace(tzinfo=None),
            e["actor_name"],
            e["actor_display_name"],
            e["action_name"],
            e["action"],
            e["object_type"],
            e["object_id"],
            _jsonable(e["before"]),
            _jsonable(e["after"]),
            e["address"],
        )

    return write_xlsx({"审计日志 audit log": (headers, (line(r) for r in rows))})
