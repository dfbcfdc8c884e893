"""The OpenAPI document tells the truth: who may call each operation, and every status it can answer."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import FastAPI, routing
from fastapi.openapi.utils import get_openapi

from api.deps import SAFE_METHODS, governing_permission
from api.errors import problems
from geo.enums import PERMISSIONS, ROLE_BY_CODE, Permission

# Every operation may answer these: a bad or revoked bearer token, and a database that cannot be reached.
ALWAYS = (401, 503)


def permission_note(permission) -> str:
    """One line saying who may call an operation."""
    rule = PERMISSIONS[permission]
    if rule.min_role is None:
        return "**权限 / Permission**: 无需登录 / no account needed"
    role = ROLE_BY_CODE[rule.min_role]
    scope = "(仅本区市项目 / own district's projects only)" if role.district_scoped else ""
    if role.department_scoped:
        scope = "(仅本部门牵头的任务 / own department's tasks only)"
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


def error_statuses(route, method: str, permission: Permission | None) -> set[int]:
    """The problem statuses an operation can answer, from what it takes and who may call it."""
    statuses = set(ALWAYS)
    dependant = route.dependant
    flat = [dependant, *dependant.dependencies]
    while flat:  # parameters declared anywhere in the dependency tree can be invalid
        dep = flat.pop()
        if dep.query_params or dep.path_params or dep.body_params or dep.header_params or dep.cookie_params:
            statuses.add(422)
        flat.extend(dep.dependencies)
    if "{" in route.path_format:
        statuses.add(404)
    if method not in SAFE_METHODS:
        # a write: an unparsable or too large body (api/limits.py), a cookie session without its CSRF header,
        # a row that conflicts, a commit that loses a race
        statuses |= {400, 403, 409, 413, 422}
    rule = PERMISSIONS[permission] if permission else None
    if rule and rule.min_role and ROLE_BY_CODE[rule.min_role].rank > ROLE_BY_CODE["viewer"].rank:
        statuses.add(403)
    return statuses


def install_openapi(app: FastAPI) -> None:
    """Replace app.openapi with one that adds each operation's permission and its error statuses."""

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
                if operation is None:
                    continue
                responses = operation.setdefault("responses", {})
                for status, entry in problems(*sorted(error_statuses(route, method, permission))).items():
                    # FastAPI's own 422 entry names a JSON body it never sends: errors are problem+json here
                    if status == 422 or str(status) not in responses:
                        responses[str(status)] = entry
                responses.pop("default", None)
                if permission is None:
                    continue
                operation["x-permission"] = permission.value
                operation["x-min-role"] = PERMISSIONS[permission].min_role
                note = permission_note(permission)
                operation["description"] = (operation.get("description", "") + "\n\n" + note).strip()
        schema.get("components", {}).get("schemas", {}).pop("HTTPValidationError", None)
        schema.get("components", {}).get("schemas", {}).pop("ValidationError", None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi
