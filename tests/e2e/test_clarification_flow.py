"""A clarification end to end: an incomplete request, the email asking what is missing,
and the client's answer completing the same order.

A client's email with two incomplete lines (a cable with no cross-section, bolts with no
quantity or unit) is APPENDed to Dovecot; the mail gateway, the parser (its LLM provider
faked at the HTTP level: the real client library talks to it) and orders make an order.
The manager drafts and sends the clarification: it reaches the SMTP peer in the client's
thread. The client's reply "кабель 3х2,5, 200 м; болты 500 шт" comes back through Dovecot
and fills both lines of the same order, with an audit entry; the same reply sent again
changes nothing.
"""

from __future__ import annotations

import email.utils
from collections.abc import AsyncIterator, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from uuid import UUID

import nats
import pytest
import pytest_asyncio

from snab_contracts.rpc.clarifications import OrdersDraftClarification, OrdersSendClarification
from snab_contracts.rpc.orders import OrderDetail, OrderPage, OrdersGet, OrdersList
from snab_kit.bus import BusNames
from snab_kit.rpc import RpcClient
from snab_kit.testing import wait_for
from tests.e2e.system import base_env, running
from tests.peers import DovecotServer, SmtpPeer, require_binary
from tests.peers.openai_fake import FakeOpenAI, RecordedRequest, Reply

CLIENT = "petrov@romashka.example"
REQUEST_TEXT = (
    "Добрый день!\n\nПросим выставить счёт на:\n"
    "1. Кабель — 200 м\n"
    "2. Болты М8х40\n"
    "3. Гайка М8 — 500 шт\n\n"
    "С уважением,\nИван Петров\nООО «Ромашка»\n"
)
ANSWER_TEXT = "Добрый день, кабель 3х2,5, 200 м; болты 500 шт\n\nИван"


def _item(name: str, quantity: int | None, unit: str | None) -> dict[str, Any]:
    return {"name": name, "quantity": quantity, "unit": unit, "article": None}


def _request(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "kind": "request",
        "other_reason": None,
        "request": {
            "items": items,
            "deadline": None,
            "company": "ООО «Ромашка»",
            "inn": None,
            "kpp": None,
            "contact_name": "Иван Петров",
            "contact_phone": None,
            "contact_email": CLIENT,
        },
        "quote": None,
        "confidence": 0.9,
        "instructions_in_email": False,
    }


def llm_reading(request: RecordedRequest) -> Reply:
    """What the model reads: the answer when the email carries it, else the request."""
    if "3х2,5" in request.user:
        return Reply.answer(_request([_item("кабель 3х2,5", 200, "м"), _item("болты", 500, "шт")]))
    return Reply.answer(
        _request(
            [
                _item("Кабель", 200, "м"),
                _item("Болты М8х40", None, None),
                _item("Гайка М8", 500, "шт"),
            ]
        )
    )


