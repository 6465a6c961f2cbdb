"""Supplier quotes: linking to a request, mapping lines to items, versions; unmatched mail."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from sqlalchemy import Row, any_, func, insert, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from snab_contracts.mail import MailClassified
from snab_contracts.orders import OrderStatus, QuoteReceived, RequestStatus
from snab_contracts.parsing import QuoteParsed
from snab_contracts.rpc.orders import (
    LinkedMail,
    OrdersLinkMail,
    OrdersUnmatchedMail,
    UnmatchedMail,
    UnmatchedMailPage,
)
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
from snab_orders.domain.errors import ConflictError, NotFoundError
from snab_orders.domain.matching import ItemRef, LineRef, match_lines
from snab_orders.domain.states import OPEN_REQUEST_STATUSES, after_quote, can_request
from snab_orders.services.common import SYSTEM, audit, move_order, utcnow
from snab_orders.services.requests import on_bounce, set_request_status
from snab_orders.settings import OrdersSettings

log = get_logger(__name__)


async def _request_by(session: AsyncSession, column: Any, value: object) -> Row[Any] | None:
    return (
        await session.execute(select(supplier_requests).where(column == value).with_for_update())
    ).first()


async def resolve_request(session: AsyncSession, event: QuoteParsed) -> tuple[Row[Any] | None, str]:
    """The request a quote answers: by the thread block (request id, then RFQ number), then
    by the sender when that supplier has exactly one request waiting for an answer."""
    thread = event.thread
    if thread.request_id is not None:
        row = await _request_by(session, supplier_requests.c.id, thread.request_id)
        if row is not None and (thread.rfq_number in (None, row.rfq_number)):
            return row, thread.matched_by or "request_id"
    if thread.rfq_number:
        row = await _request_by(session, supplier_requests.c.rfq_number, thread.rfq_number)
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


async def store_quote(
    tx: Tx,
    *,
    request: Row[Any],
    event: QuoteParsed,
    settings: OrdersSettings,
    actor: str,
    matched_by: str,
) -> UUID:
    """Store the quote for a locked request, map its lines, move request and order."""
    session = tx.session
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
    matches = match_lines(
        refs, [LineRef(position=x.position, name=x.name, article=x.article) for x in event.lines]
    )
    reasons = list(dict.fromkeys(event.review_reasons))
    unmapped = sum(1 for m in matches if m.item_id is None)
    if unmapped:
        reasons.append(f"строк без сопоставления с позициями: {unmapped}")
    if event.currency not in settings.rates():
        reasons.append(f"нет курса валюты {event.currency}: цены не сравниваются")
    if not event.lines:
        reasons.append("в ответе не найдено строк с ценами")
    if version > 1:
        reasons.append(f"новая версия предложения (v{version})")
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
            needs_review=event.needs_review or bool(unmapped) or "нет курса" in " ".join(reasons),
            review_reasons=reasons,
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
                    "item_id": match.item_id,
                    "match_score": match.score if match.item_id else None,
                }
                for n, (line, match) in enumerate(zip(event.lines, matches, strict=True), start=1)
            ],
        )
    declined = bool(event.lines) and all(line.available is False for line in event.lines)
    target = RequestStatus.DECLINED if declined else RequestStatus.ANSWERED
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
            "unmapped_lines": unmapped,
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
    await tx.emit(
        QuoteReceived(
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
            needs_review=bool(reasons),
            requests_answered=counts.answered,
            requests_total=counts.total,
            correlation_id=str(request.order_id),
        )
    )
    log.info(
        "quote_stored",
        rfq_number=request.rfq_number,
        version=version,
        lines=len(event.lines),
        unmapped=unmapped,
    )
    return quote_id


async def on_mail_classified(*, tx: Tx, event: MailClassified) -> None:
    """Mail that is neither a new request nor a matched quote waits for a manager; a
    bounce of one of our RFQs fails that request."""
    await tx.session.execute(
        pg_insert(unmatched_mail)
        .values(
            mail_id=event.mail_id,
            reason=event.reason,
            received_at=event.received_at,
            from_email=event.from_.email if event.from_ else None,
            from_name=event.from_.name if event.from_ else None,
            mail_subject=event.mail_subject,
            text_excerpt=event.text_excerpt,
            thread=event.thread.model_dump(mode="json"),
        )
        .on_conflict_do_nothing()
    )
    if event.reason == "bounce" and event.bounced_message_id:
        await on_bounce(tx=tx, bounced_message_id=event.bounced_message_id, event_id=event.id)


def _unmatched_view(row: Row[Any]) -> UnmatchedMail:
    return UnmatchedMail.model_validate(
        {
            "mail_id": row.mail_id,
            "received_at": row.received_at,
            "from": {"email": row.from_email, "name": row.from_name or ""}
            if row.from_email
            else None,
            "mail_subject": row.mail_subject,
            "reason": row.reason,
            "text_excerpt": row.text_excerpt,
            "thread": row.thread or {},
            "linked_request_id": row.linked_request_id,
        }
    )


async def list_unmatched(*, session: AsyncSession, req: OrdersUnmatchedMail) -> UnmatchedMailPage:
    stmt = select(unmatched_mail)
    if req.reasons:
        stmt = stmt.where(unmatched_mail.c.reason.in_(list(req.reasons)))
    if not req.include_linked:
        stmt = stmt.where(unmatched_mail.c.linked_request_id.is_(None))
    total = await session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = (
        await session.execute(
            stmt.order_by(unmatched_mail.c.created_at.desc(), unmatched_mail.c.mail_id)
            .limit(req.page_size)
            .offset((req.page - 1) * req.page_size)
        )
    ).all()
    return UnmatchedMailPage(
        items=[_unmatched_view(r) for r in rows],
        total=total or 0,
        page=req.page,
        page_size=req.page_size,
    )


async def link_mail(*, tx: Tx, req: OrdersLinkMail, settings: OrdersSettings) -> LinkedMail:
    """A manager says which request an unmatched message answers; its quote (when the
    parser read one) is stored as for any matched reply."""
    session = tx.session
    actor = req.actor or "user:unknown"
    mail = (
        await session.execute(
            select(unmatched_mail).where(unmatched_mail.c.mail_id == req.mail_id).with_for_update()
        )
    ).first()
    if mail is None:
        raise NotFoundError("письмо не найдено среди несвязанных", mail_id=str(req.mail_id))
    request = await _request_by(session, supplier_requests.c.id, req.request_id)
    if request is None:
        raise NotFoundError("запрос поставщику не найден", request_id=req.request_id)
    order_number = await session.scalar(
        select(orders.c.number).where(orders.c.id == request.order_id)
    )
    assert order_number is not None
    if mail.linked_request_id is not None:
        if mail.linked_request_id == request.id:
            return LinkedMail(
                mail_id=mail.mail_id,
                request_id=request.id,
                order_id=request.order_id,
                order_number=order_number,
                quote_id=mail.linked_quote_id,
            )
        raise ConflictError(
            "письмо уже привязано к другому запросу", request_id=mail.linked_request_id
        )
    quote_id: UUID | None = None
    if mail.quote_payload:
        event = QuoteParsed.model_validate(mail.quote_payload)
        thread = event.thread.model_copy(
            update={"request_id": request.id, "rfq_number": request.rfq_number}
        )
        event = event.model_copy(update={"thread": thread})
        quote_id = await store_quote(
            tx, request=request, event=event, settings=settings, actor=actor, matched_by="manual"
        )
    elif can_request(request.status, RequestStatus.ANSWERED):
        await set_request_status(
            tx,
            request,
            RequestStatus.ANSWERED,
            actor=actor,
            values={"answered_at": mail.received_at or utcnow()},
            note="ответ привязан вручную, цены не прочитаны",
        )
        order = (
            await session.execute(
                select(orders).where(orders.c.id == request.order_id).with_for_update()
            )
        ).one()
        if order.status == OrderStatus.RFQ_SENT.value:
            await move_order(
                tx, order, OrderStatus.QUOTING, actor=actor, reason="ответ привязан вручную"
            )
    await session.execute(
        update(unmatched_mail)
        .where(unmatched_mail.c.mail_id == mail.mail_id)
        .values(
            linked_request_id=request.id,
            linked_quote_id=quote_id,
            linked_at=utcnow(),
            linked_by=actor,
        )
    )
    await audit(
        session,
        order_id=request.order_id,
        actor=actor,
        action="mail.linked",
        entity="mail",
        entity_id=mail.mail_id,
        before={"linked_request_id": None},
        after={
            "linked_request_id": request.id,
            "rfq_number": request.rfq_number,
            "quote_id": quote_id,
        },
    )
    return LinkedMail(
        mail_id=mail.mail_id,
        request_id=request.id,
        order_id=request.order_id,
        order_number=order_number,
        quote_id=quote_id,
    )
