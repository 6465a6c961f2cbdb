"""NATS goes away and comes back: nothing written meanwhile is lost or handled twice."""

from __future__ import annotations

from pathlib import Path

from kit_busapp import Ping, effects, messaging
from kit_busapp import build as build_app
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from snab_kit.bus import BusNames, migrate_url
from snab_kit.embedded import EmbeddedNats
from snab_kit.outbox import add_events
from snab_kit.settings import ServiceSettings
from snab_kit.testing import wait_for


async def _count(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(effects)) or 0)


async def _write(engine: AsyncEngine, start: int, n: int) -> None:
    async with engine.begin() as conn:
        await add_events(conn, messaging, [Ping(n=i) for i in range(start, start + n)])


async def test_outbox_and_consumers_ride_out_a_nats_restart(
    kit_db: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    server = EmbeddedNats(tmp_path / "nats")
    url = server.start()
    names = BusNames("outage")
    await migrate_url(url, names)
    service = build_app(
        ServiceSettings(
            nats_url=url,
            database_url=database_url,
            bus_namespace=names.namespace,
            outbox_poll_seconds=0.2,
            ack_wait_seconds=5,
        )
    )
    try:
        async with service.running():
            await _write(kit_db, 0, 100)
            await wait_for(lambda: _gte(_count(kit_db), 100), timeout=30)

            server.stop()  # NATS is gone; the business keeps writing
            await _write(kit_db, 100, 100)
            assert await _count(kit_db) == 100

            server = EmbeddedNats(tmp_path / "nats", port=server.port)
            server.start()  # same port, same JetStream store
            await wait_for(lambda: _gte(_count(kit_db), 200), timeout=60, interval=0.2)
        async with kit_db.connect() as conn:
            distinct = await conn.scalar(select(func.count(func.distinct(effects.c.event_id))))
        assert await _count(kit_db) == 200
        assert distinct == 200
    finally:
        server.stop()


async def _gte(value: object, threshold: int) -> bool:
    return await value >= threshold  # type: ignore[operator,no-any-return]
