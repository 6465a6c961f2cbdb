"""Fixtures: the orders schema (migrated once, emptied per test), a running service on a
fresh bus namespace."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from snab_kit.bus import BusNames
from snab_kit.db import make_engine
from snab_orders.db.tables import SCHEMA, metadata
from snab_orders.settings import OrdersSettings

sys.path.insert(0, str(Path(__file__).parent))

from orders_testkit import TEST_RATES, App, start_app


@pytest.fixture(scope="session")
def orders_schema(migrate_schema: Any) -> None:
    migrate_schema("snab_orders.migrations")


@pytest_asyncio.fixture(loop_scope="session")
async def db(database_url: str, orders_schema: None) -> AsyncIterator[AsyncEngine]:
    """The orders schema, emptied before each test."""
    engine = make_engine(database_url)
    names = ", ".join(f'"{SCHEMA}"."{t.name}"' for t in metadata.sorted_tables)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def make_settings(nats_url: str, database_url: str, bus: BusNames) -> Callable[..., OrdersSettings]:
    def make(**overrides: Any) -> OrdersSettings:
        values: dict[str, Any] = {
            "nats_url": nats_url,
            "database_url": database_url,
            "bus_namespace": bus.namespace,
            "retry_backoff_seconds": [0.1, 0.2, 0.3],
            "max_deliver": 3,
            "outbox_poll_seconds": 0.05,
            "currency_rates": TEST_RATES,
            "email_from": "Снабжение <snab@broker.example>",
            "company_phone": "+74951234567",
            **overrides,
        }
        return OrdersSettings(**values)

    return make


@pytest_asyncio.fixture(loop_scope="session")
async def app(
    db: AsyncEngine, make_settings: Callable[..., OrdersSettings], bus: BusNames
) -> AsyncIterator[App]:
    started, service = await start_app(make_settings(), db, bus)
    try:
        yield started
    finally:
        await started.nc.drain()
        await service.stop()
