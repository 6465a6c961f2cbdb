"""Builds the documents service: broker, handlers, ASGI app (health, metrics)."""

from snab_documents.db.tables import messaging, metadata
from snab_documents.settings import DocumentsSettings
from snab_kit.service import Service


def build(settings: DocumentsSettings | None = None) -> Service:
    settings = settings or DocumentsSettings()
    service = Service(name="documents", settings=settings, metadata=metadata, tables=messaging)
    return service
