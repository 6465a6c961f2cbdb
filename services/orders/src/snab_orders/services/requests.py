"""Supplier requests (RFQs): sending, delivery reports, reminders and timeouts, suggestions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from snab_contracts.mail import MailAddress, MailFailed, MailSend, MailSent
from snab_contracts.orders import (
    OrderStatus,
    RequestFailed,
    RequestStatus,
)
from snab_contracts.rpc.orders import (
    OrdersSendRequests,
    SentRequests,
)
from snab_kit.consume import Tx
from snab_kit.logging import get_logger
from snab_orders.db.tables import (
    order_items,
    orders,
    supplier_requests,
    suppliers,
)
from snab_orders.domain.messages import Email, RfqLine, Signature, rfq_email
from snab_orders.domain.numbering import rfq_number
from snab_orders.domain.rfq import OpenRequest, SupplierRef, choose_items, choose_suppliers
from snab_orders.domain.states import (
    DELIVERED_REQUEST_STATUSES,
    OPEN_REQUEST_STATUSES,
    after_request_failed,
    after_requests_sent,
    can_request,
    request_transition,
)
from snab_orders.services import views
from snab_orders.services.common import SYSTEM, audit, lock_order, move_order, utcnow
from snab_orders.settings import OrdersSettings

log = get_logger(__name__)


def signature(settings: OrdersSettings) -> Signature:
    return Signature(
        company=settings.company_name,
        manager=settings.manager_name,
        phone=settings.company_phone,
        email=settings.contact_email,
    )


def reply_address(settings: OrdersSettings) -> MailAddress | None:
    return settings.email_from


def rfq_lines(items: Sequence[Row[Any]], item_ids: Sequence[UUID]) -> list[RfqLine]:
    """The table the supplier sees, numbered from 1 in the request's own order."""
    by_id = {i.id: i for i in items}
    chosen = [by_id[i] for i in item_ids if i in by_id]
    return [
        RfqLine(
            position=n,
            name=i.name,
            quantity=i.quantity,
            unit=i.unit,
            article=i.article,
            note=i.note,
        )
        for n, i in enumerate(chosen, start=1)
    ]


async def request_views(session: AsyncSession, ids: Sequence[int]) -> list[Any]:
    rows = (
        await session.execute(
            select(supplier_requests, suppliers.c.company.label("supplier_name"))
            .join(suppliers, suppliers.c.id == supplier_requests.c.supplier_id)
            .where(supplier_requests.c.id.in_(list(ids)))
            .order_by(supplier_requests.c.id)
        )
    ).all()
    return [views.request_view(r) for r in rows]


async def _load_suppliers(
    session: AsyncSession, order_id: UUID, supplier_ids: Sequence[UUID]
) -> tuple[dict[UUID, SupplierRef], list[OpenRequest]]:
    """The suppliers asked for, and their requests of this order still waiting."""
    found = {
        r.id: SupplierRef(r.id, r.company, tuple(r.emails), r.contact_name, r.active)
        for r in (
            await session.execute(
                select(suppliers).where(
                    suppliers.c.id.in_(list(supplier_ids)), suppliers.c.deleted_at.is_(None)
                )
            )
        ).all()
    }
    open_rows = (
        await session.execute(
            select(supplier_requests.c.rfq_number, supplier_requests.c.supplier_id)
            .where(
                supplier_requests.c.order_id == order_id,
                supplier_requests.c.supplier_id.in_(list(supplier_ids)),
                supplier_requests.c.status.in_([s.value for s in OPEN_REQUEST_STATUSES]),
            )
            .order_by(supplier_requests.c.id)
        )
    ).all()
    return found, [OpenRequest(r.rfq_number, r.supplier_id) for r in open_rows]


def _rfq_mail(
    order: Row[Any],
    supplier: SupplierRef,
    request_id: int,
    number: str,
    email: Email,
    settings: OrdersSettings,
) -> MailSend:
    command = MailSend(
        to=[MailAddress(email=supplier.emails[0], name=supplier.contact_name or "")],
        cc=[MailAddress(email=e) for e in supplier.emails[1:]],
        mail_subject=email.subject,
        text=email.text,
        html=email.html,
        purpose="rfq",
        order_id=order.id,
        order_number=order.number,
        request_id=request_id,
        rfq_number=number,
        reply_to=reply_address(settings),
        correlation_id=str(order.id),
    )
    return command


