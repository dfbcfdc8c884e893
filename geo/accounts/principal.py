"""Who is making a request: an account (by session or API token), the command line, or an anonymous visitor."""

from __future__ import annotations

from dataclasses import dataclass, replace

from geo.enums import PERMISSIONS, ROLE_BY_CODE


@dataclass(frozen=True)
class Principal:
    """The acting account and the address the request came from; `via` is session, token, cli or anonymous."""

    user_id: int | None = None
    username: str | None = None
    display_name: str | None = None
    role: str | None = None
    district: str | None = None
    department_id: int | None = None
    address: str | None = None
    via: str = "anonymous"
    session_id: int | None = None
    csrf_token: str | None = None

    @property
    def is_anonymous(self) -> bool:
        """Whether nobody is signed in."""
        return self.user_id is None and self.via == "anonymous"

    def has_role(self, min_role: str) -> bool:
        """Whether this account's role ranks at least as high as min_role."""
        if self.role is None:
            return False
        return ROLE_BY_CODE[self.role].rank >= ROLE_BY_CODE[min_role].rank

    @property
    def district_scoped(self) -> bool:
        """Whether the role may act only for its own district."""
        return self.role is not None and ROLE_BY_CODE[self.role].district_scoped

    @property
    def department_scoped(self) -> bool:
        """Whether the role may act only on its own department's key tasks."""
        return self.role is not None and ROLE_BY_CODE[self.role].department_scoped

    def at(self, address: str | None) -> Principal:
        """The same principal seen from another address."""
        return replace(self, address=address)

    def public(self) -> dict:
        """What the front end may know about the signed-in account."""
        if self.user_id is None:
            return {"user": None}
        role = ROLE_BY_CODE[self.role]
        return {
            "user": {
                "id": self.user_id,
                "username": self.username,
                "display_name": self.display_name,
                "role": self.role,
                "role_name": role.name,
                "role_name_en": role.name_en,
                "district": self.district,
                "department_id": self.department_id,
                "via": self.via,
                # what the front end may offer this account, from the one permission table
                "permissions": sorted(
                    rule.permission.value
                    for rule in PERMISSIONS.values()
                    if not rule.min_role or self.has_role(rule.min_role)
                ),
            }
        }


ANONYMOUS = Principal()


def cli_principal() -> Principal:
    """The actor of `warroom` commands: whoever runs them on the server."""
    import getpass

    try:
        who = getpass.getuser()
    except Exception:  # no login name in some containers
        who = "?"
    return Principal(username=f"命令行 / cli ({who})", via="cli", role="admin", address="localhost")
