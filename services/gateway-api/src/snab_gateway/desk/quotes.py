"""Quotes: mapping a supplier's line to an order item by hand."""

from __future__ import annotations

from uuid import UUID

from snab_contracts.rpc.orders import OrdersMapQuoteLine, QuoteView
from snab_gateway.auth.models import User
from snab_kit.rpc import RpcClient


async def map_line(
    *,
    rpc: RpcClient,
    user: User,
    quote_line_id: UUID,
    item_id: UUID | None,
    analogue: bool | None = None,
) -> QuoteView:
    """``analogue``: True marks the offer an analogue of the item, False the item itself,
    None leaves it as it is."""
    return await rpc.call(
        OrdersMapQuoteLine(
            quote_line_id=quote_line_id, item_id=item_id, analogue=analogue, actor=user.actor
        )
    )
