from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from kit_busapp import SCHEMA, metadata
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from snab_kit.db import make_engine


@pytest_asyncio.fixture(loop_scope="session")
async def kit_db(database_url: str) -> AsyncIterator[AsyncEngine]:
    """The ``kit_test`` schema, created fresh for each test."""
    engine = make_engine(database_url)
    async with engine.begin() as conn:
        await conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        await conn.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
        await conn.run_sync(metadata.create_all)
    try:
        yield engine
    finally:
        await engine.dispose()
