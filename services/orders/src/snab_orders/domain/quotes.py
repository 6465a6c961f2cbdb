"""What a supplier's answer says about itself: review reasons, declined or answered."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from snab_contracts.orders import RequestStatus
from snab_contracts.parsing import QuoteParsed
from snab_orders.domain.matching import LineMatch


@dataclass(frozen=True, slots=True)
class QuoteReview:
    reasons: list[str]
    unmapped: int
    needs_review: bool
    request_status: RequestStatus
    """Where the request goes: ``declined`` when every line is unavailable."""


def review_quote(
    event: QuoteParsed,
    matches: Sequence[LineMatch],
    *,
    version: int,
    known_currencies: Collection[str],
) -> QuoteReview:
    reasons = list(dict.fromkeys(event.review_reasons))
    unmapped = sum(1 for m in matches if m.item_id is None)
    if unmapped:
        reasons.append(f"строк без сопоставления с позициями: {unmapped}")
    no_rate = event.currency not in known_currencies
    if no_rate:
        reasons.append(f"нет курса валюты {event.currency}: цены не сравниваются")
    if not event.lines:
        reasons.append("в ответе не найдено строк с ценами")
    if version > 1:
        reasons.append(f"новая версия предложения (v{version})")
    declined = bool(event.lines) and all(line.available is False for line in event.lines)
    return QuoteReview(
        reasons=reasons,
        unmapped=unmapped,
        needs_review=event.needs_review or bool(unmapped) or no_rate,
        request_status=RequestStatus.DECLINED if declined else RequestStatus.ANSWERED,
    )
