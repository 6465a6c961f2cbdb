"""``rpc.orders.browse``: orders slice by slice with keyset cursors and full-text search.

A slice is read with the index on (sort column, id): the cost of a slice does not grow
with how far into the list it is, and orders that arrive meanwhile never shift a page.
The total is counted only when asked for (on 100,000 orders it costs more than the
slice itself).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Uuid, func, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from snab_contracts.rpc.orders import OrdersBrowse, OrderSlice
from snab_orders.db.tables import orders
from snab_orders.domain.search import (
    CLIENT_VECTOR,
    ITEM_VECTOR,
    ORDER_VECTOR,
    decode_cursor,
    encode_cursor,
    search_terms,
)
from snab_orders.services import views
from snab_orders.services.order_filters import order_conditions
from snab_orders.services.orders import summary_select

_SORT_COLUMNS = {"created_at": orders.c.created_at, "updated_at": orders.c.updated_at}


def search_condition(terms: str) -> Any:
    """Orders whose own text, items or client match ``terms`` (a ``to_tsquery`` text)."""
    matching = text(
        f"SELECT id FROM orders.orders WHERE {ORDER_VECTOR} @@ to_tsquery('russian', :terms)"
        f" UNION SELECT order_id FROM orders.order_items"
        f" WHERE {ITEM_VECTOR} @@ to_tsquery('russian', :terms)"
        f" UNION SELECT id FROM orders.orders WHERE client_id IN (SELECT id FROM orders.clients"
        f" WHERE {CLIENT_VECTOR} @@ to_tsquery('russian', :terms))"
    ).bindparams(terms=terms)
    return orders.c.id.in_(matching.columns(id=Uuid))


async def browse_orders(*, session: AsyncSession, req: OrdersBrowse) -> OrderSlice:
    conditions = order_conditions(req)
    terms = search_terms(req.query)
    if terms is not None:
        conditions.append(search_condition(terms))
    total: int | None = None
    if req.with_total:
        total = await session.scalar(select(func.count()).select_from(orders).where(*conditions))
    field = req.sort.lstrip("-")
    column = _SORT_COLUMNS[field]
    descending = req.sort.startswith("-")
    stmt = summary_select().where(*conditions)
    if req.after:
        value, order_id = decode_cursor(req.sort, req.after)
        key = tuple_(column, orders.c.id)
        stmt = stmt.where(key < (value, order_id) if descending else key > (value, order_id))
    order_by = (column.desc(), orders.c.id.desc()) if descending else (column, orders.c.id)
    rows = (await session.execute(stmt.order_by(*order_by).limit(req.limit + 1))).all()
    more = len(rows) > req.limit
    rows = rows[: req.limit]
    next_cursor = (
        encode_cursor(req.sort, getattr(rows[-1], field), rows[-1].id) if more and rows else None
    )
    return OrderSlice(
        items=[views.order_summary(r) for r in rows], next_cursor=next_cursor, total=total
    )
