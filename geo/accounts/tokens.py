"""Personal API tokens: created from a browser session, revoked by their owner or an admin, stored as SHA-256."""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from geo.accounts.audit import audit
from geo.accounts.credentials import TOKEN_PREFIX, new_token, token_digest
from geo.accounts.principal import Principal
from geo.db.models import ApiToken
from geo.errors import Forbidden, InvalidInput, NotFound

MINTED_FROM = frozenset({"session", "cli"})


def token_dict(token: ApiToken) -> dict:
    """A token as its owner sees it later: name, prefix and dates, never the secret."""
    return {
        "id": token.id,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at.isoformat() if token.created_at else None,
        "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
        "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
        "last_used_address": token.last_used_address,
    }


def create_token(session: Session, *, actor: Principal, name: str) -> tuple[dict, str]:
    """A new token for the actor, from a browser session only; the secret is returned once and never again."""
    if actor.via not in MINTED_FROM:
        # A token that could mint tokens would outlive its own revocation through its children.
        raise Forbidden(
            "API 令牌只能在浏览器登录后创建,不能用令牌创建令牌 / "
            "tokens are created from a signed-in browser session, not with another token"
        )
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


def list_tokens(session: Session, *, user_id: int) -> list[dict]:
    """An account's tokens, newest first."""
    rows = session.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id.desc()))
    return [token_dict(t) for t in rows]


def revoke_token(session: Session, *, actor: Principal, token_id: int, user_id: int | None = None) -> dict:
    """Revoke a token of the account `user_id` (default: the actor's own); it stops working with the next request."""
    owner = actor.user_id if user_id is None else user_id
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != owner:
        if user_id is None:
            raise NotFound(f"您没有编号为 {token_id} 的令牌 / you have no token {token_id}")
        raise NotFound(f"用户 {user_id} 没有编号为 {token_id} 的令牌 / user {user_id} has no token {token_id}")
    if token.revoked_at is None:
        token.revoked_at = func.now()
        session.flush()
        audit(
            session,
            actor=actor,
            action="token.revoke",
            obj=("api_token", token.id),
            after={"name": token.name, "user_id": owner},
        )
    session.refresh(token)
    return token_dict(token)


def revoke_all_tokens(session: Session, *, user_id: int) -> int:
    """Revoke every live token of an account; returns how many."""
    return session.execute(
        text("UPDATE api_tokens SET revoked_at = now() WHERE user_id = :u AND revoked_at IS NULL"), {"u": user_id}
    ).rowcount
