"""RFC 9457 problem+json for every error: one table maps domain exceptions to HTTP statuses."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from api.observe import current_request_id
from geo.errors import (
    Conflict,
    DatabaseUnavailable,
    EmbeddedDatabaseError,
    FontMissing,
    Forbidden,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    StoreUnavailable,
    TooManyRequests,
    Unauthorized,
    UnsupportedMediaType,
    WarroomError,
)

log = logging.getLogger("warroom.api")

PROBLEM = "application/problem+json"

STATUS_OF: dict[type[WarroomError], int] = {
    NotFound: 404,
    Unauthorized: 401,
    Forbidden: 403,
    TooManyRequests: 429,
    InvalidInput: 422,
    Conflict: 409,
    PayloadTooLarge: 413,
    UnsupportedMediaType: 415,
    DatabaseUnavailable: 503,
    EmbeddedDatabaseError: 503,
    FontMissing: 503,
    StoreUnavailable: 503,
}

_HTTP_TITLES = {
    404: "未找到 / Not found",
    405: "不支持的请求方法 / Method not allowed",
    413: "文件太大 / Payload too large",
    415: "不支持的文件类型 / Unsupported media type",
}


_PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
        "request_id": {"type": "string"},
    },
}

PROBLEM_DESCRIPTIONS = {
    400: "请求体无法解析 / the body cannot be parsed",
    401: "需要登录,或令牌无效、已撤销 / sign in, or the token is wrong or revoked",
    403: "角色或区市无权操作,或缺少 CSRF 头 / role or district may not, or the CSRF header is missing",
    404: "不存在 / not found",
    409: "与现有数据冲突 / conflicts with stored data",
    413: "文件太大 / payload too large",
    415: "不支持的文件类型 / unsupported media type",
    422: "输入有误 / invalid input",
    429: "请求过多,见 Retry-After / too many requests; see Retry-After",
    503: "数据库不可用 / database unavailable",
}


def problems(*statuses: int) -> dict:
    """OpenAPI `responses` entries: these statuses answer problem+json."""
    return {
        status: {"description": PROBLEM_DESCRIPTIONS[status], "content": {PROBLEM: {"schema": _PROBLEM_SCHEMA}}}
        for status in statuses
    }


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    errors: list[dict] | None = None,
    headers: dict | None = None,
    extensions: dict | None = None,
) -> JSONResponse:
    """A problem+json response."""
    body = {**(extensions or {}), "type": "about:blank", "title": title, "status": status, "detail": detail}
    rid = current_request_id()
    if rid:  # the same id as the X-Request-ID header and the access log line: quote it when reporting a problem
        body["request_id"] = rid
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def _status_of(exc: WarroomError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS_OF:
            return STATUS_OF[cls]
    return 400


def browser_navigation(request: Request) -> bool:
    """Whether a person's browser is opening this address as a page (a link followed), not a script asking."""
    return request.method in ("GET", "HEAD") and "text/html" in request.headers.get("accept", "")


def sign_in_redirect(request: Request) -> RedirectResponse:
    """To the sign-in page, which sends the browser back here afterwards (a file link clicked while signed out)."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login.html?next={quote(target, safe='')}", status_code=303)


async def _domain(request: Request, exc: WarroomError) -> JSONResponse | RedirectResponse:
    if isinstance(exc, Unauthorized) and browser_navigation(request):
        # A person who clicked a bulletin or export link signed out gets the sign-in page, not a JSON 401.
        return sign_in_redirect(request)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyRequests) else None
    if isinstance(exc, Unauthorized):
        headers = {"WWW-Authenticate": 'Bearer realm="warroom"'}
    return problem(
        _status_of(exc), exc.title, exc.detail, errors=exc.errors, headers=headers, extensions=exc.extensions
    )


async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [
        {
            "field": ".".join(str(p) for p in e["loc"] if p not in ("query", "path", "body")) or "request",
            "location": e["loc"][0] if e["loc"] else None,
            "message": e["msg"],
        }
        for e in exc.errors()
    ]
    fields = "、".join(e["field"] for e in errors)
    return problem(
        422, "输入有误 / Invalid input", f"请检查这些参数:{fields} / check these parameters: {fields}", errors=errors
    )


async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"没有这个地址:{request.url.path} / no such path"
    return problem(
        exc.status_code,
        _HTTP_TITLES.get(exc.status_code, "请求有误 / Bad request"),
        detail,
        headers=getattr(exc, "headers", None),
    )


async def _database_down(request: Request, exc: Exception) -> JSONResponse:
    log.error("database unavailable: %s", exc)
    return problem(
        503,
        DatabaseUnavailable.title,
        "数据库暂时无法连接,请稍后再试 / the database cannot be reached; try again shortly",
        headers={"Retry-After": "5"},
    )


async def _data_error(request: Request, exc: Exception) -> JSONResponse:
    log.warning("database rejected a value: %s", exc)
    status, title = (409, Conflict.title) if isinstance(exc, IntegrityError) else (422, InvalidInput.title)
    detail = str(getattr(exc, "orig", exc)).splitlines()[0]
    return problem(status, title, f"数据库拒绝了该数据 / the database rejected the data: {detail}")


async def _client_gone(request: Request, exc: Exception) -> JSONResponse:
    # A phone that lost its signal or was closed mid-upload: nothing was stored (the outbox sends it again), and no
    # one is left to read the answer; not a server error.
    log.info("client disconnected before its request body was read: %s %s", request.method, request.url.path)
    return problem(400, "请求未完整送达 / Request cut off", "连接在请求送达前中断 / the connection closed mid-request")


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s", request.url.path)
    return problem(500, "服务器内部错误 / Internal error", "服务器出错,已记录日志 / an unexpected error was logged")


def install_error_handlers(app: FastAPI) -> None:
    """Register the problem+json handlers on the app."""
    app.add_exception_handler(WarroomError, _domain)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(OperationalError, _database_down)
    app.add_exception_handler(InterfaceError, _database_down)
    app.add_exception_handler(DataError, _data_error)
    app.add_exception_handler(IntegrityError, _data_error)
    app.add_exception_handler(ClientDisconnect, _client_gone)
    app.add_exception_handler(Exception, _unexpected)
