"""Browser sign-in: rate limits, failed attempts in the audit log, server-side sessions and who a request is."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, text
from sqlalchemy.orm import Session

from geo.accounts.audit import audit
from geo.accounts.credentials import TOKEN_PREFIX, hash_password, needs_rehash, new_token, token_digest, verify_password
from geo.accounts.principal import Principal
from geo.accounts.throttle import admit, give_back
from geo.accounts.users import change_own_password, find_user
from geo.db.models import User, UserSession
from geo.errors import InvalidInput, Unauthorized
from geo.settings import Settings

FAILED = "auth.sign_in_failed"


@dataclass(frozen=True)
class SignedIn:
    """A new browser session: the cookie secret (only its hash is stored), its CSRF token and the account."""

    token: str
    csrf_token: str
    expires_at: dt.datetime
    principal: Principal


def sign_in(
    session: Session, *, username: str, password: str, address: str | None, user_agent: str | None, settings: Settings
) -> SignedIn:
    """Check the password (within the limits) and open a session; a failure is audited and committed."""
    username = username.strip()[:64]
    user = find_user(session, username) if username else None
    attempt = admit(session, username=username, user_id=user.id if user else None, address=address, settings=settings)
    ok = verify_password(user.password_hash if user else None, password)
    if not (ok and user.active):
        reason = "unknown user" if user is None else ("disabled" if not user.active else "wrong password")
        audit(
            session,
            actor=None,
            actor_name=username or "?",
            action=FAILED,
            obj=("user", user.id) if user else None,
            after={"reason": reason},
            address=address,
        )
        session.commit()  # the request fails, but the attempt must stay on record (and counted)
        raise Unauthorized("用户名或密码错误,或账户已停用 / wrong username or password, or the account is disabled")
    give_back(session, attempt, settings=settings)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_sign_in_at = func.now()
    signed = open_session(session, user=user, address=address, user_agent=user_agent, settings=settings)
    audit(session, actor=signed.principal, action="auth.sign_in", obj=("session", signed.principal.session_id))
    return signed


def open_session(
    session: Session, *, user: User, address: str | None, user_agent: str | None, settings: Settings
) -> SignedIn:
    """A new browser session of an account whose password was just checked."""
    token, csrf = new_token(), new_token()
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(hours=settings.session_hours)
    row = UserSession(
        user_id=user.id,
        token_hash=token_digest(token),
        csrf_token=csrf,
        expires_at=expires,
        address=address,
        user_agent=(user_agent or "")[:300],
    )
    session.add(row)
    purge_expired_sessions(session)  # sign-ins are rare and sessions few: a cheap moment to drop dead ones
    session.flush()
    principal = Principal(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        district=user.district,
        department_id=user.department_id,
        address=address,
        via="session",
        session_id=row.id,
        csrf_token=csrf,
    )
    return SignedIn(token, csrf, expires, principal)


def change_password(
    session: Session, *, actor: Principal, current: str, new: str, user_agent: str | None, settings: Settings
) -> SignedIn | None:
    """Change the actor's own password within the sign-in limits; every session and token of the account ends.

    A browser gets a fresh session in exchange (a new cookie), so whoever held a copy of the old one is out too."""
    attempt = admit(session, username=actor.username, user_id=actor.user_id, address=actor.address, settings=settings)
    try:
        user = change_own_password(session, actor=actor, current=current, new=new)
    except Unauthorized:
        audit(
            session, actor=actor, action=FAILED, obj=("user", actor.user_id), after={"reason": "wrong current password"}
        )
        session.commit()  # counted and on record although the request fails
        raise
    except InvalidInput:
        give_back(session, attempt, settings=settings)  # the current password was right; only the new one is not
        session.commit()
        raise
    give_back(session, attempt, settings=settings)
    if actor.via != "session":
        return None
    return open_session(session, user=user, address=actor.address, user_agent=user_agent, settings=settings)


def sign_out(session: Session, *, actor: Principal) -> None:
    """End the actor's browser session."""
    if actor.session_id is None:
        return
    session.execute(text("DELETE FROM user_sessions WHERE id = :id"), {"id": actor.session_id})
    audit(session, actor=actor, action="auth.sign_out", obj=("session", actor.session_id))


_ACCOUNT_COLUMNS = "u.id AS user_id, u.username, u.display_name, u.role, u.district, u.department_id"
# Last seen / last used is written at most this often per session or token: a request mostly only reads the row.
TOUCH_EVERY = "60 seconds"
_STALE = "({col} IS NULL OR {col} < now() - interval '" + TOUCH_EVERY + "')"


def principal_from_session(session: Session, *, token: str, address: str | None) -> Principal | None:
    """The account of a live session cookie (active account, not expired), or None."""
    row = session.execute(
        text(f"""
        SELECT {_ACCOUNT_COLUMNS}, s.id AS session_id, s.csrf_token, {_STALE.format(col="s.last_seen_at")} AS stale
        FROM user_sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = :h AND s.expires_at > now() AND u.active"""),
        {"h": token_digest(token)},
    ).first()
    if row is None:
        return None
    found = dict(row._mapping)
    if found.pop("stale"):
        session.execute(text("UPDATE user_sessions SET last_seen_at = now() WHERE id = :id"), {"id": row.session_id})
    return Principal(**found, address=address, via="session")


def principal_from_api_token(session: Session, *, token: str, address: str | None) -> Principal:
    """The account of a personal API token; Unauthorized when it is unknown, revoked or its account disabled."""
    row = None
    if token.startswith(TOKEN_PREFIX):
        row = session.execute(
            text(f"""
            SELECT {_ACCOUNT_COLUMNS}, t.id AS token_id, {_STALE.format(col="t.last_used_at")} AS stale
            FROM api_tokens t JOIN users u ON u.id = t.user_id
            WHERE t.token_hash = :h AND t.revoked_at IS NULL AND u.active"""),
            {"h": token_digest(token)},
        ).first()
    if row is None:
        raise Unauthorized(
            "API 令牌无效、已撤销或其账户已停用 / the API token is unknown, revoked, or its account is disabled"
        )
    found = dict(row._mapping)
    token_id, stale = found.pop("token_id"), found.pop("stale")
    if stale:  # the address is that of the last write, so at most a minute old
        session.execute(
            text("UPDATE api_tokens SET last_used_at = now(), last_used_address = :a WHERE id = :id"),
            {"id": token_id, "a": address},
        )
    return Principal(**found, address=address, via="token")


def purge_expired_sessions(session: Session) -> int:
    """Delete sessions past their expiry; returns how many."""
    return session.execute(text("DELETE FROM user_sessions WHERE expires_at <= now()")).rowcount
