"""PostgreSQL goes away and comes back: consumers wait, nothing goes to the DLQ or is lost."""

from __future__ import annotations

import asyncio
from pathlib import Path

import nats
from kit_busapp import SCHEMA, Ping, effects, metadata
from kit_busapp import build as build_app
from sqlalchemy import func, select, text

from snab_kit.bus import BusNames
from snab_kit.db import make_engine
from snab_kit.dlq import dead_letters
from snab_kit.embedded import EmbeddedPostgres, ensure_database, with_database
from snab_kit.settings import ServiceSettings
from snab_kit.testing import wait_for


async def test_consumers_wait_out_a_database_outage(
    nats_url: str, bus: BusNames, tmp_path: Path
) -> None:
    pg = EmbeddedPostgres(tmp_path / "pg")
    url = with_database(await asyncio.to_thread(pg.start), "outage")
    await asyncio.to_thread(ensure_database, url)
    engine = make_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
        await conn.run_sync(metadata.create_all)
    await engine.dispose()

    service = build_app(
        ServiceSettings(
            nats_url=nats_url,
            database_url=url,
            bus_namespace=bus.namespace,
            max_deliver=2,
            retry_backoff_seconds=[0.2],
        )
    )
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    try:
        async with service.running():
            await asyncio.to_thread(pg.stop)  # the database is gone
            for i in range(20):
                event = Ping(n=i)
                await js.publish(bus.subject(event.subject), event.model_dump_json().encode())
            await asyncio.sleep(3)  # ~15 deliveries each at 0.2 s: far past max_deliver=2
            assert await dead_letters(js, bus) == []

            pg = EmbeddedPostgres(tmp_path / "pg")
            await asyncio.to_thread(pg.start)  # back, same data

            async def handled() -> int:
                async with service.sessions() as session:
                    return int(await session.scalar(select(func.count()).select_from(effects)) or 0)

            await wait_for(lambda: _gte(handled(), 20), timeout=60, interval=0.2)
            assert await handled() == 20
            assert await dead_letters(js, bus) == []
    finally:
        await nc.drain()
        await asyncio.to_thread(pg.stop)


async def _gte(value: object, threshold: int) -> bool:
    return await value >= threshold  # type: ignore[operator,no-any-return]
