"""The daily job: the CBR's exchange rates, every ``CBR_REFRESH_HOURS`` (at start too)."""

from __future__ import annotations

import asyncio

from snab_contracts.rpc.rates import OrdersRefreshRates
from snab_kit.logging import get_logger
from snab_kit.service import Service
from snab_orders.services.rates import refresh_rates
from snab_orders.settings import OrdersSettings

log = get_logger(__name__)

RETRY_SECONDS = 600.0
"""After a failed fetch, try again this soon rather than in a day."""


def register(service: Service, settings: OrdersSettings) -> None:
    if not settings.cbr_enabled:
        return

    @service.background
    async def cbr_rates() -> None:
        while True:
            ok = False
            try:
                async with service.transaction() as tx:
                    done = await refresh_rates(
                        tx=tx, req=OrdersRefreshRates(actor="system"), settings=settings
                    )
                ok = done.ok
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("cbr_rates_job_failed", error=f"{type(exc).__name__}: {exc}")
            wait = settings.cbr_refresh_hours * 3600 if ok else RETRY_SECONDS
            await asyncio.sleep(min(wait, settings.cbr_refresh_hours * 3600))
