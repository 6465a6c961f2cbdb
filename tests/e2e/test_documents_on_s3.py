"""Proposal PDFs kept in S3, end to end: orders, documents and the mail gateway as
processes sharing a real S3-compatible server (moto). The PDF documents stores is the
one mail-gateway attaches, byte for byte, and documents.get hands out a working link."""

from __future__ import annotations

import hashlib
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import uuid4

import nats
import pytest

from snab_contracts.base import Event
from snab_contracts.mail import MailAddress
from snab_contracts.parsing import OrderParsed, QuoteLine, QuoteParsed, RequestItem
from snab_contracts.rpc.directory import SupplierInput, SuppliersCreate
from snab_contracts.rpc.documents import DocumentsGet
from snab_contracts.rpc.orders import (
    OrderPage,
    OrdersBuildProposal,
    OrdersGet,
    OrdersList,
    OrdersSendProposal,
    OrdersSendRequests,
    ProposalStatus,
    ProposalView,
)
from snab_kit.bus import BusNames
from snab_kit.rpc import RpcClient
from snab_kit.testing import wait_for
from tests.e2e.system import base_env, running
from tests.e2e.test_procurement_flow import COMPANY
from tests.peers import S3Peer, SmtpPeer


@pytest.fixture
def s3() -> Iterator[S3Peer]:
    with S3Peer(bucket="snab-e2e") as peer:
        yield peer


@pytest.fixture
def smtp() -> Iterator[SmtpPeer]:
    with SmtpPeer() as peer:
        yield peer


def order_parsed() -> OrderParsed:
    items = [("Кабель ВВГнг-LS 3х2,5", "250", "м"), ("Автомат ABB S201 C16", "12", "шт")]
    return OrderParsed.model_validate(
        {
            "mail_id": uuid4(),
            "from": MailAddress(email="zakupki@romashka.example", name="Ирина Соколова"),
            "mail_subject": "Заявка на электрику",
            "received_at": datetime.now(UTC),
            "items": [
                RequestItem(name=n, quantity=Decimal(q), unit=u, source_line=f"{n} — {q} {u}")
                for n, q, u in items
            ],
            "company": "ООО «Ромашка»",
            "confidence": 0.9,
            "extractor": "rules",
        }
    )


async def publish(nc: Any, bus: BusNames, event: Event) -> None:
    await nc.jetstream().publish(
        bus.subject(event.subject),
        event.model_dump_json().encode(),
        headers={"Nats-Msg-Id": str(event.id)},
    )


async def test_proposal_pdf_in_s3_reaches_the_client(
    tmp_path: Path,
    nats_url: str,
    fresh_database_url: str,
    bus: BusNames,
    s3: S3Peer,
    smtp: SmtpPeer,
) -> None:
    env = base_env(
        nats_url=nats_url,
        database_url=fresh_database_url,
        namespace=bus.namespace,
        storage=tmp_path / "unused",
    )
    env.update(
        EMAIL_FROM="Снабжение <zakupki@snab.example>",
        SMTP_SERVER=smtp.host,
        SMTP_PORT=str(smtp.port),
        SMTP_SECURITY="none",
        **COMPANY,
        **s3.env(),
    )
    nc = await nats.connect(nats_url)
    rpc = RpcClient(nc, bus, timeout=15)
    with running(["mail", "orders", "documents"], env, tmp_path) as procs:
        try:
            for proc in procs.values():
                assert proc.health().get("checks", {}).get("storage", "ok") == "ok"
            await _flow(rpc, nc, bus, s3, smtp)
        except BaseException:
            for proc in procs.values():
                print(f"----- {proc.name} -----\n{proc.tail(200)}")
            raise
        finally:
            await nc.drain()


async def _flow(rpc: RpcClient, nc: Any, bus: BusNames, s3: S3Peer, smtp: SmtpPeer) -> None:
    supplier = await rpc.call(
        SuppliersCreate(supplier=SupplierInput(company="ЭлектроОпт", emails=["opt@el.example"]))
    )
    await publish(nc, bus, order_parsed())

    async def the_order() -> OrderPage | None:
        page = await rpc.call(OrdersList())
        return page if page.total else None

    order_id = (await wait_for(the_order, timeout=30, interval=0.2)).items[0].order_id
    sent = await rpc.call(
        OrdersSendRequests(order_id=order_id, supplier_ids=[supplier.supplier_id])
    )
    request = sent.requests[0]
    await smtp.wait_for_async(1, timeout=30)  # the RFQ
    await publish(
        nc,
        bus,
        QuoteParsed.model_validate(
            {
                "mail_id": uuid4(),
                "from": MailAddress(email="opt@el.example", name="ЭлектроОпт"),
                "mail_subject": f"Re: [{request.rfq_number}]",
                "received_at": datetime.now(UTC),
                "thread": {"request_id": request.request_id, "rfq_number": request.rfq_number},
                "currency": "RUB",
                "vat_included": True,
                "lines": [
                    QuoteLine.model_validate(line)
                    for line in (
                        {"position": 1, "name": "Кабель ВВГнг-LS 3х2,5", "unit_price": "98.40"},
                        {"position": 2, "name": "Автомат ABB S201 C16", "unit_price": "612.00"},
                    )
                ],
                "confidence": 0.9,
                "extractor": "rules",
            }
        ),
    )

    async def quoted() -> bool:
        return bool((await rpc.call(OrdersGet(order_id=order_id))).quotes)

    await wait_for(quoted, timeout=30, interval=0.2)
    proposal = await rpc.call(OrdersBuildProposal(order_id=order_id, markup_percent=Decimal(10)))

    async def ready() -> ProposalView | None:
        detail = await rpc.call(OrdersGet(order_id=order_id))
        p = next(p for p in detail.proposals if p.proposal_id == proposal.proposal_id)
        return p if p.status == ProposalStatus.READY else None

    done = await wait_for(ready, timeout=60, interval=0.3)
    assert done.document_id is not None
    view = await rpc.call(DocumentsGet(document_id=done.document_id))
    assert view.storage_key in s3.keys("documents/"), "the PDF is in the bucket"
    stored = s3.get(view.storage_key)
    assert hashlib.sha256(stored).hexdigest() == view.sha256
    assert view.url is not None
    with urllib.request.urlopen(view.url, timeout=10) as resp:
        assert resp.read() == stored

    await rpc.call(OrdersSendProposal(proposal_id=proposal.proposal_id))
    received = await smtp.wait_for_async(2, timeout=60)
    to_client = received[1]
    assert list(to_client.rcpt_tos) == ["zakupki@romashka.example"]
    [attachment] = list(to_client.message.iter_attachments())
    assert attachment.get_filename() == f"{proposal.number}-v1.pdf"
    assert attachment.get_content() == stored
