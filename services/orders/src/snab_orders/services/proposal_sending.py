"""Sending a proposal (КП) to the client, and what the mail gateway reports back."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, update

from snab_contracts.mail import MailAddress, MailFailed, MailSend, MailSent, OutgoingAttachment
from snab_contracts.orders import OrderStatus
from snab_contracts.rpc.orders import (
    OrdersSendProposal,
    ProposalStatus,
    ProposalView,
)
from snab_kit.consume import Tx
from snab_kit.logging import get_logger
from snab_orders.db.tables import (
    orders,
    proposals,
)
from snab_orders.domain.clients import normalise_email
from snab_orders.domain.errors import NotAllowedNow, NotFoundError, RuleViolation
from snab_orders.domain.messages import proposal_email
from snab_orders.domain.states import can_order, proposal_transition
from snab_orders.services.common import SYSTEM, audit, lock_order, move_order, utcnow
from snab_orders.services.proposals import lock_proposal, proposal_view
from snab_orders.services.requests import signature
from snab_orders.settings import OrdersSettings

log = get_logger(__name__)


def _proposal_mail(
    proposal: Row[Any],
    order: Row[Any],
    recipients: list[str],
    message: str | None,
    original_message_id: str | None,
    settings: OrdersSettings,
) -> MailSend:
    """The email with the PDF attached, in the thread of the client's request."""
    email = proposal_email(
        proposal_number=proposal.number,
        original_subject=order.mail_subject,
        total=proposal.total,
        currency=proposal.currency,
        signature=signature(settings),
        message=message,
    )
    command = MailSend(
        to=[MailAddress(email=r) for r in recipients],
        mail_subject=email.subject,
        text=email.text,
        html=email.html,
        attachments=[
            OutgoingAttachment(
                storage_key=proposal.document_storage_key,
                filename=proposal.document_filename or f"{proposal.number}.pdf",
                content_type=proposal.document_content_type or "application/pdf",
                size=proposal.document_size,
                sha256=proposal.document_sha256,
            )
        ],
        purpose="proposal",
        order_id=order.id,
        order_number=order.number,
        proposal_id=proposal.id,
        in_reply_to=original_message_id,
        references=[original_message_id] if original_message_id else [],
        reply_to=settings.email_from,
        correlation_id=str(order.id),
    )
    return command


async def send_proposal(
    *,
    tx: Tx,
    req: OrdersSendProposal,
    settings: OrdersSettings,
) -> ProposalView:
    """Email the PDF to the client, in the thread of the client's request."""
    session = tx.session
    actor = req.actor or "user:unknown"
    proposal = await lock_proposal(session, req.proposal_id)
    if proposal is None:
        raise NotFoundError("КП не найдено", proposal_id=str(req.proposal_id))
    order = await lock_order(session, proposal.order_id)
    if proposal.status == ProposalStatus.GENERATING.value:
        raise NotAllowedNow(
            f"{proposal.number}: документ ещё формируется, отправить пока нельзя",
            status=proposal.status,
        )
    proposal_transition(proposal.status, ProposalStatus.SENDING)
    if proposal.document_storage_key is None:
        raise NotAllowedNow(f"{proposal.number}: нет файла КП", status=proposal.status)
    status = OrderStatus(order.status)
    if status != OrderStatus.PROPOSAL_SENT and not can_order(status, OrderStatus.PROPOSAL_SENT):
        raise NotAllowedNow(
            f"заявка {order.number} в статусе {status.value}: КП не отправить", status=status.value
        )
    recipients = [str(x) for x in req.to] if req.to else []
    if not recipients:
        own = normalise_email(order.contact_email) or normalise_email(order.from_email)
        recipients = [own] if own else []
    if not recipients:
        raise RuleViolation("не знаю, кому отправить КП: укажите адрес")
    command = _proposal_mail(
        proposal, order, recipients, req.message, order.source_message_id, settings
    )
    await session.execute(
        update(proposals)
        .where(proposals.c.id == proposal.id)
        .values(
            status=ProposalStatus.SENDING.value,
            send_command_id=command.id,
            sent_to=recipients,
            updated_at=utcnow(),
        )
    )
    await tx.emit(command)
    await audit(
        session,
        order_id=order.id,
        actor=actor,
        action="proposal.send",
        entity="proposal",
        entity_id=proposal.id,
        before={"status": proposal.status},
        after={"status": ProposalStatus.SENDING.value, "to": recipients},
    )
    if status != OrderStatus.PROPOSAL_SENT:
        await move_order(
            tx,
            order,
            OrderStatus.PROPOSAL_SENT,
            actor=actor,
            reason=f"{proposal.number} отправлено",
        )
    return await proposal_view(session, proposal.id)


async def on_proposal_sent(*, tx: Tx, event: MailSent) -> None:
    assert event.proposal_id is not None
    proposal = await lock_proposal(tx.session, event.proposal_id)
    if proposal is None or proposal.status != ProposalStatus.SENDING.value:
        return
    await tx.session.execute(
        update(proposals)
        .where(proposals.c.id == proposal.id)
        .values(status=ProposalStatus.SENT.value, sent_at=event.sent_at, updated_at=utcnow())
    )
    await tx.session.execute(
        update(orders)
        .where(orders.c.id == proposal.order_id, orders.c.proposal_sent_at.is_(None))
        .values(proposal_sent_at=event.sent_at)
    )
    await audit(
        tx.session,
        order_id=proposal.order_id,
        actor=SYSTEM,
        action="proposal.sent",
        entity="proposal",
        entity_id=proposal.id,
        before={"status": proposal.status},
        after={"status": ProposalStatus.SENT.value, "message_id": event.message_id},
        source_event_id=event.id,
    )


async def on_proposal_failed(*, tx: Tx, event: MailFailed) -> None:
    """The proposal email failed: the proposal is ``failed`` and the order is back to
    ``proposal_ready`` so that it can be sent again."""
    assert event.proposal_id is not None
    proposal = await lock_proposal(tx.session, event.proposal_id)
    if proposal is None or proposal.status != ProposalStatus.SENDING.value:
        return
    await tx.session.execute(
        update(proposals)
        .where(proposals.c.id == proposal.id)
        .values(
            status=ProposalStatus.FAILED.value, last_error=event.error[:2000], updated_at=utcnow()
        )
    )
    await audit(
        tx.session,
        order_id=proposal.order_id,
        actor=SYSTEM,
        action="proposal.failed",
        entity="proposal",
        entity_id=proposal.id,
        before={"status": proposal.status},
        after={"status": ProposalStatus.FAILED.value, "error": event.error[:2000]},
        source_event_id=event.id,
    )
    order = await lock_order(tx.session, proposal.order_id)
    if order.status == OrderStatus.PROPOSAL_SENT.value:
        await move_order(
            tx,
            order,
            OrderStatus.PROPOSAL_READY,
            actor=SYSTEM,
            reason="письмо с КП не отправлено",
            source_event_id=event.id,
        )
