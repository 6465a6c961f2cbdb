"""Request-reply over NATS core subjects ``rpc.<service>.<name>``.

A reply is JSON ``{"ok": true, "result": ...}`` or ``{"ok": false, "error": {"code",
"message", "details"}}``; errors are typed on both sides.

One error model: use cases raise ``snab_kit.errors.DomainError`` subclasses; the
responder maps them here, once, to a failure code (``failure_for``); the caller's
``RpcClient.call`` raises the ``RpcFailure`` subclass of that code. The gateway maps
codes to HTTP statuses and the bot to Russian messages, each in one table of its own.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar, TypeVar

import nats.errors
from nats.aio.client import Client
from pydantic import BaseModel

from snab_contracts.base import Contract, RpcRequest
from snab_kit.bus import BusNames
from snab_kit.errors import (
    ConflictError,
    DomainError,
    IllegalTransition,
    NotFoundError,
    RuleViolation,
)

R = TypeVar("R", bound=Contract)


class RpcFailure(Exception):
    """An error the caller can act on; ``code`` travels in the reply."""

    code: ClassVar[str] = "internal"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}


class NotFound(RpcFailure):
    code = "not_found"


class InvalidTransition(RpcFailure):
    code = "invalid_transition"


class ValidationFailed(RpcFailure):
    code = "validation"


class Conflict(RpcFailure):
    code = "conflict"


class Unavailable(RpcFailure):
    code = "unavailable"


_BY_CODE: dict[str, type[RpcFailure]] = {
    cls.code: cls
    for cls in (RpcFailure, NotFound, InvalidTransition, ValidationFailed, Conflict, Unavailable)
}


_FAILURE_OF: tuple[tuple[type[DomainError], type[RpcFailure]], ...] = (
    (NotFoundError, NotFound),
    (IllegalTransition, InvalidTransition),
    (ConflictError, Conflict),
    (RuleViolation, ValidationFailed),
    (DomainError, ValidationFailed),
)


def failure_for(error: DomainError) -> RpcFailure:
    """The rpc failure a domain error travels as (the one mapping of the system)."""
    for domain_type, failure_type in _FAILURE_OF:
        if isinstance(error, domain_type):
            return failure_type(error.message, **error.details)
    raise AssertionError("unreachable: DomainError is the last row")


def ok_reply(result: BaseModel | None) -> bytes:
    body = result.model_dump(mode="json") if result is not None else None
    return json.dumps({"ok": True, "result": body}, ensure_ascii=False).encode()


def error_reply(failure: RpcFailure) -> bytes:
    return json.dumps(
        {"ok": False, "error": failure.to_dict()}, ensure_ascii=False, default=str
    ).encode()


def failure_from_dict(error: dict[str, Any]) -> RpcFailure:
    cls = _BY_CODE.get(str(error.get("code")), RpcFailure)
    return cls(str(error.get("message", "")), **dict(error.get("details") or {}))


class RpcClient:
    """Calls another service; raises the typed ``RpcFailure`` it answered with."""

    def __init__(self, nc: Client, names: BusNames, *, timeout: float = 10.0) -> None:
        self.nc = nc
        self.names = names
        self.timeout = timeout

    async def call_raw(
        self, subject: str, request: BaseModel, *, timeout: float | None = None
    ) -> Any:
        try:
            msg = await self.nc.request(
                self.names.subject(subject),
                request.model_dump_json().encode(),
                timeout=timeout or self.timeout,
            )
        except (nats.errors.NoRespondersError, nats.errors.TimeoutError) as exc:
            raise Unavailable(f"{subject}: no answer ({type(exc).__name__})") from exc
        reply = json.loads(msg.data)
        if not reply.get("ok"):
            raise failure_from_dict(reply.get("error") or {})
        return reply.get("result")

    async def call(self, request: RpcRequest[R], *, timeout: float | None = None) -> R:
        """Send ``request`` and return its declared result (``OrdersGet`` → ``OrderDetail``)."""
        result = await self.call_raw(request.SUBJECT, request, timeout=timeout)
        return request.RESULT.model_validate(result)  # type: ignore[return-value]
