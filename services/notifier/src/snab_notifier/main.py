"""Builds the notifier service: broker, handlers, ASGI app (health, metrics)."""

from snab_kit.service import Service
from snab_notifier.db.tables import messaging, metadata
from snab_notifier.settings import NotifierSettings


def build(settings: NotifierSettings | None = None) -> Service:
    settings = settings or NotifierSettings()
    service = Service(name="notifier", settings=settings, metadata=metadata, tables=messaging)
    return service
