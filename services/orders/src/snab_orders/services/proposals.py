"""Proposals (КП): building one from the comparison and the markup rules."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from snab_contracts.documents import (
    BankDetails,
    CompanyRequisites,
    DocumentRequested,
    ProposalClient,
    ProposalDocument,
    ProposalLine,
    ProposalManager,
)
from snab_contracts.orders import OrderStatus
from snab_contracts.rpc.orders import (
    OrdersBuildProposal,
    ProposalStatus,
    ProposalView,
)
from snab_contracts.values import Unit
from snab_kit.consume import Tx
from snab_kit.logging import get_logger
from snab_orders.db.tables import (
    clients,
    orders,
    proposal_lines,
    proposals,
)
from snab_orders.domain import proposal as calc
from snab_orders.domain.errors import NotAllowedNow, NotFoundError
from snab_orders.domain.numbering import proposal_number
from snab_orders.domain.states import can_order
from snab_orders.domain.text import MOSCOW
from snab_orders.services import views
from snab_orders.services.common import audit, lock_order, move_order, utcnow
from snab_orders.services.comparison import comparison_for, load_items
from snab_orders.services.markups import rules_for
from snab_orders.settings import OrdersSettings

log = get_logger(__name__)


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


def _document(
    *,
    number: str,
    today: date,
    until: date,
    client: calc.ClientOnProposal,
    priced: calc.ProposalCalc,
    payment_terms: str | None,
    notes: str | None,
    settings: OrdersSettings,
) -> ProposalDocument:
    """What documents renders: requisites, the client, priced lines and totals."""
    return ProposalDocument(
        number=number,
        date=today,
        company=company_requisites(settings),
        client=ProposalClient(name=client.name, inn=client.inn, contact=client.contact),
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
        valid_until=until,
        lead_time_days=priced.lead_time_days,
        payment_terms=payment_terms,
        manager=ProposalManager(
            name=settings.manager_name,
            phone=settings.manager_phone or settings.company_phone,
            email=settings.manager_email or settings.contact_email,
        ),
        notes=notes,
    )


async def _client_on_proposal(session: AsyncSession, order: Row[Any]) -> calc.ClientOnProposal:
    client = None
    if order.client_id:
        client = (
            await session.execute(select(clients).where(clients.c.id == order.client_id))
        ).first()
    return calc.proposal_client(
        client_name=client.name if client else None,
        client_inn=client.inn if client else None,
        company=order.company,
        inn=order.inn,
        from_name=order.from_name,
        from_email=order.from_email,
        contact_name=order.contact_name,
    )


async def _next_proposal_number(session: AsyncSession, order: Row[Any]) -> str:
    """A new number for the order's next proposal (the counter is on the order row)."""
    seq = await session.scalar(
        update(orders)
        .where(orders.c.id == order.id)
        .values(proposal_seq=orders.c.proposal_seq + 1)
        .returning(orders.c.proposal_seq)
    )
    assert seq is not None
    return proposal_number(order.number, seq)


async def _supersede(session: AsyncSession, order_id: UUID, now: datetime) -> list[str]:
    rows = (
        await session.execute(
            update(proposals)
            .where(
                proposals.c.order_id == order_id,
                proposals.c.status.in_(
                    [
                        ProposalStatus.GENERATING.value,
                        ProposalStatus.READY.value,
                        ProposalStatus.FAILED.value,
                    ]
                ),
            )
            .values(status=ProposalStatus.SUPERSEDED.value, updated_at=now)
            .returning(proposals.c.number)
        )
    ).all()
    return [r.number for r in rows]


async def _store_proposal(
    session: AsyncSession,
    *,
    proposal_id: UUID,
    order_id: UUID,
    render: DocumentRequested,
    priced: calc.ProposalCalc,
    actor: str,
    now: datetime,
) -> None:
    document = render.proposal
    await session.execute(
        insert(proposals).values(
            id=proposal_id,
            order_id=order_id,
            number=document.number,
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
            valid_until=document.valid_until,
            lead_time_days=priced.lead_time_days,
            payment_terms=document.payment_terms,
            notes=document.notes,
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


async def build_proposal(
    *, tx: Tx, req: OrdersBuildProposal, settings: OrdersSettings, now: datetime | None = None
) -> ProposalView:
    """Choose an offer per item (the manager's choice, else the cheapest available one),
    price it with the markup rules, store the proposal and ask documents to render it.
    Load (comparison, rules, client) → decide (``domain.proposal``) → write."""
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
    rules = await rules_for(
        session, client_id=order.client_id, override=req.markup_percent, settings=settings
    )
    client = await _client_on_proposal(session, order)
    chosen, warnings = calc.choose(comparison.rows, req.choices)
    extras = {i.id: calc.ItemExtra(i.category_id, i.article) for i in items}
    priced = calc.price(
        chosen, rules=rules, extras=extras, vat_rate=settings.vat_rate, warnings=warnings
    )
    number = await _next_proposal_number(session, order)
    superseded = await _supersede(session, order.id, now)
    today = now.astimezone(MOSCOW).date()
    document = _document(
        number=number,
        today=today,
        until=calc.valid_until(today, req.valid_days or settings.proposal_valid_days),
        client=client,
        priced=priced,
        payment_terms=req.payment_terms or settings.proposal_payment_terms,
        notes=req.notes,
        settings=settings,
    )
    proposal_id = uuid.uuid4()
    render = DocumentRequested(
        order_id=order.id, proposal_id=proposal_id, proposal=document, correlation_id=str(order.id)
    )
    await _store_proposal(
        session,
        proposal_id=proposal_id,
        order_id=order.id,
        render=render,
        priced=priced,
        actor=actor,
        now=now,
    )
    await tx.emit(render)
    await audit(
        session,
        order_id=order.id,
        actor=actor,
        action="proposal.built",
        entity="proposal",
        entity_id=proposal_id,
        before={"superseded": superseded} if superseded else None,
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


async def lock_proposal(session: AsyncSession, proposal_id: UUID) -> Row[Any] | None:
    return (
        await session.execute(
            select(proposals).where(proposals.c.id == proposal_id).with_for_update()
        )
    ).first()
