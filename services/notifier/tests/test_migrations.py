"""The notifier's migrations match its tables and are reversible."""

from __future__ import annotations

import asyncio
import uuid

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from snab_kit.db import make_engine
from snab_kit.embedded import drop_database, ensure_database, with_database
from snab_kit.migrations import downgrade, upgrade
from snab_notifier.db.tables import SCHEMA, metadata


def _diff(url: str) -> list[object]:
    def compare(conn: Connection) -> list[object]:
        context = MigrationContext.configure(
            conn,
            opts={
                "include_schemas": True,
                "include_name": lambda name, type_, parent: type_ != "schema" or name == SCHEMA,
                "version_table_schema": SCHEMA,
            },
        )
        return [d for d in compare_metadata(context, metadata) if "alembic_version" not in str(d)]

    async def run() -> list[object]:
        engine = make_engine(url)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(compare)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def test_upgrade_matches_tables_and_downgrade_reverses(database_url: str) -> None:
    url = with_database(database_url, f"snab_mig_{uuid.uuid4().hex[:8]}")
    ensure_database(url)
    try:
        upgrade("snab_notifier.migrations", url)
        assert _diff(url) == []
        downgrade("snab_notifier.migrations", url, "notifier_0001")
        upgrade("snab_notifier.migrations", url)
        downgrade("snab_notifier.migrations", url, "base")
        upgrade("snab_notifier.migrations", url)
        assert _diff(url) == []
    finally:
        drop_database(url)
