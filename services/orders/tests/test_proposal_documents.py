"""A proposal and its PDF: requisites sent to documents, a failure recorded with its
reason, a documents service that never answers, a PDF that arrives late."""

from __future__ import annotations

from collections.abc import Callable
from uuid import uuid4

import pytest
from orders_testkit import App, order_parsed, quote_parsed, start_app
from sqlalchemy.ext.asyncio import AsyncEngine

from snab_contracts.documents import DocumentFailed, DocumentGenerated, DocumentRequested
from snab_contracts.rpc.directory import SupplierInput, SuppliersCreate
from snab_contracts.rpc.orders import (
    OrdersBuildProposal,
    OrdersGet,
    OrdersSendProposal,
    OrdersSendRequests,
    ProposalStatus,
    ProposalView,
)
from snab_kit.bus import BusNames
from snab_kit.rpc import InvalidTransition
from snab_kit.testing import wait_for
from snab_orders.settings import OrdersSettings

SHA = "ab" * 32


async def quoted_order(app: App) -> object:
    """An order with one answered request: ready for a proposal."""
    supplier = await app.call(
        SuppliersCreate(supplier=SupplierInput(company="ООО «Метизы»", emails=["s@m.example"]))
    )
    await app.publish(order_parsed())
    [row] = await app.wait_rows("SELECT id FROM orders.orders")
    sent = await app.call(OrdersSendRequests(order_id=row.id, supplier_ids=[supplier.supplier_id]))
    request = sent.requests[0]
    await app.publish(
        quote_parsed(
            request_id=request.request_id,
            rfq_number=request.rfq_number,
            email="s@m.example",
            lines=[
                {"position": 1, "name": "Болт М8х30", "unit_price": "12.50"},
                {"position": 2, "name": "Гайка М8", "unit_price": "4.20"},
                {"position": 3, "name": "Шайба 8", "unit_price": "1.10"},
            ],
        )
    )
    await app.wait_rows("SELECT id FROM orders.quotes")
    return row.id


async def proposal_of(app: App, proposal: ProposalView) -> ProposalView:
    detail = await app.call(OrdersGet(order_id=proposal.order_id))
    return next(p for p in detail.proposals if p.proposal_id == proposal.proposal_id)


def generated(render: DocumentRequested, version: int = 1) -> DocumentGenerated:
    number = render.proposal.number
    return DocumentGenerated(
        request_event_id=render.id,
        order_id=render.order_id,
        proposal_id=render.proposal_id,
        document_id=uuid4(),
        document_version=version,
        storage_key=f"documents/proposal/2026/{number}/{number}-v{version}.pdf",
        filename=f"{number}-v{version}.pdf",
        sha256=SHA,
        size=20480,
    )


async def test_requisites_from_settings_go_to_documents(
    db: AsyncEngine, make_settings: Callable[..., OrdersSettings], bus: BusNames
) -> None:
    settings = make_settings(
        company_name="ООО «Снаб-Трейд»",
        company_inn="7701234567",
        company_kpp="770101001",
        company_ogrn="1027700132195",
        company_address="г. Москва, ул. Складская, д. 1",
        company_bank_name="ПАО «Сбербанк»",
        company_bank_bik="044525225",
        company_bank_account="40702810900000012345",
        company_bank_corr_account="30101810400000000225",
        manager_name="Анна Смирнова",
        manager_phone="+74951234568",
    )
    app, service = await start_app(settings, db, bus)
    try:
        order_id = await quoted_order(app)
        await app.call(OrdersBuildProposal(order_id=order_id))
        [render] = await app.emitted("document.requested")
        company = render.proposal.company
        assert (company.name, company.kpp, company.ogrn) == (
            "ООО «Снаб-Трейд»",
            "770101001",
            "1027700132195",
        )
        assert company.bank is not None and company.bank.bik == "044525225"
        assert company.bank.correspondent_account == "30101810400000000225"
        assert render.proposal.manager.name == "Анна Смирнова"
        assert render.proposal.manager.phone == "+74951234568"
    finally:
        await app.nc.drain()
        await service.stop()


def test_bank_details_go_together(make_settings: Callable[..., OrdersSettings]) -> None:
    with pytest.raises(ValueError, match="go together"):
        make_settings(company_bank_bik="044525225")


