"""Supplier suggestions for an order: load what the ranking needs, rank in the domain."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from rapidfuzz import fuzz, process
from sqlalchemy import Row, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from snab_contracts.rpc.orders import (
    OrdersSuggestSuppliers,
    SupplierSuggestion,
    SupplierSuggestions,
)
from snab_orders.db.tables import (
    categories,
    order_items,
    orders,
    quote_lines,
    quotes,
    supplier_categories,
    supplier_requests,
    suppliers,
)
from snab_orders.domain.errors import NotFoundError
from snab_orders.domain.suppliers import HISTORY_NAME_CUTOFF, AnswerStats, score_supplier
from snab_orders.domain.text import normalise_name

HISTORY_LINES = 5000
"""How many recent quoted lines the history match looks at."""


async def _items(session: AsyncSession, req: OrdersSuggestSuppliers) -> list[Row[Any]]:
    order = await session.scalar(select(orders.c.id).where(orders.c.id == req.order_id))
    if order is None:
        raise NotFoundError("заявка не найдена", order_id=str(req.order_id))
    items = (
        await session.execute(
            select(order_items)
            .where(order_items.c.order_id == req.order_id)
            .order_by(order_items.c.position)
        )
    ).all()
    if req.item_ids is not None:
        wanted = set(req.item_ids)
        items = [i for i in items if i.id in wanted]
    return list(items)


async def _supplier_categories(session: AsyncSession) -> dict[UUID, dict[UUID, str]]:
    cats: dict[UUID, dict[UUID, str]] = {}
    for r in (
        await session.execute(
            select(supplier_categories.c.supplier_id, categories.c.id, categories.c.name).join(
                categories, categories.c.id == supplier_categories.c.category_id
            )
        )
    ).all():
        cats.setdefault(r.supplier_id, {})[r.id] = r.name
    return cats


async def _quoted_items(
    session: AsyncSession, order_id: UUID, items: Sequence[Row[Any]]
) -> dict[UUID, set[UUID]]:
    """Per supplier, this order's items like lines the supplier quoted on other orders."""
    history = (
        await session.execute(
            select(quote_lines.c.name, quotes.c.supplier_id)
            .join(quotes, quotes.c.id == quote_lines.c.quote_id)
            .where(quote_lines.c.unit_price.is_not(None), quotes.c.order_id != order_id)
            .order_by(quotes.c.received_at.desc())
            .limit(HISTORY_LINES)
        )
    ).all()
    names = [normalise_name(h.name) for h in history]
    quoted: dict[UUID, set[UUID]] = {}
    for item in items:
        for _, _score, index in process.extract(
            normalise_name(item.name),
            names,
            scorer=fuzz.token_set_ratio,
            score_cutoff=HISTORY_NAME_CUTOFF,
            limit=50,
        ):
            quoted.setdefault(history[index].supplier_id, set()).add(item.id)
    return quoted


async def answer_stats(session: AsyncSession) -> dict[UUID, AnswerStats]:
    sr = supplier_requests
    sent = sr.c.sent_at.is_not(None)
    rows = (
        await session.execute(
            select(
                sr.c.supplier_id,
                func.count().filter(sent).label("sent"),
                func.count().filter(and_(sent, sr.c.answered_at.is_not(None))).label("answered"),
                func.percentile_cont(0.5)
                .within_group(func.extract("epoch", sr.c.answered_at - sr.c.sent_at))
                .label("median"),
            ).group_by(sr.c.supplier_id)
        )
    ).all()
    return {
        r.supplier_id: AnswerStats(
            r.sent, r.answered, int(r.median) if r.median is not None else None
        )
        for r in rows
    }


async def suggest_suppliers(
    *, session: AsyncSession, req: OrdersSuggestSuppliers
) -> SupplierSuggestions:
    """Active suppliers ranked by: categories of the items, quotes they gave for similar
    items, how often and how fast they answer (``domain.suppliers.score_supplier``)."""
    items = await _items(session, req)
    supplier_rows = (
        await session.execute(
            select(suppliers).where(suppliers.c.active, suppliers.c.deleted_at.is_(None))
        )
    ).all()
    if not supplier_rows:
        return SupplierSuggestions(order_id=req.order_id)
    cats = await _supplier_categories(session)
    quoted = await _quoted_items(session, req.order_id, items)
    stats = await answer_stats(session)
    requested = set(
        (
            await session.execute(
                select(supplier_requests.c.supplier_id).where(
                    supplier_requests.c.order_id == req.order_id
                )
            )
        ).scalars()
    )
    item_categories = {i.id: i.category_id for i in items if i.category_id}
    scored: list[SupplierSuggestion] = []
    for s in supplier_rows:
        own = cats.get(s.id, {})
        st = stats.get(s.id)
        result = score_supplier(
            items_count=len(items),
            by_category={i for i, c in item_categories.items() if c in own},
            by_history=quoted.get(s.id, set()),
            stats=st,
        )
        scored.append(
            SupplierSuggestion(
                supplier_id=s.id,
                name=s.company,
                rank=1,
                score=result.score,
                reasons=result.reasons,
                emails=list(s.emails),
                category_names=sorted(own.values()),
                matched_item_ids=result.matched_item_ids,
                response_rate=st.response_rate if st else None,
                median_response_seconds=st.median_seconds if st else None,
                already_requested=s.id in requested,
            )
        )
    scored.sort(key=lambda x: (-x.score, x.name))
    return SupplierSuggestions(
        order_id=req.order_id,
        suggestions=[
            s.model_copy(update={"rank": n}) for n, s in enumerate(scored[: req.limit], start=1)
        ],
    )