async def _create_request(
    tx: Tx,
    *,
    order: Row[Any],
    supplier: SupplierRef,
    item_ids: list[UUID],
    lines: list[RfqLine],
    message: str | None,
    settings: OrdersSettings,
    actor: str,
    now: datetime,
) -> int:
    """One request with its RFQ email (``mail.send``) in the outbox, and its audit row."""
    session = tx.session
    seq = await session.scalar(
        update(orders)
        .where(orders.c.id == order.id)
        .values(rfq_seq=orders.c.rfq_seq + 1)
        .returning(orders.c.rfq_seq)
    )
    assert seq is not None
    number = rfq_number(order.number, seq)
    email = rfq_email(
        rfq_number=number,
        lines=lines,
        reply_by=now + settings.timeout_age,
        signature=signature(settings),
        message=message,
    )
    request_id = await session.scalar(
        insert(supplier_requests)
        .values(
            rfq_number=number,
            order_id=order.id,
            supplier_id=supplier.supplier_id,
            seq=seq,
            status=RequestStatus.QUEUED.value,
            item_ids=item_ids,
            message=message,
            supplier_email=supplier.emails[0],
            mail_subject=email.subject,
            created_at=now,
            updated_at=now,
        )
        .returning(supplier_requests.c.id)
    )
    assert request_id is not None
    command = _rfq_mail(order, supplier, request_id, number, email, settings)
    await session.execute(
        update(supplier_requests)
        .where(supplier_requests.c.id == request_id)
        .values(command_id=command.id)
    )
    await tx.emit(command)
    await audit(
        session,
        order_id=order.id,
        actor=actor,
        action="request.created",
        entity="request",
        entity_id=request_id,
        after={
            "rfq_number": number,
            "supplier_id": supplier.supplier_id,
            "supplier": supplier.company,
            "status": RequestStatus.QUEUED.value,
            "items": len(item_ids),
        },
    )
    return int(request_id)


async def send_requests(
    *, tx: Tx, req: OrdersSendRequests, settings: OrdersSettings, now: datetime | None = None
) -> SentRequests:
    """One request per supplier, each with its RFQ email (``mail.send``) in the outbox.
    Load the order, its items and the suppliers; decide in ``domain.rfq``; write."""
    session = tx.session
    actor = req.actor or "user:unknown"
    now = now or utcnow()
    order = await lock_order(session, req.order_id)
    target = after_requests_sent(order.status)  # raises for a closed order
    items = (
        await session.execute(
            select(order_items)
            .where(order_items.c.order_id == order.id)
            .order_by(order_items.c.position)
        )
    ).all()
    found, waiting = await _load_suppliers(session, order.id, req.supplier_ids)
    item_ids = choose_items([i.id for i in items], req.item_ids)
    chosen = choose_suppliers(req.supplier_ids, found, waiting)
    lines = rfq_lines(items, item_ids)
    created = [
        await _create_request(
            tx,
            order=order,
            supplier=supplier,
            item_ids=item_ids,
            lines=lines,
            message=req.message,
            settings=settings,
            actor=actor,
            now=now,
        )
        for supplier in chosen
    ]
    if order.first_rfq_at is None:
        await session.execute(
            update(orders).where(orders.c.id == order.id).values(first_rfq_at=now)
        )
    if target is not None:
        await move_order(tx, order, target, actor=actor, reason="запросы поставщикам отправлены")
    return SentRequests(order_id=order.id, requests=await request_views(session, created))


async def _lock_request(session: AsyncSession, request_id: int) -> Row[Any] | None:
    return (
        await session.execute(
            select(supplier_requests).where(supplier_requests.c.id == request_id).with_for_update()
        )
    ).first()


async def set_request_status(
    tx: Tx,
    request: Row[Any],
    target: RequestStatus,
    *,
    actor: str,
    values: dict[str, Any] | None = None,
    source_event_id: UUID | None = None,
    note: str | None = None,
) -> None:
    """Move a locked request (the state machine decides), with its audit row."""
    request_transition(request.status, target)
    now = utcnow()
    extra = dict(values or {})
    if target in (RequestStatus.TIMEOUT, RequestStatus.FAILED, RequestStatus.DECLINED):
        extra.setdefault("closed_at", now)
    await tx.session.execute(
        update(supplier_requests)
        .where(supplier_requests.c.id == request.id)
        .values(status=target.value, updated_at=now, **extra)
    )
    await audit(
        tx.session,
        order_id=request.order_id,
        actor=actor,
        action="request.status",
        entity="request",
        entity_id=request.id,
        before={"status": request.status},
        after={"status": target.value, **({"note": note} if note else {}), **extra},
        source_event_id=source_event_id,
    )


