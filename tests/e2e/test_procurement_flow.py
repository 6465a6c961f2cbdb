"""The procurement desk end to end, with every piece real.

A client's email is APPENDed to Dovecot; the mail gateway (IMAP IDLE), the parser and the
orders service, each its own process on one NATS and one PostgreSQL, turn it into an order.
A manager sends RFQs to three suppliers (they reach the aiosmtpd peer); two suppliers'
replies go back into Dovecot and become quotes; the third gets a reminder and times out.
The comparison marks the best offers and a proposal with a 15 % markup is right to the
kopeck. The documents service renders its PDF, and the proposal reaches the client's
address at the SMTP peer with that very PDF attached.
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import io
from collections.abc import Iterator
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path
from uuid import UUID

import nats
import pytest
from pypdf import PdfReader

from snab_contracts.orders import OrderStatus, RequestStatus
from snab_contracts.rpc.directory import SupplierInput, SuppliersCreate
from snab_contracts.rpc.documents import DocumentsGet, DocumentsList
from snab_contracts.rpc.orders import (
    OrderDetail,
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
from tests.peers import DovecotServer, SmtpPeer, require_binary

REMINDER_SECONDS = 12
TIMEOUT_SECONDS = 24

# The broker's requisites, as an operator configures them for the orders service.
COMPANY = {
    "COMPANY_NAME": "ООО «Снаб»",
    "COMPANY_INN": "7701234567",
    "COMPANY_KPP": "770101001",
    "COMPANY_OGRN": "1027700132195",
    "COMPANY_ADDRESS": "123456, г. Москва, ул. Складская, д. 1",
    "COMPANY_PHONE": "+7 (495) 123-45-67",
    "COMPANY_BANK_NAME": "ПАО «Сбербанк»",
    "COMPANY_BANK_BIK": "044525225",
    "COMPANY_BANK_ACCOUNT": "40702810900000012345",
    "COMPANY_BANK_CORR_ACCOUNT": "30101810400000000225",
}


@pytest.fixture
def dovecot() -> Iterator[DovecotServer]:
    require_binary("dovecot")
    with DovecotServer() as server:
        yield server


@pytest.fixture
def smtp(dovecot: DovecotServer) -> Iterator[SmtpPeer]:
    """The same mailbox login for SMTP as for IMAP, as mail.ru has it."""
    with SmtpPeer(credentials=(dovecot.user, dovecot.password)) as peer:
        yield peer


def client_request(to: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Иван Петров <petrov@romashka.example>"
    msg["To"] = to
    msg["Subject"] = "Заявка на крепёж"
    msg["Date"] = email.utils.format_datetime(email.utils.localtime())
    msg["Message-ID"] = email.utils.make_msgid(domain="romashka.example")
    msg.set_content(
        "Добрый день!\n\n"
        "Просим выставить коммерческое предложение на следующие позиции:\n"
        "1. Болт М8х30 DIN 933 оцинкованный — 100 шт\n"
        "2. Гайка М8 DIN 934 — 100 шт\n"
        "3. Шайба 8 DIN 125 — 200 шт\n\n"
        "Поставка нужна до 25 декабря.\n\n"
        "С уважением,\nИван Петров\nООО «Ромашка»\nИНН 7701234560\nтел. +7 (916) 123-45-67\n"
    )
    return msg.as_bytes()


def supplier_reply(rfq: EmailMessage, sender: str, body: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = rfq["From"]
    msg["Subject"] = f"Re: {rfq['Subject']}"
    msg["Date"] = email.utils.format_datetime(email.utils.localtime())
    msg["Message-ID"] = email.utils.make_msgid(domain=sender.split("@")[1].rstrip(">"))
    msg["In-Reply-To"] = rfq["Message-ID"]
    msg["References"] = rfq["Message-ID"]
    quoted = "\n".join(f"> {line}" for line in rfq.get_body(("plain",)).get_content().splitlines())
    msg.set_content(f"{body}\n\n{rfq['Date']}, {rfq['From']} написал(а):\n{quoted}\n")
    return msg.as_bytes()


QUOTE_A = (
    "Добрый день!\n\nНаши цены (с НДС):\n"
    "1. Болт М8х30 DIN 933 — 12,50 руб./шт, 100 шт\n"
    "2. Гайка М8 DIN 934 — 4,20 руб./шт, 100 шт\n"
    "3. Шайба 8 DIN 125 — 1,10 руб./шт, 200 шт\n"
    "Срок поставки 5 дней. Оплата: 100% предоплата.\n\nС уважением,\nАнна, ООО «Метиз-А»"
)
QUOTE_B = (
    "Здравствуйте.\n\nЦены указаны без НДС:\n"
    "1. Болт М8х30 DIN 933 — 10,00 руб./шт, 100 шт\n"
    "2. Гайка М8 DIN 934 — 3,60 руб./шт, 100 шт\n"
    "3. Шайба 8 DIN 125 — 0,85 руб./шт, 200 шт\n"
    "Срок поставки 10 дней.\n\nКрепТорг"
)


async def test_client_email_to_proposal(
    tmp_path: Path,
    nats_url: str,
    fresh_database_url: str,
    bus: BusNames,
    dovecot: DovecotServer,
    smtp: SmtpPeer,
) -> None:
    env = base_env(
        nats_url=nats_url,
        database_url=fresh_database_url,
        namespace=bus.namespace,
        storage=tmp_path,
    )
    env.update(
        EMAIL_USERNAME=dovecot.user,
        EMAIL_PASSWORD=dovecot.password,
        EMAIL_FROM=f"Снабжение <{dovecot.user}>",  # as .env.example writes it
        IMAP_SERVER=dovecot.host,
        IMAP_PORT=str(dovecot.port),
        IMAP_SECURITY="none",
        IMAP_POLL_SECONDS="1",
        SMTP_SERVER=smtp.host,
        SMTP_PORT=str(smtp.port),
        SMTP_SECURITY="none",
        REQUEST_REMINDER_HOURS=str(REMINDER_SECONDS / 3600),
        REQUEST_TIMEOUT_HOURS=str(TIMEOUT_SECONDS / 3600),
        SWEEPER_INTERVAL_SECONDS="1",
        VAT_RATE="22",
        OPENAI_API_KEY="",
        **COMPANY,
    )
    nc = await nats.connect(nats_url)
    rpc = RpcClient(nc, bus, timeout=10)
    with running(["mail", "parser", "orders", "documents"], env, tmp_path) as procs:
        try:
            await _flow(rpc, dovecot, smtp)
        except BaseException:
            for proc in procs.values():
                print(f"----- {proc.name} -----\n{proc.tail(300)}")
            raise
        finally:
            await nc.drain()


async def _flow(rpc: RpcClient, dovecot: DovecotServer, smtp: SmtpPeer) -> None:
    suppliers = [
        await rpc.call(SuppliersCreate(supplier=SupplierInput(company=name, emails=[address])))
        for name, address in (
            ("ООО «Метиз-А»", "sales@metiz-a.example"),
            ("КрепТорг", "opt@kreptorg.example"),
            ("Болтов и партнёры", "info@boltov.example"),
        )
    ]

    # 1. The client's email becomes an order with the right items.
    uid = dovecot.append(client_request(dovecot.user))

    async def the_order() -> OrderPage | None:
        page = await rpc.call(OrdersList())
        return page if page.total else None

    page = await wait_for(the_order, timeout=60, interval=0.3)
    assert page.total == 1
    order_id = page.items[0].order_id
    detail = await rpc.call(OrdersGet(order_id=order_id))
    got = [(i.name, i.quantity, i.unit.value) for i in detail.items]
    assert [(q, u) for _, q, u in got] == [(100, "шт"), (100, "шт"), (200, "шт")]
    for (name, _, _), word in zip(got, ("Болт", "Гайка", "Шайба"), strict=True):
        assert word in name
    assert detail.inn == "7701234560"
    assert "\\Seen" not in dovecot.fetch_flags(uid)

    # 2. RFQs to three suppliers reach the SMTP peer.
    sent = await rpc.call(
        OrdersSendRequests(order_id=order_id, supplier_ids=[s.supplier_id for s in suppliers]),
    )
    assert len(sent.requests) == 3
    rfqs = await smtp.wait_for_async(3, timeout=30)
    by_supplier = {m.rcpt_tos[0]: m.message for m in rfqs}
    assert set(by_supplier) == {
        "sales@metiz-a.example",
        "opt@kreptorg.example",
        "info@boltov.example",
    }
    for request in sent.requests:
        rfq = by_supplier[str(request.supplier_email)]
        assert rfq["Message-ID"].startswith(f"<rfq.{request.request_id}.")
        assert f"[{request.rfq_number}]" in rfq["Subject"]
        # What the supplier's mail client uses when they press Reply: our mailbox.
        reply_to = rfq["Reply-To"].addresses[0]
        assert (reply_to.display_name, reply_to.addr_spec) == ("Снабжение", dovecot.user)
        sender = rfq["From"].addresses[0]
        assert (sender.display_name, sender.addr_spec) == ("Снабжение", dovecot.user)

    # 3. Two suppliers answer: their replies become quotes linked to the right requests.
    dovecot.append(
        supplier_reply(
            by_supplier["sales@metiz-a.example"], "Анна <sales@metiz-a.example>", QUOTE_A
        )
    )
    dovecot.append(
        supplier_reply(
            by_supplier["opt@kreptorg.example"], "КрепТорг <opt@kreptorg.example>", QUOTE_B
        )
    )

    async def two_quotes() -> OrderDetail | None:
        d = await rpc.call(OrdersGet(order_id=order_id))
        return d if len(d.quotes) == 2 else None

    detail = await wait_for(two_quotes, timeout=60, interval=0.3)
    request_of = {r.supplier_email: r for r in detail.requests}
    quote_of = {q.supplier_id: q for q in detail.quotes}
    metiz, krep, boltov = suppliers
    assert quote_of[metiz.supplier_id].request_id == request_of["sales@metiz-a.example"].request_id
    assert quote_of[krep.supplier_id].request_id == request_of["opt@kreptorg.example"].request_id
    assert quote_of[krep.supplier_id].vat_included is False
    assert request_of["sales@metiz-a.example"].status == RequestStatus.ANSWERED
    assert request_of["opt@kreptorg.example"].status == RequestStatus.ANSWERED

    # 4. The third supplier gets one reminder in the same thread, then times out.
    reminders = await smtp.wait_for_async(4, timeout=REMINDER_SECONDS + 30)
    reminder = reminders[3].message
    assert list(reminders[3].rcpt_tos) == ["info@boltov.example"]
    assert reminder["In-Reply-To"] == by_supplier["info@boltov.example"]["Message-ID"]
    assert reminder["Reply-To"].addresses[0].addr_spec == dovecot.user

    async def timed_out() -> OrderDetail | None:
        d = await rpc.call(OrdersGet(order_id=order_id))
        r = next(r for r in d.requests if r.supplier_id == boltov.supplier_id)
        return d if r.status == RequestStatus.TIMEOUT else None

    detail = await wait_for(timed_out, timeout=TIMEOUT_SECONDS + 30, interval=0.5)
    assert len(smtp.messages) == 4, "one reminder only, and none to suppliers who answered"

    # 5. The comparison marks the best price and the fastest offer per item.
    assert detail.comparison is not None
    best = {}
    fastest = {}
    for row in detail.comparison.rows:
        best[row.position] = {c.supplier_id for c in row.cells if c.best_price}
        fastest[row.position] = {c.supplier_id for c in row.cells if c.fastest}
        prices = {c.supplier_id: c.unit_price for c in row.cells}
        if row.position == 1:  # 12.50 with VAT against 10.00 + 22 % = 12.20
            assert prices == {
                metiz.supplier_id: Decimal("12.50"),
                krep.supplier_id: Decimal("12.20"),
            }
    assert best == {1: {krep.supplier_id}, 2: {metiz.supplier_id}, 3: {krep.supplier_id}}
    assert fastest == {p: {metiz.supplier_id} for p in (1, 2, 3)}

    # 6. A proposal with a 15 % markup on the cheapest offers, right to the kopeck:
    #    14.03 × 100 + 4.83 × 100 + 1.20 × 200 = 2126.00, of which VAT 22/122 = 383.38.
    proposal = await rpc.call(OrdersBuildProposal(order_id=order_id, markup_percent=Decimal("15")))
    assert [line.unit_price for line in proposal.lines] == [
        Decimal("14.03"),
        Decimal("4.83"),
        Decimal("1.20"),
    ]
    assert [line.amount for line in proposal.lines] == [
        Decimal("1403.00"),
        Decimal("483.00"),
        Decimal("240.00"),
    ]
    assert proposal.total == Decimal("2126.00")
    assert proposal.vat_amount == Decimal("383.38")
    assert proposal.subtotal == Decimal("1742.62")
    order = await rpc.call(OrdersGet(order_id=UUID(str(order_id))))
    assert order.order.status == OrderStatus.PROPOSAL_READY

    # 7. documents renders the PDF: the proposal is ready with it.
    async def ready() -> ProposalView | None:
        d = await rpc.call(OrdersGet(order_id=order_id))
        p = next(p for p in d.proposals if p.proposal_id == proposal.proposal_id)
        return p if p.status == ProposalStatus.READY else None

    ready_proposal = await wait_for(ready, timeout=60, interval=0.3)
    [doc] = (await rpc.call(DocumentsList(order_id=order_id))).items
    assert doc.document_id == ready_proposal.document_id
    assert doc.filename == ready_proposal.document_filename == f"{proposal.number}-v1.pdf"
    full = await rpc.call(DocumentsGet(document_id=doc.document_id, include_content=True))
    assert full.content_base64 is not None
    pdf = base64.b64decode(full.content_base64)
    text = " ".join(
        (page.extract_text() or "").replace("\u00a0", " ")
        for page in PdfReader(io.BytesIO(pdf)).pages
    )
    for printed in (
        proposal.number,
        "ООО «Ромашка»",
        "Болт",
        "1 403,00",
        "2 126,00",
        "383,38",
        "Две тысячи сто двадцать шесть рублей 00 копеек",
        "ОГРН 1027700132195",
        "стр. 1 из 1",
    ):
        assert printed in text, printed

    # 8. Sent to the client, in the thread of the request, with the PDF attached.
    await rpc.call(OrdersSendProposal(proposal_id=proposal.proposal_id, actor="user:1"))
    received = await smtp.wait_for_async(5, timeout=60)
    to_client = received[4]
    assert list(to_client.rcpt_tos) == ["petrov@romashka.example"]
    [attachment] = list(to_client.message.iter_attachments())
    assert attachment.get_filename() == doc.filename
    assert attachment.get_content_type() == "application/pdf"
    data = attachment.get_content()
    assert len(data) == doc.size
    assert hashlib.sha256(data).hexdigest() == doc.sha256

    async def sent() -> bool:
        d = await rpc.call(OrdersGet(order_id=order_id))
        return d.order.status == OrderStatus.PROPOSAL_SENT and any(
            p.status == ProposalStatus.SENT for p in d.proposals
        )

    await wait_for(sent, timeout=30, interval=0.3)
