"""Loading the offers of an order and building its comparison matrix."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from snab_contracts.rpc.orders import ComparisonView
from snab_orders.db.tables import order_items, quote_lines, quotes, suppliers
from snab_orders.domain.comparison import ItemInfo, Offer, compare
from snab_orders.services.rates import rate_book
from snab_orders.settings import OrdersSettings


def item_infos(rows: Sequence[Row[Any]]) -> list[ItemInfo]:
    return [
        ItemInfo(
            item_id=r.id,
            position=r.position,
            name=r.name,
            quantity=r.quantity,
            unit=r.unit,
            category_id=r.category_id,
            article=r.article,
        )
        for r in rows
    ]


async def load_items(session: AsyncSession, order_id: UUID) -> list[Row[Any]]:
    return list(
        (
            await session.execute(
                select(order_items)
                .where(order_items.c.order_id == order_id)
                .order_by(order_items.c.position)
            )
        ).all()
    )


async def load_offers(session: AsyncSession, order_id: UUID) -> list[Offer]:
    """Mapped lines of the latest quote version of each request of the order."""
    newer = quotes.alias("newer")
    latest = select(quotes.c.id).where(
        quotes.c.order_id == order_id,
        ~select(newer.c.id)
        .where(newer.c.request_id == quotes.c.request_id, newer.c.version > quotes.c.version)
        .exists(),
    )
    rows = (
        await session.execute(
            select(
                quote_lines.c.id.label("line_id"),
                quote_lines.c.item_id,
                quote_lines.c.unit_price,
                quote_lines.c.available,
                quote_lines.c.analogue,
                func.coalesce(quote_lines.c.lead_time_days, quotes.c.lead_time_days).label("lead"),
                quotes.c.id.label("quote_id"),
                quotes.c.supplier_id,
                quotes.c.currency,
                quotes.c.vat_included,
                quotes.c.received_at,
                suppliers.c.company,
            )
            .join(quotes, quotes.c.id == quote_lines.c.quote_id)
            .join(suppliers, suppliers.c.id == quotes.c.supplier_id)
            .where(quote_lines.c.quote_id.in_(latest))
            .where(quote_lines.c.item_id.is_not(None))
            .order_by(quote_lines.c.quote_id, quote_lines.c.line_no)
        )
    ).all()
    return [
        Offer(
            item_id=r.item_id,
            quote_id=r.quote_id,
            quote_line_id=r.line_id,
            supplier_id=r.supplier_id,
            supplier_name=r.company,
            unit_price=r.unit_price,
            currency=r.currency,
            vat_included=r.vat_included,
            available=r.available,
            lead_time_days=r.lead,
            received_at=r.received_at,
            analogue=r.analogue,
        )
        for r in rows
    ]


async def comparison_for(
    session: AsyncSession,
    *,
    order_id: UUID,
    settings: OrdersSettings,
    items: Sequence[Row[Any]] | None = None,
    chosen: Mapping[UUID, UUID] | None = None,
) -> ComparisonView:
    if items is None:
        items = await load_items(session, order_id)
    offers = await load_offers(session, order_id)
    book = await rate_book(session, settings, {o.currency for o in offers})
    return compare(
        item_infos(items),
        offers,
        vat_rate=settings.vat_rate,
        rates=book,
        chosen=chosen,
    )
