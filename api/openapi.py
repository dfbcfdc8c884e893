"""The OpenAPI document names, for every operation, the permission and least role it requires."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import FastAPI, routing
from fastapi.openapi.utils import get_openapi

from api.deps import governing_permission
from geo.enums import PERMISSIONS, ROLE_BY_CODE


def permission_note(permission) -> str:
    """One line saying who may call an operation."""
    rule = PERMISSIONS[permission]
    if rule.min_role is None:
        return "**权限 / Permission**: 无需登录 / no account needed"
    role = ROLE_BY_CODE[rule.min_role]
    scope = "(仅本区市项目 / own district's projects only)" if role.district_scoped else ""
    anonymous = (
        ";WARROOM_ANONYMOUS_READ 开启时无需登录 / anonymous when WARROOM_ANONYMOUS_READ" if rule.anonymous_read else ""
    )
    return (
        f"**权限 / Permission**: `{rule.permission.value}` — {rule.name} / {rule.name_en}: "
        f"{role.name}{scope}及以上 / {role.name_en} or above{anonymous}"
    )


def api_routes(app: FastAPI) -> Iterator:
    """Every API route as the app serves it (router prefixes and router-level dependencies applied)."""
    for context in routing.iter_route_contexts(app.routes):
        if isinstance(context.original_route, routing.APIRoute):
            yield context


def install_permission_docs(app: FastAPI) -> None:
    """Replace app.openapi with one that adds `x-permission`, `x-min-role` and a note to each operation."""

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        for route in api_routes(app):
            if not route.include_in_schema:
                continue
            permission = governing_permission(route.dependant)
            for method in route.methods:
                operation = schema["paths"].get(route.path_format, {}).get(method.lower())
                if operation is None or permission is None:
                    continue
                operation["x-permission"] = permission.value
                operation["x-min-role"] = PERMISSIONS[permission].min_role
                operation["description"] = (
                    operation.get("description", "") + "\n\n" + permission_note(permission)
                ).strip()
        app.openapi_schema = schema
        return schema

    app.openapi = openapi