async def test_document_failed_is_recorded_shown_and_the_manager_rebuilds(app: App) -> None:
    order_id = await quoted_order(app)
    proposal = await app.call(OrdersBuildProposal(order_id=order_id, actor="user:1"))
    [render] = await app.emitted("document.requested")
    reason = "В настройках не заданы реквизиты компании: ОГРН. КП без них клиенту не отправляется."
    await app.publish(
        DocumentFailed(
            request_event_id=render.id,
            order_id=order_id,
            proposal_id=proposal.proposal_id,
            failure="requisites",
            reason=reason,
        )
    )
    await app.wait_rows("SELECT id FROM orders.proposals WHERE status = 'failed'")
    failed = await proposal_of(app, proposal)
    assert failed.status == ProposalStatus.FAILED and failed.last_error == reason
    detail = await app.call(OrdersGet(order_id=order_id))
    [entry] = [a for a in detail.audit if a.action == "proposal.document_failed"]
    assert entry.after is not None and entry.after["error"] == reason
    assert entry.after["failure"] == "requisites" and entry.before == {"status": "generating"}
    with pytest.raises(InvalidTransition, match="нет файла КП"):
        await app.call(OrdersSendProposal(proposal_id=proposal.proposal_id))

    rebuilt = await app.call(OrdersBuildProposal(order_id=order_id, actor="user:1"))
    assert rebuilt.status == ProposalStatus.GENERATING and rebuilt.number.endswith("-2")
    assert (await proposal_of(app, proposal)).status == ProposalStatus.SUPERSEDED


async def test_a_proposal_does_not_wait_for_its_pdf_forever(
    db: AsyncEngine, make_settings: Callable[..., OrdersSettings], bus: BusNames
) -> None:
    settings = make_settings(proposal_document_timeout_seconds=1.0, sweeper_interval_seconds=0.1)
    app, service = await start_app(settings, db, bus, sweep=True)
    try:
        order_id = await quoted_order(app)
        first = await app.call(OrdersBuildProposal(order_id=order_id))
        assert first.status == ProposalStatus.GENERATING
        # Nobody renders it: the sweeper gives up on it with a reason the manager reads.
        await app.wait_rows("SELECT id FROM orders.proposals WHERE status = 'failed'", timeout=30)
        failed = await proposal_of(app, first)
        assert failed.last_error is not None and "PDF не сформирован" in failed.last_error
        detail = await app.call(OrdersGet(order_id=order_id))
        assert [a.action for a in detail.audit].count("proposal.document_timeout") == 1

        # The PDF arrives late after all: the proposal is ready to send, nothing rebuilt.
        [render] = await app.emitted("document.requested")
        await app.publish(generated(render))
        await app.wait_rows("SELECT id FROM orders.proposals WHERE status = 'ready'")
        ready = await proposal_of(app, first)
        assert (
            ready.last_error is None
            and ready.document_filename == render.proposal.number + "-v1.pdf"
        )
        sending = await app.call(OrdersSendProposal(proposal_id=first.proposal_id))
        assert sending.status == ProposalStatus.SENDING

        # Rebuilt after a timeout: a late PDF of the old proposal does not revive it.
        second = await app.call(OrdersBuildProposal(order_id=order_id))
        await wait_for(
            lambda: app.scalar(
                "SELECT status = 'failed' FROM orders.proposals WHERE id = :id",
                id=second.proposal_id,
            ),
            timeout=30,
        )
        third = await app.call(OrdersBuildProposal(order_id=order_id))
        renders = await app.emitted("document.requested")
        late = next(r for r in renders if r.proposal_id == second.proposal_id)
        await app.publish(generated(late))
        await wait_for(
            lambda: app.scalar(
                "SELECT document_id IS NOT NULL FROM orders.proposals WHERE id = :id",
                id=second.proposal_id,
            ),
            timeout=15,
        )
        assert (await proposal_of(app, second)).status == ProposalStatus.SUPERSEDED
        assert (await proposal_of(app, third)).status == ProposalStatus.GENERATING
    finally:
        await app.nc.drain()
        await service.stop()
