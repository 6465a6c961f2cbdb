"""Clarifications: what an order's request left out, asked of the client by email."""

from __future__ import annotations

from uuid import UUID

from snab_contracts.rpc.clarifications import (
    ClarificationView,
    OrdersDraftClarification,
    OrdersSendClarification,
)
from snab_gateway.auth.models import User
from snab_kit.rpc import RpcClient


async def draft(*, rpc: RpcClient, user: User, order_id: UUID) -> ClarificationView:
    """The email orders would send now, and what each line lacks (maybe nothing)."""
    return await rpc.call(OrdersDraftClarification(order_id=order_id, actor=user.actor))


async def send(
    *,
    rpc: RpcClient,
    user: User,
    order_id: UUID,
    text: str | None = None,
    to: list[str] | None = None,
) -> ClarificationView:
    """Send it in the client's thread: as drafted (``text`` None) or the manager's text."""
    return await rpc.call(
        OrdersSendClarification(order_id=order_id, text=text, to=to, actor=user.actor)
    )
