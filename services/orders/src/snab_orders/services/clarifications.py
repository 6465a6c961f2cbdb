"""Clarification emails: drafted from what the order lacks, sent in the client's thread,
and the client's answer applied to the same order (``domain.clarification``).

The answer is recognised by its thread: its In-Reply-To or References name the
Message-ID of our clarification (known from ``mail.sent``) or, until that report came,
the client's own request of an order with a clarification on its way. Each answering
email is applied once (``clarification_answers`` is keyed by mail id), and a second
answer with the same values finds nothing missing, so it changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import Row, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from snab_contracts.mail import MailAddress, MailFailed, MailSend, MailSent
from snab_contracts.parsing import OrderParsed
from snab_contracts.rpc.clarifications import (
    ClarificationLine,
    ClarificationView,
    OrdersDraftClarification,
    OrdersSendClarification,
)
from snab_kit.consume import Tx
from snab_kit.logging import get_logger
from snab_orders.db.tables import clarification_answers, clarifications, order_items, orders
from snab_orders.domain.clarification import (
    AnswerLine,
    ItemState,
    LineGaps,
    apply_answer,
    clarification_email,
    email_from_text,
    missing,
)
from snab_orders.domain.clients import normalise_email
from snab_orders.domain.errors import NotAllowedNow, NotFoundError, RuleViolation
from snab_orders.domain.messages import Email
from snab_orders.domain.states import FINAL_ORDER_STATUSES
from snab_orders.services.common import SYSTEM, audit, lock_order, utcnow
from snab_orders.services.requests import signature
from snab_orders.settings import OrdersSettings

log = get_logger(__name__)

WAITING = ("sending", "sent", "answered")
"""Clarifications whose answer may arrive."""


async def _items(session: AsyncSession, order_id: UUID) -> list[ItemState]:
    rows = (
        await session.execute(
            select(order_items)
            .where(order_items.c.order_id == order_id)
            .order_by(order_items.c.position)
        )
    ).all()
    return [
        ItemState(r.id, r.position, r.name, r.quantity, r.unit, r.quantity_stated, r.unit_stated)
        for r in rows
    ]


async def _confidence(session: AsyncSession, order: Row[Any]) -> float | None:
    """The reading's confidence, until the client has answered once (then confirmed)."""
    answered = await session.scalar(
        select(clarifications.c.id).where(
            clarifications.c.order_id == order.id, clarifications.c.status == "answered"
        )
    )
    return None if answered is not None else order.confidence


def _lines(gaps: Sequence[LineGaps]) -> list[ClarificationLine]:
    return [
        ClarificationLine(
            item_id=g.item_id,
            position=g.position,
            name=g.name,
            gaps=[gap.value for gap in g.gaps],
            questions=list(g.questions),
        )
        for g in gaps
    ]


def _recipients(order: Row[Any], given: Sequence[str] | None) -> list[str]:
    if given:
        return [str(x) for x in given]
    own = normalise_email(order.contact_email) or normalise_email(order.from_email)
    return [own] if own else []


async def _draft(
    session: AsyncSession, order: Row[Any], settings: OrdersSettings
) -> tuple[list[ItemState], list[LineGaps], Email]:
    items = await _items(session, order.id)
    gaps = missing(items, confidence=await _confidence(session, order))
    email = clarification_email(
        order_number=order.number,
        original_subject=order.mail_subject,
        contact_name=order.contact_name or order.from_name,
        lines=gaps,
        items=items,
        signature=signature(settings),
    )
    return items, gaps, email


async def draft_clarification(
    *, session: AsyncSession, req: OrdersDraftClarification, settings: OrdersSettings
) -> ClarificationView:
    """The email orders would send now; what is missing line by line (maybe nothing)."""
    order = (await session.execute(select(orders).where(orders.c.id == req.order_id))).first()
    if order is None:
        raise NotFoundError("заявка не найдена", order_id=str(req.order_id))
    _, gaps, email = await _draft(session, order, settings)
    return ClarificationView(
        order_id=order.id,
        order_number=order.number,
        status="draft",
        to=_recipients(order, None),
        mail_subject=email.subject,
        text=email.text,
        in_reply_to=order.source_message_id,
        lines=_lines(gaps),
    )


