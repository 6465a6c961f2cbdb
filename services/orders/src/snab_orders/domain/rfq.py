"""Deciding who gets a request for quotation, and for which items."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from uuid import UUID

from snab_orders.domain.errors import ConflictError, NotFoundError, RuleViolation


@dataclass(frozen=True, slots=True)
class SupplierRef:
    supplier_id: UUID
    company: str
    emails: tuple[str, ...]
    contact_name: str | None = None
    active: bool = True


@dataclass(frozen=True, slots=True)
class OpenRequest:
    rfq_number: str
    supplier_id: UUID


def choose_items(order_items: Sequence[UUID], wanted: Sequence[UUID] | None) -> list[UUID]:
    """The items to ask for: all of the order's, or the chosen ones (each once)."""
    if not order_items:
        raise RuleViolation("в заявке нет позиций: запрашивать нечего")
    if wanted is None:
        return list(order_items)
    item_ids = list(dict.fromkeys(wanted))
    known = set(order_items)
    foreign = [str(i) for i in item_ids if i not in known]
    if foreign:
        raise RuleViolation("позиции не из этой заявки", item_ids=foreign)
    if not item_ids:
        raise RuleViolation("не выбрано ни одной позиции")
    return item_ids


def choose_suppliers(
    wanted: Sequence[UUID],
    found: Mapping[UUID, SupplierRef],
    open_requests: Sequence[OpenRequest],
) -> list[SupplierRef]:
    """The suppliers to ask, in the order given: each must exist, be active, have an
    address and not be waiting already on a request of this order."""
    supplier_ids = list(dict.fromkeys(wanted))
    missing = [str(s) for s in supplier_ids if s not in found]
    if missing:
        raise NotFoundError("поставщик не найден", supplier_ids=missing)
    chosen = [found[s] for s in supplier_ids]
    inactive = [s.company for s in chosen if not s.active]
    if inactive:
        raise RuleViolation("поставщик отключён: " + ", ".join(inactive), suppliers=inactive)
    no_email = [s.company for s in chosen if not s.emails]
    if no_email:
        raise RuleViolation("у поставщика нет адреса: " + ", ".join(no_email))
    waiting = [r for r in open_requests if r.supplier_id in found]
    if waiting:
        raise ConflictError(
            "этим поставщикам запрос уже отправлен и ждёт ответа: "
            + ", ".join(f"{found[r.supplier_id].company} ({r.rfq_number})" for r in waiting),
            rfq_numbers=[r.rfq_number for r in waiting],
        )
    return chosen
