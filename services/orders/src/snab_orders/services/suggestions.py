"""Supplier suggestions for an order: load what the ranking needs, rank in the domain."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any
from uuid import UUID

from rapidfuzz import fuzz, process
from sqlalchemy import Row, any_, select
from sqlalchemy.ext.asyncio import AsyncSession

from snab_contracts.orders import OrderStatus
from snab_contracts.rpc.orders import (
    OrdersSuggestSuppliers,
    SupplierSuggestion,
    SupplierSuggestions,
)
from snab_orders.db.tables import (
    categories,
    order_items,
    orders,
    proposal_lines,
    proposals,
    quote_lines,
    quotes,
    supplier_categories,
    supplier_requests,
    suppliers,
)
from snab_orders.domain.errors import NotFoundError, RuleViolation
from snab_orders.domain.money import normalise_price
from snab_orders.domain.suppliers import (
    HISTORY_NAME_CUTOFF,
    AnswerStats,
    infer_category,
    pick_stats,
    score_supplier,
)
from snab_orders.domain.text import normalise_name
from snab_orders.settings import OrdersSettings

HISTORY_LINES = 5000
"""How many recent quoted lines the history match looks at."""
HISTORY_REQUEST_ITEMS = 20000
"""How many recent (request, item) pairs the answer figures are taken from."""


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


@dataclass
class _Tally:
    sent: int = 0
    answered: int = 0
    seconds: list[float] = field(default_factory=list)

    def add(self, request: Any) -> None:
        self.sent += 1
        if request.answered_at is not None:
            self.answered += 1
            took = (request.answered_at - request.sent_at).total_seconds()
            if took >= 0:  # an answer dated before the request: a sender's clock, no time
                self.seconds.append(took)

    def stats(self, scope: str | None) -> AnswerStats:
        median = int(statistics.median(self.seconds)) if self.seconds else None
        return AnswerStats(self.sent, self.answered, median, scope=scope)


@dataclass
class History:
    """What the suppliers did before: per supplier overall, and per supplier and category."""

    overall: dict[UUID, AnswerStats]
    by_category: dict[UUID, dict[str, AnswerStats]]


def _category_of(
    name: str, category_id: UUID | None, names: dict[UUID, str], settings: OrdersSettings
) -> str | None:
    if category_id is not None and category_id in names:
        return names[category_id]
    return infer_category(name, settings.category_keywords)


async def _answers(
    session: AsyncSession, order_id: UUID, names: dict[UUID, str], settings: OrdersSettings
) -> tuple[dict[UUID, _Tally], dict[tuple[UUID, str], _Tally]]:
    sr = supplier_requests
    rows = (
        await session.execute(
            select(
                sr.c.id,
                sr.c.supplier_id,
                sr.c.sent_at,
                sr.c.answered_at,
                order_items.c.name,
                order_items.c.category_id,
            )
            .join(order_items, order_items.c.id == any_(sr.c.item_ids))
            .where(sr.c.sent_at.is_not(None), sr.c.order_id != order_id)
            .order_by(sr.c.id.desc())
            .limit(HISTORY_REQUEST_ITEMS)
        )
    ).all()
    overall: dict[UUID, _Tally] = {}
    by_category: dict[tuple[UUID, str], _Tally] = {}
    seen: set[int] = set()
    seen_in: set[tuple[int, str]] = set()
    for r in rows:
        if r.id not in seen:
            seen.add(r.id)
            overall.setdefault(r.supplier_id, _Tally()).add(r)
        category = _category_of(r.name, r.category_id, names, settings)
        if category is not None and (r.id, category) not in seen_in:
            seen_in.add((r.id, category))
            by_category.setdefault((r.supplier_id, category), _Tally()).add(r)
    return overall, by_category


async def _wins(session: AsyncSession) -> tuple[Counter[UUID], Counter[UUID]]:
    """Per supplier: closed (won or lost) orders it quoted for, and won orders whose sent
    proposal took at least one of its lines."""
    closed = [OrderStatus.WON.value, OrderStatus.LOST.value]
    quoted = (
        await session.execute(
            select(quotes.c.supplier_id, quotes.c.order_id)
            .join(orders, orders.c.id == quotes.c.order_id)
            .where(orders.c.status.in_(closed))
            .distinct()
        )
    ).all()
    won = (
        await session.execute(
            select(proposal_lines.c.supplier_id, proposals.c.order_id)
            .join(proposals, proposals.c.id == proposal_lines.c.proposal_id)
            .join(orders, orders.c.id == proposals.c.order_id)
            .where(orders.c.status == OrderStatus.WON.value, proposals.c.status == "sent")
            .distinct()
        )
    ).all()
    return Counter(r.supplier_id for r in quoted), Counter(r.supplier_id for r in won)


async def _competitiveness(
    session: AsyncSession, order_id: UUID, settings: OrdersSettings
) -> dict[UUID, float]:
    """Per supplier, the mean of (best price of the item / its price) over its lines."""
    rows = (
        await session.execute(
            select(
                quote_lines.c.item_id,
                quote_lines.c.unit_price,
                quotes.c.supplier_id,
                quotes.c.currency,
                quotes.c.vat_included,
            )
            .join(quotes, quotes.c.id == quote_lines.c.quote_id)
            .where(
                quote_lines.c.item_id.is_not(None),
                quote_lines.c.unit_price > 0,
                quotes.c.order_id != order_id,
            )
            .order_by(quotes.c.received_at.desc())
            .limit(HISTORY_LINES)
        )
    ).all()
    prices: dict[UUID, list[tuple[UUID, Decimal]]] = {}
    for r in rows:
        try:
            price = normalise_price(
                r.unit_price,
                currency=r.currency,
                vat_included=r.vat_included,
                vat_rate=settings.vat_rate,
                rates=settings.rates(),
            )
        except RuleViolation:
            continue
        if price > 0:
            prices.setdefault(r.item_id, []).append((r.supplier_id, price))
    ratios: dict[UUID, list[float]] = {}
    for offers in prices.values():
        if len(offers) < 2:
            continue  # alone, a price says nothing about competitiveness
        best = min(p for _, p in offers)
        for supplier_id, price in offers:
            ratios.setdefault(supplier_id, []).append(float(best / price))
    return {s: sum(r) / len(r) for s, r in ratios.items()}


async def supplier_history(
    session: AsyncSession, order_id: UUID, settings: OrdersSettings
) -> History:
    names = {
        r.id: r.name for r in (await session.execute(select(categories.c.id, categories.c.name)))
    }
    answers, in_category = await _answers(session, order_id, names, settings)
    chances, wins = await _wins(session)
    prices = await _competitiveness(session, order_id, settings)
    overall: dict[UUID, AnswerStats] = {}
    for supplier_id in set(answers) | set(chances) | set(prices):
        base = answers.get(supplier_id, _Tally()).stats(None)
        overall[supplier_id] = replace(
            base,
            wins=wins[supplier_id],
            chances=chances[supplier_id],
            competitiveness=prices.get(supplier_id),
        )
    by_category: dict[UUID, dict[str, AnswerStats]] = {}
    for (supplier_id, category), tally in in_category.items():
        by_category.setdefault(supplier_id, {})[category] = tally.stats(category)
    return History(overall, by_category)


def _item_categories(
    items: Sequence[Row[Any]], names: dict[UUID, str], settings: OrdersSettings
) -> dict[UUID, str]:
    """Each item's category name: the one set on it, else inferred from its name."""
    found = {i.id: _category_of(i.name, i.category_id, names, settings) for i in items}
    return {item_id: name for item_id, name in found.items() if name is not None}


