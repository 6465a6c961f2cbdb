"""The parser service on real NATS and PostgreSQL: mail.received in, one event out."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import nats
import pytest
from llm_samples import (
    REQUEST_BODY,
    quote_eml,
    request_answer,
    request_eml,
)
from nats.aio.client import Client
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from parser_service_samples import received
from prometheus_client import REGISTRY
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from snab_contracts.mail import MailClassified, MailFlags, ThreadInfo
from snab_contracts.parsing import OrderParsed, QuoteParsed
from snab_kit.bus import BusNames
from snab_kit.storage import LocalStorage
from snab_kit.testing import wait_for
from snab_parser.db.tables import messaging, parse_attempts
from snab_parser.main import build
from snab_parser.settings import ParserSettings
from tests.peers.openai_fake import FakeOpenAI, Reply


def settings_for(
    nats_url: str, database_url: str, bus: BusNames, storage: LocalStorage, **extra: Any
) -> ParserSettings:
    values: dict[str, Any] = {
        "nats_url": nats_url,
        "database_url": database_url,
        "bus_namespace": bus.namespace,
        "storage_dir": Path(storage.root),
        "extractor": "rules",
        "max_deliver": 3,
        "retry_backoff_seconds": [0.2],
        "outbox_poll_seconds": 0.1,
    }
    values.update(extra)
    return ParserSettings(**values)


@contextlib.asynccontextmanager
async def jetstream(url: str) -> AsyncIterator[tuple[Client, JetStreamContext]]:
    nc = await nats.connect(url)
    try:
        yield nc, nc.jetstream()
    finally:
        await nc.drain()


async def attempt_for(db: AsyncEngine, event_id: UUID) -> dict[str, Any] | None:
    async with db.connect() as conn:
        row = (
            await conn.execute(select(parse_attempts).where(parse_attempts.c.event_id == event_id))
        ).first()
    return dict(row._mapping) if row else None


def handled(outcome: str) -> float:
    return (
        REGISTRY.get_sample_value(
            "snab_messages_handled_total",
            {"service": "parser", "subject": "mail.received", "outcome": outcome},
        )
        or 0.0
    )


async def test_request_mail_becomes_exactly_one_order_with_its_parse_attempt(
    nats_url: str, database_url: str, bus: BusNames, storage: LocalStorage, parser_db: AsyncEngine
) -> None:
    service = build(settings_for(nats_url, database_url, bus, storage))
    event = await received(storage, request_eml())
    async with jetstream(nats_url) as (_, js), service.running():
        orders = await js.subscribe(bus.subject("order.parsed"), stream=bus.stream("ORDERS"))
        await js.publish(bus.subject("mail.received"), event.model_dump_json().encode())
        msg = await orders.next_msg(timeout=15)

        # The same event delivered again (past JetStream's dedupe): handled once.
        duplicates = handled("duplicate")
        await js.publish(bus.subject("mail.received"), event.model_dump_json().encode())
        await wait_for(lambda: handled("duplicate") > duplicates, timeout=10)
        with pytest.raises(NatsTimeout):
            await orders.next_msg(timeout=0.5)

    order = OrderParsed.model_validate_json(msg.data)
    assert order.mail_id == event.mail_id
    assert [(i.name, i.quantity, i.unit.value) for i in order.items] == [
        ("Болт М8х30 DIN 933 оцинкованный", 100, "шт"),
        ("Гайка М8 DIN 934", 200, "шт"),
        ("Шайба плоская М8 DIN 125", 200, "шт"),
    ]
    assert order.extractor == "rules"
    assert order.contact_phone == "+79161234567"
    assert order.deadline is not None and order.deadline.isoformat() == "2026-12-15"
    assert msg.headers is not None and msg.headers["Nats-Msg-Id"] == str(order.id)
    assert "Болт М8х30" in order.text_excerpt

    attempt = await attempt_for(parser_db, event.id)
    assert attempt is not None
    assert attempt["output_event_id"] == order.id
    assert attempt["output_subject"] == "order.parsed"
    assert attempt["input_source"] == "raw"
    assert attempt["extractor"] == "rules" and attempt["llm_outcome"] is None
    assert attempt["result"]["request"]["items"][0]["quantity"] == 100
    assert attempt["rules_seconds"] > 0 and attempt["total_seconds"] >= attempt["rules_seconds"]
    async with parser_db.connect() as conn:
        emitted = await conn.scalar(
            select(func.count())
            .select_from(messaging.outbox)
            .where(messaging.outbox.c.id == order.id)
        )
    assert emitted == 1


async def test_quotes_auto_replies_and_missing_raw_go_where_they_belong(
    nats_url: str, database_url: str, bus: BusNames, storage: LocalStorage, parser_db: AsyncEngine
) -> None:
    service = build(settings_for(nats_url, database_url, bus, storage))
    gateway_thread = ThreadInfo(
        request_id=42, rfq_number="RFQ-2026-0042-3", matched_by="message_id"
    )
    quote = await received(
        storage, quote_eml(), thread=gateway_thread, mail_subject="Re: Запрос цен"
    )
    # An out-of-office reply that quotes a request: it must never become an order.
    auto = await received(
        storage,
        request_eml().replace(b"Subject:", b"Auto-Submitted: auto-replied\nSubject:", 1),
        flags=MailFlags(auto_reply=True),
    )
    # The raw message is gone, the event still has the text: read from the event.
    from_text = await received(storage, request_eml(), store=False, text=REQUEST_BODY)

    async with jetstream(nats_url) as (_, js), service.running():
        quotes = await js.subscribe(bus.subject("quote.parsed"), stream=bus.stream("QUOTES"))
        orders = await js.subscribe(bus.subject("order.parsed"), stream=bus.stream("ORDERS"))
        classified = await js.subscribe(bus.subject("mail.classified"), stream=bus.stream("MAIL"))
        for event in (quote, auto, from_text):
            await js.publish(bus.subject("mail.received"), event.model_dump_json().encode())
        quote_msg = await quotes.next_msg(timeout=15)
        order_msg = await orders.next_msg(timeout=15)
        classified_msg = await classified.next_msg(timeout=15)
        with pytest.raises(NatsTimeout):
            await orders.next_msg(timeout=0.3)

    parsed_quote = QuoteParsed.model_validate_json(quote_msg.data)
    assert parsed_quote.mail_id == quote.mail_id
    assert parsed_quote.thread == gateway_thread
    assert parsed_quote.vat_included is True and parsed_quote.total == 2050
    assert [line.unit_price for line in parsed_quote.lines] == [Decimal("12.5"), Decimal(4)]

    auto_reply = MailClassified.model_validate_json(classified_msg.data)
    assert auto_reply.mail_id == auto.mail_id and auto_reply.reason == "auto_reply"

    order = OrderParsed.model_validate_json(order_msg.data)
    assert order.mail_id == from_text.mail_id and len(order.items) == 3
    attempt = await attempt_for(parser_db, from_text.id)
    assert attempt is not None and attempt["input_source"] == "event"
    auto_attempt = await attempt_for(parser_db, auto.id)
    assert auto_attempt is not None and auto_attempt["input_source"] == "flags"


async def test_poison_input_ends_in_the_dlq_without_redelivery(
    nats_url: str, database_url: str, bus: BusNames, storage: LocalStorage, parser_db: AsyncEngine
) -> None:
    service = build(settings_for(nats_url, database_url, bus, storage, max_deliver=5))
    # Nothing to read: the raw message is not in storage and the event has no text.
    nothing = await received(storage, request_eml(), store=False, text="")
    dlq_before = handled("dlq")
    retries_before = handled("retry")
    async with jetstream(nats_url) as (_, js), service.running():
        dlq = await js.subscribe(bus.subject("dlq.mail.received"), stream=bus.stream("DLQ"))
        await js.publish(bus.subject("mail.received"), b'{"mail_id": "not-a-uuid"}')
        await js.publish(bus.subject("mail.received"), nothing.model_dump_json().encode())
        first = await dlq.next_msg(timeout=15)
        second = await dlq.next_msg(timeout=15)

    by_error = {m.headers["Snab-Error"][:40]: m for m in (first, second) if m.headers}
    assert len(by_error) == 2
    invalid = next(m for e, m in by_error.items() if "invalid mail.received" in e)
    missing = next(m for m in (first, second) if m is not invalid)
    assert invalid.headers is not None and invalid.headers["Snab-Delivered"] == "1"
    assert missing.headers is not None and missing.headers["Snab-Delivered"] == "1"
    assert "is not in storage" in missing.headers["Snab-Error"]
    assert handled("dlq") == dlq_before + 2
    assert handled("retry") == retries_before
    assert await attempt_for(parser_db, nothing.id) is None


@pytest.mark.parametrize("batch", [32, 0], ids=["batched", "one-by-one"])
async def test_a_burst_gives_one_event_per_mail_whether_batched_or_not(
    nats_url: str,
    database_url: str,
    bus: BusNames,
    storage: LocalStorage,
    parser_db: AsyncEngine,
    batch: int,
) -> None:
    service = build(settings_for(nats_url, database_url, bus, storage, batch_size=batch))
    requests = [
        await received(storage, request_eml().replace(b"Subject:", f"X-N: {n}\nSubject:".encode()))
        for n in range(10)
    ]
    nothing = await received(storage, request_eml(), store=False, text="")
    async with jetstream(nats_url) as (_, js):
        orders = await js.subscribe(bus.subject("order.parsed"), stream=bus.stream("ORDERS"))
        dlq = await js.subscribe(bus.subject("dlq.mail.received"), stream=bus.stream("DLQ"))

        async def publish(*events: Any) -> None:
            for event in events:
                await js.publish(bus.subject("mail.received"), event.model_dump_json().encode())

        async def parsed(count: int) -> list[OrderParsed]:
            return [
                OrderParsed.model_validate_json((await orders.next_msg(timeout=30)).data)
                for _ in range(count)
            ]

        # Waiting before the service starts, so the first fetch takes them all: five
        # requests, one of them twice.
        await publish(*requests[:5], requests[2])
        async with service.running():
            got = await parsed(5)
            # Then a mail that can never be read (its raw message is gone, the event has no
            # text) among the other five: it fails its batch, the batch is replayed one by
            # one, and the rest are still parsed once.
            await publish(requests[5], nothing, *requests[6:], requests[7])
            got += await parsed(5)
            dead = await dlq.next_msg(timeout=15)
            with pytest.raises(NatsTimeout):
                await orders.next_msg(timeout=1.0)

    assert sorted(str(o.mail_id) for o in got) == sorted(str(r.mail_id) for r in requests)
    assert dead.headers is not None and "is not in storage" in dead.headers["Snab-Error"]
    async with parser_db.connect() as conn:
        rows = (
            await conn.execute(
                select(parse_attempts.c.event_id, parse_attempts.c.created_at).where(
                    parse_attempts.c.event_id.in_([r.id for r in requests] + [nothing.id])
                )
            )
        ).all()
    assert len(rows) == 10  # one attempt per mail, none for the unreadable one
    first = {row.created_at for row in rows if row.event_id in {r.id for r in requests[:5]}}
    # One transaction (its now()) for the first five when batched, five otherwise.
    assert len(first) == (1 if batch else 5)


async def test_with_the_llm_the_attempt_keeps_the_raw_answer_and_tokens(
    nats_url: str,
    database_url: str,
    bus: BusNames,
    storage: LocalStorage,
    parser_db: AsyncEngine,
    fake_openai: FakeOpenAI,
) -> None:
    fake_openai.reset()
    fake_openai.push(Reply.answer(request_answer(), prompt_tokens=640, completion_tokens=180))
    fake_openai.push(*(Reply.server_error(502) for _ in range(3)))
    settings = settings_for(
        nats_url,
        database_url,
        bus,
        storage,
        extractor="auto",
        openai_api_key="sk-test",
        openai_base_url=fake_openai.base_url,
        llm_timeout_seconds=5,
        llm_backoff_seconds=0.01,
        consumer_workers=1,  # one at a time: the script's order is the messages' order
    )
    service = build(settings)
    with_llm = await received(storage, request_eml())
    llm_down = await received(
        storage, request_eml().replace(b"a1b2c3@", b"d4e5f6@"), mail_subject="Заявка 2"
    )
    async with jetstream(nats_url) as (_, js), service.running():
        orders = await js.subscribe(bus.subject("order.parsed"), stream=bus.stream("ORDERS"))
        await js.publish(bus.subject("mail.received"), with_llm.model_dump_json().encode())
        first = OrderParsed.model_validate_json((await orders.next_msg(timeout=15)).data)
        await js.publish(bus.subject("mail.received"), llm_down.model_dump_json().encode())
        second = OrderParsed.model_validate_json((await orders.next_msg(timeout=15)).data)

    assert first.mail_id == with_llm.mail_id and first.extractor == "combined"
    assert first.inn == "7707083893"  # read by the LLM only
    attempt = await attempt_for(parser_db, with_llm.id)
    assert attempt is not None
    assert attempt["llm_outcome"] == "ok" and attempt["agreed"] is True
    assert attempt["llm_raw"] is not None and '"kind": "request"' in attempt["llm_raw"]
    assert (attempt["llm_prompt_tokens"], attempt["llm_completion_tokens"]) == (640, 180)
    assert attempt["llm_model"] == "gpt-4o-mini" and attempt["llm_seconds"] > 0

    assert second.mail_id == llm_down.mail_id and second.extractor == "rules"
    down = await attempt_for(parser_db, llm_down.id)
    assert down is not None and down["fallback_reason"] == "server_error"
    assert [a["status"] for a in down["llm_attempts"]] == [502, 502, 502]
