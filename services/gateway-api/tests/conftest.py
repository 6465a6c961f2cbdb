"""Fixtures of the gateway tests: the schemas migrated once and emptied per test, and the
running stack (gateway + orders + mail-gateway + parser in this process)."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine

from snab_kit.bus import BusNames
from snab_kit.db import make_engine

sys.path.insert(0, str(Path(__file__).parent))

from gateway_testkit import MIGRATIONS, Stack, empty_schemas, running_stack


@pytest.fixture(scope="session")
def schemas(migrate_schema: Any) -> None:
    for package in MIGRATIONS:
        migrate_schema(package)


@pytest_asyncio.fixture(loop_scope="session")
async def engine(database_url: str, schemas: None) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(database_url, pool_size=4)
    await empty_schemas(engine)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest_asyncio.fixture(loop_scope="session")
async def stack(
    nats_url: str, database_url: str, bus: BusNames, engine: AsyncEngine, tmp_path: Path
) -> AsyncIterator[Stack]:
    async with running_stack(
        nats_url=nats_url, database_url=database_url, bus=bus, engine=engine, tmp_path=tmp_path
    ) as running:
        yield running
