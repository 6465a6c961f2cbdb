"""Helpers of the bot tests: the notifier and the orders service run in-process on one bus
namespace, the real aiogram client talks to the fake Bot API server, and a tap on the bus
counts the rpc requests the bot makes."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID, uuid4

import nats
from nats.aio.client import Client
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from snab_contracts.base import Contract, Event, RpcRequest
from snab_contracts.mail import MailAddress
from snab_contracts.parsing import OrderParsed, QuoteLine, QuoteParsed, RequestItem
from snab_contracts.rpc.directory import SupplierInput, SuppliersCreate, SupplierView
from snab_kit.bus import BusNames
from snab_kit.rpc import RpcClient
from snab_notifier.main import Notifier, assemble
from snab_notifier.settings import NotifierSettings
from tests.peers.telegram import ChatMessage, FakeTelegram

R = TypeVar("R", bound=Contract)

TOKEN = "7000001:TEST-token-for-the-fake-server"
ADMIN = 1001
SECOND_ADMIN = 1002
STRANGER = 6666

NOTIFIER_TABLES = ("notifications", "actions", "fsm_states", "outbox", "inbox")


def order_parsed(
    *,
    items: list[tuple[str, str, str]] | None = None,
    email: str = "zakupki@romashka.example",
    company: str = "ООО «Ромашка»",
    subject: str = "Заявка на крепёж",
) -> OrderParsed:
    if items is None:
        items = [
            ("Болт М8х30 DIN 933 оцинкованный", "100", "шт"),
            ("Гайка М8 DIN 934", "100", "шт"),
            ("Шайба 8 DIN 125", "200", "шт"),
            ("Шпилька резьбовая М8х1000", "20", "шт"),
        ]
    return OrderParsed.model_validate(
        {
            "mail_id": uuid4(),
            "from": MailAddress(email=email, name="Иван Петров"),
            "mail_subject": subject,
            "received_at": datetime.now(UTC),
            "items": [
                RequestItem(name=n, quantity=Decimal(q), unit=u, source_line=f"{n} — {q} {u}")
                for n, q, u in items
            ],
            "company": company,
            "confidence": 0.9,
            "extractor": "rules",
            "text_excerpt": "Добрый день! Просим выставить КП.",
        }
    )


ITEM_NAMES = ("Болт М8х30 DIN 933", "Гайка М8 DIN 934", "Шайба 8 DIN 125", "Шпилька М8х1000")


def quote_parsed(
    *, request_id: int, rfq_number: str, email: str, prices: list[str], days: int = 5
) -> QuoteParsed:
    """A supplier's answer in the request's thread: one price per item of ``order_parsed``."""
    return QuoteParsed.model_validate(
        {
            "mail_id": uuid4(),
            "from": MailAddress(email=email, name="Отдел продаж"),
            "mail_subject": f"Re: Запрос цены [{rfq_number}]",
            "received_at": datetime.now(UTC),
            "thread": {"request_id": request_id, "rfq_number": rfq_number},
            "currency": "RUB",
            "vat_included": True,
            "lines": [
                QuoteLine(position=i, name=name, unit_price=Decimal(price), lead_time_days=days)
                for i, (name, price) in enumerate(zip(ITEM_NAMES, prices, strict=False), start=1)
            ],
            "lead_time_days": days,
            "confidence": 0.9,
            "extractor": "rules",
        }
    )


SUPPLIERS = (
    ("ООО «Метиз-А»", "sales@metiz-a.example"),
    ("КрепТорг", "opt@kreptorg.example"),
    ("Болтов и партнёры", "info@boltov.example"),
)


async def add_suppliers(desk: Desk) -> list[SupplierView]:
    return [
        await desk.call(SuppliersCreate(supplier=SupplierInput(company=name, emails=[email])))
        for name, email in SUPPLIERS
    ]


@dataclass
class Desk:
    """The test's own line to the system: rpc calls and publishing events."""

    nc: Client
    bus: BusNames
    engine: AsyncEngine
    rpc_requests: list[str] = field(default_factory=list)

    @property
    def rpc(self) -> RpcClient:
        return RpcClient(self.nc, self.bus, timeout=15.0)

    async def call(self, request: RpcRequest[R]) -> R:
        return await self.rpc.call(request)

    async def publish(self, event: Event, *, msg_id: str | None = None) -> int:
        ack = await self.nc.jetstream().publish(
            self.bus.subject(event.subject),
            event.model_dump_json().encode(),
            headers={"Nats-Msg-Id": msg_id or str(event.id)},
        )
        return int(ack.seq)

    async def rows(self, sql: str, **params: Any) -> list[Any]:
        async with self.engine.connect() as conn:
            return list((await conn.execute(text(sql), params)).all())

    async def scalar(self, sql: str, **params: Any) -> Any:
        async with self.engine.connect() as conn:
            return await conn.scalar(text(sql), params)

    async def consumer_idle(self, subject: str, at_least_seq: int, timeout: float = 20.0) -> None:
        """The notifier's durable consumer of ``subject`` has handled (acked) everything
        up to stream sequence ``at_least_seq``."""
        js = self.nc.jetstream()
        stream = self.bus.stream_for(subject)
        durable = self.bus.durable("notifier", subject)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            with contextlib.suppress(Exception):
                info = await js.consumer_info(stream, durable)
                if info.ack_floor.stream_seq >= at_least_seq and info.num_ack_pending == 0:
                    return
            if loop.time() > deadline:
                raise TimeoutError(f"{durable} did not reach seq {at_least_seq}")
            await asyncio.sleep(0.05)


