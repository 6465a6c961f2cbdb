"""The sweeper, every ``SWEEPER_INTERVAL_SECONDS``: reminders and timeouts of supplier
requests, and proposals that waited too long for their PDF."""

from __future__ import annotations

import asyncio

from snab_kit.logging import get_logger
from snab_kit.service import Service
from snab_orders.services.proposal_documents import expire_document_waits
from snab_orders.services.request_timeouts import sweep_once
from snab_orders.settings import OrdersSettings

log = get_logger(__name__)


def register(service: Service, settings: OrdersSettings) -> None:
    @service.background
    async def request_sweeper() -> None:
        while True:
            busy = False
            try:
                async with service.transaction() as tx:
                    result = await sweep_once(tx=tx, settings=settings)
                busy = len(result.reminded) + len(result.timed_out) >= settings.sweeper_batch_size
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("sweeper_failed", error=f"{type(exc).__name__}: {exc}")
            try:
                async with service.transaction() as tx:
                    expired = await expire_document_waits(tx=tx, settings=settings)
                busy = busy or len(expired) >= settings.sweeper_batch_size
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("proposal_sweeper_failed", error=f"{type(exc).__name__}: {exc}")
            if not busy:
                await asyncio.sleep(settings.sweeper_interval_seconds)
