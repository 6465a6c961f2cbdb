"""The parser's migrations build exactly the tables the code declares."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from snab_parser.db.tables import SCHEMA, metadata


def _diff(connection: Connection) -> list[Any]:
    def ours(obj: object, name: str | None, type_: str, *_: object) -> bool:
        return type_ != "table" or getattr(obj, "schema", None) == SCHEMA

    context = MigrationContext.configure(
        connection,
        opts={
            "include_schemas": True,
            "include_object": ours,
            "version_table_schema": SCHEMA,
            "compare_type": True,
        },
    )
    return [d for d in compare_metadata(context, metadata) if "alembic_version" not in str(d)]


async def test_migrated_schema_matches_the_table_definitions(parser_db: AsyncEngine) -> None:
    async with parser_db.connect() as conn:
        diff = await conn.run_sync(_diff)
    assert diff == []
