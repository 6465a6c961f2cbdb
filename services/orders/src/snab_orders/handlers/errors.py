"""Domain errors as the bus and rpc callers see them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import TypeVar

from pydantic import BaseModel

from snab_kit.consume import Permanent
from snab_kit.rpc import InvalidTransition, ValidationFailed
from snab_orders.domain.errors import DomainError, IllegalTransition

Q = TypeVar("Q", bound=BaseModel)
R = TypeVar("R", bound=BaseModel)
E = TypeVar("E")
T = TypeVar("T")


def rpc_errors(fn: Callable[[Q], Awaitable[R]]) -> Callable[[Q], Awaitable[R]]:
    """An illegal transition is ``invalid_transition``; any other broken rule ``validation``."""

    @wraps(fn)
    async def wrapper(req: Q) -> R:
        try:
            return await fn(req)
        except IllegalTransition as exc:
            raise InvalidTransition(exc.message, **exc.details) from exc
        except DomainError as exc:
            raise ValidationFailed(exc.message, **exc.details) from exc

    return wrapper


def event_errors(fn: Callable[[E, T], Awaitable[None]]) -> Callable[[E, T], Awaitable[None]]:
    """A broken rule will break again on redelivery: straight to the DLQ, with its reason."""

    @wraps(fn)
    async def wrapper(event: E, tx: T) -> None:
        try:
            await fn(event, tx)
        except DomainError as exc:
            raise Permanent(f"{exc.message} {exc.details}") from exc

    return wrapper
