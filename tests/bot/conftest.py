"""Fixtures of the bot tests: clean ``orders`` and ``notifier`` schemas, the fake Bot API
server, the orders service in-process, and notifiers started on demand."""

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
from snab_kit.service import Service
from snab_notifier.settings import NotifierSettings
from snab_orders.db.tables import metadata as orders_metadata
from snab_orders.main import build as build_orders
from snab_orders.settings import OrdersSettings
from tests.bot.support import ADMIN, NOTIFIER_TABLES, SECOND_ADMIN, TOKEN, Bots, Desk
from tests.peers.telegram import FakeTelegram


@pytest_asyncio.fixture(loop_scope="session")
async def engine(database_url: str, migrate_schema: Any) -> AsyncIterator[AsyncEngine]:
    """Both schemas at head and emptied before the test."""
    migrate_schema("snab_orders.migrations")
    migrate_schema("snab_notifier.migrations")
    engine = make_engine(database_url, pool_size=2)
    orders_tables = ", ".join(f'orders."{t.name}"' for t in orders_metadata.sorted_tables)
    notifier_tables = ", ".join(f"notifier.{t}" for t in NOTIFIER_TABLES)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {orders_tables} RESTART IDENTITY CASCADE"))
        await conn.execute(text(f"TRUNCATE {notifier_tables} RESTART IDENTITY CASCADE"))
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram(token=TOKEN, chat_interval=1.0, global_rate=30) as tg:
        yield tg


@pytest.fixture
def make_settings(
    nats_url: str, database_url: str, bus: BusNames, telegram: FakeTelegram
) -> Callable[..., NotifierSettings]:
    def make(**overrides: Any) -> NotifierSettings:
        values: dict[str, Any] = {
            "nats_url": nats_url,
            "database_url": database_url,
            "bus_namespace": bus.namespace,
            "telegram_bot_token": TOKEN,
            "telegram_admin_ids": [ADMIN, SECOND_ADMIN],
            "telegram_api_url": telegram.base_url,
            "telegram_polling_timeout": 2,
            "telegram_retry_backoff_seconds": [0.2, 0.5, 1.0, 2.0],
            "telegram_breaker_open_seconds": 1.0,
            "telegram_request_timeout_seconds": 10.0,
            "telegram_document_attempts": 3,
            "notifier_poll_seconds": 0.2,
            "retry_backoff_seconds": [0.1, 0.2, 0.3],
            "max_deliver": 3,
            "outbox_poll_seconds": 0.05,
            **overrides,
        }
        return NotifierSettings(**values)

    return make


@pytest_asyncio.fixture(loop_scope="session")
async def bots(make_settings: Callable[..., NotifierSettings]) -> AsyncIterator[Bots]:
    manager = Bots(make_settings)
    try:
        yield manager
    finally:
        await manager.stop_all()


@pytest_asyncio.fixture(loop_scope="session")
async def orders(
    engine: AsyncEngine, nats_url: str, database_url: str, bus: BusNames, tmp_path: Path
) -> AsyncIterator[Service]:
    settings = OrdersSettings(
        nats_url=nats_url,
        database_url=database_url,
        bus_namespace=bus.namespace,
        retry_backoff_seconds=[0.1, 0.2, 0.3],
        max_deliver=3,
        outbox_poll_seconds=0.05,
        email_from="Снабжение <snab@broker.example>",
        company_phone="+74951234567",
        storage_dir=tmp_path / "storage",
    )
    service = build_orders(settings, sweep=False)
    await service.start()
    try:
        yield service
    finally:
        await service.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def desk(engine: AsyncEngine, nats_url: str, bus: BusNames) -> AsyncIterator[Desk]:
    nc = await nats.connect(nats_url)
    try:
        yield Desk(nc=nc, bus=bus, engine=engine)
    finally:
        await nc.drain()
