"""Builds the parser service: broker, handlers, reader pool, ASGI app (health, metrics)."""

from __future__ import annotations

from snab_kit.service import Service
from snab_kit.storage import ObjectStorage, make_storage
from snab_parser.db.tables import messaging, metadata
from snab_parser.extractors import ParseEngine
from snab_parser.handlers import mail_received
from snab_parser.pool import Budget, ReadingPool
from snab_parser.rules import RuleExtractor
from snab_parser.services.parsing import MailParser
from snab_parser.settings import ParserSettings


def build(
    settings: ParserSettings | None = None,
    *,
    engine: ParseEngine | None = None,
    storage: ObjectStorage | None = None,
) -> Service:
    settings = settings or ParserSettings()
    service = Service(name="parser", settings=settings, metadata=metadata, tables=messaging)
    limits = settings.attachment_limits
    engine = engine or ParseEngine.from_settings(settings, rules=RuleExtractor(limits))
    storage = storage or make_storage(settings)
    pool = ReadingPool(
        workers=settings.reader_workers,
        budget=Budget(seconds=settings.time_budget_seconds, memory_mb=settings.memory_budget_mb),
    )
    # Enough mails in hand to keep every reader busy while others wait for the LLM, or
    # (rules only) while others load their mail and commit their result.
    workers = max(
        settings.consumer_workers,
        settings.reader_workers if settings.llm_enabled else 4 * settings.reader_workers,
    )
    parser = MailParser(
        engine=engine,
        storage=storage,
        pool=pool,
        transaction=service.transaction,
        limits=limits,
        max_starts=settings.max_deliver,
        side_by_side=workers,
    )
    batch = 0 if settings.llm_enabled else settings.batch_size
    mail_received.register(service, parser, workers=workers, batch=batch)

    @service.on_startup
    async def start_readers() -> None:
        engine.announce(settings)
        await pool.start()

    @service.on_shutdown
    async def close_engine() -> None:
        await pool.close()
        await engine.close()

    @service.check("storage")
    async def storage_ok() -> str | None:
        return await storage.check()

    @service.check("readers")
    async def readers_ok() -> str | None:
        return None if pool.ready else "no reader worker is running"

    return service
