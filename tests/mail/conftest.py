"""Fixtures for the mail-gateway tests against real servers (NATS, PostgreSQL, Dovecot,
aiosmtpd): a clean ``mail`` schema per test, settings pointing at the test servers, the
gateway run in-process, and a recorder of what the gateway publishes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import nats
import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from snab_kit.bus import BusNames
from snab_kit.db import make_engine
from snab_mail.main import MailGateway, assemble
from snab_mail.settings import MailgatewaySettings
from tests.mail.support import Published, running

TABLES = (
    "send_attempts",
    "outbound_messages",
    "inbound_attachments",
    "inbound_messages",
    "mailboxes",
    "outbox",
    "inbox",
)


@pytest_asyncio.fixture(loop_scope="session")
async def mail_db(database_url: str, migrate_schema: Any) -> AsyncIterator[AsyncEngine]:
    """The ``mail`` schema at head, emptied before the test."""
    migrate_schema("snab_mail.migrations")
    engine = make_engine(database_url, pool_size=2)
    async with engine.begin() as conn:
        await conn.execute(text("TRUNCATE " + ", ".join(f"mail.{t}" for t in TABLES)))
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def make_settings(
    nats_url: str, database_url: str, bus: BusNames, tmp_path: Path
) -> Callable[..., MailgatewaySettings]:
    def make(**overrides: Any) -> MailgatewaySettings:
        values: dict[str, Any] = {
            "nats_url": nats_url,
            "database_url": database_url,
            "bus_namespace": bus.namespace,
            "storage_dir": tmp_path / "storage",
            "mail_outbox_dir": tmp_path / "outbox",
            "email_from": "Отдел снабжения <zakupki@broker.example>",
            "imap_poll_seconds": 0.3,
            "imap_lease_seconds": 3.0,
            "smtp_retry_backoff_seconds": [0.2, 0.2],
            "smtp_poll_seconds": 0.2,
            "consumer_workers": 2,
        }
        values.update(overrides)
        return MailgatewaySettings(_env_file=None, **values)  # type: ignore[call-arg]

    return make


@pytest.fixture
def start_gateway() -> Callable[[MailgatewaySettings], Any]:
    def start(settings: MailgatewaySettings) -> Any:
        return running(assemble(settings))

    return start


@pytest_asyncio.fixture(loop_scope="session")
async def published(nats_url: str, bus: BusNames) -> AsyncIterator[Published]:
    nc = await nats.connect(nats_url)
    recorder = Published(bus)
    sub = await nc.jetstream().subscribe(
        bus.subject("mail.>"), stream=bus.stream("MAIL"), ordered_consumer=True, cb=recorder._on
    )
    try:
        yield recorder
    finally:
        await sub.unsubscribe()
        await nc.drain()


@pytest.fixture
def corpus_dir() -> Iterator[Path]:
    path = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "dev"
    if not path.is_dir():
        pytest.skip("the shared corpus is not available")
    yield path


@pytest_asyncio.fixture(loop_scope="session")
async def gateway_for() -> AsyncIterator[Callable[[MailgatewaySettings], MailGateway]]:
    """Build a gateway that is not started (its parts are driven by the test); its
    database connections are closed afterwards."""
    made: list[MailGateway] = []

    def build(settings: MailgatewaySettings) -> MailGateway:
        made.append(assemble(settings))
        return made[-1]

    yield build
    for gateway in made:
        await gateway.service.engine.dispose()
