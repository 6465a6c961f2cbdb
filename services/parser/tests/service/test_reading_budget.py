"""Mail too expensive to read: stopped, recorded, classified for review, acknowledged once."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import TypeVar

from nats.js.client import JetStreamContext
from parser_service_samples import received
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine
from test_parser_service import attempt_for, handled, jetstream, settings_for

from snab_contracts.mail import MailClassified
from snab_contracts.parsing import OrderParsed
from snab_kit.bus import BusNames
from snab_kit.storage import LocalStorage
from snab_kit.testing import wait_for
from snab_parser.db.tables import messaging, parse_jobs
from snab_parser.main import build

HOSTILE = Path(__file__).resolve().parents[1] / "hostile" / "cases"
CORPUS = Path(__file__).resolve().parents[1] / "corpus"
E = TypeVar("E", MailClassified, OrderParsed)


async def next_for(
    sub: JetStreamContext.PushSubscription, mail_id: uuid.UUID, model: type[E], timeout: float = 20
) -> E:
    """The next event about this mail (the outbox of an earlier test may still hold others)."""
    deadline = time.monotonic() + timeout
    while True:
        msg = await sub.next_msg(timeout=max(0.1, deadline - time.monotonic()))
        event = model.model_validate_json(msg.data)
        if event.mail_id == mail_id:
            return event


async def test_a_mail_over_its_time_is_classified_for_review_and_the_next_one_read(
    nats_url: str, database_url: str, bus: BusNames, storage: LocalStorage, parser_db: AsyncEngine
) -> None:
    settings = settings_for(
        nats_url,
        database_url,
        bus,
        storage,
        time_budget_seconds=0.5,
        readers=1,
        attachment_max_cells=10**7,  # the budget alone has to stop it
        attachment_max_columns=20_000,
    )
    service = build(settings)
    wide = await received(storage, (HOSTILE / "xlsx_columns.eml").read_bytes())
    normal = await received(storage, (CORPUS / "001.eml").read_bytes())
    dlq_before = handled("dlq")
    async with jetstream(nats_url) as (_, js), service.running():
        classified = await js.subscribe(bus.subject("mail.classified"), stream=bus.stream("MAIL"))
        orders = await js.subscribe(bus.subject("order.parsed"), stream=bus.stream("ORDERS"))
        await js.publish(bus.subject("mail.received"), wide.model_dump_json().encode())
        await js.publish(bus.subject("mail.received"), normal.model_dump_json().encode())
        stopped = await next_for(classified, wide.mail_id, MailClassified)
        order = await next_for(orders, normal.mail_id, OrderParsed)

    assert stopped.mail_id == wide.mail_id
    assert stopped.reason == "unparseable" and stopped.needs_review
    assert stopped.text_excerpt.startswith("Письмо не разобрано автоматически")
    assert "0.5 с" in stopped.text_excerpt
    assert order.mail_id == normal.mail_id and order.items
    attempt = await attempt_for(parser_db, wide.id)
    assert attempt is not None and attempt["stopped_reason"] == "time"
    assert attempt["review_reasons"] == ["too_expensive_to_parse: time"]
    assert attempt["result"]["kind"] == "other"
    assert handled("dlq") == dlq_before
    async with parser_db.connect() as conn:  # recorded: nothing left in progress
        left = (await conn.execute(select(parse_jobs.c.event_id))).scalars().all()
    assert wide.id not in left and normal.id not in left


async def test_a_mail_stopped_before_or_begun_too_often_is_not_read_again(
    nats_url: str, database_url: str, bus: BusNames, storage: LocalStorage, parser_db: AsyncEngine
) -> None:
    settings = settings_for(
        nats_url,
        database_url,
        bus,
        storage,
        readers=2,
        max_deliver=3,
        time_budget_seconds=60,
        attachment_max_cells=10**7,  # a reading of several seconds
        attachment_max_columns=20_000,
    )
    service = build(settings)
    slow = (HOSTILE / "xlsx_columns.eml").read_bytes()
    # stopped over memory by an earlier delivery whose transaction did not commit
    stopped_before = await received(storage, slow, mail_id=uuid.uuid4())
    # begun three times (the delivery limit) and never answered: the process went down
    begun_often = await received(storage, slow, mail_id=uuid.uuid4())
    async with parser_db.begin() as conn:
        await conn.execute(
            insert(parse_jobs).values(
                event_id=stopped_before.id,
                mail_id=stopped_before.mail_id,
                starts=1,
                stopped_reason="memory",
                stopped_detail="700 MB resident",
                seconds=1.5,
            )
        )
        await conn.execute(
            insert(parse_jobs).values(
                event_id=begun_often.id, mail_id=begun_often.mail_id, starts=3
            )
        )
    async with jetstream(nats_url) as (_, js), service.running():
        started = time.monotonic()
        for event in (stopped_before, begun_often):
            await js.publish(bus.subject("mail.received"), event.model_dump_json().encode())
        # what the handler committed (the relay's publishing is another test's concern)
        attempts = {
            event.id: await wait_for(lambda e=event: attempt_for(parser_db, e.id), timeout=30)
            for event in (stopped_before, begun_often)
        }
        # a reading that lasts is looked up after a second, and not finished
        assert time.monotonic() - started < 20

    for event, reason, note in (
        (stopped_before, "memory", "памяти"),
        (begun_often, "unfinished", "несколько раз"),
    ):
        attempt = attempts[event.id]
        assert attempt["stopped_reason"] == reason
        assert attempt["output_subject"] == "mail.classified"
        async with parser_db.connect() as conn:
            payload = await conn.scalar(
                select(messaging.outbox.c.payload).where(
                    messaging.outbox.c.id == attempt["output_event_id"]
                )
            )
        out = MailClassified.model_validate_json(payload)
        assert out.reason == "unparseable" and note in out.text_excerpt
