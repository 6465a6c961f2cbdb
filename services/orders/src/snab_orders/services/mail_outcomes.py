"""``rpc.orders.mail_outcomes``: what became of received messages (for the inbox)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from snab_contracts.rpc.orders import MailOutcome, MailOutcomes, OrdersMailOutcomes
from snab_orders.db.tables import (
    order_items,
    orders,
    quote_lines,
    quotes,
    supplier_requests,
    unmatched_mail,
)

Outcomes = dict[object, MailOutcome]


async def mail_outcomes(*, session: AsyncSession, req: OrdersMailOutcomes) -> MailOutcomes:
    """An order made from the message comes first, then a quote read from it, then its
    place among unmatched mail (a message linked by hand is both: the quote wins)."""
    wanted = list(dict.fromkeys(req.mail_ids))
    found: dict[object, MailOutcome] = {}
    await _orders(session, wanted, found)
    await _quotes(session, wanted, found)
    await _unmatched(session, wanted, found)
    return MailOutcomes(items=[found[m] for m in wanted if m in found])


async def _orders(session: AsyncSession, wanted: list[UUID], found: Outcomes) -> None:
    items_count = (
        select(func.count())
        .select_from(order_items)
        .where(order_items.c.order_id == orders.c.id)
        .scalar_subquery()
    )
    for row in await session.execute(
        select(
            orders.c.source_mail_id,
            orders.c.id,
            orders.c.number,
            orders.c.needs_review,
            orders.c.review_reasons,
            orders.c.confidence,
            orders.c.extractor,
            items_count.label("items_count"),
        ).where(orders.c.source_mail_id.in_(wanted))
    ):
        found[row.source_mail_id] = MailOutcome(
            mail_id=row.source_mail_id,
            kind="order",
            order_id=row.id,
            order_number=row.number,
            needs_review=row.needs_review,
            review_reasons=list(row.review_reasons),
            confidence=row.confidence,
            extractor=row.extractor,
            lines_count=row.items_count,
        )


async def _quotes(session: AsyncSession, wanted: list[UUID], found: Outcomes) -> None:
    lines_count = (
        select(func.count())
        .select_from(quote_lines)
        .where(quote_lines.c.quote_id == quotes.c.id)
        .scalar_subquery()
    )
    for qrow in await session.execute(
        select(
            quotes.c.mail_id,
            quotes.c.id,
            quotes.c.order_id,
            quotes.c.request_id,
            quotes.c.needs_review,
            quotes.c.review_reasons,
            quotes.c.confidence,
            quotes.c.extractor,
            orders.c.number,
            supplier_requests.c.rfq_number,
            lines_count.label("lines_count"),
        )
        .join(orders, orders.c.id == quotes.c.order_id)
        .join(supplier_requests, supplier_requests.c.id == quotes.c.request_id)
        .where(quotes.c.mail_id.in_(wanted))
    ):
        found.setdefault(
            qrow.mail_id,
            MailOutcome(
                mail_id=qrow.mail_id,
                kind="quote",
                order_id=qrow.order_id,
                order_number=qrow.number,
                quote_id=qrow.id,
                request_id=qrow.request_id,
                rfq_number=qrow.rfq_number,
                needs_review=qrow.needs_review,
                review_reasons=list(qrow.review_reasons),
                confidence=qrow.confidence,
                extractor=qrow.extractor,
                lines_count=qrow.lines_count,
            ),
        )


async def _unmatched(session: AsyncSession, wanted: list[UUID], found: Outcomes) -> None:
    for urow in await session.execute(
        select(unmatched_mail).where(unmatched_mail.c.mail_id.in_(wanted))
    ):
        found.setdefault(
            urow.mail_id,
            MailOutcome(
                mail_id=urow.mail_id,
                kind="unmatched",
                reason=urow.reason,
                linked_request_id=urow.linked_request_id,
                needs_review=urow.linked_request_id is None,
                review_reasons=[urow.note] if urow.note else [],
            ),
        )
