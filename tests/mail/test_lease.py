"""The mailbox lease in a NATS KV bucket: one holder, takeover after the holder dies."""

from __future__ import annotations

import asyncio
import json
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


class Partition:
    """A TCP relay in front of NATS that can go silent: while cut, nothing passes either
    way but the connections stay open, as when a network path drops packets. Requests
    through it hang until their own timeout; the client sees no disconnect."""

    def __init__(self, target: str) -> None:
        host, _, port = target.removeprefix("nats://").rpartition(":")
        self.target = (host or "127.0.0.1", int(port))
        self.open = asyncio.Event()
        self.open.set()
        self.server: asyncio.Server | None = None
        self.url = ""

    async def __aenter__(self) -> Partition:
        self.server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        port = self.server.sockets[0].getsockname()[1]
        self.url = f"nats://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()
        self.open.set()

    def cut(self) -> None:
        self.open.clear()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self.target)

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    await self.open.wait()
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, asyncio.CancelledError):
                pass
            finally:
                dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


async def test_a_holder_cut_off_from_nats_stops_before_its_lease_runs_out(
    js: JetStreamContext, bus: BusNames, nats_url: str
) -> None:
    """A renewal that hangs (NATS unreachable from the holder only) must not keep the
    holder working past the expiry it wrote: by then a standby may have taken over."""
    async with Partition(nats_url) as partition:
        nc = await nats.connect(partition.url, allow_reconnect=False)
        try:
            holder = KvLease(
                js=nc.jetstream,
                bucket=bus.bucket("leases"),
                key=lease_key("snab@broker.example", "INBOX"),
                seconds=SECONDS,
                holder="replica-a",
            )
            standby = lease(js, bus, "replica-b")
            started, stopped_at = asyncio.Event(), []

            async def work() -> None:
                started.set()
                try:
                    await asyncio.sleep(3600)
                finally:
                    stopped_at.append(time.time())

            leading = asyncio.ensure_future(run_while_leader(holder, work))
            await asyncio.wait_for(started.wait(), SECONDS * 3)
            partition.cut()
            # Nothing of replica-a reaches NATS any more: this is the expiry it wrote last.
            kv = await js.key_value(bus.bucket("leases"))
            last = json.loads((await kv.get(holder.key)).value or b"{}")
            assert last["holder"] == "replica-a"
            until = float(last["until"])
            await asyncio.wait_for(standby.acquire(), SECONDS * 4)
            took_over = time.time()
            assert stopped_at, (
                f"replica-a still works {took_over - until:.2f}s after its lease ran out "
                "and replica-b took over"
            )
            assert stopped_at[0] <= until < took_over
            with pytest.raises(LeaseLost):
                await asyncio.wait_for(leading, SECONDS * 3)
            await standby.release()
        finally:
            await nc.close()
