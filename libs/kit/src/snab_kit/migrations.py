"""Alembic wiring shared by every service: one schema, one version table per service.

A service's ``migrations/env.py`` is just ``run_env(metadata)``; ``upgrade(...)`` runs
its migrations from code (``python -m snab_<service> migrate``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from importlib import resources

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from snab_kit.settings import to_async_url


def alembic_config(migrations_package: str, database_url: str) -> Config:
    """``migrations_package`` is e.g. ``snab_orders.migrations`` (holds env.py and versions/)."""
    location = resources.files(migrations_package)
    cfg = Config()
    cfg.set_main_option("script_location", str(location))
    cfg.set_main_option("sqlalchemy.url", to_async_url(database_url).replace("%", "%%"))
    cfg.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    return cfg


def _outside_event_loop(fn: Callable[[], None]) -> None:
    """Alembic's env.py runs its own event loop: inside a running one, use a thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        fn()
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(fn).result()


def upgrade(migrations_package: str, database_url: str, revision: str = "head") -> None:
    cfg = alembic_config(migrations_package, database_url)
    _outside_event_loop(lambda: command.upgrade(cfg, revision))


def downgrade(migrations_package: str, database_url: str, revision: str = "base") -> None:
    cfg = alembic_config(migrations_package, database_url)
    _outside_event_loop(lambda: command.downgrade(cfg, revision))


def _ensure_schema(connection: Connection, schema: str) -> None:
    """Create the schema only when it is missing: ``CREATE SCHEMA IF NOT EXISTS`` needs the
    CREATE privilege on the database even when the schema exists, and a service's own
    role (``snab-db roles``) has none; it owns a schema made for it beforehand."""
    exists = connection.execute(
        text("SELECT 1 FROM pg_namespace WHERE nspname = :name"), {"name": schema}
    ).scalar()
    if not exists:
        quoted = connection.dialect.identifier_preparer.quote_schema(schema)
        connection.execute(text(f"CREATE SCHEMA IF NOT EXISTS {quoted}"))


def run_env(metadata: MetaData) -> None:
    """Body of a service's env.py: migrate only objects of the service's schema."""
    schema = metadata.schema
    if not schema:
        raise RuntimeError("service metadata must be bound to its schema")

    def include_object(
        obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
    ) -> bool:
        if type_ == "table":
            return getattr(obj, "schema", None) == schema
        return True

    def do_run(connection: Connection) -> None:
        # Replicas that start with --migrate at the same moment take turns: the first
        # migrates, the next finds the schema at head. The lock ends with the transaction.
        connection.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"snab-migrate:{schema}"}
        )
        _ensure_schema(connection, schema)
        context.configure(
            connection=connection,
            target_metadata=metadata,
            version_table_schema=schema,
            include_schemas=True,
            include_object=include_object,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()

    async def run_async() -> None:
        url = context.config.get_main_option("sqlalchemy.url")
        assert url
        engine = create_async_engine(url, poolclass=NullPool)
        async with engine.begin() as conn:
            await conn.run_sync(do_run)
        await engine.dispose()

    if context.is_offline_mode():
        context.configure(
            url=context.config.get_main_option("sqlalchemy.url"),
            target_metadata=metadata,
            version_table_schema=schema,
            literal_binds=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    else:
        asyncio.run(run_async())


def create_messaging_tables(schema: str) -> None:
    """Create the outbox and inbox tables (for a service's first migration)."""
    import sqlalchemy as sa
    from alembic import op

    op.create_table(
        "outbox",
        sa.Column("seq", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("seq", name="pk_outbox"),
        sa.UniqueConstraint("id", name="uq_outbox_id"),
        schema=schema,
    )
    op.create_index(
        "ix_outbox_pending",
        "outbox",
        ["seq"],
        schema=schema,
        postgresql_where=sa.text("published_at IS NULL"),
    )
    op.create_table(
        "inbox",
        sa.Column("consumer", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column(
            "handled_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("consumer", "event_id", name="pk_inbox"),
        schema=schema,
    )


def drop_messaging_tables(schema: str) -> None:
    from alembic import op

    op.drop_table("inbox", schema=schema)
    op.drop_index("ix_outbox_pending", table_name="outbox", schema=schema)
    op.drop_table("outbox", schema=schema)
