"""Mail that answers no known request: listed for managers, linked by hand."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Row, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from snab_contracts.mail import MailClassified
from snab_contracts.orders import OrderStatus, RequestStatus
from snab_contracts.parsing import QuoteParsed
from snab_contracts.rpc.orders import (
    LinkedMail,
    OrdersLinkMail,
    OrdersUnmatchedMail,
    UnmatchedMail,
    UnmatchedMailPage,
)
from snab_kit.consume import Tx
from snab_kit.logging import get_logger
from snab_orders.db.tables import (
    orders,
    supplier_requests,
    unmatched_mail,
)
from snab_orders.domain.errors import ConflictError, NotFoundError
from snab_orders.domain.states import can_request
from snab_orders.services.common import audit, move_order, utcnow
from snab_orders.services.quotes import request_by, store_quote
from snab_orders.services.requests import on_bounce, set_request_status
from snab_orders.settings import OrdersSettings

log = get_logger(__name__)


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


async def _answer_from_mail(
    tx: Tx, mail: Row[Any], request: Row[Any], settings: OrdersSettings, actor: str
) -> UUID | None:
    """The linked message answers the request: its quote is stored when the parser read
    one, else the request is only marked answered."""
    session = tx.session
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
    return quote_id


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
    request = await request_by(session, supplier_requests.c.id, req.request_id)
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
    quote_id = await _answer_from_mail(tx, mail, request, settings, actor)
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
