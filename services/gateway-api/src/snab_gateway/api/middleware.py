"""One ASGI middleware in front of everything: a request id, a cap on the body size,
security headers, the last line of defence against an unexpected exception (a 500
with a request id; the exception's type is logged, its message is not: it may hold SQL
or data), request metrics and the log line."""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any

import structlog
from prometheus_client import Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from snab_gateway.api.errors import INTERNAL_MESSAGE, ErrorBody
from snab_kit import metrics
from snab_kit.logging import get_logger

log = get_logger(__name__)

HTTP_SECONDS = Histogram(
    "snab_gateway_http_seconds",
    "Time to answer an HTTP request, by route template, method and status.",
    ["method", "route", "status"],
    buckets=(0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=metrics.registry,
)

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


_ADMIN_CSP = (
    b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    b"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    b"base-uri 'none'; object-src 'none'"
)
"""The web admin's pages run only the admin's own scripts: email content shown in a page
(sanitised already) could not run one even if a sanitiser missed it."""


class _TooLarge(Exception):
    pass


class Guard:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int, debug: bool = False) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.debug = debug

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = dict(scope.get("headers") or [])
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = request_id
        path: str = scope.get("path", "")
        status = 500
        response_started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = int(message["status"])
                extra = [(b"x-request-id", request_id.encode()), *_SECURITY_HEADERS]
                if path.startswith("/api/v1"):
                    extra.append((b"cache-control", b"no-store"))
                elif path.startswith("/admin"):
                    extra.append((b"content-security-policy", _ADMIN_CSP))
                    if not path.startswith("/admin/static/"):
                        extra.append((b"cache-control", b"no-store"))
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._refuse(send_with_headers, request_id, 413, "too_large")
            self._record(scope, started, 413, request_id)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise _TooLarge
            return message

        structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            await self.app(scope, counting_receive, send_with_headers)
        except _TooLarge:
            if not response_started:
                await self._refuse(send_with_headers, request_id, 413, "too_large")
        except Exception as exc:
            log.error(
                "request_failed",
                method=scope.get("method"),
                path=_route(scope),
                error=type(exc).__name__,
                exc_info=self.debug,
            )
            if not response_started:
                await self._refuse(send_with_headers, request_id, 500, "internal")
        finally:
            self._record(scope, started, status, request_id)
            structlog.contextvars.unbind_contextvars("request_id")

    async def _refuse(self, send: Send, request_id: str, status: int, code: Any) -> None:
        detail = "запрос слишком большой" if status == 413 else INTERNAL_MESSAGE
        body = json.dumps(
            ErrorBody(code=code, detail=detail, request_id=request_id).model_dump(mode="json"),
            ensure_ascii=False,
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def _record(self, scope: Scope, started: float, status: int, request_id: str) -> None:
        elapsed = time.perf_counter() - started
        route = _route(scope)
        method = str(scope.get("method", ""))
        HTTP_SECONDS.labels(method, route, str(status)).observe(elapsed)
        if status >= 400 and status != 500:  # a 500 is logged where it happened
            log.info("request", method=method, route=route, status=status, ms=round(elapsed * 1000))
        else:
            log.debug(
                "request", method=method, route=route, status=status, ms=round(elapsed * 1000)
            )


def _route(scope: Scope) -> str:
    route = scope.get("route")
    template = getattr(route, "path", None)
    return template if isinstance(template, str) else "unmatched"
