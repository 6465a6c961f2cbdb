"""Escalation: when a request times out and the order has fewer answered quotes than
MIN_QUOTES, the next suppliers (``suggest_suppliers``, not yet asked for this order) are
named in ``request.escalation``, and asked at once with AUTO_ESCALATE.

It runs in the sweeper's transaction, right after the timeout it follows from: a timeout
happens once (the request row is claimed ``SKIP LOCKED`` and leaves ``sent``), so each
escalation, and each automatic RFQ, happens once. Requests of one order timing out in
one sweep escalate once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from snab_contracts.orders import EscalationSupplier, RequestEscalation, RequestStatus
from snab_contracts.rpc.escalation import OrdersEscalate
from snab_contracts.rpc.orders import (
    OrdersSendRequests,
    OrdersSuggestSuppliers,
    SentRequests,
    SupplierSuggestion,
)
from snab_kit.consume import Tx
from snab_kit.logging import get_logger
from snab_orders.db.tables import orders, supplier_requests
from snab_orders.domain.errors import RuleViolation
from snab_orders.domain.states import FINAL_ORDER_STATUSES
from snab_orders.services.common import SYSTEM, audit
from snab_orders.services.requests import send_requests
from snab_orders.services.suggestions import suggest_suppliers
from snab_orders.settings import OrdersSettings

log = get_logger(__name__)

SUGGESTIONS_LOOKED_AT = 50


async def next_suppliers(
    session: AsyncSession, order_id: UUID, settings: OrdersSettings
) -> list[SupplierSuggestion]:
    """The best-ranked active suppliers with an address not asked for this order yet."""
    ranked = await suggest_suppliers(
        session=session,
        req=OrdersSuggestSuppliers(order_id=order_id, limit=SUGGESTIONS_LOOKED_AT),
        settings=settings,
    )
    fresh = [s for s in ranked.suggestions if not s.already_requested and s.emails]
    return fresh[: settings.escalate_suppliers]


async def _answered(session: AsyncSession, order_id: UUID) -> int:
    count = await session.scalar(
        select(func.count()).where(
            supplier_requests.c.order_id == order_id,
            supplier_requests.c.status == RequestStatus.ANSWERED.value,
        )
    )
    return int(count or 0)


async def after_timeouts(tx: Tx, settings: OrdersSettings, timed_out: Sequence[Row[Any]]) -> None:
    """Escalate the orders of these just timed-out requests that have too few quotes."""
    first_of_order: dict[UUID, Row[Any]] = {}
    for row in timed_out:
        first_of_order.setdefault(row.order_id, row)
    for order_id, request in first_of_order.items():
        await _escalate_order(tx, settings, order_id, request)


async def _escalate_order(
    tx: Tx, settings: OrdersSettings, order_id: UUID, request: Row[Any]
) -> None:
    session = tx.session
    answered = await _answered(session, order_id)
    order = (await session.execute(select(orders).where(orders.c.id == order_id))).one()
    if answered >= settings.min_quotes or order.status in {s.value for s in FINAL_ORDER_STATUSES}:
        return
    targets = await next_suppliers(session, order_id, settings)
    auto = settings.auto_escalate and bool(targets)
    if auto:
        await send_requests(
            tx=tx,
            req=OrdersSendRequests(
                order_id=order_id, supplier_ids=[t.supplier_id for t in targets], actor=SYSTEM
            ),
            settings=settings,
        )
    event = RequestEscalation(
        order_id=order_id,
        order_number=order.number,
        request_id=request.id,
        rfq_number=request.rfq_number,
        quotes_answered=answered,
        min_quotes=settings.min_quotes,
        suppliers=[
            EscalationSupplier(
                supplier_id=t.supplier_id, name=t.name, score=t.score, reasons=t.reasons
            )
            for t in targets
        ],
        auto_requested=auto,
        correlation_id=str(order_id),
    )
    await tx.emit(event)
    await audit(
        session,
        order_id=order_id,
        actor=SYSTEM,
        action="request.escalation",
        entity="request",
        entity_id=request.id,
        after={
            "quotes_answered": answered,
            "min_quotes": settings.min_quotes,
            "suppliers": [t.name for t in targets],
            "auto_requested": auto,
        },
    )
    log.info("order_escalated", number=order.number, suppliers=len(targets), auto=auto)


async def escalate(*, tx: Tx, req: OrdersEscalate, settings: OrdersSettings) -> SentRequests:
    """A manager's one action on an escalation: ask the named (or next) suppliers."""
    supplier_ids = req.supplier_ids
    if supplier_ids is None:
        targets = await next_suppliers(tx.session, req.order_id, settings)
        supplier_ids = [t.supplier_id for t in targets]
    if not supplier_ids:
        raise RuleViolation("все подходящие поставщики уже опрошены: спросить больше некого")
    return await send_requests(
        tx=tx,
        req=OrdersSendRequests(
            order_id=req.order_id, supplier_ids=supplier_ids, actor=req.actor or "user:unknown"
        ),
        settings=settings,
    )
