"""What the LLM answers is stored as PostgreSQL accepts text, whatever it echoes."""

from __future__ import annotations

from llm_samples import request_eml
from parser_service_samples import received
from sqlalchemy.ext.asyncio import AsyncEngine
from test_parser_service import attempt_for, jetstream, settings_for
from test_reading_budget import next_for

from snab_contracts.parsing import OrderParsed
from snab_kit.bus import BusNames
from snab_kit.storage import LocalStorage
from snab_parser.main import build
from tests.peers.openai_fake import FakeOpenAI, Reply


async def test_an_answer_with_nul_characters_is_stored_without_them(
    nats_url: str,
    database_url: str,
    bus: BusNames,
    storage: LocalStorage,
    parser_db: AsyncEngine,
    fake_openai: FakeOpenAI,
) -> None:
    fake_openai.reset()
    fake_openai.push(Reply.content('{"kind": "request"\x00\x00 oops'))
    settings = settings_for(
        nats_url,
        database_url,
        bus,
        storage,
        extractor="auto",
        openai_api_key="sk-test",
        openai_base_url=fake_openai.base_url,
        llm_timeout_seconds=5,
        llm_attempts=1,
    )
    service = build(settings)
    event = await received(storage, request_eml())
    async with jetstream(nats_url) as (_, js), service.running():
        orders = await js.subscribe(bus.subject("order.parsed"), stream=bus.stream("ORDERS"))
        await js.publish(bus.subject("mail.received"), event.model_dump_json().encode())
        order = await next_for(orders, event.mail_id, OrderParsed)

    assert order.extractor == "rules"  # the answer was not JSON: the rules' reading stands
    attempt = await attempt_for(parser_db, event.id)
    assert attempt is not None and attempt["llm_outcome"] == "invalid"
    assert attempt["llm_raw"] == '{"kind": "request" oops'
