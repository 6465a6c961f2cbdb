"""Order numbers are unique and gapless under concurrent creation."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from orders_testkit import App, order_parsed, start_app
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from snab_kit.bus import BusNames
from snab_kit.consume import Tx
from snab_kit.db import make_engine, make_sessionmaker
from snab_kit.testing import wait_for
from snab_orders.db.tables import messaging
from snab_orders.services.orders import create_from_parsed
from snab_orders.settings import OrdersSettings


class Abort(Exception):
    pass


async def test_fifty_parallel_creations_get_gapless_numbers(
    db: AsyncEngine, database_url: str
) -> None:
    """60 transactions create orders at once; 10 of them roll back after taking a number.
    The 50 that commit hold exactly ORD-YYYY-0001 … 0050."""
    engine = make_engine(database_url, pool_size=60)
    sessions = make_sessionmaker(engine)
    settings = OrdersSettings(database_url=database_url, duplicate_window_hours=0)
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    start = asyncio.Event()

    async def create(n: int) -> None:
        await start.wait()
        async with sessions() as session, session.begin():
            event = order_parsed(email=f"buyer{n}@client{n}.example", company=f"Клиент {n}")
            await create_from_parsed(
                tx=Tx(session, messaging), event=event, settings=settings, now=now
            )
            if n % 6 == 5:
                raise Abort

    tasks = [asyncio.create_task(create(n)) for n in range(60)]
    start.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    await engine.dispose()
    assert sum(isinstance(r, Abort) for r in results) == 10
    assert not [r for r in results if r is not None and not isinstance(r, Abort)]

    async with db.connect() as conn:
        numbers = (await conn.execute(text("SELECT number FROM orders.orders"))).scalars().all()
        counter = await conn.scalar(
            text("SELECT value FROM orders.counters WHERE year = 2026 AND kind = 'order'")
        )
    assert sorted(numbers) == [f"ORD-2026-{n:04d}" for n in range(1, 51)]
    assert counter == 50


@pytest.mark.parametrize("batch", [0, 100], ids=["one-by-one", "batches"])
async def test_burst_of_events_through_the_bus(
    db: AsyncEngine, make_settings: Callable[..., OrdersSettings], bus: BusNames, batch: int
) -> None:
    """A burst of order.parsed, consumed one by one or in batches: one order per email,
    numbers 1..N without gaps, one order.created each; an invalid message goes to the DLQ
    without holding the others back."""
    app, service = await start_app(make_settings(order_batch_size=batch), db, bus)
    try:
        await _burst(app)
    finally:
        await app.nc.drain()
        await service.stop()


async def _burst(app: App) -> None:
    js = app.nc.jetstream()
    dlq = await js.subscribe(app.bus.subject("dlq.order.parsed"), stream=app.bus.stream("DLQ"))
    await js.publish(app.bus.subject("order.parsed"), b'{"mail_id": "not-a-uuid"}')
    events = [order_parsed(email=f"buyer{n}@firm{n}.example") for n in range(40)]
    await app.publish(*events)
    await app.wait_rows("SELECT id FROM orders.orders", count=40, timeout=30)
    numbers = [r.number for r in await app.rows("SELECT number FROM orders.orders ORDER BY seq")]
    year = numbers[0][4:8]
    assert numbers == [f"ORD-{year}-{n:04d}" for n in range(1, 41)]
    await wait_for(lambda: _count(app, "order.created", 40), timeout=10)
    dead = await dlq.next_msg(timeout=10)
    assert "invalid order.parsed payload" in (dead.headers or {})["Snab-Error"]


async def _count(app: App, subject: str, expected: int) -> bool:
    return len(await app.emitted(subject)) == expected
