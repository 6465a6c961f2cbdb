"""Request-reply over NATS core subjects ``rpc.<service>.<name>``.

A reply is JSON ``{"ok": true, "result": ...}`` or ``{"ok": false, "error": {"code",
"message", "details"}}``; errors are typed on both sides.

One error model: use cases raise ``snab_kit.errors.DomainError`` subclasses; the
responder maps them here, once, to a failure code (``failure_for``); the caller's
``RpcClient.call`` raises the ``RpcFailure`` subclass of that code. The gateway maps
codes to HTTP statuses and the bot to Russian messages, each in one table of its own.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any, ClassVar, TypeVar

import nats.errors
from nats.aio.client import Client
from nats.aio.msg import Msg
from pydantic import BaseModel, ValidationError

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
RQ = TypeVar("RQ", bound=RpcRequest[Any])


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


# -- the boundary: what a request must be before any handler sees it ----------------------

MAX_DEPTH = 32
"""Nesting deeper than any contract needs (they go 4-5 levels deep)."""
MAX_ERRORS = 10
ACTOR = re.compile(r"[a-z]{2,16}:[^\s\x00-\x1f\x7f]{1,100}")
"""Who asks, as the authenticated caller names them: ``user:anna``, ``bot:12345``."""
_STRUCTURE = re.compile(rb'[\[\]{}"\\]')


def json_depth(data: bytes, limit: int = MAX_DEPTH) -> int:
    """Nesting depth of a JSON text, found without decoding it (linear: one pass over
    the brackets, quotes and backslashes); stops counting past ``limit``."""
    depth = deepest = 0
    in_string = False
    escaped_at = -1  # the position a backslash inside a string escapes
    for match in _STRUCTURE.finditer(data):
        at = match.start()
        if at == escaped_at:
            continue
        char = data[at]
        if in_string:
            if char == 0x5C:  # backslash
                escaped_at = at + 1
            elif char == 0x22:  # quote
                in_string = False
            continue
        if char == 0x22:
            in_string = True
        elif char in b"[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        elif char in b"]}":
            depth -= 1
    return deepest


def read_request(request_type: type[RQ], data: bytes, *, max_bytes: int) -> RQ:
    """The request, or ``ValidationFailed`` naming what is wrong without the input.

    Checked before decoding: size, UTF-8, NUL characters (PostgreSQL text cannot hold
    them), nesting depth; then the contract, then the actor's shape."""
    limit = max(max_bytes, getattr(request_type, "MAX_BYTES", 0))
    if len(data) > limit:
        raise ValidationFailed(f"запрос больше {limit} байт", size=len(data), limit=limit)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationFailed("запрос не в кодировке UTF-8") from None
    if b"\x00" in data or b"\\u0000" in data:
        raise ValidationFailed("символ NUL в запросе недопустим")
    if json_depth(data) > MAX_DEPTH:
        raise ValidationFailed(f"вложенность запроса больше {MAX_DEPTH}")
    try:
        request = request_type.model_validate_json(data)
    except ValidationError as exc:
        raise ValidationFailed(
            "запрос не подходит под контракт", errors=field_errors(exc)
        ) from None
    actor = request.actor
    if actor is not None and not ACTOR.fullmatch(actor):
        raise ValidationFailed(
            "actor: ожидается «вид:имя» без пробелов, до 100 символов",
            errors=[{"loc": "actor", "type": "actor_format"}],
        )
    return request


def field_errors(exc: ValidationError) -> list[dict[str, str]]:
    """Where and what, never the value: ``[{"loc": "items.0.quantity", "type": ..., "msg":
    ...}]``, at most ``MAX_ERRORS`` of them, each message cut short."""
    return [
        {
            "loc": ".".join(str(part) for part in error["loc"])[:200],
            "type": error["type"],
            "msg": error["msg"][:200],
        }
        for error in exc.errors(include_url=False, include_context=False, include_input=False)[
            :MAX_ERRORS
        ]
    ]


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

    async def request(self, subject: str, payload: bytes, *, timeout: float | None = None) -> Msg:
        """The raw reply to ``payload`` on ``subject``.

        "No responders" is retried until the timeout: a responder that is restarting (a
        deploy, a crash the runner recovers from) comes back within moments, and the server
        may briefly miss a subscription that was just made while another member of the
        same queue group went away."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (timeout or self.timeout)
        pause = 0.05
        while True:
            left = deadline - loop.time()
            try:
                return await self.nc.request(
                    self.names.subject(subject), payload, timeout=max(left, 0.001)
                )
            except nats.errors.NoRespondersError as exc:
                if loop.time() + pause >= deadline:
                    raise Unavailable(f"{subject}: no answer (nobody serves it)") from exc
                await asyncio.sleep(pause)
                pause = min(pause * 2, 1.0)
            except nats.errors.TimeoutError as exc:
                raise Unavailable(f"{subject}: no answer (timeout)") from exc

    async def call_raw(
        self, subject: str, request: BaseModel, *, timeout: float | None = None
    ) -> Any:
        msg = await self.request(subject, request.model_dump_json().encode(), timeout=timeout)
        reply = json.loads(msg.data)
        if not reply.get("ok"):
            raise failure_from_dict(reply.get("error") or {})
        return reply.get("result")

    async def call(self, request: RpcRequest[R], *, timeout: float | None = None) -> R:
        """Send ``request`` and return its declared result (``OrdersGet`` → ``OrderDetail``)."""
        result = await self.call_raw(request.SUBJECT, request, timeout=timeout)
        return request.RESULT.model_validate(result)  # type: ignore[return-value]
