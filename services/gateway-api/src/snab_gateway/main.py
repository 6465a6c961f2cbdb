"""Builds the gateway: a FastAPI app (REST under /api/v1, its docs at /api/docs) on top
of the shared service runtime, which gives it NATS, its schema, /health and /metrics.

Read top to bottom: the service, the first admin, the app with its error table and
guard, the routers (everything but the login needs a token; /users needs an admin), the
docs, the web admin under /admin (a cookie session), health and metrics.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from fastapi import APIRouter, FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from snab_gateway.admin import site
from snab_gateway.api import docs, errors
from snab_gateway.api.deps import Runtime, current_user, require_admin
from snab_gateway.api.middleware import Guard
from snab_gateway.api.routes import (
    analytics,
    auth,
    directory,
    documents,
    events,
    inbox,
    orders,
    proposals,
    quotes,
    rates,
    users,
)
from snab_gateway.auth import users as user_cases
from snab_gateway.db.tables import messaging, metadata
from snab_gateway.settings import GatewaySettings
from snab_kit import metrics
from snab_kit.errors import DomainError
from snab_kit.logging import configure_logging, get_logger
from snab_kit.service import Service

log = get_logger(__name__)

VERSION = "1.0.0"
DESCRIPTION = """The procurement desk over HTTP: orders, suppliers, clients, quotes,
proposals, the inbox, documents, analytics, and a stream of changes.

**Authentication.** Get a token from `POST /api/v1/auth/token` (OAuth2 password form:
`username`, `password`) and send it as `Authorization: Bearer <token>`; it lasts 24 hours.
Every route needs one; `/users` needs an admin (`x-required-role` on each operation).

**Errors** have one shape (`ErrorBody`): `code` for programs, `detail` in Russian for
people, `errors` with the fields at fault (422). 404 not found; 409 not allowed in the
current state or a conflict; 422 invalid input; 429 too many logins; 503 a service does
not answer (see `Retry-After`)."""

TAGS = [
    {"name": "auth", "description": "Tokens and the current user."},
    {"name": "orders", "description": "Client requests (заявки) and their workflow."},
    {"name": "quotes", "description": "Supplier quotes (котировки)."},
    {"name": "proposals", "description": "Commercial proposals (КП) and markup rules."},
    {"name": "suppliers", "description": "Suppliers and their categories."},
    {"name": "clients", "description": "Clients."},
    {"name": "inbox", "description": "Received mail, queues, manual intake."},
    {"name": "documents", "description": "Generated files."},
    {"name": "analytics", "description": "Figures for managers."},
    {"name": "events", "description": "What changed (server-sent events)."},
    {"name": "users", "description": "User management (admins)."},
]


def build(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or GatewaySettings()
    service = Service(name="gateway", settings=settings, metadata=metadata, tables=messaging)
    secret_key = (
        settings.secret_key.get_secret_value() if settings.secret_key else secrets.token_hex(32)
    )

    @service.on_startup
    async def first_admin() -> None:
        async with service.sessions() as session:
            if settings.admin_password is not None:
                try:
                    made = await user_cases.ensure_first_admin(
                        session=session,
                        username=settings.admin_username,
                        password=settings.admin_password.get_secret_value(),
                    )
                except DomainError as exc:  # a bad name or a short password: say so, serve
                    log.error("first_admin_not_created", reason=exc.message)
                    made = False
                if made:
                    log.info("first_admin_created", username=settings.admin_username)
            elif await user_cases.count_users(session=session) == 0:
                log.warning(
                    "no_users",
                    hint="set ADMIN_PASSWORD, or run `snab-gateway create-user NAME --role admin`",
                )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.secret_key is None:
            log.warning("secret_key_not_set", effect="tokens end when the gateway restarts")
        async with service.running():
            yield

    app = FastAPI(
        title="snab",
        version=VERSION,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.runtime = Runtime(service=service, settings=settings, secret_key=secret_key)
    errors.install(app)

    api = APIRouter(prefix="/api/v1")
    routers = (
        auth.public,
        auth.router,
        orders.router,
        quotes.router,
        proposals.router,
        directory.router,
        inbox.router,
        documents.router,
        analytics.router,
        rates.router,
        events.router,
        users.router,
    )
    for router in routers:
        mark_roles(router)
        api.include_router(router)
    app.include_router(api)
    docs.install(app)
    site.install(app)

    @app.get("/health", include_in_schema=False)
    async def health() -> JSONResponse:
        ok, checks = await service.health()
        body = {"status": "ok" if ok else "fail", "service": "gateway", "checks": checks}
        return JSONResponse(body, status_code=200 if ok else 503)

    @app.get("/metrics", include_in_schema=False)
    async def prometheus_metrics() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    app.add_middleware(Guard, max_body_bytes=settings.max_request_bytes, debug=settings.debug)
    return app


def mark_roles(router: APIRouter) -> None:
    """``x-required-role`` on every operation, read from the route's own dependencies (so
    the document cannot claim a protection the code does not have): ``admin``,
    ``manager`` (any user), or none for the login."""
    for route in router.routes:
        if not isinstance(route, APIRoute):
            continue
        role = (
            "admin"
            if _depends_on(route.dependant, require_admin)
            else "manager"
            if _depends_on(route.dependant, current_user)
            else None
        )
        if role is not None:
            route.openapi_extra = {**(route.openapi_extra or {}), "x-required-role": role}


def _depends_on(dependant: Dependant, fn: Callable[..., Any]) -> bool:
    return any(d.call is fn or _depends_on(d, fn) for d in dependant.dependencies)


def run(settings: GatewaySettings) -> None:
    configure_logging(service="gateway", level=settings.log_level, fmt=settings.log_format)
    uvicorn.run(
        build(settings),
        host=settings.http_host,
        port=settings.http_port,
        log_level="warning",
        access_log=False,
        proxy_headers=True,
        forwarded_allow_ips=settings.trusted_proxies,
        # Event streams never end by themselves: a stop must not wait for them.
        timeout_graceful_shutdown=3,
    )
