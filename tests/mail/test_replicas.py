"""Two gateway processes on one mailbox: one reads it, the other stands by and takes over.

Real Dovecot, NATS and PostgreSQL; each replica is a ``python -m snab_mail`` of its own.
Who reads is seen from outside, as an operator would: the lease gauge on /metrics, the
imap check on /health, the TCP connections each process holds to the IMAP server, and
Dovecot's own list of sessions (``doveadm who``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import nats
import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine

from snab_kit.bus import BusNames
from snab_kit.testing import wait_for
from snab_mail.imap.lease import lease_key
from tests.mail.support import (
    GatewayProcess,
    Published,
    append_all,
    gateway_env,
    letter,
    outbox_drained,
    scalar,
    stream_count,
)
from tests.peers import DovecotServer

LEASE = 2.0
"""IMAP_LEASE_SECONDS of the SIGKILL test: a standby polls the lease every LEASE / 4."""
TOTAL = 300
TAKEN = "SELECT count(*) FROM mail.inbound_messages"

LeaseReader = Callable[[], Awaitable[tuple[str, float] | None]]
"""Reads the lease as the replicas store it: (holder, expiry on the wall clock)."""


class Replicas:
    """Two gateway processes reading the same mailbox, told apart by name."""

    def __init__(
        self, imap: DovecotServer, env: Callable[[], dict[str, str]], folder: Path
    ) -> None:
        self.imap = imap
        self.a = GatewayProcess(env(), folder, "a")
        self.b = GatewayProcess(env(), folder, "b")  # the same but for its HTTP port

    @property
    def both(self) -> tuple[GatewayProcess, GatewayProcess]:
        return self.a, self.b

    def other(self, replica: GatewayProcess) -> GatewayProcess:
        return self.b if replica is self.a else self.a

    async def leaders(self) -> list[GatewayProcess]:
        """The replicas whose lease gauge is 1, both read at the same moment."""
        answers = await asyncio.gather(*(asyncio.to_thread(r.leader) for r in self.both))
        return [r for r, leads in zip(self.both, answers, strict=True) if leads]

    async def readers(self) -> list[GatewayProcess]:
        """The replicas holding a connection to the IMAP server."""
        counts = await asyncio.gather(
            *(asyncio.to_thread(r.imap_connections, self.imap) for r in self.both)
        )
        return [r for r, n in zip(self.both, counts, strict=True) if n]

    async def one_leader(self, timeout: float = 30.0) -> GatewayProcess:
        """Wait until exactly one replica leads and the other says it stands by."""

        async def settled() -> GatewayProcess | None:
            leaders = await self.leaders()
            if len(leaders) != 1:
                return None
            standby = await asyncio.to_thread(self.other(leaders[0]).health)
            if standby is None or standby["checks"].get("imap") != "standby":
                return None
            return leaders[0]

        leader: GatewayProcess = await wait_for(settled, timeout=timeout, interval=0.05)
        return leader

    async def watch(self, seconds: float, leader: GatewayProcess) -> int:
        """Sample both replicas for ``seconds``: never two leaders, never a reader but
        ``leader``, and ``leader`` leads throughout. Returns the number of samples."""
        samples = 0
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            leaders, readers = await asyncio.gather(self.leaders(), self.readers())
            assert len(leaders) <= 1, f"two leaders at once (sample {samples})"
            assert leaders == [leader], f"sample {samples}: leaders {[r.name for r in leaders]}"
            assert readers in ([], [leader]), f"IMAP sessions held by {[r.name for r in readers]}"
            samples += 1
            await asyncio.sleep(0.02)
        return samples

    @contextlib.asynccontextmanager
    async def never_two_leaders(self) -> AsyncIterator[list[int]]:
        """Count the leaders again and again in the background (through kills, restarts
        and stops); on exit, fail if two replicas ever said they lead at once."""
        counts: list[int] = []

        async def sample() -> None:
            while True:
                counts.append(len(await self.leaders()))
                await asyncio.sleep(0.1)

        sampler = asyncio.ensure_future(sample())
        try:
            yield counts
        finally:
            sampler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sampler
        assert max(counts, default=0) <= 1, f"two leaders in {counts.count(2)} samples"
        print(f"{len(counts)} samples of the leader count in the background, never 2")

    def stop(self) -> None:
        for replica in self.both:
            replica.stop()
        if os.environ.get("KEEP_GATEWAY_LOG"):
            for replica in self.both:
                print(f"--- replica {replica.name} ---")
                print(replica.log.read_text(errors="replace"))


@pytest.fixture
def imap() -> Iterator[DovecotServer]:
    with DovecotServer() as server:
        yield server


def make_replicas(
    imap: DovecotServer,
    nats_url: str,
    database_url: str,
    bus: BusNames,
    folder: Path,
    lease: float,
) -> Replicas:
    def env() -> dict[str, str]:
        return gateway_env(
            imap,
            nats_url=nats_url,
            database_url=database_url,
            bus=bus,
            folder=folder,
            IMAP_LEASE_SECONDS=str(lease),
            IMAP_POLL_SECONDS="0.5",
        )

    return Replicas(imap, env, folder)


@pytest_asyncio.fixture(loop_scope="session")
async def read_lease(
    nats_url: str, bus: BusNames, imap: DovecotServer
) -> AsyncIterator[LeaseReader]:
    nc = await nats.connect(nats_url)
    kv = await nc.jetstream().key_value(bus.bucket("leases"))

    async def read() -> tuple[str, float] | None:
        try:
            entry = await kv.get(lease_key(imap.user, "INBOX"))
        except Exception:
            return None
        if not entry.value:
            return None
        value = json.loads(entry.value)
        return str(value["holder"]), float(value["until"])

    try:
        yield read
    finally:
        await nc.drain()


async def test_two_replicas_read_from_one_and_sigkill_hands_over_without_a_double(
    imap: DovecotServer,
    nats_url: str,
    database_url: str,
    bus: BusNames,
    tmp_path: Path,
    mail_db: AsyncEngine,
    published: Published,
) -> None:
    replicas = make_replicas(imap, nats_url, database_url, bus, tmp_path, LEASE)
    try:
        for replica in replicas.both:
            replica.start()
        leader = await replicas.one_leader()
        standby = replicas.other(leader)
        async with replicas.never_two_leaders():
            await wait_for(
                lambda: scalar(mail_db, "SELECT count(*) FROM mail.mailboxes"), timeout=30
            )
            await wait_for(lambda: len(imap.session_pids()) == 1, timeout=10)

            # Longer than a lease: renewals happen and a standby would get its chance.
            samples = await replicas.watch(LEASE * 1.5, leader)
            assert len(imap.session_pids()) == 1, "Dovecot serves more than one session"
            for replica, state in ((leader, "ok"), (standby, "standby")):
                health = await asyncio.to_thread(replica.health)
                assert health is not None and health["checks"]["imap"] == state, health
            print(f"{samples} samples of both replicas: one leader ({leader.name}), one reader")

            letters = [
                letter(f"Заявка №{n}", f"Шайба М{n % 20 + 4} — {n} шт.") for n in range(TOTAL)
            ]
            appending = asyncio.ensure_future(  # noqa: RUF006 - awaited below
                asyncio.to_thread(append_all, imap, [raw for raw, _ in letters])
            )
            await wait_for(lambda: _at_least(mail_db, 60), timeout=60, interval=0.005)
            leader.kill()
            killed = time.monotonic()
            at_kill = int(await scalar(mail_db, TAKEN))
            assert at_kill < TOTAL, "intake finished before the leader could be killed"

            took_lease: float | None = None
            took_message: float | None = None
            while took_message is None:
                assert time.monotonic() - killed < 20, f"no takeover (lease after {took_lease})"
                if took_lease is None:
                    leads = await asyncio.to_thread(standby.leader)
                    took_lease = time.monotonic() - killed if leads else None
                if took_lease is not None:
                    received = await asyncio.to_thread(standby.received)
                    if received.get("new", 0) > 0:
                        took_message = time.monotonic() - killed
                await asyncio.sleep(0.02)
            assert took_lease is not None
            # The lease can be valid a whole LEASE after the kill (renewed just before it)
            # and the standby looks every LEASE / 4; 1 s for the look itself (two NATS
            # round trips) and for this probe on a loaded machine.
            lease_bound = LEASE + LEASE / 4 + 1.0
            # Then it logs in, opens the folder, reads the cursor and fetches, parses and
            # commits a first batch of 20 while other tests share the two cores.
            start_bound = 2.5
            print(
                f"killed {leader.name} after {at_kill}/{TOTAL} messages; {standby.name} held "
                f"the lease {took_lease:.2f}s (bound {lease_bound:.2f}s) and took its first "
                f"message {took_message:.2f}s after the kill "
                f"(bound {lease_bound + start_bound:.2f}s), IMAP_LEASE_SECONDS={LEASE:g}"
            )
            assert took_lease <= lease_bound
            assert took_message - took_lease <= start_bound
            # The killed replica comes back (its start-up overlaps the rest of the intake).
            killed_replica = leader
            killed_replica.start()

            await appending
            await wait_for(lambda: _at_least(mail_db, TOTAL), timeout=60)
            await wait_for(lambda: outbox_drained(mail_db), timeout=30)
            await published.wait("mail.received", TOTAL, timeout=30)
            assert await stream_count(nats_url, bus, "mail.received") == TOTAL
            ids = [event["message_id"] for event in published.of("mail.received")]
            assert len(ids) == TOTAL, "a message was published twice"
            assert sorted(ids) == sorted(message_id for _, message_id in letters)
            rows = await _rows(mail_db)
            assert rows == (TOTAL, TOTAL, TOTAL), "rows, distinct UIDs, distinct Message-IDs"
            uids = await scalar(
                mail_db, "SELECT array_agg(uid ORDER BY uid) FROM mail.inbound_messages"
            )
            assert uids == imap.uids()
            # What the killed leader had committed the new leader did not read again.
            assert (await asyncio.to_thread(standby.received)).get("duplicate", 0) == 0

            # The restarted replica stands by while the other lives, for longer than a lease.
            await wait_for(
                lambda: _imap_state(killed_replica) == "standby", timeout=30, interval=0.05
            )
            samples = await replicas.watch(LEASE * 2, standby)
            print(f"{killed_replica.name} restarted: {samples} samples, it stood by throughout")
            extra = [letter(f"Уточнение №{n}") for n in range(5)]
            await asyncio.to_thread(append_all, imap, [raw for raw, _ in extra])
            await wait_for(lambda: _at_least(mail_db, TOTAL + len(extra)), timeout=30)
            assert await asyncio.to_thread(killed_replica.received) == {}, "the standby took mail"
            assert len(imap.session_pids()) == 1
            health = await asyncio.to_thread(standby.health)
            assert health is not None and health["status"] == "ok", health
    finally:
        replicas.stop()


GRACEFUL_LEASE = 8.0
"""Long enough that a lease left to expire is told apart from one given back."""


async def test_sigterm_of_the_leader_gives_the_lease_back_at_once(
    imap: DovecotServer,
    nats_url: str,
    database_url: str,
    bus: BusNames,
    tmp_path: Path,
    mail_db: AsyncEngine,
    read_lease: LeaseReader,
) -> None:
    replicas = make_replicas(imap, nats_url, database_url, bus, tmp_path, GRACEFUL_LEASE)
    try:
        for replica in replicas.both:
            replica.start()
        leader = await replicas.one_leader()
        standby = replicas.other(leader)
        async with replicas.never_two_leaders():
            await wait_for(lambda: len(imap.session_pids()) == 1, timeout=10)
            held = await read_lease()
            assert held is not None
            holder, until = held

            stopped = time.monotonic()
            stopped_wall = time.time()
            leader.terminate()
            while not await asyncio.to_thread(standby.leader):
                assert time.monotonic() - stopped < GRACEFUL_LEASE * 2, "no takeover"
                await asyncio.sleep(0.02)
            took = time.monotonic() - stopped
            now = await read_lease()
            assert now is not None and now[0] != holder
            await asyncio.to_thread(leader.wait, 15)
            print(
                f"SIGTERM of {leader.name}: {standby.name} took over after {took:.2f}s; the old "
                f"lease would have run {until - stopped_wall:.2f}s more "
                f"(IMAP_LEASE_SECONDS={GRACEFUL_LEASE:g})"
            )
            # Taken while the old lease was still valid: it was given back, not left to expire.
            assert stopped_wall + took < until
            await wait_for(lambda: len(imap.session_pids()) == 1, timeout=10)
            assert await asyncio.to_thread(standby.imap_connections, imap) == 1
    finally:
        replicas.stop()


async def _at_least(engine: AsyncEngine, threshold: int) -> bool:
    return int(await scalar(engine, TAKEN)) >= threshold


async def _rows(engine: AsyncEngine) -> tuple[int, int, int]:
    counts = await scalar(
        engine,
        "SELECT ARRAY[count(*), count(DISTINCT (uidvalidity, uid)), count(DISTINCT message_id)]"
        " FROM mail.inbound_messages",
    )
    return (counts[0], counts[1], counts[2])


def _imap_state(replica: GatewayProcess) -> str | None:
    health = replica.health()
    return None if health is None else health["checks"].get("imap")
