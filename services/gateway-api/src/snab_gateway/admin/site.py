"""The web admin plugged into the gateway app: its static files, its routes, and what a
browser is shown when it has no session, a stale form, or not the right role."""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from snab_gateway.admin import pages
from snab_gateway.admin.security import AdminOnly, CsrfRefused, LoginRequired, login_url

STATIC_URL = "/admin/static"


def install(app: FastAPI) -> None:
    folder = resources.files("snab_gateway") / "admin" / "static"
    app.mount(STATIC_URL, StaticFiles(directory=str(folder)), name="admin-static")
    app.include_router(pages.router)
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(CsrfRefused, _csrf_refused)
    app.add_exception_handler(AdminOnly, _admin_only)


async def _login_required(request: Request, exc: Exception) -> Response:
    target = login_url(request)
    if request.headers.get("hx-request"):
        return Response(status_code=401, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


async def _csrf_refused(request: Request, exc: Exception) -> HTMLResponse:
    message = "Форма устарела или пришла не с этой страницы. Обновите страницу и повторите."
    return pages.render(request, "error.html", {"message": message}, status=403)


async def _admin_only(request: Request, exc: Exception) -> HTMLResponse:
    return pages.render(
        request, "error.html", {"message": "Раздел только для администратора."}, 403
    )
