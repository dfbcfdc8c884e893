"""Request dependencies: the database session, the settings, who is asking, and what an endpoint requires."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from typing import Annotated

import anyio
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.params import Depends as DependsParam
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from geo.accounts.principal import ANONYMOUS, Principal
from geo.accounts.signin import principal_from_api_token, principal_from_session
from geo.enums import PERMISSIONS, ROLE_BY_CODE, Permission
from geo.errors import Forbidden, Unauthorized
from geo.settings import Settings

SESSION_COOKIE = "warroom_session"
CSRF_COOKIE = "warroom_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PERMISSION_ATTR = "warroom_permission"  # marks require()'s dependencies, so tests and OpenAPI can find them


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session per request, committed when the handler returns and before its answer is sent (see SessionDep).

    Made on the event loop (a session does no I/O until first used) and ended in a worker thread only when it was
    used, so an answer that never touched the database (a 304, a kept body) makes no thread hop for it."""
    db = request.app.state.db
    session = db.sessions()
    try:
        yield session
    except BaseException:
        with anyio.CancelScope(shield=True):  # a client gone mid-request must still give the connection back
            await _end(session, db.discard)
        raise
    await _end(session, db.finish)


async def _end(session: Session, end) -> None:
    if session.in_transaction():
        await run_in_threadpool(end, session)
    else:
        session.close()


async def get_app_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    return request.app.state.settings


# scope="function": the commit runs when the handler returns, before the answer is sent, so a client that got its 2xx
# finds the write done, and a commit that fails answers an error instead of the success already sent (FastAPI's
# default, scope="request", would run it after the response).
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]

_bearer = HTTPBearer(auto_error=False, scheme_name="apiToken", description="个人 API 令牌 / personal API token (wr_…)")
_cookie = APIKeyCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    scheme_name="browserSession",
    description=f"浏览器登录会话;写操作还需 {CSRF_HEADER} 头 / browser session; writes also need {CSRF_HEADER}",
)


def client_address(request: Request) -> str | None:
    """The client's address (uvicorn applies X-Forwarded-For only from trusted proxies)."""
    return request.client.host if request.client else None


async def current_principal(
    request: Request,
    session: SessionDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    cookie: Annotated[str | None, Depends(_cookie)],
) -> Principal:
    """The account behind the request's API token or session cookie, else the anonymous visitor.

    A bad token is refused outright (a script should notice); a stale cookie just means "not signed in"."""
    address = client_address(request)
    if request.headers.get("authorization"):
        if bearer is None:
            raise Unauthorized(
                "Authorization 头应为 “Bearer <令牌>” / the Authorization header must be 'Bearer <token>'"
            )
        return await run_in_threadpool(principal_from_api_token, session, token=bearer.credentials, address=address)
    if cookie:
        found = await run_in_threadpool(principal_from_session, session, token=cookie, address=address)
        if found is not None:
            return found
    return ANONYMOUS.at(address)


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def _role_label(code: str) -> str:
    role = ROLE_BY_CODE[code]
    return f"{role.name} {role.name_en}"


def require(permission: Permission) -> DependsParam:
    """The one declaration of what an endpoint needs: `actor: Annotated[Principal, require(Permission.x)]` or
    `dependencies=[require(Permission.x)]` on the route or router. 401 without an account, 403 for a lower role or a
    cookie-authenticated write without the CSRF header; returns the acting Principal."""
    rule = PERMISSIONS[permission]

    async def dependency(request: Request, principal: PrincipalDep, settings: SettingsDep) -> Principal:
        if rule.min_role is None:
            return principal
        if principal.is_anonymous:
            if rule.anonymous_read and settings.anonymous_read:
                return principal
            raise Unauthorized(
                f"请先登录(需要{_role_label(rule.min_role)}或更高角色) / please sign in "
                f"(needs {ROLE_BY_CODE[rule.min_role].name_en} or above)"
            )
        if principal.via == "session" and request.method not in SAFE_METHODS:
            sent = request.headers.get(CSRF_HEADER, "")
            if not (principal.csrf_token and secrets.compare_digest(sent.encode(), principal.csrf_token.encode())):
                raise Forbidden(
                    f"缺少或错误的 {CSRF_HEADER} 头,请刷新页面后重试 / missing or wrong {CSRF_HEADER} header; "
                    "reload the page and try again"
                )
        if not principal.has_role(rule.min_role):
            raise Forbidden(
                f"“{rule.name}”需要{_role_label(rule.min_role)}或更高角色,您的角色是{_role_label(principal.role)} / "
                f"{rule.name_en} needs {ROLE_BY_CODE[rule.min_role].name_en} or above"
            )
        return principal

    setattr(dependency, PERMISSION_ATTR, permission)
    dependency.__name__ = f"require_{permission.value}"
    return Depends(dependency)


def declared_permissions(dependant) -> list[Permission]:
    """Every permission declared by require() anywhere in a route's dependency tree."""
    found, stack = [], list(dependant.dependencies)
    while stack:
        dep = stack.pop()
        permission = getattr(dep.call, PERMISSION_ATTR, None)
        if permission is not None:
            found.append(permission)
        stack.extend(dep.dependencies)
    return found


def governing_permission(dependant) -> Permission | None:
    """The strictest declared permission (the one that decides who may call the route)."""

    def strictness(p: Permission) -> tuple[int, int]:
        rule = PERMISSIONS[p]
        return (ROLE_BY_CODE[rule.min_role].rank if rule.min_role else 0, 0 if rule.anonymous_read else 1)

    declared = declared_permissions(dependant)
    return max(declared, key=strictness) if declared else None
