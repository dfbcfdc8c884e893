"""OpenAPI docs served with the app's own Swagger UI copy (web/node_modules), so /docs works offline."""

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html

router = APIRouter(include_in_schema=False)


@router.get("/docs")
def swagger_ui(request: Request):
    """Swagger UI for /openapi.json, with no CDN."""
    return get_swagger_ui_html(
        openapi_url=request.app.openapi_url,
        title=f"{request.app.title} — API",
        swagger_js_url="/vendor/swagger-ui-dist/swagger-ui-bundle.js",
        swagger_css_url="/vendor/swagger-ui-dist/swagger-ui.css",
        swagger_favicon_url="/vendor/swagger-ui-dist/favicon-32x32.png",
    )
