"""A consumer that stops hands its messages over at once; one that works long keeps them.

Two service instances share one durable consumer, as two replicas (or a restarted
process) do. The ack wait is set long on purpose: nothing here may wait for it.
"""

from __future__ import annotations

import asyncio

import nats
from kit_busapp import Ping, effects
from kit_busapp import build as build_app
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from snab_kit.bus import BusNames
from snab_kit.consume import Tx
from snab_kit.service import Service
from snab_kit.settings import ServiceSettings
from snab_kit.testing import wait_for


def _settings(nats_url: str, database_url: str, bus: BusNames, **extra: object) -> ServiceSettings:
    values: dict[str, object] = {
        "nats_url": nats_url,
        "database_url": database_url,
        "bus_namespace": bus.namespace,
        "consumer_workers": 4,
        **extra,
    }
    return ServiceSettings(**values)  # type: ignore[arg-type]


def _replica(settings: ServiceSettings, seen: list[int], *, hold: asyncio.Event | None) -> Service:
    """A service whose handler records each delivery and, if ``hold`` is given, works
    until it is set (a long job)."""
    service = build_app(settings)
    service._consumers.clear()
    service._pull_consumers.clear()

    @service.on(Ping)
    async def on_ping(event: Ping, tx: Tx) -> None:
        seen.append(event.n)
        if hold is not None:
            await hold.wait()
        await tx.session.execute(insert(effects).values(event_id=event.id, n=event.n))

    return service


async def _effects(engine: AsyncEngine) -> list[int]:
    async with engine.connect() as conn:
        return sorted((await conn.execute(select(effects.c.n))).scalars())


async def test_a_clean_stop_hands_messages_over_at_once(
    kit_db: AsyncEngine, nats_url: str, database_url: str, bus: BusNames
) -> None:
    settings = _settings(nats_url, database_url, bus, ack_wait_seconds=120)
    stuck = asyncio.Event()  # never set: the first replica is busy when it is stopped
    first_seen: list[int] = []
    second_seen: list[int] = []
    first = _replica(settings, first_seen, hold=stuck)
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    try:
        for n in range(3):  # waiting before the replica starts: fetched together
            event = Ping(n=n)
            await js.publish(bus.subject(event.subject), event.model_dump_json().encode())
        await first.start()
        await wait_for(lambda: len(first_seen) == 3, timeout=10)

        await first.stop()  # a deploy, a Ctrl-C: the three messages are in its hands
        second = _replica(settings, second_seen, hold=None)
        started = asyncio.get_running_loop().time()
        async with second.running():
            await wait_for(lambda: _effects(kit_db), timeout=10)
            await wait_for(lambda: len(second_seen) == 3, timeout=10)
        took = asyncio.get_running_loop().time() - started
    finally:
        await nc.drain()
    assert took < 10, f"waited {took:.1f} s: the messages were not released on stop"
    assert sorted(second_seen) == [0, 1, 2]
    assert await _effects(kit_db) == [0, 1, 2]


async def test_a_long_handler_keeps_its_message(
    kit_db: AsyncEngine, nats_url: str, database_url: str, bus: BusNames
) -> None:
    """A handler that works for three ack waits is not interrupted by a redelivery to
    the other replica: its heartbeats tell JetStream it is alive."""
    settings = _settings(nats_url, database_url, bus, ack_wait_seconds=1.0)
    release = asyncio.Event()
    seen_a: list[int] = []
    seen_b: list[int] = []
    a = _replica(settings, seen_a, hold=release)
    b = _replica(settings, seen_b, hold=release)
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    try:
        async with a.running(), b.running():
            event = Ping(n=7)
            await js.publish(bus.subject(event.subject), event.model_dump_json().encode())
            await wait_for(lambda: len(seen_a) + len(seen_b) == 1, timeout=10)
            await asyncio.sleep(3.5)  # three ack waits of work
            release.set()
            await wait_for(lambda: _effects(kit_db), timeout=10)
            await asyncio.sleep(1.5)  # a redelivery, if any, would show up now
    finally:
        await nc.drain()
    assert seen_a + seen_b == [7], "the message was given to a second consumer while in work"
    assert await _effects(kit_db) == [7]
    async with kit_db.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(effects)) == 1
