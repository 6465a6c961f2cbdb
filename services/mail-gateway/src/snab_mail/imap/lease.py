"""One active reader per mailbox: a lease in a NATS KV bucket, renewed by its holder.

The value holds the holder's id and an expiry time; every change is a compare-and-set on
the key's revision, so two replicas can never both believe they hold it. A standby polls
and takes an expired lease, so it takes over within about one lease period after the
holder dies. The holder itself gives up a tenth of a lease before the expiry it stored
when it cannot renew (NATS unreachable from it alone), so it has stopped reading before a
standby may start. (Expiry is compared on wall clocks: replicas need roughly synchronised
clocks, as NTP gives.) A holder that stops gracefully deletes the key, and a standby takes
over at its next look, without waiting for the expiry. The database stays the real guard
against double intake: the lease only keeps two replicas from doing the same work.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from nats.js import JetStreamContext
from nats.js.errors import KeyNotFoundError, KeyWrongLastSequenceError
from nats.js.kv import KeyValue

from snab_kit.logging import get_logger

log = get_logger(__name__)


class LeaseLost(Exception):
    """Another replica holds the lease now (or it could not be renewed in time)."""


def lease_key(account: str, folder: str) -> str:
    digest = hashlib.sha256(f"{account}\0{folder}".encode()).hexdigest()[:32]
    return f"mail-imap.{digest}"


class KvLease:
    def __init__(
        self,
        *,
        js: Callable[[], JetStreamContext],
        bucket: str,
        key: str,
        seconds: float,
        holder: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._js = js
        self.bucket = bucket
        self.key = key
        self.seconds = seconds
        self.holder = holder or uuid.uuid4().hex
        self._clock = clock
        self._kv: KeyValue | None = None
        self.revision: int | None = None
        self._valid_until = 0.0
        """When this replica stops believing it holds the lease: a margin before the
        expiry it stores, so its work is stopped before a standby may start (event loop
        delays, cancellation, a little clock skew)."""
        self._margin = seconds / 10
        self.held_elsewhere = False
        """The last try found the lease held by another replica."""

    @property
    def held(self) -> bool:
        return self.revision is not None and self._clock() < self._valid_until

    async def _store(self) -> KeyValue:
        if self._kv is None:
            self._kv = await self._js().key_value(self.bucket)
        return self._kv

    def _value(self) -> bytes:
        until = self._clock() + self.seconds
        return json.dumps({"holder": self.holder, "until": until}).encode()

    async def try_acquire(self) -> bool:
        """Take the lease if it is free, expired or already ours."""
        kv = await self._store()
        now = self._clock()
        try:
            entry = await kv.get(self.key)
        except KeyNotFoundError:
            entry = None
        try:
            if entry is None or not entry.value:
                revision = await kv.create(self.key, self._value())
            else:
                current = _decode(entry.value)
                mine = current.get("holder") == self.holder
                if not mine and float(current.get("until", 0)) > now:
                    self.held_elsewhere = True
                    return False
                revision = await kv.update(self.key, self._value(), last=entry.revision)
        except KeyWrongLastSequenceError:
            self.held_elsewhere = True  # someone else moved first
            return False
        self.held_elsewhere = False
        self.revision = revision
        self._valid_until = now + self.seconds - self._margin
        return True

    async def acquire(self, poll: float | None = None) -> None:
        """Wait until the lease is ours."""
        interval = poll or max(self.seconds / 4, 0.05)
        while True:
            try:
                if await self.try_acquire():
                    return
            except Exception as exc:  # NATS down or bucket missing: keep trying
                self._kv = None
                log.warning(
                    "lease_acquire_failed", key=self.key, error=f"{type(exc).__name__}: {exc}"
                )
            await asyncio.sleep(interval)

    async def renew(self) -> None:
        kv = await self._store()
        if self.revision is None:
            raise LeaseLost("not held")
        now = self._clock()
        try:
            self.revision = await kv.update(self.key, self._value(), last=self.revision)
        except KeyWrongLastSequenceError as exc:
            self.revision = None
            raise LeaseLost("taken by another replica") from exc
        self._valid_until = now + self.seconds - self._margin

    async def keep(self) -> None:
        """Renew until the lease is lost; returns (raising LeaseLost) only then.

        Neither the wait nor a renewal that hangs (NATS unreachable from this replica
        only) may run past the moment this replica stops believing it holds the lease:
        a standby that still reaches NATS takes over once the stored expiry has passed."""
        interval = self.seconds / 3
        while True:
            await asyncio.sleep(min(interval, self._remaining()))
            remaining = self._remaining()
            if remaining <= 0:
                self.revision = None
                raise LeaseLost("could not renew in time")
            try:
                await asyncio.wait_for(self.renew(), remaining)
            except LeaseLost:
                raise
            except Exception as exc:
                # NATS unreachable: keep trying while the lease is still ours.
                if not self.held:
                    self.revision = None
                    error = f"{type(exc).__name__}: {exc}"
                    raise LeaseLost(f"could not renew in time: {error}") from exc
                log.warning("lease_renew_failed", key=self.key, error=str(exc))

    def _remaining(self) -> float:
        return max(self._valid_until - self._clock(), 0.0)

    async def release(self) -> None:
        if self.revision is None:
            return
        revision, self.revision = self.revision, None
        with contextlib.suppress(Exception):
            kv = await self._store()
            await kv.delete(self.key, last=revision)


async def run_while_leader(lease: KvLease, body: Callable[[], Awaitable[None]]) -> None:
    """Run ``body`` while holding the lease; cancel it when the lease is lost."""
    await lease.acquire()
    work = asyncio.ensure_future(body())
    keeper = asyncio.ensure_future(lease.keep())
    try:
        done, _ = await asyncio.wait({work, keeper}, return_when=asyncio.FIRST_COMPLETED)
        if keeper in done:
            work.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await work
            keeper.result()  # raises LeaseLost
        else:
            work.result()
    finally:
        for task in (work, keeper):
            task.cancel()
        await asyncio.gather(work, keeper, return_exceptions=True)
        await asyncio.shield(lease.release())


def _decode(value: bytes) -> dict[str, Any]:
    try:
        decoded = json.loads(value)
    except ValueError:
        return {}
    return decoded if isinstance(decoded, dict) else {}
