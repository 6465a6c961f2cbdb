"""Deciding what order a parsed request becomes: status, review reasons, rows, event."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from snab_contracts.orders import OrderCreated, OrderStatus
from snab_contracts.parsing import OrderParsed
from snab_orders.domain.clients import ClientMatch, request_fingerprint
from snab_orders.domain.numbering import order_number

NO_ITEMS_REASON = "в письме не найдено ни одной позиции"


def fresh_events(events: Sequence[OrderParsed], known: Collection[UUID]) -> list[OrderParsed]:
    """The events whose email made no order yet (the first of repeats in a batch)."""
    seen = set(known)
    fresh: list[OrderParsed] = []
    for event in events:
        if event.mail_id not in seen:
            seen.add(event.mail_id)
            fresh.append(event)
    return fresh


@dataclass(slots=True)
class Intake:
    """A parsed request on its way to becoming an order."""

    event: OrderParsed
    client: ClientMatch | None
    reasons: list[str] = field(default_factory=list)
    fingerprint: str | None = None
    duplicate: tuple[UUID, str] | None = None
    """An earlier order of the same client with the same items: (id, number)."""


def first_look(event: OrderParsed, client: ClientMatch | None) -> Intake:
    """Review reasons and the fingerprint of a request, before duplicates are known."""
    reasons = list(dict.fromkeys(event.review_reasons))
    if not event.items:
        reasons.append(NO_ITEMS_REASON)
    fingerprint = request_fingerprint((i.name, i.quantity, i.unit.value) for i in event.items)
    return Intake(event, client, reasons, fingerprint)


@dataclass(frozen=True, slots=True)
class NewOrder:
    order_id: UUID
    intake_event: OrderParsed
    source_event_id: UUID
    row: dict[str, Any]
    items: list[dict[str, Any]]
    audit_after: dict[str, Any]
    created: OrderCreated


def _order_row(intake: Intake, **values: Any) -> dict[str, Any]:
    event, client = intake.event, intake.client
    sender = event.from_
    return {
        **values,
        "client_id": client.client_id if client else None,
        "source_mail_id": event.mail_id,
        "source_message_id": event.message_id,
        "mail_subject": event.mail_subject,
        "from_email": sender.email if sender else None,
        "from_name": sender.name if sender else None,
        "company": event.company,
        "inn": event.inn,
        "kpp": event.kpp,
        "contact_name": event.contact_name,
        "contact_phone": event.contact_phone,
        "contact_email": event.contact_email,
        "received_at": event.received_at,
        "deadline": event.deadline,
        "confidence": event.confidence,
        "extractor": event.extractor,
        "review_reasons": intake.reasons,
        "text_excerpt": event.text_excerpt,
        "possible_duplicate_of": intake.duplicate[0] if intake.duplicate else None,
        "fingerprint": intake.fingerprint,
    }


def plan_order(intake: Intake, *, year: int, seq: int, now: datetime) -> NewOrder:
    """The order, its items, its audit entry and its ``order.created`` event."""
    event, client = intake.event, intake.client
    order_id = uuid.uuid4()
    number = order_number(year, seq)
    if intake.duplicate is not None:
        intake.reasons.append(f"возможный дубль заявки {intake.duplicate[1]}")
    needs_review = event.needs_review or bool(intake.reasons)
    status = OrderStatus.NEEDS_REVIEW if needs_review else OrderStatus.NEW
    row = _order_row(
        intake,
        id=order_id,
        number=number,
        year=year,
        seq=seq,
        status=status.value,
        needs_review=needs_review,
        created_at=now,
        updated_at=now,
    )
    items = [
        {
            "id": uuid.uuid4(),
            "order_id": order_id,
            "position": n,
            "name": item.name,
            "article": item.article,
            "quantity": item.quantity,
            "unit": item.unit.value,
            "note": item.note,
            "source_line": item.source_line,
            "quantity_stated": item.quantity_stated,
            "unit_stated": item.unit_stated,
            "category_id": None,
        }
        for n, item in enumerate(event.items, start=1)
    ]
    audit_after = {
        "number": number,
        "status": status.value,
        "items_count": len(event.items),
        "client_id": client.client_id if client else None,
        "client_created": client.created if client else False,
        "review_reasons": intake.reasons,
    }
    created = OrderCreated(
        order_id=order_id,
        number=number,
        client_id=client.client_id if client else None,
        client_name=client.name if client else event.company,
        items_count=len(event.items),
        deadline=event.deadline,
        needs_review=needs_review,
        review_reasons=intake.reasons,
        possible_duplicate_of=intake.duplicate[0] if intake.duplicate else None,
        possible_duplicate_number=intake.duplicate[1] if intake.duplicate else None,
        source_mail_id=event.mail_id,
        correlation_id=str(order_id),
    )
    return NewOrder(order_id, event, event.id, row, items, audit_after, created)
