"""Builds the orders service: broker, handlers, sweeper, ASGI app (health, metrics)."""

from __future__ import annotations

from snab_kit.service import Service
from snab_orders.db.tables import messaging, metadata
from snab_orders.handlers import events, rates, rpc, sweeper
from snab_orders.settings import OrdersSettings


def build(settings: OrdersSettings | None = None, *, sweep: bool = True) -> Service:
    """The service; ``sweep=False`` leaves out the request sweeper (tests drive it)."""
    settings = settings or OrdersSettings()
    service = Service(name="orders", settings=settings, metadata=metadata, tables=messaging)
    events.register(service, settings)
    rpc.register(service, settings)
    if sweep:
        sweeper.register(service, settings)
        rates.register(service, settings)
    return service
