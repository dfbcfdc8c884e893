"""Sign-in and one's own account: sessions (cookie + CSRF token), password, personal API tokens."""

from typing import Annotated

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from api.deps import CSRF_COOKIE, SESSION_COOKIE, PrincipalDep, SessionDep, SettingsDep, client_address, require
from api.errors import problems
from api.params import SessionId, TokenId
from api.schemas import Account as AccountOut
from api.schemas import ApiToken, ApiTokens, Changed, Me, NewApiToken, SignedIn, SignInSession, SignInSessions
from geo.accounts.principal import Principal
from geo.accounts.sessions import end_other_sessions, end_session, list_sessions
from geo.accounts.signin import SignedIn as SignedInSession
from geo.accounts.signin import change_password as change_own_password
from geo.accounts.signin import sign_in, sign_out
from geo.accounts.tokens import create_token, list_tokens, revoke_token
from geo.enums import Permission
from geo.settings import Settings

router = APIRouter(prefix="/api/auth", tags=["auth"])

Account = Annotated[Principal, require(Permission.own_account)]


class Credentials(BaseModel):
    """Username and password."""

    username: str = Field(max_length=64)
    password: str = Field(max_length=256)


class PasswordChange(BaseModel):
    """The current password and the new one (at least 10 characters)."""

    current: str = Field(max_length=256)
    new: str = Field(max_length=256)


class TokenRequest(BaseModel):
    """What the token is for."""

    name: str = Field(max_length=100, description="用途,如“照片批量上传脚本” / what it is for")


def _secure(request: Request, settings: Settings) -> bool:
    return settings.cookie_secure if settings.cookie_secure is not None else request.url.scheme == "https"


def _set_session_cookies(request: Request, response: Response, settings: Settings, signed: SignedInSession) -> None:
    max_age = int(settings.session_hours * 3600)
    secure = _secure(request, settings)
    response.set_cookie(
        SESSION_COOKIE, signed.token, max_age=max_age, httponly=True, samesite="lax", secure=secure, path="/"
    )
    # Readable by the page's script, which echoes it in X-CSRF-Token; another site can neither read nor send it.
    response.set_cookie(
        CSRF_COOKIE, signed.csrf_token, max_age=max_age, httponly=False, samesite="lax", secure=secure, path="/"
    )


@router.post(
    "/login",
    response_model=SignedIn,
    responses=problems(429),
    summary="登录 / sign in",
    dependencies=[require(Permission.sign_in)],
)
def login(request: Request, response: Response, session: SessionDep, settings: SettingsDep, body: Credentials):
    """Open a browser session: an HttpOnly, SameSite=Lax session cookie and a readable CSRF cookie for writes."""
    signed = sign_in(
        session,
        username=body.username,
        password=body.password,
        address=client_address(request),
        user_agent=request.headers.get("user-agent"),
        settings=settings,
    )
    _set_session_cookies(request, response, settings, signed)
    return {**signed.principal.public(), "csrf_token": signed.csrf_token, "expires_at": signed.expires_at.isoformat()}


@router.post("/logout", response_model=AccountOut, summary="退出 / sign out")
def logout(response: Response, session: SessionDep, actor: Account):
    """End this browser session and clear its cookies."""
    sign_out(session, actor=actor)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return {"user": None}


@router.get("/me", response_model=Me, summary="当前用户 / who am I", dependencies=[require(Permission.sign_in)])
def me(actor: PrincipalDep, settings: SettingsDep):
    """The signed-in account (or `user: null`) and whether anonymous visitors may read."""
    return {**actor.public(), "anonymous_read": settings.anonymous_read}


@router.post(
    "/password",
    response_model=Changed,
    responses=problems(429),
    summary="修改本人密码 / change my password",
)
def change_password(
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    actor: Account,
    body: PasswordChange,
):
    """Check the current password (limited like sign-in), set the new one, end every session and API token of the
    account; a browser gets a new session cookie and `csrf_token` in exchange."""
    signed = change_own_password(
        session,
        actor=actor,
        current=body.current,
        new=body.new,
        user_agent=request.headers.get("user-agent"),
        settings=settings,
    )
    if signed is None:
        return {"changed": True, "csrf_token": None}
    _set_session_cookies(request, response, settings, signed)
    return {"changed": True, "csrf_token": signed.csrf_token}


@router.get("/tokens", response_model=ApiTokens, summary="我的 API 令牌 / my API tokens")
def get_tokens(session: SessionDep, actor: Account):
    """Names, prefixes and dates of the account's tokens (never the secrets)."""
    return {"tokens": list_tokens(session, user_id=actor.user_id)}


@router.post(
    "/tokens",
    status_code=201,
    response_model=NewApiToken,
    responses=problems(403),
    summary="创建 API 令牌 / create an API token",
)
def post_token(session: SessionDep, actor: Account, body: TokenRequest):
    """A new personal token, shown in `token` this once only; send it as `Authorization: Bearer <token>`.
    Only a browser session may create one (403 for a request made with a token)."""
    token, secret = create_token(session, actor=actor, name=body.name)
    return {**token, "token": secret}


@router.delete("/tokens/{token_id}", response_model=ApiToken, summary="撤销 API 令牌 / revoke an API token")
def delete_token(session: SessionDep, actor: Account, token_id: TokenId):
    """Revoke one of your tokens; it is refused from the next request on."""
    return revoke_token(session, actor=actor, token_id=token_id)


@router.get("/sessions", response_model=SignInSessions, summary="我的登录会话 / my sign-in sessions")
def get_sessions(session: SessionDep, actor: Account):
    """The account's live browser sessions with address, browser, start and last use; `current` is this one."""
    return {"sessions": list_sessions(session, user_id=actor.user_id, current=actor.session_id)}


@router.delete(
    "/sessions/{session_id}", response_model=SignInSession, summary="结束一个登录会话 / end one of my sessions"
)
def delete_session(session: SessionDep, actor: Account, session_id: SessionId):
    """Sign out one of your sessions (on another computer, say); its cookie opens nothing from the next request on."""
    return end_session(session, actor=actor, session_id=session_id)


@router.post(
    "/sessions/sign-out-others",
    response_model=SignInSessions,
    summary="退出其他所有登录 / sign out everywhere else",
)
def post_sign_out_others(session: SessionDep, actor: Account):
    """End every session of the account but this one (all of them when asked with a token); answers those ended."""
    return {"sessions": end_other_sessions(session, actor=actor)}
