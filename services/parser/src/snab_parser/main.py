"""Builds the parser service: broker, handlers, ASGI app (health, metrics)."""

from __future__ import annotations

from snab_kit.service import Service
from snab_kit.storage import ObjectStorage, make_storage
from snab_parser.db.tables import messaging, metadata
from snab_parser.extractors import ParseEngine
from snab_parser.handlers import mail_received
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
    engine = engine or ParseEngine.from_settings(settings)
    storage = storage or make_storage(settings)
    parser = MailParser(engine=engine, storage=storage)
    mail_received.register(service, parser, workers=settings.consumer_workers)

    @service.on_startup
    async def announce() -> None:
        engine.announce(settings)

    @service.on_shutdown
    async def close_engine() -> None:
        await engine.close()

    @service.check("storage")
    async def storage_ok() -> str | None:
        return await storage.check()

    return service
