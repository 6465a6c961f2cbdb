"""Builds the orders service: broker, handlers, ASGI app (health, metrics)."""

from snab_kit.service import Service
from snab_orders.db.tables import messaging, metadata
from snab_orders.settings import OrdersSettings


def build(settings: OrdersSettings | None = None) -> Service:
    settings = settings or OrdersSettings()
    service = Service(name="orders", settings=settings, metadata=metadata, tables=messaging)
    return service
