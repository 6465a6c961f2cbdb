"""Builds the mail-gateway service: broker, handlers, ASGI app (health, metrics)."""

from snab_kit.service import Service
from snab_mail.db.tables import messaging, metadata
from snab_mail.settings import MailgatewaySettings


def build(settings: MailgatewaySettings | None = None) -> Service:
    settings = settings or MailgatewaySettings()
    service = Service(name="mail", settings=settings, metadata=metadata, tables=messaging)
    return service
