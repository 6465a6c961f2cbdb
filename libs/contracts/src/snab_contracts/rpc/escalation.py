"""rpc.orders.escalate: ask the next suppliers when too few answered (answered by orders)."""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import UUID

from pydantic import Field

from snab_contracts.base import RpcRequest
from snab_contracts.rpc.orders import SentRequests


class OrdersEscalate(RpcRequest[SentRequests]):
    """Send requests to the suppliers a ``request.escalation`` named (or to the ones
    given), for the items of the order's earlier requests."""

    SUBJECT: ClassVar[str] = "rpc.orders.escalate"

    order_id: UUID
    supplier_ids: list[UUID] | None = Field(
        default=None, description="None: the next suppliers not yet asked, as suggested now."
    )


REQUESTS: tuple[type[RpcRequest[Any]], ...] = (OrdersEscalate,)