def mail(to: str, body: str, *, subject: str, thread: list[str] | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = f"Иван Петров <{CLIENT}>"
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = email.utils.format_datetime(email.utils.localtime())
    msg["Message-ID"] = email.utils.make_msgid(domain="romashka.example")
    if thread:
        msg["In-Reply-To"] = thread[-1]
        msg["References"] = " ".join(thread)
    msg.set_content(body)
    return msg


@pytest.fixture
def dovecot() -> Iterator[DovecotServer]:
    require_binary("dovecot")
    with DovecotServer() as server:
        yield server


@pytest.fixture
def smtp(dovecot: DovecotServer) -> Iterator[SmtpPeer]:
    with SmtpPeer(credentials=(dovecot.user, dovecot.password)) as peer:
        yield peer


@pytest_asyncio.fixture
async def llm() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI(repeat_last=True) as fake:
        fake.push(llm_reading)
        yield fake


async def test_clarification_completes_the_same_order(
    tmp_path: Path,
    nats_url: str,
    fresh_database_url: str,
    bus: BusNames,
    dovecot: DovecotServer,
    smtp: SmtpPeer,
    llm: FakeOpenAI,
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
        PARSER_EXTRACTOR="llm",
        OPENAI_API_KEY="sk-test",
        OPENAI_BASE_URL=llm.base_url,
        COMPANY_NAME="ООО «Снаб»",
        MANAGER_NAME="Ольга Смирнова",
    )
    nc = await nats.connect(nats_url)
    rpc = RpcClient(nc, bus, timeout=10)
    with running(["mail", "parser", "orders"], env, tmp_path) as procs:
        try:
            await _flow(rpc, dovecot, smtp)
        except BaseException:
            for proc in procs.values():
                print(f"----- {proc.name} -----\n{proc.tail(200)}")
            raise
        finally:
            await nc.drain()


async def _flow(rpc: RpcClient, dovecot: DovecotServer, smtp: SmtpPeer) -> None:
    request = mail(dovecot.user, REQUEST_TEXT, subject="Заявка на кабель и крепёж")
    dovecot.append(request.as_bytes())

    async def the_order() -> OrderPage | None:
        page = await rpc.call(OrdersList())
        return page if page.total else None

    order_id = (await wait_for(the_order, timeout=60, interval=0.3)).items[0].order_id

    # 1. The draft names both incomplete lines, and only them.
    draft = await rpc.call(OrdersDraftClarification(order_id=order_id))
    assert [(line.position, line.gaps) for line in draft.lines] == [
        (1, ["spec"]),
        (2, ["quantity", "unit"]),
    ]
    assert draft.to == [CLIENT] and draft.in_reply_to == request["Message-ID"]
    assert "1. Кабель (200 м): укажите марку и сечение" in draft.text
    assert "2. Болты М8х40 (количество не указано): укажите количество" in draft.text
    assert "Гайка" not in draft.text

    # 2. One action sends it (edited by the manager) in the client's thread.
    edited = draft.text.replace("Добрый день, Иван Петров!", "Иван, добрый день!")
    sent = await rpc.call(OrdersSendClarification(order_id=order_id, text=edited))
    assert sent.status == "sending" and sent.text.startswith("Иван, добрый день!")
    [out] = await smtp.wait_for_async(1, timeout=30)
    assert list(out.rcpt_tos) == [CLIENT]
    assert out.message["In-Reply-To"] == request["Message-ID"]
    assert request["Message-ID"] in out.message["References"]
    assert out.message["Subject"] == "Re: Заявка на кабель и крепёж"
    assert "укажите марку и сечение" in out.message.get_body(("plain",)).get_content()

    # 3. The client's reply completes the same order, audited.
    thread = [request["Message-ID"], out.message["Message-ID"]]
    subject = f"Re: {out.message['Subject']}"
    dovecot.append(mail(dovecot.user, ANSWER_TEXT, subject=subject, thread=thread).as_bytes())
    detail = await wait_for(_clarified(rpc, order_id, 1), timeout=60, interval=0.3)
    got = [(i.name, i.quantity, i.unit.value) for i in detail.items]
    assert got == [("Кабель 3х2,5", 200, "м"), ("Болты М8х40", 500, "шт"), ("Гайка М8", 500, "шт")]
    assert (await rpc.call(OrdersList())).total == 1
    [entry] = [a for a in detail.audit if a.action == "order.clarified"]
    assert entry.after is not None and entry.after["still_missing"] == []
    assert [i["position"] for i in entry.after["items"]] == [1, 2]
    assert (await rpc.call(OrdersDraftClarification(order_id=order_id))).lines == []

    # 4. The same answer again: applied once, nothing changes twice.
    dovecot.append(mail(dovecot.user, ANSWER_TEXT, subject=subject, thread=thread).as_bytes())
    again = await wait_for(_clarified(rpc, order_id, 2), timeout=60, interval=0.3)
    assert [(i.name, i.quantity, i.unit.value) for i in again.items] == got
    second = next(a for a in again.audit if a.action == "order.clarified")  # newest first
    assert second.after is not None and second.after["items"] == []
    assert (await rpc.call(OrdersList())).total == 1


def _clarified(rpc: RpcClient, order_id: UUID, times: int) -> Any:
    async def check() -> OrderDetail | None:
        detail = await rpc.call(OrdersGet(order_id=order_id))
        done = [a for a in detail.audit if a.action == "order.clarified"]
        return detail if len(done) >= times else None

    return check
