"""Request-reply over NATS core subjects ``rpc.<service>.<name>``.

A reply is JSON ``{"ok": true, "result": ...}`` or ``{"ok": false, "error": {"code",
"message", "details"}}``; errors are typed on both sides.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar, TypeVar

import nats.errors
from nats.aio.client import Client
from pydantic import BaseModel

from snab_kit.bus import BusNames

R = TypeVar("R", bound=BaseModel)


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

    async def call(
        self, request: BaseModel, result_type: type[R], *, timeout: float | None = None
    ) -> R:
        subject: str = request.SUBJECT  # type: ignore[attr-defined]
        return result_type.model_validate(await self.call_raw(subject, request, timeout=timeout))
