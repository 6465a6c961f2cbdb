"""Every error the API answers with, in one shape, from one table.

``STATUS_OF`` maps the rpc failure codes — which the services' domain errors travel as —
to HTTP statuses, once: a new code lands in one place. The gateway's own use cases raise
the same domain errors (``snab_kit.errors``) and go through the same table. Messages of
domain errors are Russian and written for managers: they are passed through. Nothing
else is: an unavailable service, an internal error or an unexpected exception answer
with a generic message and a request id, never a stack trace, SQL or a setting.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from snab_gateway.auth.errors import LoginThrottled, NotAllowed, NotAuthenticated
from snab_kit.errors import DomainError
from snab_kit.logging import get_logger
from snab_kit.rpc import RpcFailure, failure_for

log = get_logger(__name__)

ErrorCode = Literal[
    "not_found",
    "invalid_transition",
    "conflict",
    "validation",
    "unavailable",
    "internal",
    "unauthorized",
    "forbidden",
    "too_many_attempts",
    "method_not_allowed",
    "too_large",
    "bad_request",
]

STATUS_OF: dict[str, int] = {
    "not_found": 404,
    "invalid_transition": 409,
    "conflict": 409,
    "validation": 422,
    "unavailable": 503,
    "internal": 500,
}
"""rpc failure code → HTTP status: the one mapping of the gateway."""

RETRY_AFTER_SECONDS = 5
"""What an unavailable service's 503 tells the client to wait."""

UNAVAILABLE_MESSAGE = "служба временно недоступна: повторите через несколько секунд"
INTERNAL_MESSAGE = "внутренняя ошибка: повторите позже или сообщите номер запроса"

_CODE_OF_STATUS: dict[int, ErrorCode] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "validation",
    429: "too_many_attempts",
    503: "unavailable",
}
_MESSAGE_OF_STATUS = {
    400: "некорректный запрос",
    401: "нужен вход: токен отсутствует, неверен или устарел",
    403: "недостаточно прав",
    404: "не найдено",
    405: "метод не поддерживается",
    413: "запрос слишком большой",
}


class FieldError(BaseModel):
    loc: str = Field(description="Where, dotted: body.items.0.quantity, query.limit.")
    type: str = Field(description="What kind of mistake (machine-readable).")
    msg: str = ""


class ErrorBody(BaseModel):
    """Every error answer. ``detail`` is for people (Russian), ``code`` for programs."""

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "code": "invalid_transition",
                    "detail": "Заявка: переход new → won недопустим",
                    "errors": [],
                    "details": {"entity": "order", "current": "new", "target": "won"},
                    "request_id": "4f9c2d1e0a7b3c55",
                }
            ]
        }
    }

    code: ErrorCode
    detail: str
    errors: list[FieldError] = Field(default_factory=list)
    details: dict[str, Any] = Field(
        default_factory=dict, description="Ids and names the error is about."
    )
    request_id: str | None = None


def _request_id(request: Request) -> str | None:
    value = request.scope.get("state", {}).get("request_id")
    return value if isinstance(value, str) else None


def error_response(
    request: Request,
    status: int,
    code: ErrorCode,
    detail: str,
    *,
    errors: list[FieldError] | None = None,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = ErrorBody(
        code=code,
        detail=detail,
        errors=errors or [],
        details=details or {},
        request_id=_request_id(request),
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)


def _field_errors(raw: object) -> list[FieldError]:
    found: list[FieldError] = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict):
            found.append(
                FieldError(
                    loc=str(item.get("loc", ""))[:200],
                    type=str(item.get("type", ""))[:100],
                    msg=str(item.get("msg", ""))[:200],
                )
            )
    return found


def _plain_details(details: dict[str, Any]) -> dict[str, Any]:
    """Ids, names and numbers only: whatever else a detail holds stays out."""
    return {
        str(k)[:64]: v
        for k, v in details.items()
        if k != "errors" and (v is None or isinstance(v, str | int | float | bool | list))
    }


def failure_response(request: Request, failure: RpcFailure) -> JSONResponse:
    code = failure.code if failure.code in STATUS_OF else "internal"
    status = STATUS_OF[code]
    if code == "unavailable":
        log.warning("service_unavailable", reason=failure.message[:200])
        return error_response(
            request,
            status,
            "unavailable",
            UNAVAILABLE_MESSAGE,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if code == "internal":
        log.error("service_failed", reason=failure.message[:200])
        return error_response(request, status, "internal", INTERNAL_MESSAGE)
    return error_response(
        request,
        status,
        code,  # type: ignore[arg-type]
        failure.message,
        errors=_field_errors(failure.details.get("errors")),
        details=_plain_details(failure.details),
    )


async def _on_rpc_failure(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RpcFailure)
    return failure_response(request, exc)


async def _on_domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return failure_response(request, failure_for(exc))


async def _on_not_authenticated(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, NotAuthenticated)
    return error_response(
        request, 401, "unauthorized", exc.message, headers={"WWW-Authenticate": "Bearer"}
    )


async def _on_not_allowed(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, NotAllowed)
    return error_response(request, 403, "forbidden", exc.message)


async def _on_throttled(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, LoginThrottled)
    wait = max(1, round(exc.retry_after))
    return error_response(
        request,
        429,
        "too_many_attempts",
        exc.message,
        details={"retry_after": wait},
        headers={"Retry-After": str(wait)},
    )


async def _on_request_invalid(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        FieldError(
            loc=".".join(str(part) for part in error.get("loc", ()))[:200],
            type=str(error.get("type", ""))[:100],
            msg=str(error.get("msg", ""))[:200],
        )
        for error in exc.errors()[:20]
    ]
    return error_response(request, 422, "validation", "запрос не прошёл проверку", errors=errors)


async def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    code = _CODE_OF_STATUS.get(status, "bad_request" if status < 500 else "internal")
    detail = exc.detail if isinstance(exc.detail, str) and status < 500 else None
    message = detail if detail and not detail.isascii() else _MESSAGE_OF_STATUS.get(status)
    return error_response(
        request,
        status,
        code,
        message or INTERNAL_MESSAGE,
        headers=dict(exc.headers) if exc.headers else None,
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(RpcFailure, _on_rpc_failure)
    app.add_exception_handler(DomainError, _on_domain_error)
    app.add_exception_handler(NotAuthenticated, _on_not_authenticated)
    app.add_exception_handler(NotAllowed, _on_not_allowed)
    app.add_exception_handler(LoginThrottled, _on_throttled)
    app.add_exception_handler(RequestValidationError, _on_request_invalid)
    app.add_exception_handler(HTTPException, _on_http_error)


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The documented error answers of a route (every one has the ErrorBody shape)."""
    described = {
        400: "The request cannot be read.",
        401: "No token, a bad or expired one, or the user is disabled.",
        403: "The user's role does not allow this.",
        404: "Not found.",
        409: "Not allowed in the current state, or a conflict with existing data.",
        413: "The request body is too large.",
        422: "The input breaks a rule; ``errors`` says where.",
        429: "Too many login attempts; ``Retry-After`` says how long to wait.",
        503: "A service does not answer; ``Retry-After`` says when to try again.",
        500: "An internal error (the answer carries the request id, nothing else).",
    }
    return {s: {"model": ErrorBody, "description": described[s]} for s in statuses}
