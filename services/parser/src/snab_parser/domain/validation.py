"""Business rules a parse result must keep, whoever produced it.

``errors`` make a result unusable (an LLM answer with them is replaced by the rule
extractor's reading); ``warnings`` keep it but send it to a manager (needs_review).
Reasons are short codes, optionally followed by ``: `` and the item they concern.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final, get_args

from snab_parser.result import Currency, ParseResult, Quote, Request

KNOWN_CURRENCIES: Final = frozenset(get_args(Currency))
# qty x price may differ from the stated line total by rounding: 0.5 % or 5 kopecks.
RELATIVE_TOLERANCE: Final = Decimal("0.005")
ABSOLUTE_TOLERANCE: Final = Decimal("0.05")
MAX_LEAD_TIME_DAYS: Final = 3650


@dataclass
class Verdict:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors


def reason(code: str, subject: str | None = None) -> str:
    """A review reason; the subject (an item name) is shortened to stay readable."""
    if not subject:
        return code
    subject = " ".join(subject.split())
    return f"{code}: {subject[:60]}"


def close_enough(expected: Decimal, stated: Decimal) -> bool:
    tolerance = max(ABSOLUTE_TOLERANCE, abs(stated) * RELATIVE_TOLERANCE)
    return abs(expected - stated) <= tolerance


def check(result: ParseResult) -> Verdict:
    verdict = Verdict()
    if result.kind == "request":
        if result.request is None:
            verdict.errors.append("request_missing")
        else:
            _check_request(result.request, verdict)
    elif result.kind == "quote":
        if result.quote is None:
            verdict.errors.append("quote_missing")
        else:
            _check_quote(result.quote, verdict)
    elif result.other_reason is None:
        verdict.errors.append("other_reason_missing")
    return verdict


def _check_request(request: Request, verdict: Verdict) -> None:
    if not request.items:
        verdict.warnings.append("no_items")
    for item in request.items:
        if not item.name.strip():
            verdict.errors.append("item_without_name")
        if item.quantity is not None and item.quantity <= 0:
            verdict.errors.append(reason("quantity_not_positive", item.name))


def _check_quote(quote: Quote, verdict: Verdict) -> None:
    if quote.currency not in KNOWN_CURRENCIES:
        verdict.errors.append(f"unknown_currency: {quote.currency}")
    if quote.total is not None and quote.total < 0:
        verdict.errors.append("total_negative")
    if quote.lead_time_days is not None and not 0 <= quote.lead_time_days <= MAX_LEAD_TIME_DAYS:
        verdict.errors.append("lead_time_out_of_range")
    if not quote.lines and quote.total is None:
        verdict.warnings.append("no_prices")
    totals: list[Decimal] = []
    for line in quote.lines:
        name = line.name
        if not name.strip():
            verdict.errors.append("line_without_name")
        if line.quantity is not None and line.quantity <= 0:
            verdict.errors.append(reason("quantity_not_positive", name))
        if line.unit_price is not None and line.unit_price < 0:
            verdict.errors.append(reason("price_negative", name))
        if line.line_total is not None and line.line_total < 0:
            verdict.errors.append(reason("line_total_negative", name))
        if line.lead_time_days is not None and not 0 <= line.lead_time_days <= MAX_LEAD_TIME_DAYS:
            verdict.errors.append(reason("lead_time_out_of_range", name))
        if (
            line.quantity is not None
            and line.unit_price is not None
            and line.line_total is not None
            and line.quantity > 0
            and not close_enough(line.quantity * line.unit_price, line.line_total)
        ):
            verdict.errors.append(reason("line_total_mismatch", name))
        if line.unit_price == 0 and line.available is not False:
            verdict.warnings.append(reason("zero_price", name))
        if line.available is False:
            continue
        if line.line_total is not None:
            totals.append(line.line_total)
        elif line.quantity is not None and line.unit_price is not None:
            totals.append(line.quantity * line.unit_price)
    priced = [line for line in quote.lines if line.available is not False]
    if (
        quote.total is not None
        and priced
        and len(totals) == len(priced)
        and not close_enough(sum(totals, Decimal(0)), quote.total)
    ):
        verdict.warnings.append("total_mismatch")
