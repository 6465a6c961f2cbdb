"""``rpc.orders.map_quote_line``: a manager maps a quote line to an order item by hand
(load → decide in ``domain/line_mapping.py`` → write and audit)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from snab_contracts.rpc.orders import OrdersMapQuoteLine, QuoteView
from snab_kit.consume import Tx
from snab_orders.db.tables import (
    order_items,
    orders,
    quote_lines,
    quotes,
    supplier_requests,
    suppliers,
)
from snab_orders.domain.errors import NotFoundError, RuleViolation
from snab_orders.domain.line_mapping import LineMapping, decide_line_mapping
from snab_orders.services import views
from snab_orders.services.common import audit, utcnow


async def map_quote_line(*, tx: Tx, req: OrdersMapQuoteLine) -> QuoteView:
    session = tx.session
    line = (
        await session.execute(select(quote_lines).where(quote_lines.c.id == req.quote_line_id))
    ).first()
    if line is None:
        raise NotFoundError("строка ответа не найдена", quote_line_id=str(req.quote_line_id))
    quote = (await session.execute(select(quotes).where(quotes.c.id == line.quote_id))).one()
    # The order's lock orders this change with everything else done to the order.
    order = (
        await session.execute(
            select(orders.c.id, orders.c.number, orders.c.status)
            .where(orders.c.id == quote.order_id)
            .with_for_update()
        )
    ).one()
    latest = await session.scalar(
        select(func.max(quotes.c.version)).where(quotes.c.request_id == quote.request_id)
    )
    item_ids = (
        await session.execute(select(order_items.c.id).where(order_items.c.order_id == order.id))
    ).scalars()
    others = (
        await session.execute(
            select(quote_lines.c.item_id, quote_lines.c.line_no).where(
                quote_lines.c.quote_id == quote.id,
                quote_lines.c.id != line.id,
                quote_lines.c.item_id.is_not(None),
            )
        )
    ).all()
    facts = LineMapping(
        order_number=order.number,
        order_status=order.status,
        latest_version=quote.version == latest,
        line_no=line.line_no,
        current_item_id=line.item_id,
        order_item_ids=frozenset(item_ids),
        items_taken={r.item_id: r.line_no for r in others},
    )
    remap = decide_line_mapping(facts, req.item_id)
    analogue = line.analogue if req.analogue is None else req.analogue
    if analogue and req.item_id is None:
        raise RuleViolation("аналог какой позиции? Укажите позицию заявки")
    if remap or analogue != line.analogue:
        await session.execute(
            update(quote_lines)
            .where(quote_lines.c.id == line.id)
            .values(
                item_id=req.item_id,
                analogue=analogue,
                match_score=None if remap else line.match_score,
            )
        )
        await session.execute(
            update(orders).where(orders.c.id == order.id).values(updated_at=utcnow())
        )
        await audit(
            session,
            order_id=order.id,
            actor=req.actor or "user:unknown",
            action="quote.line_mapped",
            entity="quote",
            entity_id=quote.id,
            before={
                "line_no": line.line_no,
                "item_id": line.item_id,
                "score": line.match_score,
                "analogue": line.analogue,
            },
            after={"line_no": line.line_no, "item_id": req.item_id, "analogue": analogue},
        )
    return await quote_view(session, quote.id)


async def quote_view(session: AsyncSession, quote_id: UUID) -> QuoteView:
    row = (
        await session.execute(
            select(
                quotes,
                suppliers.c.company.label("supplier_name"),
                supplier_requests.c.rfq_number,
            )
            .join(suppliers, suppliers.c.id == quotes.c.supplier_id)
            .join(supplier_requests, supplier_requests.c.id == quotes.c.request_id)
            .where(quotes.c.id == quote_id)
        )
    ).one()
    lines = (
        await session.execute(
            select(quote_lines)
            .where(quote_lines.c.quote_id == quote_id)
            .order_by(quote_lines.c.line_no)
        )
    ).all()
    return views.quote_view(row, lines)
