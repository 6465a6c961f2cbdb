"""Money arithmetic: Decimal only, rounded half up to kopecks where a sum is shown."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, ROUND_UP, Decimal

from snab_orders.domain.errors import RuleViolation

KOPECK = Decimal("0.01")
HUNDRED = Decimal(100)


def kopecks(value: Decimal) -> Decimal:
    """Round to kopecks, half up (0.005 → 0.01)."""
    return value.quantize(KOPECK, rounding=ROUND_HALF_UP)


def kopecks_up(value: Decimal) -> Decimal:
    return value.quantize(KOPECK, rounding=ROUND_UP)


def percent_of(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` as a percentage of ``whole``, to 0.01 %; None when ``whole`` is zero."""
    if whole == 0:
        return None
    return kopecks(part / whole * HUNDRED)


def with_markup(cost: Decimal, markup_percent: Decimal) -> Decimal:
    """Selling price of one unit: cost plus markup, in kopecks."""
    return kopecks(cost * (HUNDRED + markup_percent) / HUNDRED)


def min_price_for_margin(cost: Decimal, min_margin_percent: Decimal) -> Decimal:
    """The lowest price (kopecks, rounded up) whose margin on the price is at least the minimum."""
    if min_margin_percent >= HUNDRED:
        raise RuleViolation("минимальная маржа должна быть меньше 100 %")
    return kopecks_up(cost * HUNDRED / (HUNDRED - min_margin_percent))


def margin_percent(price: Decimal, cost: Decimal) -> Decimal | None:
    """Margin as a share of the selling price, in percent."""
    return percent_of(price - cost, price)


def vat_inside(total: Decimal, vat_rate: Decimal) -> Decimal:
    """The VAT contained in a VAT-inclusive amount ("в т.ч. НДС")."""
    return kopecks(total * vat_rate / (HUNDRED + vat_rate))


def add_vat(amount: Decimal, vat_rate: Decimal) -> Decimal:
    """An amount without VAT made VAT-inclusive (not rounded: callers round the result)."""
    return amount * (HUNDRED + vat_rate) / HUNDRED


def normalise_price(
    price: Decimal,
    *,
    currency: str,
    vat_included: bool | None,
    vat_rate: Decimal,
    rates: Mapping[str, Decimal],
) -> Decimal:
    """One unit's price in roubles with VAT, in kopecks.

    A quote that does not say whether VAT is included is read as VAT-inclusive (the usual
    way Russian suppliers quote); raises RuleViolation for a currency without a rate.
    """
    rate = rates.get(currency.upper())
    if rate is None:
        raise RuleViolation(f"нет курса для валюты {currency}", currency=currency)
    value = price * rate
    if vat_included is False:
        value = add_vat(value, vat_rate)
    return kopecks(value)


def vat_label(vat_included: bool | None) -> str:
    """How a quote states VAT, as a manager reads it."""
    if vat_included is None:
        return "НДС не указан"
    return "с НДС" if vat_included else "без НДС"


def vat_rule(vat_included: bool | None, vat_rate: Decimal) -> str:
    """The rule that brought a quoted price to «with VAT» (the one ``normalise_price``
    applies), shown next to the price: nothing is assumed silently."""
    rate = format(vat_rate.normalize(), "f")
    if vat_included is None:
        return f"НДС не указан: цена принята как включающая НДС {rate} %"
    if vat_included:
        return "цена с НДС"
    return f"цена без НДС: добавлен НДС {rate} %"
