"""orders and documents together on one bus (in this process): a proposal gets its PDF,
or fails with the reason documents gave, which the manager sees on the proposal and in
the audit."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Any

from snab_contracts.rpc.orders import OrdersBuildProposal, OrdersGet, OrdersSendProposal
from snab_documents.main import assemble
from snab_documents.settings import DocumentsSettings
from snab_kit.bus import BusNames
from snab_kit.db import make_engine
from snab_kit.migrations import upgrade
from snab_kit.testing import wait_for
from snab_orders.settings import OrdersSettings

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "services" / "orders" / "tests"))
from orders_testkit import App, start_app
from test_proposal_documents import quoted_order

REQUISITES = {
    "company_kpp": "770101001",
    "company_ogrn": "1027700132195",
    "company_address": "123456, г. Москва, ул. Складская, д. 1",
    "company_bank_name": "ПАО «Сбербанк»",
    "company_bank_bik": "044525225",
    "company_bank_account": "40702810900000012345",
}


async def run(
    *, url: str, nats_url: str, bus: BusNames, storage: Path, requisites: dict[str, Any]
) -> tuple[App, Any, Any]:
    common: dict[str, Any] = {
        "nats_url": nats_url,
        "database_url": url,
        "bus_namespace": bus.namespace,
        "outbox_poll_seconds": 0.05,
        "storage_dir": storage,
    }
    engine = make_engine(url)
    orders, orders_service = await start_app(
        OrdersSettings(**common, email_from="snab@broker.example", **requisites), engine, bus
    )
    documents = assemble(DocumentsSettings(**common, documents_render_workers=1))
    await documents.service.start()
    return orders, orders_service, documents


async def stop(orders: App, orders_service: Any, documents: Any) -> None:
    await orders.nc.drain()
    await orders_service.stop()
    await documents.service.stop()
    await orders.engine.dispose()


async def test_missing_requisites_reach_the_manager(
    fresh_database_url: str, nats_url: str, bus: BusNames, tmp_path: Path
) -> None:
    for package in ("snab_orders.migrations", "snab_documents.migrations"):
        upgrade(package, fresh_database_url)
    orders, orders_service, documents = await run(
        url=fresh_database_url, nats_url=nats_url, bus=bus, storage=tmp_path, requisites={}
    )
    try:
        order_id = await quoted_order(orders)
        proposal = await orders.call(OrdersBuildProposal(order_id=order_id))
        await orders.wait_rows(
            "SELECT id FROM orders.proposals WHERE status = 'failed'", timeout=60
        )
        detail = await orders.call(OrdersGet(order_id=order_id))
        [failed] = detail.proposals
        assert failed.proposal_id == proposal.proposal_id
        assert failed.last_error is not None
        assert "не заданы реквизиты компании: КПП, ОГРН, адрес, банковские реквизиты" in (
            failed.last_error
        )
        [entry] = [a for a in detail.audit if a.action == "proposal.document_failed"]
        assert entry.after is not None and entry.after["failure"] == "requisites"
    finally:
        await stop(orders, orders_service, documents)


async def test_proposal_gets_its_pdf_and_goes_out_with_it(
    fresh_database_url: str, nats_url: str, bus: BusNames, tmp_path: Path
) -> None:
    for package in ("snab_orders.migrations", "snab_documents.migrations"):
        upgrade(package, fresh_database_url)
    orders, orders_service, documents = await run(
        url=fresh_database_url, nats_url=nats_url, bus=bus, storage=tmp_path, requisites=REQUISITES
    )
    try:
        order_id = await quoted_order(orders)
        proposal = await orders.call(OrdersBuildProposal(order_id=order_id))
        await orders.wait_rows("SELECT id FROM orders.proposals WHERE status = 'ready'", timeout=60)
        await orders.call(OrdersSendProposal(proposal_id=proposal.proposal_id))
        [mail] = [m for m in await orders.emitted("mail.send") if m.purpose == "proposal"]
        [attachment] = mail.attachments
        pdf = await documents.storage.get(attachment.storage_key)
        assert attachment.filename == f"{proposal.number}-v1.pdf"
        assert attachment.size == len(pdf)
        assert attachment.sha256 == hashlib.sha256(pdf).hexdigest()
        assert (
            await wait_for(
                lambda: orders.scalar("SELECT count(*) FROM documents.documents"), timeout=5
            )
            == 1
        )
    finally:
        await stop(orders, orders_service, documents)
