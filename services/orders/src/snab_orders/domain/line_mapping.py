"""When a manager may say which order item a quote line prices (no I/O).

The matcher maps lines to items by name and article when a quote arrives; a manager fixes
what it got wrong. The rules:

- a closed order (won, lost, cancelled) keeps its quotes as they were;
- only the supplier's latest version of a quote is mapped (older ones are history: the
  comparison ignores them);
- the item must belong to the quote's order;
- within one quote an item is priced by one line: to move a mapping, free the item first
  (a silent move would hide which line the comparison used before).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from uuid import UUID

from snab_contracts.orders import OrderStatus
from snab_orders.domain.errors import ConflictError, NotAllowedNow, RuleViolation
from snab_orders.domain.states import FINAL_ORDER_STATUSES


@dataclass(frozen=True, slots=True)
class LineMapping:
    order_number: str
    order_status: str
    latest_version: bool
    line_no: int
    current_item_id: UUID | None
    order_item_ids: frozenset[UUID]
    items_taken: Mapping[UUID, int]
    """Items priced by the quote's other lines → the number of that line."""


def decide_line_mapping(facts: LineMapping, target: UUID | None) -> bool:
    """True when the line is to be remapped to ``target``; False when it already is;
    a domain error when the rules forbid it."""
    if OrderStatus(facts.order_status) in FINAL_ORDER_STATUSES:
        raise NotAllowedNow(
            f"заявка {facts.order_number} закрыта: сопоставление ответов не меняется",
            status=facts.order_status,
        )
    if not facts.latest_version:
        raise NotAllowedNow(
            "это устаревшая версия ответа поставщика: сопоставляйте строки последней версии"
        )
    if target == facts.current_item_id:
        return False
    if target is None:
        return True
    if target not in facts.order_item_ids:
        raise RuleViolation(
            f"позиция не из заявки {facts.order_number}",
            item_id=str(target),
            errors=[{"loc": "item_id", "type": "foreign_item", "msg": "not an item of the order"}],
        )
    taken = facts.items_taken.get(target)
    if taken is not None:
        raise ConflictError(
            f"позицию уже оценивает строка {taken} этого ответа: сначала снимите её сопоставление",
            item_id=str(target),
            line_no=taken,
        )
    return True
