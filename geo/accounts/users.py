"""Accounts: create, list, change, disable, reset passwords; the first admin of an empty database."""

from __future__ import annotations

import re

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from geo.accounts.audit import audit
from geo.accounts.credentials import hash_password, random_password, verify_password
from geo.accounts.principal import Principal
from geo.accounts.tokens import revoke_all_tokens
from geo.db.models import User
from geo.enums import DISTRICT_NAMES, ROLE_BY_CODE, ROLE_CODES
from geo.errors import Conflict, InvalidInput, NotFound, Unauthorized, UnknownValue

LEGACY_USERNAME = "legacy"  # owns rows made before accounts existed; cannot sign in
USERNAME_RE = re.compile(r"^[\w.-]{2,32}$")


def _department_name(user: User) -> str | None:
    if user.department_id is None:
        return None
    from sqlalchemy.orm import object_session

    return object_session(user).scalar(text("SELECT name FROM departments WHERE id = :id"), {"id": user.department_id})


def user_dict(user: User) -> dict:
    """An account as the API shows it (never the password hash)."""
    role = ROLE_BY_CODE[user.role]
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "role_name": role.name,
        "role_name_en": role.name_en,
        "district": user.district,
        "department_id": user.department_id,
        "department": _department_name(user),
        "active": user.active,
        "created_at": user.created_at.isoformat() if user.created_at else None,
        "last_sign_in_at": user.last_sign_in_at.isoformat() if user.last_sign_in_at else None,
    }


def _summary(user: User) -> dict:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "district": user.district,
        "department_id": user.department_id,
        "active": user.active,
    }


def _check_role_district(role: str, district: str | None) -> str | None:
    """The district to store for the role; reporters need a known one, other roles have none."""
    if role not in ROLE_CODES:
        raise UnknownValue("role", role, ROLE_CODES)
    if not ROLE_BY_CODE[role].district_scoped:
        return None
    if not district:
        raise InvalidInput(
            "区市填报员必须指定所属区市 / a district reporter needs a district",
            errors=[{"field": "district", "message": "required for reporters", "allowed": list(DISTRICT_NAMES)}],
        )
    if district not in DISTRICT_NAMES:
        raise UnknownValue("district", district, DISTRICT_NAMES)
    return district


def _check_role_department(session: Session, role: str, department: str | int | None) -> int | None:
    """The department id to store for the role: a department reporter needs a known department (name or id)."""
    if not ROLE_BY_CODE[role].department_scoped:
        return None
    from geo.tasks.departments import department_names, find_department

    if department in (None, ""):
        raise InvalidInput(
            "部门填报员必须指定所属部门 / a department reporter needs a department",
            errors=[
                {"field": "department", "message": "required", "allowed": department_names(session)},
            ],
        )
    return find_department(session, department)["id"]


def find_user(session: Session, username: str) -> User | None:
    """The account with this name (case-insensitive)."""
    return session.scalars(select(User).where(func.lower(User.username) == username.lower())).first()


