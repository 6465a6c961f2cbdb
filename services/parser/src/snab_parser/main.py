"""Builds the parser service: broker, handlers, ASGI app (health, metrics)."""

from snab_kit.service import Service
from snab_parser.db.tables import messaging, metadata
from snab_parser.settings import ParserSettings


def build(settings: ParserSettings | None = None) -> Service:
    settings = settings or ParserSettings()
    service = Service(name="parser", settings=settings, metadata=metadata, tables=messaging)
    return service
