"""The mailbox lease in a NATS KV bucket: one holder, takeover after the holder dies."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import nats
import pytest
import pytest_asyncio
from nats.js import JetStreamContext

from snab_kit.bus import BusNames
from snab_mail.imap.lease import KvLease, LeaseLost, lease_key, run_while_leader

SECONDS = 1.0


@pytest_asyncio.fixture(loop_scope="session")
async def js(nats_url: str, bus: BusNames) -> AsyncIterator[JetStreamContext]:
    nc = await nats.connect(nats_url)
    try:
        yield nc.jetstream()
    finally:
        await nc.drain()


def lease(js: JetStreamContext, bus: BusNames, holder: str) -> KvLease:
    return KvLease(
        js=lambda: js,
        bucket=bus.bucket("leases"),
        key=lease_key("snab@broker.example", "INBOX"),
        seconds=SECONDS,
        holder=holder,
    )


async def test_one_holder_at_a_time_and_takeover_within_a_lease_period(
    js: JetStreamContext, bus: BusNames
) -> None:
    first, second = lease(js, bus, "replica-a"), lease(js, bus, "replica-b")
    assert await first.try_acquire()
    assert not await second.try_acquire()
    await first.renew()
    assert not await second.try_acquire()
    # replica-a dies without a word: its lease runs out and replica-b takes it.
    dead_at = time.monotonic()
    await asyncio.wait_for(second.acquire(), SECONDS * 3)
    took = time.monotonic() - dead_at
    assert took <= SECONDS * 1.5, f"takeover took {took:.2f}s"
    with pytest.raises(LeaseLost):
        await first.renew()
    await second.release()
    assert await first.try_acquire()


async def test_losing_the_lease_stops_the_work(js: JetStreamContext, bus: BusNames) -> None:
    holder, other = lease(js, bus, "replica-a"), lease(js, bus, "replica-c")
    stopped = asyncio.Event()

    async def work() -> None:
        try:
            await asyncio.sleep(3600)
        finally:
            stopped.set()

    async def steal() -> None:
        await asyncio.sleep(SECONDS / 2)
        kv = await js.key_value(bus.bucket("leases"))
        entry = await kv.get(holder.key)
        await kv.update(holder.key, b'{"holder": "replica-b", "until": 1e12}', last=entry.revision)

    thief_task = asyncio.ensure_future(steal())
    with pytest.raises(LeaseLost):
        await asyncio.wait_for(run_while_leader(holder, work), SECONDS * 5)
    await thief_task
    assert stopped.is_set()
    # the holder let go without deleting what replica-b wrote
    assert not await other.try_acquire()