async def on_rfq_sent(*, tx: Tx, event: MailSent) -> None:
    """The RFQ email left: the request is ``sent`` and remembers its Message-ID."""
    assert event.request_id is not None
    request = await _lock_request(tx.session, event.request_id)
    if request is None:
        log.warning("mail_sent_for_unknown_request", request_id=event.request_id)
        return
    if event.purpose == "reminder":
        await audit(
            tx.session,
            order_id=request.order_id,
            actor=SYSTEM,
            action="request.reminder_sent",
            entity="request",
            entity_id=request.id,
            after={"message_id": event.message_id, "sent_at": event.sent_at},
            source_event_id=event.id,
        )
        return
    if request.status == RequestStatus.QUEUED.value:
        await set_request_status(
            tx,
            request,
            RequestStatus.SENT,
            actor=SYSTEM,
            values={"sent_at": event.sent_at, "message_id": event.message_id},
            source_event_id=event.id,
        )
    elif request.message_id is None:
        # Answered before the delivery report came: keep the thread's Message-ID anyway.
        await tx.session.execute(
            update(supplier_requests)
            .where(supplier_requests.c.id == request.id)
            .values(message_id=event.message_id, sent_at=event.sent_at)
        )


async def on_rfq_failed(*, tx: Tx, event: MailFailed) -> None:
    """The RFQ email could not be sent: the request is ``failed``, managers are told
    (``request.failed``), and an order none of whose requests got through goes back to
    ``new``."""
    assert event.request_id is not None
    request = await _lock_request(tx.session, event.request_id)
    if request is None:
        log.warning("mail_failed_for_unknown_request", request_id=event.request_id)
        return
    if event.purpose == "reminder" or not can_request(request.status, RequestStatus.FAILED):
        await tx.session.execute(
            update(supplier_requests)
            .where(supplier_requests.c.id == request.id)
            .values(last_error=event.error[:2000], updated_at=utcnow())
        )
        await audit(
            tx.session,
            order_id=request.order_id,
            actor=SYSTEM,
            action="request.mail_failed",
            entity="request",
            entity_id=request.id,
            after={"purpose": event.purpose, "error": event.error[:2000]},
            source_event_id=event.id,
        )
        return
    await fail_request(tx, request, reason=event.error, source_event_id=event.id)


async def on_bounce(*, tx: Tx, bounced_message_id: str, event_id: UUID) -> bool:
    """A delivery failure report for an RFQ we sent: the request failed."""
    request = (
        await tx.session.execute(
            select(supplier_requests)
            .where(supplier_requests.c.message_id == bounced_message_id)
            .with_for_update()
        )
    ).first()
    if request is None or not can_request(request.status, RequestStatus.FAILED):
        return False
    await fail_request(
        tx,
        request,
        reason="письмо вернулось: адрес не принимает почту",
        source_event_id=event_id,
    )
    return True


async def fail_request(
    tx: Tx, request: Row[Any], *, reason: str, source_event_id: UUID | None
) -> None:
    """Mark a locked request failed, tell the managers, and send the order back to
    ``new`` when nothing of it got through (load → decide in the domain → write)."""
    reason = reason[:2000]
    await set_request_status(
        tx,
        request,
        RequestStatus.FAILED,
        actor=SYSTEM,
        values={"last_error": reason},
        source_event_id=source_event_id,
    )
    order = await lock_order(tx.session, request.order_id)
    statuses = list(
        (
            await tx.session.execute(
                select(supplier_requests.c.status).where(supplier_requests.c.order_id == order.id)
            )
        ).scalars()
    )
    supplier_name = await tx.session.scalar(
        select(suppliers.c.company).where(suppliers.c.id == request.supplier_id)
    )
    target = after_request_failed(order.status, statuses)
    if target is not None:
        await move_order(
            tx,
            order,
            target,
            actor=SYSTEM,
            reason=f"ни один запрос поставщикам не отправлен: {reason}",
            source_event_id=source_event_id,
        )
    await tx.emit(
        RequestFailed(
            request_id=request.id,
            rfq_number=request.rfq_number,
            order_id=order.id,
            order_number=order.number,
            supplier_id=request.supplier_id,
            supplier_name=supplier_name or "",
            supplier_email=request.supplier_email,
            reason=reason,
            requests_delivered=sum(
                1 for s in statuses if RequestStatus(s) in DELIVERED_REQUEST_STATUSES
            ),
            order_status=target or OrderStatus(order.status),
            correlation_id=str(order.id),
        )
    )