def get_user(session: Session, user_id: int) -> User:
    """The account with this id, or NotFound."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"用户 {user_id} 不存在 / user {user_id} does not exist")
    return user


def create_user(
    session: Session,
    *,
    actor: Principal,
    username: str,
    display_name: str | None = None,
    role: str = "viewer",
    district: str | None = None,
    department: str | int | None = None,
    password: str | None = None,
) -> tuple[dict, str | None]:
    """Create an account; without a password a random one is made and returned (to be shown once)."""
    username = username.strip()
    if not USERNAME_RE.match(username):
        raise InvalidInput(
            "用户名为 2–32 个字母、数字、下划线、点或连字符 / a username is 2–32 letters, digits, _ . or -",
            errors=[{"field": "username", "message": "2–32 letters, digits, _ . -"}],
        )
    district = _check_role_district(role, district)
    department_id = _check_role_department(session, role, department)
    if find_user(session, username) is not None:
        raise Conflict(
            f"用户名“{username}”已存在 / username {username!r} is taken",
            errors=[{"field": "username", "message": "taken"}],
        )
    generated = None if password else random_password()
    user = User(
        username=username,
        display_name=(display_name or "").strip() or username,
        role=role,
        district=district,
        department_id=department_id,
        active=True,
        password_hash=hash_password(password or generated),
        password_changed_at=func.now(),
    )
    session.add(user)
    session.flush()
    audit(session, actor=actor, action="user.create", obj=("user", user.id), after=_summary(user))
    return user_dict(user), generated


def list_users(session: Session) -> list[dict]:
    """Every account except the legacy one, by name."""
    users = session.scalars(select(User).where(User.username != LEGACY_USERNAME).order_by(func.lower(User.username)))
    return [user_dict(u) for u in users]


def _active_admins(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User).where(User.role == "admin", User.active.is_(True)))


def update_user(
    session: Session,
    *,
    actor: Principal,
    user_id: int,
    display_name: str | None = None,
    role: str | None = None,
    district: str | None = None,
    department: str | int | None = None,
    active: bool | None = None,
) -> dict:
    """Change an account's name, role, district or active flag; disabling ends its sessions at once."""
    user = get_user(session, user_id)
    if user.username == LEGACY_USERNAME:
        raise Conflict("历史数据账户不能修改 / the legacy account cannot be changed")
    before = _summary(user)
    new_role = role or user.role
    new_district = _check_role_district(new_role, district if district is not None else user.district)
    new_department = _check_role_department(
        session, new_role, department if department is not None else user.department_id
    )
    new_active = user.active if active is None else active
    if (
        user.role == "admin"
        and user.active
        and (new_role != "admin" or not new_active)
        and _active_admins(session) <= 1
    ):
        raise Conflict("不能停用或降级最后一个管理员 / the last active admin cannot be disabled or demoted")
    if display_name is not None and display_name.strip():
        user.display_name = display_name.strip()
    # Disabling ends every session and token; so does enabling, for tokens left live by a disabling before this rule.
    if new_active != user.active or not new_active:
        _end_access(session, user.id)
    user.role, user.district, user.department_id, user.active = new_role, new_district, new_department, new_active
    session.flush()
    audit(session, actor=actor, action="user.update", obj=("user", user.id), before=before, after=_summary(user))
    return user_dict(user)


def _end_access(session: Session, user_id: int) -> None:
    """End every browser session and revoke every API token of the account (a token is never revived)."""
    session.execute(text("DELETE FROM user_sessions WHERE user_id = :u"), {"u": user_id})
    revoke_all_tokens(session, user_id=user_id)


def reset_password(session: Session, *, actor: Principal, user_id: int) -> tuple[dict, str]:
    """Give an account a new random password (returned, to be shown once); its sessions and tokens end."""
    user = get_user(session, user_id)
    if user.username == LEGACY_USERNAME:
        raise Conflict("历史数据账户不能登录 / the legacy account cannot sign in")
    password = random_password()
    user.password_hash = hash_password(password)
    user.password_changed_at = func.now()
    _end_access(session, user.id)
    session.flush()
    audit(session, actor=actor, action="user.password_reset", obj=("user", user.id))
    return user_dict(user), password


def change_own_password(session: Session, *, actor: Principal, current: str, new: str) -> User:
    """Change the signed-in account's password after checking the current one; all its sessions and tokens end."""
    user = get_user(session, actor.user_id)
    if not verify_password(user.password_hash, current):
        raise Unauthorized(
            "当前密码不正确 / the current password is wrong", errors=[{"field": "current", "message": "wrong password"}]
        )
    user.password_hash = hash_password(new)
    user.password_changed_at = func.now()
    # Whoever learnt the old password may hold a session or have made a token: both end (the browser asking gets
    # a fresh session from geo.accounts.signin.change_password).
    _end_access(session, user.id)
    session.flush()
    audit(session, actor=actor, action="auth.password_change", obj=("user", user.id))
    return user


def ensure_first_admin(session: Session, *, actor: Principal) -> str | None:
    """On a database with no accounts, create `admin` with a random password and return it (once); else None."""
    others = session.scalar(select(func.count()).select_from(User).where(User.username != LEGACY_USERNAME))
    if others:
        return None
    _, password = create_user(session, actor=actor, username="admin", display_name="管理员", role="admin")
    return password
