"""OpenAPI docs served with the app's own Swagger UI copy (web/node_modules), so /docs works offline.

With WARROOM_ANONYMOUS_READ off, the docs and the document describe a closed system: only accounts may read them."""

from html import escape

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse

from api.deps import PrincipalDep, SettingsDep
from geo.errors import Unauthorized

OPENAPI_URL = "/openapi.json"
SWAGGER = "/vendor/swagger-ui-dist"


async def docs_reader(principal: PrincipalDep, settings: SettingsDep) -> None:
    """Anyone when anonymous reading is on; otherwise a signed-in account (401 for a visitor)."""
    if principal.is_anonymous and not settings.anonymous_read:
        raise Unauthorized("请先登录后查看接口文档 / please sign in to read the API documentation")


router = APIRouter(include_in_schema=False, dependencies=[Depends(docs_reader)])


@router.get(OPENAPI_URL)
def openapi_document(request: Request) -> JSONResponse:
    """The OpenAPI document (app.openapi_url is None so that this route, with its check, serves it)."""
    return JSONResponse(request.app.openapi())


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI for /openapi.json, with no CDN; started by web/js/docs.js, since the CSP runs no inline script."""
    return HTMLResponse(swagger_html(request.app.title, OPENAPI_URL))


def swagger_html(app_title: str, openapi_url: str) -> str:
    """The Swagger UI page for an OpenAPI document (also /ogc/api.html's)."""
    title = escape(f"{app_title} — API")
    return f"""<!doctype html>
<html>
<head>
  <meta charset="utf-8">
  <title>{title}</title>
  <link rel="stylesheet" href="{SWAGGER}/swagger-ui.css">
  <link rel="icon" href="{SWAGGER}/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui" data-openapi-url="{escape(openapi_url)}"></div>
  <script src="{SWAGGER}/swagger-ui-bundle.js"></script>
  <script src="/js/docs.js"></script>
</body>
</html>"""