async def suggest_suppliers(
    *, session: AsyncSession, req: OrdersSuggestSuppliers, settings: OrdersSettings
) -> SupplierSuggestions:
    """Active suppliers ranked by: categories of the items (set, or inferred from the
    names by ``CATEGORY_KEYWORDS``), quotes they gave for similar items, how often and
    how fast they answer (in the order's categories when known), how often their offers
    won and how their prices compare (``domain.suppliers.score_supplier``)."""
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
    history = await supplier_history(session, req.order_id, settings)
    requested = set(
        (
            await session.execute(
                select(supplier_requests.c.supplier_id).where(
                    supplier_requests.c.order_id == req.order_id
                )
            )
        ).scalars()
    )
    names = {cid: name for own in cats.values() for cid, name in own.items()}
    names |= {
        r.id: r.name for r in (await session.execute(select(categories.c.id, categories.c.name)))
    }
    item_categories = _item_categories(items, names, settings)
    wanted = sorted(set(item_categories.values()))
    scored = [
        _suggestion(
            s,
            own=cats.get(s.id, {}),
            items_count=len(items),
            item_categories=item_categories,
            quoted=quoted.get(s.id, set()),
            stats=pick_stats(history.overall.get(s.id), history.by_category.get(s.id, {}), wanted),
            requested=s.id in requested,
        )
        for s in supplier_rows
    ]
    scored.sort(key=lambda x: (-x.score, x.name))
    return SupplierSuggestions(
        order_id=req.order_id,
        suggestions=[
            s.model_copy(update={"rank": n}) for n, s in enumerate(scored[: req.limit], start=1)
        ],
    )


def _suggestion(
    supplier: Row[Any],
    *,
    own: dict[UUID, str],
    items_count: int,
    item_categories: dict[UUID, str],
    quoted: set[UUID],
    stats: AnswerStats | None,
    requested: bool,
) -> SupplierSuggestion:
    own_names = {n.lower() for n in own.values()}
    result = score_supplier(
        items_count=items_count,
        by_category={i for i, c in item_categories.items() if c.lower() in own_names},
        by_history=quoted,
        stats=stats,
    )
    return SupplierSuggestion(
        supplier_id=supplier.id,
        name=supplier.company,
        rank=1,
        score=result.score,
        reasons=result.reasons,
        emails=list(supplier.emails),
        category_names=sorted(own.values()),
        matched_item_ids=result.matched_item_ids,
        response_rate=stats.response_rate if stats else None,
        median_response_seconds=stats.median_seconds if stats else None,
        already_requested=requested,
    )
