"""Exchange rates: fetching the CBR daily file, managers' overrides, the rate book a
comparison reads (``domain.rates``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

import httpx
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from snab_contracts.rpc.rates import OrdersRefreshRates, OrdersSetRate, RatesRefreshed, RateView
from snab_kit.consume import Tx
from snab_kit.logging import get_logger
from snab_orders.db.tables import exchange_rates
from snab_orders.domain.rates import DailyRates, RateBook, RatesFormatError, parse_cbr_daily
from snab_orders.services.common import SYSTEM, audit, utcnow
from snab_orders.settings import OrdersSettings

log = get_logger(__name__)

MAX_FILE_BYTES = 1_000_000
"""The CBR file is about 10 KB; anything this large is not it."""


class RatesUnavailable(Exception):
    """The CBR rates could not be fetched or read (the reason is the message)."""


async def fetch_daily(settings: OrdersSettings, on: date | None = None) -> DailyRates:
    """The CBR daily rates (of ``on``, else the latest), or RatesUnavailable."""
    params = {"date_req": on.strftime("%d/%m/%Y")} if on else None
    try:
        async with httpx.AsyncClient(timeout=settings.cbr_timeout_seconds) as client:
            response = await client.get(settings.cbr_rates_url, params=params)
            response.raise_for_status()
            raw = response.content
    except httpx.TimeoutException as exc:
        raise RatesUnavailable(f"ЦБ не ответил за {settings.cbr_timeout_seconds:g} с") from exc
    except httpx.HTTPError as exc:
        raise RatesUnavailable(f"ЦБ недоступен: {type(exc).__name__}: {exc}") from exc
    if len(raw) > MAX_FILE_BYTES:
        raise RatesUnavailable("файл курсов слишком большой")
    try:
        return parse_cbr_daily(raw)
    except RatesFormatError as exc:
        raise RatesUnavailable(f"файл курсов не прочитан: {exc}") from exc


async def store_daily(session: AsyncSession, daily: DailyRates) -> None:
    rows = [
        {"currency": code, "on_date": daily.on_date, "source": "cbr", "rate": rate}
        for code, rate in sorted(daily.rates.items())
    ]
    stmt = pg_insert(exchange_rates).values(rows)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=["currency", "on_date", "source"],
            set_={"rate": stmt.excluded.rate, "updated_at": utcnow()},
        )
    )


async def refresh_rates(
    *, tx: Tx, req: OrdersRefreshRates, settings: OrdersSettings
) -> RatesRefreshed:
    """Fetch and store the CBR rates; a failure is reported (and audited), not raised:
    comparisons keep using the rates they have, then ``CURRENCY_RATES``."""
    if not settings.cbr_enabled:
        return RatesRefreshed(ok=False, error="получение курсов ЦБ выключено (CBR_RATES_URL=off)")
    try:
        daily = await fetch_daily(settings, req.on_date)
    except RatesUnavailable as exc:
        log.warning("cbr_rates_unavailable", error=str(exc))
        await audit(
            tx.session,
            order_id=None,
            actor=req.actor or SYSTEM,
            action="rates.fetch_failed",
            entity="rates",
            entity_id="cbr",
            after={"error": str(exc)},
        )
        return RatesRefreshed(ok=False, error=str(exc))
    await store_daily(tx.session, daily)
    log.info("cbr_rates_stored", on_date=daily.on_date.isoformat(), currencies=len(daily.rates))
    return RatesRefreshed(ok=True, on_date=daily.on_date, currencies=len(daily.rates))


async def set_rate(*, session: AsyncSession, req: OrdersSetRate) -> RateView:
    actor = req.actor or "user:unknown"
    before = await session.scalar(
        select(exchange_rates.c.rate).where(
            exchange_rates.c.currency == req.currency,
            exchange_rates.c.on_date == req.on_date,
            exchange_rates.c.source == "manual",
        )
    )
    now = utcnow()
    values = {"rate": req.rate, "updated_by": actor, "updated_at": now}
    await session.execute(
        pg_insert(exchange_rates)
        .values(currency=req.currency, on_date=req.on_date, source="manual", **values)
        .on_conflict_do_update(index_elements=["currency", "on_date", "source"], set_=values)
    )
    await audit(
        session,
        order_id=None,
        actor=actor,
        action="rates.override",
        entity="rate",
        entity_id=f"{req.currency}:{req.on_date.isoformat()}",
        before={"rate": before} if before is not None else None,
        after={"rate": req.rate},
    )
    return RateView(
        currency=req.currency,
        on_date=req.on_date,
        rate=req.rate,
        source="manual",
        updated_by=actor,
        updated_at=now,
    )


async def rate_book(
    session: AsyncSession, settings: OrdersSettings, currencies: Iterable[str]
) -> RateBook:
    """Every stored rate of these currencies, with the setting as the fallback."""
    wanted = sorted({c.upper() for c in currencies} - {"RUB"})
    manual: dict[tuple[str, date], Decimal] = {}
    cbr: dict[str, list[tuple[date, Decimal]]] = {}
    if wanted:
        rows = (
            await session.execute(
                select(exchange_rates)
                .where(exchange_rates.c.currency.in_(wanted))
                .order_by(exchange_rates.c.currency, exchange_rates.c.on_date)
            )
        ).all()
        for r in rows:
            if r.source == "manual":
                manual[(r.currency, r.on_date)] = r.rate
            else:
                cbr.setdefault(r.currency, []).append((r.on_date, r.rate))
    return RateBook(fallback=settings.rates(), manual=manual, cbr=cbr)


async def known_currencies(session: AsyncSession, settings: OrdersSettings) -> set[str]:
    """Currencies some rate is known for (stored or configured)."""
    stored = (await session.execute(select(exchange_rates.c.currency).distinct())).scalars()
    return set(settings.rates()) | set(stored)
