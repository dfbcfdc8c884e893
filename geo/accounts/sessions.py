"""An account's browser sessions: listed with where and when they were used, ended one by one or all but this one."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.accounts.audit import audit
from geo.accounts.principal import Principal
from geo.errors import NotFound

_COLUMNS = (
    "id, created_at, last_seen_at, expires_at, address, user_agent, "
    "(SELECT username FROM users u WHERE u.id = user_sessions.user_id) AS username"
)


def _as_dict(row, current: int | None) -> dict:
    found = dict(row._mapping)
    for key in ("created_at", "last_seen_at", "expires_at"):
        found[key] = found[key].isoformat() if found[key] else None
    return {**found, "current": found["id"] == current}


def list_sessions(session: Session, *, user_id: int, current: int | None = None) -> list[dict]:
    """An account's live sessions, the most recently used first; `current` marks the asking one."""
    rows = session.execute(
        text(f"""SELECT {_COLUMNS} FROM user_sessions WHERE user_id = :u AND expires_at > now()
                 ORDER BY COALESCE(last_seen_at, created_at) DESC, id DESC"""),
        {"u": user_id},
    )
    return [_as_dict(r, current) for r in rows]


def _audit_end(session: Session, actor: Principal, ended: dict, owner: int) -> None:
    audit(
        session,
        actor=actor,
        action="session.revoke",
        obj=("session", ended["id"]),
        after={
            "user": ended["username"],
            "user_id": owner,
            "address": ended["address"],
            "user_agent": ended["user_agent"],
        },
    )


def end_session(session: Session, *, actor: Principal, session_id: int, user_id: int | None = None) -> dict:
    """End one session of the account `user_id` (default: the actor's own); its cookie opens nothing from now on."""
    owner = actor.user_id if user_id is None else user_id
    row = session.execute(
        text(f"DELETE FROM user_sessions WHERE id = :id AND user_id = :u AND expires_at > now() RETURNING {_COLUMNS}"),
        {"id": session_id, "u": owner},
    ).first()
    if row is None:
        if user_id is None:
            raise NotFound(f"您没有编号为 {session_id} 的登录会话 / you have no session {session_id}")
        raise NotFound(
            f"用户 {user_id} 没有编号为 {session_id} 的登录会话 / user {user_id} has no session {session_id}"
        )
    ended = _as_dict(row, actor.session_id)
    _audit_end(session, actor, ended, owner)
    return ended


def end_other_sessions(session: Session, *, actor: Principal, user_id: int | None = None) -> list[dict]:
    """End every session of the account `user_id` (default: the actor's own) except the one asking (all of them
    when asked with a token or from the command line)."""
    owner = actor.user_id if user_id is None else user_id
    rows = session.execute(
        text(f"""DELETE FROM user_sessions WHERE user_id = :u AND id IS DISTINCT FROM :keep AND expires_at > now()
                 RETURNING {_COLUMNS}"""),
        {"u": owner, "keep": actor.session_id},
    ).all()
    ended = [_as_dict(r, None) for r in sorted(rows, key=lambda r: r.id)]
    for one in ended:
        _audit_end(session, actor, one, owner)
    return ended