@asynccontextmanager
async def rpc_tap(nats_url: str, bus: BusNames) -> AsyncIterator[list[str]]:
    """Every rpc request made on the bus while inside (subjects, in order)."""
    seen: list[str] = []
    nc = await nats.connect(nats_url)

    async def record(msg: Any) -> None:
        seen.append(msg.subject)

    await nc.subscribe(bus.subject("rpc.>"), cb=record)
    await nc.flush()
    try:
        yield seen
    finally:
        await nc.drain()


class Bots:
    """Starts and stops notifiers; each stop is clean (as a deploy or Ctrl-C)."""

    def __init__(self, make: Callable[..., NotifierSettings]) -> None:
        self.make = make
        self.running: list[Notifier] = []

    async def start(self, **overrides: Any) -> Notifier:
        notifier = assemble(self.make(**overrides))
        await notifier.service.start()
        self.running.append(notifier)
        return notifier

    async def stop(self, notifier: Notifier) -> None:
        await notifier.service.stop()
        if notifier.bot is not None:
            await notifier.bot.close()
        self.running.remove(notifier)

    async def stop_all(self) -> None:
        for notifier in list(self.running):
            await self.stop(notifier)


async def wait_message(
    tg: FakeTelegram,
    chat: int,
    predicate: Callable[[ChatMessage], bool] = lambda m: True,
    *,
    timeout: float = 20.0,
    after: int = 0,
) -> ChatMessage:
    """The first bot message in ``chat`` (after message id ``after``) that fits."""

    def found() -> ChatMessage | None:
        return next((m for m in tg.messages(chat) if m.message_id > after and predicate(m)), None)

    try:
        result: ChatMessage = await tg.until(found, timeout=timeout)
    except TimeoutError:
        refused = [(c.method, c.status, str(c.params)[:300]) for c in tg.refused]
        calls = Counter(c.method for c in tg.calls)
        raise TimeoutError(
            f"no such message in chat {chat} in {timeout:g} s (the bot's calls: "
            f"{dict(calls) or 'none'})\n{tg.transcript([chat])}\nrefused: {refused}"
        ) from None
    return result


DONE_OR_RUNNING = ("Уже сделано.", "Уже выполняется, подождите.")


async def refused_as_second(tg: FakeTelegram, chat: int, query: str, *, after: int) -> str:
    """How a second press on a confirmed action was refused: as the answer to the press, or,
    when it waited behind the first press past the answer deadline and was told "Выполняю…",
    as a message in the chat (after message id ``after``)."""
    answer = await tg.until(lambda: tg.answer_for(query))
    if answer.get("text") in DONE_OR_RUNNING:
        return "answer"
    assert answer.get("text") == "Выполняю…", answer
    await wait_message(tg, chat, lambda m: m.plain in DONE_OR_RUNNING, after=after)
    return "message"


def uuid_of(data: str) -> UUID:
    return UUID(data.rsplit(":", 1)[-1])
