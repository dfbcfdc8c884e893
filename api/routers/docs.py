"""OpenAPI docs served with the app's own Swagger UI copy (web/node_modules), so /docs works offline.

With WARROOM_ANONYMOUS_READ off, the docs and the document describe a closed system: only accounts may read them."""

from fastapi import APIRouter, Depends, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import JSONResponse

from api.deps import PrincipalDep, SettingsDep
from geo.errors import Unauthorized

OPENAPI_URL = "/openapi.json"


def docs_reader(principal: PrincipalDep, settings: SettingsDep) -> None:
    """Anyone when anonymous reading is on; otherwise a signed-in account (401 for a visitor)."""
    if principal.is_anonymous and not settings.anonymous_read:
        raise Unauthorized("请先登录后查看接口文档 / please sign in to read the API documentation")


router = APIRouter(include_in_schema=False, dependencies=[Depends(docs_reader)])


@router.get(OPENAPI_URL)
def openapi_document(request: Request) -> JSONResponse:
    """The OpenAPI document (app.openapi_url is None so that this route, with its check, serves it)."""
    return JSONResponse(request.app.openapi())


@router.get("/docs")
def swagger_ui(request: Request):
    """Swagger UI for /openapi.json, with no CDN."""
    return get_swagger_ui_html(
        openapi_url=OPENAPI_URL,
        title=f"{request.app.title} — API",
        swagger_js_url="/vendor/swagger-ui-dist/swagger-ui-bundle.js",
        swagger_css_url="/vendor/swagger-ui-dist/swagger-ui.css",
        swagger_favicon_url="/vendor/swagger-ui-dist/favicon-32x32.png",
    )
