"""The hostile corpus through the running parser (real NATS, PostgreSQL, HTTP server).

Every crafted mail ends classified or in review, none in the dead-letter queue; /health
answers within a second the whole time; and a normal request sent after them all becomes an
order within five seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import uvicorn
from parser_service_samples import received
from sqlalchemy.ext.asyncio import AsyncEngine
from test_parser_service import handled, jetstream, settings_for

from snab_contracts.mail import MailClassified, MailReceived
from snab_contracts.parsing import OrderParsed, QuoteParsed
from snab_kit.bus import BusNames
from snab_kit.service import Service
from snab_kit.storage import LocalStorage
from snab_parser.main import build

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS / "hostile"))
from make_hostile import CASES  # noqa: E402

CORPUS = TESTS / "corpus"
HOSTILE = TESTS / "hostile" / "cases"
OUTPUTS: dict[str, type[MailClassified] | type[OrderParsed] | type[QuoteParsed]] = {
    "mail.classified": MailClassified,
    "order.parsed": OrderParsed,
    "quote.parsed": QuoteParsed,
}
STREAMS = {"mail.classified": "MAIL", "order.parsed": "ORDERS", "quote.parsed": "QUOTES"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.asynccontextmanager
async def serving(service: Service) -> AsyncIterator[str]:
    """The service behind its real HTTP server (/health, /metrics), as in production."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(service.asgi(), host="127.0.0.1", port=port, log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    try:
        deadline = time.monotonic() + 60
        while not (server.started and service.started.is_set()):
            assert time.monotonic() < deadline, "the service did not start"
            assert not task.done(), task
            await asyncio.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 60)


class HealthWatch:
    """/health asked every 200 ms: the slowest answer and any that was not 200."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.slowest = 0.0
        self.failures: list[str] = []
        self.asked = 0

    async def run(self) -> None:
        async with httpx.AsyncClient(timeout=5.0) as client:
            while True:
                started = time.perf_counter()
                try:
                    response = await client.get(f"{self.url}/health")
                    if response.status_code != 200:
                        self.failures.append(f"{response.status_code} {response.text}")
                except httpx.HTTPError as exc:
                    self.failures.append(repr(exc))
                self.slowest = max(self.slowest, time.perf_counter() - started)
                self.asked += 1
                await asyncio.sleep(0.2)


async def test_hostile_mail_ends_classified_or_in_review_while_the_service_stays_healthy(
    nats_url: str, database_url: str, bus: BusNames, storage: LocalStorage, parser_db: AsyncEngine
) -> None:
    service = build(settings_for(nats_url, database_url, bus, storage))
    events: dict[UUID, tuple[str, MailReceived]] = {}
    for case in CASES:
        event = await received(storage, (HOSTILE / f"{case.name}.eml").read_bytes())
        events[event.mail_id] = (case.name, event)
    normal = await received(storage, (CORPUS / "001.eml").read_bytes())
    dlq_before = handled("dlq")
    results: dict[UUID, Any] = {}

    async with jetstream(nats_url) as (_, js), serving(service) as url:
        subscriptions = [
            (subject, await js.subscribe(bus.subject(subject), stream=bus.stream(stream)))
            for subject, stream in STREAMS.items()
        ]

        async def collect(wanted: set[UUID], timeout: float) -> None:
            deadline = time.monotonic() + timeout
            while not wanted <= results.keys():
                assert time.monotonic() < deadline, f"no answer for {wanted - results.keys()}"
                for subject, sub in subscriptions:
                    with contextlib.suppress(Exception):
                        msg = await sub.next_msg(timeout=0.05)
                        event = OUTPUTS[subject].model_validate_json(msg.data)
                        results[event.mail_id] = event

        health = HealthWatch(url)
        watching = asyncio.create_task(health.run())
        try:
            for _, event in events.values():
                await js.publish(bus.subject("mail.received"), event.model_dump_json().encode())
            await collect(set(events), timeout=300)
        finally:
            watching.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watching

        started = time.monotonic()
        await js.publish(bus.subject("mail.received"), normal.model_dump_json().encode())
        await collect({normal.mail_id}, timeout=5)
        order_seconds = time.monotonic() - started

    assert health.asked > 5 and health.failures == []
    assert health.slowest < 1.0
    assert handled("dlq") == dlq_before
    for mail_id, (name, _) in events.items():
        out = results[mail_id]
        if name == "xlsx_dimension":
            assert isinstance(out, OrderParsed) and [i.name for i in out.items] == ["Болт М8"]
            continue
        assert isinstance(out, MailClassified) or out.needs_review, (name, out)
    assert isinstance(results[normal.mail_id], OrderParsed)
    assert order_seconds < 5
