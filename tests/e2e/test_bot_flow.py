"""The desk from Telegram, end to end, every piece real but Telegram itself.

The mail gateway (IMAP IDLE on Dovecot, SMTP to aiosmtpd), the parser, orders and the
notifier run as processes on one NATS and one PostgreSQL; the notifier's real aiogram
client talks to the fake Bot API server. A client's email becomes a bot message; the
manager presses "pick suppliers", ticks two and confirms, and two RFQs reach the SMTP
peer; a supplier's reply becomes a "quote received" message; the manager builds a
proposal with a 15 % markup from the bot.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import nats
import pytest

from snab_contracts.rpc.directory import SupplierInput, SuppliersCreate
from snab_contracts.rpc.orders import OrdersGet, OrdersList, ProposalStatus
from snab_kit.bus import BusNames
from snab_kit.rpc import RpcClient
from snab_kit.testing import wait_for
from tests.bot.support import TOKEN, wait_message
from tests.e2e.system import base_env, running
from tests.e2e.test_procurement_flow import COMPANY, QUOTE_A, client_request, supplier_reply
from tests.peers import DovecotServer, SmtpPeer, require_binary
from tests.peers.telegram import FakeTelegram

MANAGER = 424242
SUPPLIERS = (
    ("ООО «Метиз-А»", "sales@metiz-a.example"),
    ("КрепТорг", "opt@kreptorg.example"),
    ("Болтов и партнёры", "info@boltov.example"),
)


@pytest.fixture
def dovecot() -> Iterator[DovecotServer]:
    require_binary("dovecot")
    with DovecotServer() as server:
        yield server


@pytest.fixture
def smtp(dovecot: DovecotServer) -> Iterator[SmtpPeer]:
    with SmtpPeer(credentials=(dovecot.user, dovecot.password)) as peer:
        yield peer


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram(token=TOKEN) as tg:
        yield tg


async def test_a_manager_runs_the_desk_from_the_bot(
    tmp_path: Path,
    nats_url: str,
    fresh_database_url: str,
    bus: BusNames,
    dovecot: DovecotServer,
    smtp: SmtpPeer,
    telegram: FakeTelegram,
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
        EMAIL_FROM=f"Снабжение <{dovecot.user}>",
        IMAP_SERVER=dovecot.host,
        IMAP_PORT=str(dovecot.port),
        IMAP_SECURITY="none",
        IMAP_POLL_SECONDS="1",
        SMTP_SERVER=smtp.host,
        SMTP_PORT=str(smtp.port),
        SMTP_SECURITY="none",
        OPENAI_API_KEY="",
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_ADMIN_IDS=str(MANAGER),
        TELEGRAM_API_URL=telegram.base_url,
        TELEGRAM_POLLING_TIMEOUT="2",
        NOTIFIER_POLL_SECONDS="0.2",
        **COMPANY,
    )
    nc = await nats.connect(nats_url)
    rpc = RpcClient(nc, bus, timeout=10)
    with running(["mail", "parser", "orders", "documents", "notifier"], env, tmp_path) as procs:
        try:
            await _flow(rpc, dovecot, smtp, telegram)
        except BaseException:
            # The bot's side first and the notifier's log last: a cut output keeps the end.
            print(telegram.transcript([MANAGER]))
            for proc in sorted(procs.values(), key=lambda p: p.name == "notifier"):
                print(f"----- {proc.name} -----\n{proc.tail(80)}")
            raise
        finally:
            await nc.drain()


async def _flow(
    rpc: RpcClient, dovecot: DovecotServer, smtp: SmtpPeer, telegram: FakeTelegram
) -> None:
    for name, address in SUPPLIERS:
        await rpc.call(SuppliersCreate(supplier=SupplierInput(company=name, emails=[address])))

    # 1. A client's email becomes a bot message.
    dovecot.append(client_request(dovecot.user))
    note = await wait_message(telegram, MANAGER, lambda m: "Новая заявка" in m.plain, timeout=90)
    [order] = (await rpc.call(OrdersList())).items
    assert note.plain.startswith(f"🆕 Новая заявка {order.number}")
    assert "• Болт М8х30 DIN 933 оцинкованный — 100 шт" in note.plain
    assert note.labels == ["Открыть", "Выбрать поставщиков"]

    # 2. Pick suppliers: two of three, confirm; two RFQs reach the SMTP peer.
    telegram.press(MANAGER, note, "Выбрать поставщиков")
    pick = await wait_message(telegram, MANAGER, lambda m: m.plain.startswith("Запросы цен"))
    telegram.press(MANAGER, pick, "▫️ ООО «Метиз-А»")
    await telegram.until(lambda: "Выбрано: 1" in pick.plain)
    telegram.press(MANAGER, pick, "▫️ КрепТорг")
    await telegram.until(lambda: "Выбрано: 2" in pick.plain)
    telegram.press(MANAGER, pick, "Отправить")
    await telegram.until(lambda: pick.plain.startswith("✉️ Запросы по"))
    rfqs = await smtp.wait_for_async(2, timeout=30)
    by_supplier = {m.rcpt_tos[0]: m.message for m in rfqs}
    assert set(by_supplier) == {"sales@metiz-a.example", "opt@kreptorg.example"}
    detail = await rpc.call(OrdersGet(order_id=order.order_id))
    assert {a.actor for a in detail.audit if a.action == "request.created"} == {f"bot:{MANAGER}"}

    # 3. A supplier's reply yields a "quote received" message.
    dovecot.append(
        supplier_reply(
            by_supplier["sales@metiz-a.example"], "Анна <sales@metiz-a.example>", QUOTE_A
        )
    )
    quotes = await wait_message(telegram, MANAGER, lambda m: m.plain.startswith("💬"), timeout=60)
    assert f"Ответы по {order.number} · 1 из 2" in quotes.plain
    assert "ООО «Метиз-А» · 1 890,00 ₽ · 5 дн." in quotes.plain  # 12,50×100 + 4,20×100 + 1,10×200
    assert quotes.labels == ["Сравнить"]

    # 4. A proposal built from the bot, 15 % on the best prices.
    telegram.say(MANAGER, f"/kp {order.number}")
    ask = await wait_message(telegram, MANAGER, lambda m: m.plain.startswith("КП по"))
    telegram.press(MANAGER, ask, "15 %")
    await telegram.until(lambda: "собирается" in ask.plain, timeout=20)

    async def proposal() -> object:
        found = (await rpc.call(OrdersGet(order_id=order.order_id))).proposals
        return found[0] if found else None

    built = await wait_for(proposal, timeout=10)

    # 5. The PDF comes to the chat; "send to client" after a confirmation emails it.
    await send_proposal_from_bot(telegram, smtp, built)
    detail = await rpc.call(OrdersGet(order_id=order.order_id))
    assert detail.proposals[0].status == ProposalStatus.SENT


async def send_proposal_from_bot(telegram: FakeTelegram, smtp: SmtpPeer, built: object) -> None:
    """The rest of the flow once documents renders the PDF: it comes as a document with
    "send to client"; after the confirmation the client gets it by email."""
    number = built.number  # type: ignore[attr-defined]
    ready = await wait_message(telegram, MANAGER, lambda m: m.document is not None, timeout=60)
    assert ready.document is not None and ready.document[0].startswith(number)
    telegram.press(MANAGER, ready, "Отправить клиенту")
    confirm = await wait_message(telegram, MANAGER, lambda m: m.plain.startswith("Отправить"))
    telegram.press(MANAGER, confirm, "Да, отправить")
    await telegram.until(lambda: confirm.plain.startswith("✉️"))
    sent = await smtp.wait_for_async(3, timeout=30)
    to_client = sent[-1].message
    assert list(sent[-1].rcpt_tos) == ["petrov@romashka.example"]
    [pdf] = [p for p in to_client.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert pdf.get_payload(decode=True) == ready.document[1]
