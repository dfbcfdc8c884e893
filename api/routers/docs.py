"""OpenAPI docs served with the app's own Swagger UI copy (web/node_modules), so /docs works offline."""

from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)

SWAGGER = "/vendor/swagger-ui-dist"


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI for /openapi.json, with no CDN; started by web/js/docs.js, since the CSP runs no inline script."""
    title = escape(f"{request.app.title} — API")
    return HTMLResponse(f"""<!doctype html>
<html>
<head>
  <meta charset="utf-8">
  <title>{title}</title>
  <link rel="stylesheet" href="{SWAGGER}/swagger-ui.css">
  <link rel="icon" href="{SWAGGER}/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui" data-openapi-url="{escape(request.app.openapi_url)}"></div>
  <script src="{SWAGGER}/swagger-ui-bundle.js"></script>
  <script src="/js/docs.js"></script>
</body>
</html>""")
