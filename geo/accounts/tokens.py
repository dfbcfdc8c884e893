"""Personal API tokens: created and revoked by their owner, shown once, stored as SHA-256."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from geo.accounts.audit import audit
from geo.accounts.credentials import TOKEN_PREFIX, new_token, token_digest
from geo.accounts.principal import Principal
from geo.db.models import ApiToken
from geo.errors import InvalidInput, NotFound


def token_dict(token: ApiToken) -> dict:
    """A token as its owner sees it later: name, prefix and dates, never the secret."""
    return {
        "id": token.id,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at.isoformat() if token.created_at else None,
        "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
    }


def create_token(session: Session, *, actor: Principal, name: str) -> tuple[dict, str]:
    """A new token for the actor; the secret is returned once and never again."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput(
            "请为令牌起一个 1–100 字的名称(用途) / give the token a name of 1–100 characters",
            errors=[{"field": "name", "message": "1–100 characters"}],
        )
    secret = new_token(TOKEN_PREFIX)
    token = ApiToken(user_id=actor.user_id, name=name, token_hash=token_digest(secret), prefix=secret[:10])
    session.add(token)
    session.flush()
    audit(
        session,
        actor=actor,
        action="token.create",
        obj=("api_token", token.id),
        after={"name": name, "prefix": token.prefix},
    )
    return token_dict(token), secret


def list_tokens(session: Session, *, actor: Principal) -> list[dict]:
    """The actor's tokens, newest first."""
    rows = session.scalars(select(ApiToken).where(ApiToken.user_id == actor.user_id).order_by(ApiToken.id.desc()))
    return [token_dict(t) for t in rows]


def revoke_token(session: Session, *, actor: Principal, token_id: int) -> dict:
    """Revoke one of the actor's tokens; it stops working with the next request."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != actor.user_id:
        raise NotFound(f"您没有编号为 {token_id} 的令牌 / you have no token {token_id}")
    if token.revoked_at is None:
        token.revoked_at = func.now()
        session.flush()
        audit(session, actor=actor, action="token.revoke", obj=("api_token", token.id), after={"name": token.name})
    session.refresh(token)
    return token_dict(token)
