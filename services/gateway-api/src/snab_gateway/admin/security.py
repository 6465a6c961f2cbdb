"""The web admin's door: a cookie session for the API's users, and CSRF tokens.

The session cookie (``snab_session``) holds a random secret, HttpOnly and SameSite=Lax,
valid under ``/admin`` only; the server keeps its hash (``auth/sessions.py``). Every form
carries a CSRF token derived from that secret with the gateway's key (HMAC), so a page
of another site cannot post in the manager's name even where SameSite is not honoured;
htmx sends the same token in a header. The login form, which has no session yet, is
protected the same way by a short-lived cookie of its own (double submit).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from starlette.responses import Response

from snab_gateway.api.deps import Runtime, RuntimeDep
from snab_gateway.auth import sessions
from snab_gateway.auth.models import User

SESSION_COOKIE = "snab_session"
LOGIN_COOKIE = "snab_login"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
COOKIE_PATH = "/admin"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class LoginRequired(Exception):
    """No live session: the browser is sent to the login page."""


class CsrfRefused(Exception):
    """A form posted without the token of its session."""


class AdminOnly(Exception):
    """A manager on a page for admins."""


def csrf_token(key: str, secret: str) -> str:
    return hmac.new(key.encode(), b"csrf:" + secret.encode(), hashlib.sha256).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def set_cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


async def _given_token(request: Request) -> str:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


async def check_csrf(request: Request, expected: str) -> None:
    if request.method in SAFE_METHODS:
        return
    given = await _given_token(request)
    if not given or not hmac.compare_digest(given, expected):
        raise CsrfRefused


class Admin:
    """The signed-in user of a page, with the CSRF token of their session."""

    __slots__ = ("csrf", "user")

    def __init__(self, user: User, csrf: str) -> None:
        self.user = user
        self.csrf = csrf


async def _session_admin(request: Request, rt: Runtime) -> Admin:
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        raise LoginRequired
    async with rt.service.sessions() as session:
        user = await sessions.session_user(session=session, secret=secret)
    if user is None:
        raise LoginRequired
    admin = Admin(user, csrf_token(rt.secret_key, secret))
    await check_csrf(request, admin.csrf)
    request.state.admin = admin
    return admin


async def signed_in(request: Request, rt: RuntimeDep) -> Admin:
    return await _session_admin(request, rt)


SignedIn = Annotated[Admin, Depends(signed_in)]


async def admin_role(admin: SignedIn) -> Admin:
    if not admin.user.is_admin:
        raise AdminOnly
    return admin


AdminRole = Annotated[Admin, Depends(admin_role)]


def login_url(request: Request) -> str:
    """The login page, coming back to this page (a GET) afterwards."""
    if request.method == "GET" and request.url.path != "/admin/login":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return f"/admin/login?next={quote(target, safe='')}"
    return "/admin/login"


def safe_next(value: str | None) -> str:
    """Only a path of the admin itself (never another site) is a place to go after login."""
    if value and value.startswith("/admin") and not value.startswith("//") and "\\" not in value:
        return value
    return "/admin/orders"