async def send_clarification(
    *, tx: Tx, req: OrdersSendClarification, settings: OrdersSettings
) -> ClarificationView:
    """Send the clarification (the draft, or the manager's text) in the client's thread."""
    session = tx.session
    actor = req.actor or "user:unknown"
    order = await lock_order(session, req.order_id)
    if order.status in {s.value for s in FINAL_ORDER_STATUSES}:
        raise NotAllowedNow(f"заявка {order.number} закрыта: уточнять нечего")
    _, gaps, email = await _draft(session, order, settings)
    if not gaps and req.text is None:
        raise RuleViolation("все позиции заявки полные: уточнять нечего")
    if req.text is not None:
        email = email_from_text(email.subject, [req.text])
    recipients = _recipients(order, req.to)
    if not recipients:
        raise RuleViolation("не знаю, кому отправить уточнение: укажите адрес")
    thread = order.source_message_id
    clarification_id = uuid.uuid4()
    command = MailSend(
        to=[MailAddress(email=r) for r in recipients],
        mail_subject=email.subject,
        text=email.text,
        html=email.html,
        purpose="clarification",
        order_id=order.id,
        order_number=order.number,
        in_reply_to=thread,
        references=[thread] if thread else [],
        reply_to=settings.email_from,
        correlation_id=str(order.id),
    )
    now = utcnow()
    await session.execute(
        pg_insert(clarifications).values(
            id=clarification_id,
            order_id=order.id,
            status="sending",
            gaps=[line.model_dump(mode="json") for line in _lines(gaps)],
            sent_to=recipients,
            mail_subject=email.subject,
            text=email.text,
            in_reply_to=thread,
            command_id=command.id,
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
    )
    await tx.emit(command)
    await audit(
        session,
        order_id=order.id,
        actor=actor,
        action="clarification.send",
        entity="clarification",
        entity_id=clarification_id,
        after={
            "to": recipients,
            "lines": [g.position for g in gaps],
            "edited": req.text is not None,
        },
    )
    return await clarification_view(session, clarification_id)


async def clarification_view(session: AsyncSession, clarification_id: UUID) -> ClarificationView:
    row = (
        await session.execute(
            select(clarifications, orders.c.number)
            .join(orders, orders.c.id == clarifications.c.order_id)
            .where(clarifications.c.id == clarification_id)
        )
    ).one()
    return ClarificationView(
        clarification_id=row.id,
        order_id=row.order_id,
        order_number=row.number,
        status=row.status,
        to=list(row.sent_to),
        mail_subject=row.mail_subject,
        text=row.text,
        in_reply_to=row.in_reply_to,
        lines=[ClarificationLine.model_validate(g) for g in row.gaps],
        message_id=row.message_id,
        sent_at=row.sent_at,
        answered_at=row.answered_at,
    )


async def on_clarification_mail(*, tx: Tx, event: MailSent | MailFailed) -> None:
    """The gateway's report: sent (with our Message-ID, which the answer will name) or
    failed (with the reason, for the manager to send again)."""
    row = (
        await tx.session.execute(
            select(clarifications)
            .where(clarifications.c.command_id == event.command_id)
            .with_for_update()
        )
    ).first()
    if row is None:
        log.warning("clarification_report_unknown", command_id=str(event.command_id))
        return
    if isinstance(event, MailSent):
        values: dict[str, Any] = {"message_id": event.message_id, "sent_at": event.sent_at}
        if row.status == "sending":
            values["status"] = "sent"
    else:
        values = {"status": "failed", "last_error": event.error[:2000]}
    await tx.session.execute(
        update(clarifications)
        .where(clarifications.c.id == row.id)
        .values(**values, updated_at=utcnow())
    )
    await audit(
        tx.session,
        order_id=row.order_id,
        actor=SYSTEM,
        action="clarification.sent" if isinstance(event, MailSent) else "clarification.failed",
        entity="clarification",
        entity_id=row.id,
        before={"status": row.status},
        after=values,
        source_event_id=event.id,
    )


def _thread_ids(event: OrderParsed) -> list[str]:
    ids = [*event.references, *([event.in_reply_to] if event.in_reply_to else [])]
    return list(dict.fromkeys(i.strip() for i in ids if i and i.strip()))


async def answered_clarifications(
    session: AsyncSession, events: Sequence[OrderParsed]
) -> dict[UUID, Row[Any]]:
    """For each event that answers one of our clarifications (by its thread), that
    clarification (the newest of its order), keyed by the event's mail id."""
    wanted = {e.mail_id: _thread_ids(e) for e in events}
    every = sorted({i for ids in wanted.values() for i in ids})
    if not every:
        return {}
    rows = (
        await session.execute(
            select(clarifications, orders.c.source_message_id)
            .join(orders, orders.c.id == clarifications.c.order_id)
            .where(
                clarifications.c.status.in_(WAITING),
                or_(
                    clarifications.c.message_id.in_(every),
                    orders.c.source_message_id.in_(every),
                ),
            )
            .order_by(clarifications.c.created_at)
        )
    ).all()
    found: dict[UUID, Row[Any]] = {}
    for mail_id, ids in wanted.items():
        for row in rows:
            if row.message_id in ids or row.source_message_id in ids:
                found[mail_id] = row  # the newest wins: rows are oldest first
    return found


async def apply_client_answer(tx: Tx, *, event: OrderParsed, clarification: Row[Any]) -> None:
    """Fill what the order lacked from the client's answer, once per answering email."""
    session = tx.session
    order = await lock_order(session, clarification.order_id)
    first = await session.scalar(
        pg_insert(clarification_answers)
        .values(mail_id=event.mail_id, clarification_id=clarification.id, order_id=order.id)
        .on_conflict_do_nothing()
        .returning(clarification_answers.c.mail_id)
    )
    if first is None:
        log.info("clarification_answer_already_applied", mail_id=str(event.mail_id))
        return
    items = await _items(session, order.id)
    answers = [
        AnswerLine(i.name, i.quantity, i.unit.value, i.quantity_stated, i.unit_stated)
        for i in event.items
    ]
    changes = apply_answer(items, answers, confidence=await _confidence(session, order))
    for change in changes:
        await session.execute(
            update(order_items).where(order_items.c.id == change.item_id).values(**change.values)
        )
    now = utcnow()
    await session.execute(
        update(clarification_answers)
        .where(clarification_answers.c.mail_id == event.mail_id)
        .values(
            changes=[
                {"position": c.position, "before": c.before, "after": c.after} for c in changes
            ]
        )
    )
    await session.execute(
        update(clarifications)
        .where(clarifications.c.id == clarification.id)
        .values(status="answered", answered_at=now, updated_at=now)
    )
    if changes:
        await session.execute(update(orders).where(orders.c.id == order.id).values(updated_at=now))
    still = missing(await _items(session, order.id), confidence=None)
    await audit(
        session,
        order_id=order.id,
        actor=SYSTEM,
        action="order.clarified",
        entity="order",
        entity_id=order.id,
        before={"items": [{"position": c.position, **c.before} for c in changes]},
        after={
            "items": [{"position": c.position, **c.after} for c in changes],
            "mail_id": event.mail_id,
            "still_missing": [g.position for g in still],
        },
        source_event_id=event.id,
    )
    log.info("order_clarified", number=order.number, changed=len(changes), missing=len(still))
