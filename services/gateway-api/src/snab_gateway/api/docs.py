"""The API's docs page at /api/docs: Swagger UI from files shipped with the gateway
(static/swagger-ui, no CDN), reading /api/v1/openapi.json. Public, like the document."""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_URL = "/api/docs"
STATIC_URL = "/api/docs/static"
OAUTH2_REDIRECT_URL = "/api/docs/oauth2-redirect"


def install(app: FastAPI) -> None:
    folder = resources.files("snab_gateway") / "static" / "swagger-ui"
    app.mount(STATIC_URL, StaticFiles(directory=str(folder)), name="swagger-ui")
    openapi_url = app.openapi_url or "/api/v1/openapi.json"

    @app.get(DOCS_URL, include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title}: API",
            swagger_js_url=f"{STATIC_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{STATIC_URL}/swagger-ui.css",
            swagger_favicon_url=f"{STATIC_URL}/favicon-32x32.png",
            oauth2_redirect_url=OAUTH2_REDIRECT_URL,
            swagger_ui_parameters={"persistAuthorization": True, "displayRequestDuration": True},
        )

    @app.get(OAUTH2_REDIRECT_URL, include_in_schema=False)
    async def oauth2_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()
