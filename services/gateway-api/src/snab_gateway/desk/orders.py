"""Orders: browse and search, detail, edits, supplier requests, escalation, outcome."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal
from uuid import UUID

from snab_contracts.orders import OrderStatus
from snab_contracts.rpc.escalation import OrdersEscalate
from snab_contracts.rpc.orders import (
    BrowseSort,
    ComparisonView,
    DeskCounters,
    OrderDetail,
    OrderItemInput,
    OrdersBrowse,
    OrdersDeskCounters,
    OrdersGet,
    OrderSlice,
    OrdersMarkOutcome,
    OrdersSendRequests,
    OrdersSuggestSuppliers,
    OrderSummary,
    OrdersUpdate,
    SentRequests,
    SupplierSuggestions,
)
from snab_gateway.auth.models import User
from snab_gateway.desk.checks import checked
from snab_kit.rpc import NotFound, RpcClient


async def browse(
    *,
    rpc: RpcClient,
    user: User,
    statuses: Sequence[OrderStatus] = (),
    client_id: UUID | None = None,
    query: str | None = None,
    created_from: date | None = None,
    created_to: date | None = None,
    needs_review: bool | None = None,
    sort: BrowseSort = "-created_at",
    after: str | None = None,
    limit: int = 50,
    with_total: bool = False,
) -> OrderSlice:
    return await rpc.call(
        OrdersBrowse(
            statuses=list(statuses),
            client_id=client_id,
            query=query,
            created_from=created_from,
            created_to=created_to,
            needs_review=needs_review,
            sort=sort,
            after=after,
            limit=limit,
            with_total=with_total,
            actor=user.actor,
        )
    )


async def get(
    *,
    rpc: RpcClient,
    user: User,
    order_id: UUID | None = None,
    number: str | None = None,
    audit_limit: int = 100,
) -> OrderDetail:
    with checked():
        request = OrdersGet(
            order_id=order_id, number=number, audit_limit=audit_limit, actor=user.actor
        )
    return await rpc.call(request)


async def comparison(*, rpc: RpcClient, user: User, order_id: UUID) -> ComparisonView:
    detail = await get(rpc=rpc, user=user, order_id=order_id, audit_limit=0)
    if detail.comparison is None:
        raise NotFound("по заявке ещё нет ответов поставщиков", order_id=str(order_id))
    return detail.comparison


async def replace_items(
    *,
    rpc: RpcClient,
    user: User,
    order_id: UUID,
    items: list[OrderItemInput],
    reason: str | None = None,
) -> OrderDetail:
    return await rpc.call(
        OrdersUpdate(order_id=order_id, items=items, reason=reason, actor=user.actor)
    )


async def edit(
    *,
    rpc: RpcClient,
    user: User,
    order_id: UUID,
    client_id: UUID | None = None,
    deadline: date | None = None,
    resolve_review: bool = False,
    reason: str | None = None,
) -> OrderDetail:
    return await rpc.call(
        OrdersUpdate(
            order_id=order_id,
            client_id=client_id,
            deadline=deadline,
            resolve_review=resolve_review,
            reason=reason,
            actor=user.actor,
        )
    )


async def cancel(
    *, rpc: RpcClient, user: User, order_id: UUID, reason: str | None = None
) -> OrderDetail:
    return await rpc.call(
        OrdersUpdate(order_id=order_id, cancel=True, reason=reason, actor=user.actor)
    )


async def suggest_suppliers(
    *, rpc: RpcClient, user: User, order_id: UUID, limit: int = 10
) -> SupplierSuggestions:
    return await rpc.call(OrdersSuggestSuppliers(order_id=order_id, limit=limit, actor=user.actor))


async def send_requests(
    *,
    rpc: RpcClient,
    user: User,
    order_id: UUID,
    supplier_ids: list[UUID],
    item_ids: list[UUID] | None = None,
    message: str | None = None,
) -> SentRequests:
    return await rpc.call(
        OrdersSendRequests(
            order_id=order_id,
            supplier_ids=supplier_ids,
            item_ids=item_ids,
            message=message,
            actor=user.actor,
        )
    )


async def escalate(
    *, rpc: RpcClient, user: User, order_id: UUID, supplier_ids: list[UUID] | None = None
) -> SentRequests:
    """Ask more suppliers when too few answered: the ones given, or the next ones the
    orders service suggests (those a ``request.escalation`` named)."""
    return await rpc.call(
        OrdersEscalate(order_id=order_id, supplier_ids=supplier_ids, actor=user.actor)
    )


async def mark_outcome(
    *,
    rpc: RpcClient,
    user: User,
    order_id: UUID,
    outcome: Literal["won", "lost"],
    reason: str | None = None,
) -> OrderSummary:
    return await rpc.call(
        OrdersMarkOutcome(order_id=order_id, outcome=outcome, reason=reason, actor=user.actor)
    )


async def counters(*, rpc: RpcClient, user: User) -> DeskCounters:
    """What waits for a manager: new orders, to review, with quotes, timed out."""
    return await rpc.call(OrdersDeskCounters(actor=user.actor))
