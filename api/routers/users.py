"""Account administration (admins): list, create, change or disable, reset passwords, see and revoke tokens and
sessions."""

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import SessionDep, require
from api.params import SessionId, TokenId, UserId
from api.schemas import ApiToken, ApiTokens, SignInSession, SignInSessions, UserChanged, Users, UserWithPassword
from geo.accounts.principal import Principal
from geo.accounts.sessions import end_session, list_sessions
from geo.accounts.tokens import list_tokens, revoke_token
from geo.accounts.users import create_user, get_user, list_users, reset_password, update_user
from geo.enums import Permission

router = APIRouter(prefix="/api/users", tags=["users"])

Admin = Annotated[Principal, require(Permission.manage_users)]


class NewUser(BaseModel):
    """A new account; without a password a random one is returned once."""

    username: str = Field(max_length=32)
    display_name: str | None = Field(None, max_length=100)
    role: str = Field("viewer", max_length=16, description="viewer | reporter | dept_reporter | planner | admin")
    district: str | None = Field(None, max_length=32, description="区市, required for reporters")
    department: str | None = Field(None, max_length=64, description="部门 name, required for department reporters")
    password: str | None = Field(None, max_length=256)


class UserChange(BaseModel):
    """Fields to change; absent fields stay."""

    display_name: str | None = Field(None, max_length=100)
    role: str | None = Field(None, max_length=16)
    district: str | None = Field(None, max_length=32)
    department: str | None = Field(None, max_length=64)
    active: bool | None = None


@router.get("", response_model=Users, summary="用户列表 / accounts")
def get_users(session: SessionDep, admin: Admin):
    """Every account (never a password hash)."""
    return {"users": list_users(session)}


@router.post("", status_code=201, response_model=UserWithPassword, summary="创建用户 / create an account")
def post_user(session: SessionDep, admin: Admin, body: NewUser):
    """Create an account; `password` in the answer is the generated one, shown this once."""
    user, generated = create_user(session, actor=admin, **body.model_dump())
    return {"user": user, "password": generated}


@router.patch("/{user_id}", response_model=UserChanged, summary="修改或停用用户 / change or disable an account")
def patch_user(session: SessionDep, admin: Admin, user_id: UserId, body: UserChange):
    """Change name, role, district or `active`; disabling ends the account's sessions and revokes its tokens
    (enabling it again does not bring them back)."""
    return {"user": update_user(session, actor=admin, user_id=user_id, **body.model_dump())}


@router.post("/{user_id}/password", response_model=UserWithPassword, summary="重置密码 / reset a password")
def post_password_reset(session: SessionDep, admin: Admin, user_id: UserId):
    """A new random password, shown this once; the account's sessions and API tokens end."""
    user, password = reset_password(session, actor=admin, user_id=user_id)
    return {"user": user, "password": password}


@router.get("/{user_id}/tokens", response_model=ApiTokens, summary="用户的 API 令牌 / an account's API tokens")
def get_user_tokens(session: SessionDep, admin: Admin, user_id: UserId):
    """Names, prefixes and dates of an account's tokens (never the secrets)."""
    get_user(session, user_id)
    return {"tokens": list_tokens(session, user_id=user_id)}


@router.delete(
    "/{user_id}/tokens/{token_id}", response_model=ApiToken, summary="撤销用户的 API 令牌 / revoke an account's token"
)
def delete_user_token(session: SessionDep, admin: Admin, user_id: UserId, token_id: TokenId):
    """Revoke one token of the account; it is refused from the next request on (audited)."""
    return revoke_token(session, actor=admin, token_id=token_id, user_id=user_id)


@router.get(
    "/{user_id}/sessions", response_model=SignInSessions, summary="用户的登录会话 / an account's sign-in sessions"
)
def get_user_sessions(session: SessionDep, admin: Admin, user_id: UserId):
    """The account's live browser sessions: address, browser, start and last use (never the cookies)."""
    get_user(session, user_id)
    return {"sessions": list_sessions(session, user_id=user_id, current=admin.session_id)}


@router.delete(
    "/{user_id}/sessions/{session_id}",
    response_model=SignInSession,
    summary="结束用户的登录会话 / end an account's session",
)
def delete_user_session(session: SessionDep, admin: Admin, user_id: UserId, session_id: SessionId):
    """Sign the account out of one session; its cookie opens nothing from the next request on (audited)."""
    return end_session(session, actor=admin, session_id=session_id, user_id=user_id)
