"""The rpc a manager's action makes, made as that manager (``bot:<telegram id>`` is the
actor the orders service writes in its audit log), and references as managers type them."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar
from uuid import UUID

from snab_contracts.base import Contract, RpcRequest
from snab_contracts.rpc.orders import OrdersGet
from snab_kit.rpc import RpcClient

R = TypeVar("R", bound=Contract)


def actor(user_id: int) -> str:
    return f"bot:{user_id}"


class Desk:
    def __init__(self, client: Callable[[], RpcClient], *, timeout: float = 10.0) -> None:
        self._client = client
        self.timeout = timeout

    async def call(
        self, user_id: int, request: RpcRequest[R], *, timeout: float | None = None
    ) -> R:
        """``request`` as the manager ``user_id``; raises the rpc's ``RpcFailure``."""
        request = request.model_copy(update={"actor": actor(user_id)})
        return await self._client().call(request, timeout=timeout or self.timeout)


_ORDER = re.compile(r"(?:ORD[-\s]?)?(?:(\d{4})-)?(\d{1,6})", re.IGNORECASE)


def order_request(text: str, *, today: datetime | None = None) -> OrdersGet | None:
    """``ORD-2026-0042``, ``2026-42``, ``42`` (this year) or an order id; None otherwise."""
    text = text.strip()
    try:
        return OrdersGet(order_id=UUID(text), audit_limit=0)
    except ValueError:
        pass
    match = _ORDER.fullmatch(text)
    if match is None:
        return None
    year = int(match[1]) if match[1] else (today or datetime.now(UTC)).year
    return OrdersGet(number=f"ORD-{year}-{int(match[2]):04d}", audit_limit=0)
