"""Fixtures: the documents schema (migrated once, emptied per test), settings for a
service on a fresh bus namespace, an in-process renderer."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from snab_documents.db.tables import SCHEMA, metadata
from snab_documents.render.pdf import ProposalRenderer, TemplateConfig
from snab_documents.settings import DocumentsSettings
from snab_kit.bus import BusNames
from snab_kit.db import make_engine

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="session")
def renderer() -> Iterator[ProposalRenderer]:
    """The shipped template, rendered in this process."""
    yield ProposalRenderer(TemplateConfig())


@pytest.fixture(scope="session")
def documents_schema(migrate_schema: Any) -> None:
    migrate_schema("snab_documents.migrations")


@pytest_asyncio.fixture(loop_scope="session")
async def db(database_url: str, documents_schema: None) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(database_url)
    names = ", ".join(f'"{SCHEMA}"."{t.name}"' for t in metadata.sorted_tables)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def make_settings(
    nats_url: str, database_url: str, bus: BusNames, tmp_path: Path
) -> Callable[..., DocumentsSettings]:
    def make(**overrides: Any) -> DocumentsSettings:
        values: dict[str, Any] = {
            "nats_url": nats_url,
            "database_url": database_url,
            "bus_namespace": bus.namespace,
            "retry_backoff_seconds": [0.1, 0.2, 0.3],
            "max_deliver": 3,
            "outbox_poll_seconds": 0.05,
            "storage_dir": tmp_path / "storage",
            "documents_render_workers": 1,
            **overrides,
        }
        return DocumentsSettings(**values)

    return make
