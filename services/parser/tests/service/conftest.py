"""Fixtures of the parser service tests: real NATS, PostgreSQL, local object storage."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine

HERE = Path(__file__).resolve().parent
for folder in (HERE, HERE.parent / "llm"):
    sys.path.insert(0, str(folder))

from snab_kit.db import make_engine  # noqa: E402
from snab_kit.storage import LocalStorage  # noqa: E402
from tests.peers.openai_fake import FakeOpenAI  # noqa: E402


@pytest.fixture
def storage(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "storage")


@pytest_asyncio.fixture(loop_scope="session")
async def parser_db(database_url: str, migrate_schema: Any) -> AsyncIterator[AsyncEngine]:
    migrate_schema("snab_parser.migrations")
    engine = make_engine(database_url, pool_size=2)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest_asyncio.fixture(loop_scope="session")
async def fake_openai() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as fake:
        yield fake
