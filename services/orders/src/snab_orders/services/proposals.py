"""Proposals (КП): markup rules, building, the rendered PDF, sending to the client."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Row, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from snab_contracts.documents import (
    BankDetails,
    CompanyRequisites,
    DocumentFailed,
    DocumentGenerated,
    DocumentRequested,
    ProposalClient,
    ProposalDocument,
    ProposalLine,
    ProposalManager,
)
from snab_contracts.mail import MailAddress, MailFailed, MailSend, MailSent, OutgoingAttachment
from snab_contracts.orders import OrderStatus
from snab_contracts.rpc.orders import (
    MarkupRule,
    MarkupRules,
    OrdersBuildProposal,
    OrdersSendProposal,
    OrdersSetMarkup,
    ProposalStatus,
    ProposalView,
)
from snab_contracts.values import Unit
from snab_kit.consume import Tx
from snab_kit.logging import get_logger
from snab_orders.db.tables import (
    categories,
    clients,
    markup_rules,
    orders,
    proposal_lines,
    proposals,
)
from snab_orders.domain import proposal as calc
from snab_orders.domain.clients import normalise_email
from snab_orders.domain.errors import NotAllowedNow, NotFoundError, RuleViolation
from snab_orders.domain.messages import proposal_email
from snab_orders.domain.numbering import proposal_number
from snab_orders.domain.states import can_order, proposal_transition
from snab_orders.domain.text import MOSCOW
from snab_orders.services import views
from snab_orders.services.common import SYSTEM, audit, lock_order, move_order, utcnow
from snab_orders.services.comparison import comparison_for, load_items
from snab_orders.services.requests import signature
from snab_orders.settings import OrdersSettings

log = get_logger(__name__)

# -- markup rules -----------------------------------------------------------------------


def _target(scope: str, category_id: UUID | None, client_id: UUID | None) -> str:
    if scope == "category":
        return f"category:{category_id}"
    if scope == "client":
        return f"client:{client_id}"
    return "global"


def _rule_view(row: Row[Any]) -> MarkupRule:
    return MarkupRule(
        rule_id=row.id,
        scope=row.scope,
        category_id=row.category_id,
        client_id=row.client_id,
        percent=row.percent,
        min_margin_percent=row.min_margin_percent,
        updated_at=row.updated_at,
    )


async def set_markup(*, session: AsyncSession, req: OrdersSetMarkup) -> MarkupRule:
    if req.min_margin_percent is not None and req.min_margin_percent >= 100:
        raise RuleViolation("минимальная маржа должна быть меньше 100 %")
    if (
        req.category_id is not None
        and (
            await session.scalar(select(categories.c.id).where(categories.c.id == req.category_id))
        )
        is None
    ):
        raise NotFoundError("категория не найдена", category_id=str(req.category_id))
    if (
        req.client_id is not None
        and (await session.scalar(select(clients.c.id).where(clients.c.id == req.client_id)))
        is None
    ):
        raise NotFoundError("клиент не найден", client_id=str(req.client_id))
    target = _target(req.scope, req.category_id, req.client_id)
    before = (
        await session.execute(select(markup_rules).where(markup_rules.c.target == target))
    ).first()
    now = utcnow()
    values = {
        "scope": req.scope,
        "category_id": req.category_id,
        "client_id": req.client_id,
        "percent": req.percent,
        "min_margin_percent": req.min_margin_percent,
        "updated_by": req.actor,
        "updated_at": now,
    }
    row = (
        await session.execute(
            pg_insert(markup_rules)
            .values(id=uuid.uuid4(), target=target, **values)
            .on_conflict_do_update(index_elements=[markup_rules.c.target], set_=values)
            .returning(markup_rules)
        )
    ).one()
    await audit(
        session,
        order_id=None,
        actor=req.actor or "user:unknown",
        action="markup.set",
        entity="markup_rule",
        entity_id=row.id,
        before={"percent": before.percent, "min_margin_percent": before.min_margin_percent}
        if before
        else None,
        after={
            "target": target,
            "percent": req.percent,
            "min_margin_percent": req.min_margin_percent,
        },
    )
    return _rule_view(row)


async def list_markups(*, session: AsyncSession) -> MarkupRules:
    rows = (
        await session.execute(
            select(markup_rules).order_by(markup_rules.c.scope, markup_rules.c.target)
        )
    ).all()
    return MarkupRules(items=[_rule_view(r) for r in rows])


async def _rules_for(
    session: AsyncSession,
    *,
    client_id: UUID | None,
    override: Decimal | None,
    settings: OrdersSettings,
) -> calc.MarkupRules:
    rows = (await session.execute(select(markup_rules))).all()
    global_rule = None
    client_rule = None
    by_category: dict[UUID, tuple[Decimal, Decimal | None]] = {}
    for r in rows:
        rule = (r.percent, r.min_margin_percent)
        if r.scope == "global":
            global_rule = rule
        elif r.scope == "client" and client_id is not None and r.client_id == client_id:
            client_rule = rule
        elif r.scope == "category" and r.category_id is not None:
            by_category[r.category_id] = rule
    return calc.MarkupRules(
        default_percent=settings.default_markup_percent,
        default_min_margin=settings.min_margin_percent,
        global_rule=global_rule,
        client_rule=client_rule,
        category_rules=by_category,
        override_percent=override,
    )


# -- proposals --------------------------------------------------------------------------


def company_requisites(settings: OrdersSettings) -> CompanyRequisites:
    """The requisites printed on every proposal, from the COMPANY_* settings."""
    bank = None
    if settings.company_bank_name and settings.company_bank_bik and settings.company_bank_account:
        bank = BankDetails(
            bank_name=settings.company_bank_name,
            bik=settings.company_bank_bik,
            account=settings.company_bank_account,
            correspondent_account=settings.company_bank_corr_account,
        )
    return CompanyRequisites(
        name=settings.company_name,
        inn=settings.company_inn,
        kpp=settings.company_kpp,
        ogrn=settings.company_ogrn,
        address=settings.company_address,
        phone=settings.company_phone,
        email=settings.contact_email,
        bank=bank,
    )


async def proposal_view(session: AsyncSession, proposal_id: UUID) -> ProposalView:
    row = (await session.execute(select(proposals).where(proposals.c.id == proposal_id))).first()
    if row is None:
        raise NotFoundError("КП не найдено", proposal_id=str(proposal_id))
    lines = (
        await session.execute(
            select(proposal_lines)
            .where(proposal_lines.c.proposal_id == proposal_id)
            .order_by(proposal_lines.c.position)
        )
    ).all()
    return views.proposal_view(row, lines)


async def build_proposal(
    *, tx: Tx, req: OrdersBuildProposal, settings: OrdersSettings, now: datetime | None = None
) -> ProposalView:
    """Choose an offer per item (the manager's choice, else the cheapest available one),
    price it with the markup rules, store the proposal and ask documents to render it."""
    session = tx.session
    actor = req.actor or "user:unknown"
    now = now or utcnow()
    order = await lock_order(session, req.order_id)
    status = OrderStatus(order.status)
    if status != OrderStatus.PROPOSAL_READY and not can_order(status, OrderStatus.PROPOSAL_READY):
        raise NotAllowedNow(
            f"заявка {order.number} в статусе {status.value}: КП собирается, когда есть ответы "
            "поставщиков",
            status=status.value,
        )
    items = await load_items(session, order.id)
    comparison = await comparison_for(session, order_id=order.id, settings=settings, items=items)
    chosen, warnings = calc.choose(comparison.rows, req.choices)
    rules = await _rules_for(
        session, client_id=order.client_id, override=req.markup_percent, settings=settings
    )
    extras = {i.id: calc.ItemExtra(i.category_id, i.article) for i in items}
    priced = calc.price(
        chosen, rules=rules, extras=extras, vat_rate=settings.vat_rate, warnings=warnings
    )
    seq = await session.scalar(
        update(orders)
        .where(orders.c.id == order.id)
        .values(proposal_seq=orders.c.proposal_seq + 1)
        .returning(orders.c.proposal_seq)
    )
    assert seq is not None
    number = proposal_number(order.number, seq)
    superseded = (
        await session.execute(
            update(proposals)
            .where(
                proposals.c.order_id == order.id,
                proposals.c.status.in_(
                    [
                        ProposalStatus.GENERATING.value,
                        ProposalStatus.READY.value,
                        ProposalStatus.FAILED.value,
                    ]
                ),
            )
            .values(status=ProposalStatus.SUPERSEDED.value, updated_at=now)
            .returning(proposals.c.id, proposals.c.number)
        )
    ).all()
    valid_days = req.valid_days or settings.proposal_valid_days
    valid_until = (now.astimezone(MOSCOW) + timedelta(days=valid_days)).date()
    payment_terms = req.payment_terms or settings.proposal_payment_terms
    proposal_id = uuid.uuid4()
    client = None
    if order.client_id:
        client = (
            await session.execute(select(clients).where(clients.c.id == order.client_id))
        ).first()
    document = ProposalDocument(
        number=number,
        date=now.astimezone(MOSCOW).date(),
        company=company_requisites(settings),
        client=ProposalClient(
            name=(client.name if client else None)
            or order.company
            or order.from_name
            or order.from_email
            or "Клиент",
            inn=(client.inn if client else None) or order.inn,
            contact=order.contact_name or order.from_name or None,
        ),
        lines=[
            ProposalLine(
                position=line.position,
                name=line.name,
                article=line.article,
                quantity=line.quantity,
                unit=Unit(line.unit),
                unit_price=line.unit_price,
                amount=line.amount,
            )
            for line in priced.lines
        ],
        currency="RUB",
        prices_include_vat=True,
        subtotal=priced.subtotal,
        vat_rate=priced.vat_rate,
        vat_amount=priced.vat_amount,
        total=priced.total,
        valid_until=valid_until,
        lead_time_days=priced.lead_time_days,
        payment_terms=payment_terms,
        manager=ProposalManager(
            name=settings.manager_name,
            phone=settings.manager_phone or settings.company_phone,
            email=settings.manager_email or settings.contact_email,
        ),
        notes=req.notes,
    )
    render = DocumentRequested(
        order_id=order.id, proposal_id=proposal_id, proposal=document, correlation_id=str(order.id)
    )
    await session.execute(
        insert(proposals).values(
            id=proposal_id,
            order_id=order.id,
            number=number,
            status=ProposalStatus.GENERATING.value,
            currency="RUB",
            subtotal=priced.subtotal,
            vat_rate=priced.vat_rate,
            vat_amount=priced.vat_amount,
            total=priced.total,
            cost_total=priced.cost_total,
            margin_amount=priced.margin_amount,
            margin_percent=priced.margin_percent,
            warnings=priced.warnings,
            valid_until=valid_until,
            lead_time_days=priced.lead_time_days,
            payment_terms=payment_terms,
            notes=req.notes,
            document_request_id=render.id,
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
    )
    await session.execute(
        insert(proposal_lines),
        [
            {
                "id": uuid.uuid4(),
                "proposal_id": proposal_id,
                "position": line.position,
                "item_id": line.item_id,
                "quote_line_id": line.quote_line_id,
                "quote_id": line.quote_id,
                "supplier_id": line.supplier_id,
                "name": line.name,
                "article": line.article,
                "quantity": line.quantity,
                "unit": line.unit,
                "cost_price": line.cost_price,
                "markup_percent": line.markup_percent,
                "unit_price": line.unit_price,
                "amount": line.amount,
            }
            for line in priced.lines
        ],
    )
    await tx.emit(render)
    await audit(
        session,
        order_id=order.id,
        actor=actor,
        action="proposal.built",
        entity="proposal",
        entity_id=proposal_id,
        before={"superseded": [s.number for s in superseded]} if superseded else None,
        after={
            "number": number,
            "total": priced.total,
            "vat_amount": priced.vat_amount,
            "cost_total": priced.cost_total,
            "margin_amount": priced.margin_amount,
            "markup_override": req.markup_percent,
            "lines": len(priced.lines),
            "warnings": priced.warnings,
        },
    )
    if status != OrderStatus.PROPOSAL_READY:
        await move_order(
            tx, order, OrderStatus.PROPOSAL_READY, actor=actor, reason=f"собрано {number}"
        )
    log.info("proposal_built", number=number, total=str(priced.total))
    return await proposal_view(session, proposal_id)


async def _lock_proposal(session: AsyncSession, proposal_id: UUID) -> Row[Any] | None:
    return (
        await session.execute(
            select(proposals).where(proposals.c.id == proposal_id).with_for_update()
        )
    ).first()


async def on_document_generated(*, tx: Tx, event: DocumentGenerated) -> None:
    """The PDF is ready: attach it. A proposal waiting for it becomes ready; so does one
    that had given up waiting (timed out, or failed to render and was rendered after all):
    its PDF is good and nobody has rebuilt it. A superseded proposal keeps its status, the
    file is only recorded."""
    proposal = await _lock_proposal(tx.session, event.proposal_id)
    if proposal is None:
        log.warning("document_for_unknown_proposal", proposal_id=str(event.proposal_id))
        return
    values: dict[str, Any] = {
        "document_id": event.document_id,
        "document_version": event.document_version,
        "document_storage_key": event.storage_key,
        "document_filename": event.filename,
        "document_content_type": event.content_type,
        "document_sha256": event.sha256,
        "document_size": event.size,
        "updated_at": utcnow(),
    }
    status = proposal.status
    late = _waiting_gave_up(proposal)
    if status == ProposalStatus.GENERATING.value or late:
        status = proposal_transition(status, ProposalStatus.READY).value
        values["status"] = status
        values["last_error"] = None
    await tx.session.execute(
        update(proposals).where(proposals.c.id == proposal.id).values(**values)
    )
    await audit(
        tx.session,
        order_id=proposal.order_id,
        actor=SYSTEM,
        action="proposal.document",
        entity="proposal",
        entity_id=proposal.id,
        before={"status": proposal.status, "document_id": proposal.document_id},
        after={
            "status": status,
            "document_id": event.document_id,
            "filename": event.filename,
            **({"late": True} if late else {}),
        },
        source_event_id=event.id,
    )


def _waiting_gave_up(proposal: Row[Any]) -> bool:
    """Failed while waiting for its PDF (not because its email failed)."""
    return proposal.status == ProposalStatus.FAILED.value and proposal.document_id is None


async def on_document_failed(*, tx: Tx, event: DocumentFailed) -> None:
    """documents could not make the PDF: the proposal fails with the reason, for the
    manager to read (and to rebuild once the cause is fixed)."""
    proposal = await _lock_proposal(tx.session, event.proposal_id)
    if proposal is None:
        log.warning("document_failed_for_unknown_proposal", proposal_id=str(event.proposal_id))
        return
    status = proposal.status
    if status == ProposalStatus.GENERATING.value or _waiting_gave_up(proposal):
        status = ProposalStatus.FAILED.value
        if proposal.status != status:
            proposal_transition(proposal.status, ProposalStatus.FAILED)
        await tx.session.execute(
            update(proposals)
            .where(proposals.c.id == proposal.id)
            .values(status=status, last_error=event.reason[:2000], updated_at=utcnow())
        )
    await audit(
        tx.session,
        order_id=proposal.order_id,
        actor=SYSTEM,
        action="proposal.document_failed",
        entity="proposal",
        entity_id=proposal.id,
        before={"status": proposal.status},
        after={"status": status, "failure": event.failure, "error": event.reason[:2000]},
        source_event_id=event.id,
    )
    log.warning(
        "proposal_document_failed",
        number=proposal.number,
        failure=event.failure,
        reason=event.reason,
    )


async def expire_document_waits(
    *, tx: Tx, settings: OrdersSettings, now: datetime | None = None
) -> list[UUID]:
    """Proposals that waited longer than PROPOSAL_DOCUMENT_TIMEOUT_SECONDS for their PDF
    fail, with the reason; the manager can rebuild them. Claimed with ``FOR UPDATE SKIP
    LOCKED`` like the request sweeper's rows, so replicas never fail one twice."""
    now = now or utcnow()
    rows = (
        await tx.session.execute(
            select(proposals)
            .where(
                proposals.c.status == ProposalStatus.GENERATING.value,
                proposals.c.created_at <= now - settings.document_timeout,
            )
            .order_by(proposals.c.created_at)
            .limit(settings.sweeper_batch_size)
            .with_for_update(skip_locked=True)
        )
    ).all()
    reason = calc.document_timeout_reason(settings.document_timeout)
    for row in rows:
        proposal_transition(row.status, ProposalStatus.FAILED)
        await tx.session.execute(
            update(proposals)
            .where(proposals.c.id == row.id)
            .values(status=ProposalStatus.FAILED.value, last_error=reason, updated_at=now)
        )
        await audit(
            tx.session,
            order_id=row.order_id,
            actor=SYSTEM,
            action="proposal.document_timeout",
            entity="proposal",
            entity_id=row.id,
            before={"status": row.status},
            after={"status": ProposalStatus.FAILED.value, "error": reason},
        )
    if rows:
        log.warning("proposal_documents_timed_out", proposals=[r.number for r in rows])
    return [r.id for r in rows]


async def send_proposal(
    *,
    tx: Tx,
    req: OrdersSendProposal,
    settings: OrdersSettings,
    original_message_id: str | None = None,
) -> ProposalView:
    """Email the PDF to the client, in the thread of the client's request."""
    session = tx.session
    actor = req.actor or "user:unknown"
    proposal = await _lock_proposal(session, req.proposal_id)
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
    email = proposal_email(
        proposal_number=proposal.number,
        original_subject=order.mail_subject,
        total=proposal.total,
        currency=proposal.currency,
        signature=signature(settings),
        message=req.message,
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
    proposal = await _lock_proposal(tx.session, event.proposal_id)
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
    proposal = await _lock_proposal(tx.session, event.proposal_id)
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
