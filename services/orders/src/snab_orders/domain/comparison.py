"""The comparison matrix: order items × supplier offers, in roubles with VAT."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from snab_contracts.rpc.orders import ComparisonCell, ComparisonRow, ComparisonView, ExchangeRate
from snab_contracts.values import Money, Unit
from snab_orders.domain.errors import RuleViolation
from snab_orders.domain.money import kopecks, normalise_price, vat_rule
from snab_orders.domain.rates import RateBook, RateUsed
from snab_orders.domain.text import MOSCOW


@dataclass(frozen=True, slots=True)
class ItemInfo:
    item_id: UUID
    position: int
    name: str
    quantity: Decimal
    unit: str
    category_id: UUID | None = None
    article: str | None = None


@dataclass(frozen=True, slots=True)
class Offer:
    """One priced line of a supplier's latest quote, mapped to an order item."""

    item_id: UUID
    quote_id: UUID
    quote_line_id: UUID
    supplier_id: UUID
    supplier_name: str
    unit_price: Decimal | None
    currency: str
    vat_included: bool | None
    available: bool | None
    lead_time_days: int | None
    received_at: datetime
    analogue: bool = False


def compare(
    items: Sequence[ItemInfo],
    offers: Sequence[Offer],
    *,
    vat_rate: Decimal,
    rates: Mapping[str, Decimal] | RateBook,
    chosen: Mapping[UUID, UUID] | None = None,
) -> ComparisonView:
    """Rows in item order; per row the best price and the fastest offer are marked
    among offers that have a comparable price and are not declared unavailable. Each
    offer is converted at the rate of its quote's date (``RateBook.pick``); a plain
    mapping of rates is the static setting alone."""
    book = rates if isinstance(rates, RateBook) else RateBook(fallback=rates)
    by_item: dict[UUID, list[Offer]] = {}
    for offer in offers:
        by_item.setdefault(offer.item_id, []).append(offer)
    used_rates: dict[tuple[str, Decimal, str, date | None], RateUsed] = {}
    rows: list[ComparisonRow] = []
    for item in sorted(items, key=lambda i: i.position):
        cells: list[dict[str, object]] = []
        for offer in sorted(by_item.get(item.item_id, []), key=lambda o: o.supplier_name):
            normal, used = _normalised(offer, book, vat_rate)
            if used is not None and used.currency != "RUB":
                used_rates[(used.currency, used.rate, used.source, used.as_of)] = used
            cells.append(
                {
                    "supplier_id": offer.supplier_id,
                    "supplier_name": offer.supplier_name,
                    "quote_id": offer.quote_id,
                    "quote_line_id": offer.quote_line_id,
                    "original_unit_price": None
                    if offer.unit_price is None
                    else Money(amount=offer.unit_price, currency=offer.currency),  # type: ignore[arg-type]
                    "vat_included": offer.vat_included,
                    "unit_price": normal,
                    "amount": None if normal is None else kopecks(normal * item.quantity),
                    "lead_time_days": offer.lead_time_days,
                    "available": offer.available,
                    "chosen": chosen is not None
                    and chosen.get(item.item_id) == offer.quote_line_id,
                    "analogue": offer.analogue,
                    "vat_rule": vat_rule(offer.vat_included, vat_rate),
                }
            )
        eligible = [c for c in cells if c["unit_price"] is not None and c["available"] is not False]
        if eligible:
            best = min(_dec(c["unit_price"]) for c in eligible)
            for c in eligible:
                c["best_price"] = _dec(c["unit_price"]) == best
            timed = [c for c in eligible if c["lead_time_days"] is not None]
            if timed:
                fastest = min(_int(c["lead_time_days"]) for c in timed)
                for c in timed:
                    c["fastest"] = _int(c["lead_time_days"]) == fastest
        rows.append(
            ComparisonRow(
                item_id=item.item_id,
                position=item.position,
                name=item.name,
                quantity=item.quantity,
                unit=Unit(item.unit),
                cells=[ComparisonCell.model_validate(c) for c in cells],
            )
        )
    return ComparisonView(
        currency="RUB",
        vat_rate=vat_rate,
        exchange_rates=[
            ExchangeRate(
                currency=u.currency,  # type: ignore[arg-type]
                rate=u.rate,
                as_of=u.as_of,
                source=u.source,
            )
            for _, u in sorted(used_rates.items(), key=lambda kv: (kv[0][0], str(kv[0][3])))
        ],
        rows=rows,
    )


def _normalised(
    offer: Offer, book: RateBook, vat_rate: Decimal
) -> tuple[Decimal | None, RateUsed | None]:
    """The offer's price in roubles with VAT (None when it has no price or no rate),
    and the rate of its quote's date that was used."""
    if offer.unit_price is None:
        return None, None
    used = book.pick(offer.currency, offer.received_at.astimezone(MOSCOW).date())
    try:
        normal = normalise_price(
            offer.unit_price,
            currency=offer.currency,
            vat_included=offer.vat_included,
            vat_rate=vat_rate,
            rates={used.currency: used.rate} if used else {},
        )
    except RuleViolation:
        return None, used
    return normal, used


def default_choice(row: ComparisonRow) -> ComparisonCell | None:
    """The offer a proposal takes when the manager did not choose: the cheapest available
    one, then the fastest, then the earliest supplier by name."""
    eligible = [c for c in row.cells if c.best_price]
    if not eligible:
        return None
    return min(
        eligible,
        key=lambda c: (
            c.lead_time_days if c.lead_time_days is not None else 10**6,
            c.supplier_name,
        ),
    )


def _dec(value: object) -> Decimal:
    assert isinstance(value, Decimal)
    return value


def _int(value: object) -> int:
    assert isinstance(value, int)
    return value
