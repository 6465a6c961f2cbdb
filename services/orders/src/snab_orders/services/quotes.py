"""Supplier quotes: linking to a request, mapping lines to items, versions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import Row, any_, func, insert, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from snab_contracts.mail import MailClassified
from snab_contracts.orders import QuoteReceived, RequestStatus
from snab_contracts.parsing import QuoteParsed
from snab_contracts.values import Money
from snab_kit.consume import Tx
from snab_kit.logging import get_logger
from snab_orders.db.tables import (
    order_items,
    orders,
    quote_lines,
    quotes,
    supplier_requests,
    suppliers,
    unmatched_mail,
)
from snab_orders.domain.clients import normalise_email
from snab_orders.domain.matching import ItemRef, LineMatch, LineRef, match_lines
from snab_orders.domain.quotes import QuoteReview, review_quote
from snab_orders.domain.states import OPEN_REQUEST_STATUSES, after_quote, can_request
from snab_orders.services.common import SYSTEM, audit, move_order
from snab_orders.services.rates import known_currencies
from snab_orders.services.requests import set_request_status
from snab_orders.settings import OrdersSettings

log = get_logger(__name__)


async def request_by(session: AsyncSession, column: Any, value: object) -> Row[Any] | None:
    return (
        await session.execute(select(supplier_requests).where(column == value).with_for_update())
    ).first()


async def resolve_request(session: AsyncSession, event: QuoteParsed) -> tuple[Row[Any] | None, str]:
    """The request a quote answers: by the thread block (request id, then RFQ number), then
    by the sender when that supplier has exactly one request waiting for an answer."""
    thread = event.thread
    if thread.request_id is not None:
        row = await request_by(session, supplier_requests.c.id, thread.request_id)
        if row is not None and (thread.rfq_number in (None, row.rfq_number)):
            return row, thread.matched_by or "request_id"
    if thread.rfq_number:
        row = await request_by(session, supplier_requests.c.rfq_number, thread.rfq_number)
        if row is not None:
            return row, thread.matched_by or "subject_tag"
    sender = normalise_email(event.from_.email if event.from_ else None)
    if sender:
        rows = (
            await session.execute(
                select(supplier_requests)
                .join(suppliers, suppliers.c.id == supplier_requests.c.supplier_id)
                .where(
                    literal(sender) == any_(suppliers.c.emails),
                    supplier_requests.c.status.in_([s.value for s in OPEN_REQUEST_STATUSES]),
                )
                .limit(2)
                .with_for_update(of=supplier_requests)
            )
        ).all()
        if len(rows) == 1:
            return rows[0], "sender"
    return None, "none"


async def on_quote_parsed(*, tx: Tx, event: QuoteParsed, settings: OrdersSettings) -> UUID | None:
    """A parsed quote becomes a (new version of a) supplier quote, or unmatched mail."""
    session = tx.session
    known = await session.scalar(select(quotes.c.id).where(quotes.c.mail_id == event.mail_id))
    if known is not None:
        log.info("quote_already_stored", mail_id=str(event.mail_id))
        return None
    request, matched_by = await resolve_request(session, event)
    if request is None:
        await _store_unmatched(tx, event)
        return None
    return await store_quote(
        tx, request=request, event=event, settings=settings, actor=SYSTEM, matched_by=matched_by
    )


async def _store_unmatched(tx: Tx, event: QuoteParsed) -> None:
    inserted = await tx.session.scalar(
        pg_insert(unmatched_mail)
        .values(
            mail_id=event.mail_id,
            reason="unmatched_quote",
            received_at=event.received_at,
            from_email=event.from_.email if event.from_ else None,
            from_name=event.from_.name if event.from_ else None,
            mail_subject=event.mail_subject,
            text_excerpt=event.text_excerpt,
            thread=event.thread.model_dump(mode="json"),
            quote_payload=event.model_dump(mode="json", by_alias=True),
            note=_unmatched_note(event),
        )
        .on_conflict_do_update(
            index_elements=[unmatched_mail.c.mail_id],
            set_={"quote_payload": event.model_dump(mode="json", by_alias=True)},
        )
        .returning(unmatched_mail.c.mail_id)
    )
    await audit(
        tx.session,
        order_id=None,
        actor=SYSTEM,
        action="mail.unmatched",
        entity="mail",
        entity_id=event.mail_id,
        after={"reason": "unmatched_quote", "thread": event.thread.model_dump(mode="json")},
        source_event_id=event.id,
    )
    # Managers hear about unmatched mail from the notifier, which reads mail.classified.
    if inserted is not None:
        await tx.emit(
            MailClassified(
                mail_id=event.mail_id,
                reason="unmatched_quote",
                confidence=event.confidence,
                extractor=event.extractor,
                from_=event.from_,
                mail_subject=event.mail_subject,
                received_at=event.received_at,
                thread=event.thread,
                needs_review=True,
                text_excerpt=event.text_excerpt,
            )
        )
    log.info("quote_unmatched", mail_id=str(event.mail_id), request_id=event.thread.request_id)


def _unmatched_note(event: QuoteParsed) -> str:
    if event.thread.request_id or event.thread.rfq_number:
        return (
            f"запрос {event.thread.rfq_number or event.thread.request_id} не найден: "
            "привяжите письмо вручную"
        )
    return "письмо не удалось связать ни с одним запросом"


async def _load_for_quote(
    session: AsyncSession, request: Row[Any]
) -> tuple[Row[Any], Row[Any], int, list[ItemRef]]:
    """The order (locked), the supplier, the next version and the items asked for."""
    order = (
        await session.execute(
            select(orders).where(orders.c.id == request.order_id).with_for_update()
        )
    ).one()
    supplier = (
        await session.execute(select(suppliers).where(suppliers.c.id == request.supplier_id))
    ).one()
    version = (
        await session.scalar(
            select(func.coalesce(func.max(quotes.c.version), 0)).where(
                quotes.c.request_id == request.id
            )
        )
        or 0
    ) + 1
    items = {
        r.id: r
        for r in (
            await session.execute(
                select(order_items).where(order_items.c.id.in_(list(request.item_ids)))
            )
        ).all()
    }
    refs = [
        ItemRef(item_id=i, position=n, name=items[i].name, article=items[i].article)
        for n, i in enumerate([i for i in request.item_ids if i in items], start=1)
    ]
    return order, supplier, version, refs


async def _insert_quote(
    session: AsyncSession,
    *,
    request: Row[Any],
    event: QuoteParsed,
    version: int,
    review: QuoteReview,
    matches: Sequence[LineMatch],
) -> UUID:
    quote_id = uuid.uuid4()
    await session.execute(
        insert(quotes).values(
            id=quote_id,
            request_id=request.id,
            order_id=request.order_id,
            supplier_id=request.supplier_id,
            mail_id=event.mail_id,
            version=version,
            received_at=event.received_at,
            currency=event.currency,
            vat_included=event.vat_included,
            lead_time_days=event.lead_time_days,
            payment_terms=event.payment_terms,
            valid_until=event.valid_until,
            total=event.total,
            confidence=event.confidence,
            extractor=event.extractor,
            needs_review=review.needs_review,
            review_reasons=review.reasons,
            text_excerpt=event.text_excerpt,
        )
    )
    if event.lines:
        await session.execute(
            insert(quote_lines),
            [
                {
                    "id": uuid.uuid4(),
                    "quote_id": quote_id,
                    "line_no": n,
                    "position": line.position,
                    "name": line.name,
                    "article": line.article,
                    "quantity": line.quantity,
                    "unit": line.unit.value if line.unit else None,
                    "unit_price": line.unit_price,
                    "line_total": line.line_total,
                    "available": line.available,
                    "lead_time_days": line.lead_time_days,
                    "analogue": line.analogue_name is not None,
                    "item_id": match.item_id,
                    "match_score": match.score if match.item_id else None,
                }
                for n, (line, match) in enumerate(zip(event.lines, matches, strict=True), start=1)
            ],
        )
    return quote_id


async def _quote_received(
    session: AsyncSession,
    *,
    request: Row[Any],
    order: Row[Any],
    supplier: Row[Any],
    event: QuoteParsed,
    quote_id: UUID,
    version: int,
    review: QuoteReview,
) -> QuoteReceived:
    counts = (
        await session.execute(
            select(
                func.count().label("total"),
                func.count()
                .filter(supplier_requests.c.status == RequestStatus.ANSWERED.value)
                .label("answered"),
            ).where(supplier_requests.c.order_id == request.order_id)
        )
    ).one()
    return QuoteReceived(
        order_id=request.order_id,
        order_number=order.number,
        request_id=request.id,
        rfq_number=request.rfq_number,
        supplier_id=request.supplier_id,
        supplier_name=supplier.company,
        quote_id=quote_id,
        quote_version=version,
        lines_count=len(event.lines),
        total=Money(amount=event.total, currency=event.currency)
        if event.total is not None
        else None,
        needs_review=bool(review.reasons),
        requests_answered=counts.answered,
        requests_total=counts.total,
        correlation_id=str(request.order_id),
    )


async def store_quote(
    tx: Tx,
    *,
    request: Row[Any],
    event: QuoteParsed,
    settings: OrdersSettings,
    actor: str,
    matched_by: str,
) -> UUID:
    """Store the quote for a locked request, map its lines, move request and order.
    Load → decide (``match_lines``, ``review_quote``) → write."""
    session = tx.session
    order, supplier, version, refs = await _load_for_quote(session, request)
    matches = match_lines(
        refs, [LineRef(position=x.position, name=x.name, article=x.article) for x in event.lines]
    )
    known = await known_currencies(session, settings)
    review = review_quote(event, matches, version=version, known_currencies=known)
    quote_id = await _insert_quote(
        session, request=request, event=event, version=version, review=review, matches=matches
    )
    target = review.request_status
    if request.status != target.value and can_request(request.status, target):
        await set_request_status(
            tx,
            request,
            target,
            actor=actor,
            values={"answered_at": event.received_at},
            source_event_id=event.id,
            note=f"ответ связан по {matched_by}",
        )
    await audit(
        session,
        order_id=request.order_id,
        actor=actor,
        action="quote.received",
        entity="quote",
        entity_id=quote_id,
        after={
            "request_id": request.id,
            "rfq_number": request.rfq_number,
            "version": version,
            "lines": len(event.lines),
            "unmapped_lines": review.unmapped,
            "currency": event.currency,
            "matched_by": matched_by,
        },
        source_event_id=event.id,
    )
    order_target = after_quote(order.status)
    if order_target is not None:
        await move_order(
            tx,
            order,
            order_target,
            actor=actor,
            reason=f"получен ответ {request.rfq_number}",
            source_event_id=event.id,
        )
    await tx.emit(
        await _quote_received(
            session,
            request=request,
            order=order,
            supplier=supplier,
            event=event,
            quote_id=quote_id,
            version=version,
            review=review,
        )
    )
    log.info(
        "quote_stored",
        rfq_number=request.rfq_number,
        version=version,
        lines=len(event.lines),
        unmapped=review.unmapped,
    )
    return quote_id
