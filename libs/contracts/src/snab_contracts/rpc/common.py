"""The reply envelope of every rpc call, and the small shapes several calls share."""

from __future__ import annotations

from datetime import date
from typing import Any, Generic, Literal, Self, TypeVar
from uuid import UUID

from pydantic import Field, model_validator

from snab_contracts.base import Contract, ResultT, RpcRequest

ReplyT = TypeVar("ReplyT")

ErrorCode = Literal[
    "not_found", "invalid_transition", "validation", "conflict", "unavailable", "internal"
]


class RpcError(Contract):
    code: ErrorCode
    message: str = Field(description="Human-readable, in Russian: may be shown to a user.")
    details: dict[str, Any] = Field(default_factory=dict)


class RpcReply(Contract, Generic[ReplyT]):
    """What every rpc handler answers: ``ok`` with a result, or not ``ok`` with an error.

    Read a reply with the request's reply model: ``reply_model(OrdersGet)``, which is
    ``RpcReply[OrderDetail]``.
    """

    ok: bool
    result: ReplyT | None = None
    error: RpcError | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.ok and (self.error is not None or self.result is None):
            raise ValueError("a successful reply carries a result and no error")
        if not self.ok and self.error is None:
            raise ValueError("a failed reply carries an error")
        return self

    @classmethod
    def success(cls, result: ReplyT) -> RpcReply[ReplyT]:
        return cls(ok=True, result=result)

    @classmethod
    def failure(
        cls, code: ErrorCode, message: str, details: dict[str, Any] | None = None
    ) -> RpcReply[ReplyT]:
        return cls(ok=False, error=RpcError(code=code, message=message, details=details or {}))


def reply_model(request: type[RpcRequest[Any]]) -> type[RpcReply[Any]]:
    """The reply model of an rpc request class: ``RpcReply[request.RESULT]``."""
    return RpcReply[request.RESULT]  # type: ignore[name-defined]


class PagedRequest(RpcRequest[ResultT], Generic[ResultT]):
    page: int = Field(default=1, ge=1)
    page_size: int = Field(default=50, ge=1, le=500)


class PeriodRequest(RpcRequest[ResultT], Generic[ResultT]):
    """A request over an optional closed period of dates (Europe/Moscow calendar days)."""

    period_from: date | None = None
    period_to: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.period_from and self.period_to and self.period_from > self.period_to:
            raise ValueError("period_from is after period_to")
        return self


class Deleted(Contract):
    """Result of a delete: the id that is gone (or deactivated, where history needs it)."""

    id: UUID
    deactivated: bool = Field(
        default=False, description="True when kept but deactivated because history refers to it."
    )
