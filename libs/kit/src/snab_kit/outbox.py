"""Transactional outbox: write events with the change, relay them to JetStream afterwards."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterable
from datetime import timedelta

from nats.js import JetStreamContext
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from snab_contracts.base import Event
from snab_kit import metrics
from snab_kit.aio import stopping
from snab_kit.bus import BusNames
from snab_kit.logging import get_logger
from snab_kit.messaging import MessagingTables

log = get_logger(__name__)


async def add_events(
    session: AsyncSession | AsyncConnection, tables: MessagingTables, events: Iterable[Event]
) -> int:
    rows = [
        {"id": e.id, "subject": e.subject, "payload": e.model_dump_json().encode()} for e in events
    ]
    if rows:
        await session.execute(insert(tables.outbox), rows)
    return len(rows)


class OutboxRelay:
    """Claims pending rows with ``FOR UPDATE SKIP LOCKED`` (safe with several replicas),
    publishes them with ``Nats-Msg-Id`` = event id, and marks them published in the same
    transaction. A crash between publish and commit republishes; JetStream's duplicate
    window and the consumers' inbox absorb the repeat."""

    def __init__(
        self,
        *,
        service: str,
        engine: AsyncEngine,
        tables: MessagingTables,
        js: JetStreamContext,
        names: BusNames,
        batch_size: int = 200,
        poll_seconds: float = 1.0,
        retention_hours: float = 24.0,
        inbox_retention_days: float = 14.0,
        publish_timeout: float = 30.0,
    ) -> None:
        self.service = service
        self.engine = engine
        self.tables = tables
        self.js = js
        self.names = names
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.retention_hours = retention_hours
        self.inbox_retention_days = inbox_retention_days
        self.publish_timeout = publish_timeout
        self._wake = asyncio.Event()
        self._last_housekeeping = 0.0

    def wake(self) -> None:
        self._wake.set()

    async def relay_once(self) -> int:
        outbox = self.tables.outbox
        async with self.engine.begin() as conn:
            rows = (
                await conn.execute(
                    select(outbox.c.seq, outbox.c.id, outbox.c.subject, outbox.c.payload)
                    .where(outbox.c.published_at.is_(None))
                    .order_by(outbox.c.seq)
                    .limit(self.batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not rows:
                return 0
            futures = [
                await self.js.publish_async(
                    self.names.subject(row.subject),
                    row.payload,
                    headers={"Nats-Msg-Id": str(row.id)},
                )
                for row in rows
            ]
            # Bounded: with NATS away the acks never come, and the claimed rows must be
            # released (rolled back) for a later round rather than held forever.
            async with asyncio.timeout(self.publish_timeout):
                await asyncio.gather(*futures)
            await conn.execute(
                update(outbox)
                .where(outbox.c.seq.in_([row.seq for row in rows]))
                .values(published_at=func.now())
            )
        metrics.OUTBOX_PUBLISHED.labels(self.service).inc(len(rows))
        return len(rows)

    async def housekeeping(self) -> None:
        """Export the outbox lag; forget published rows and old inbox ids.

        An inbox id only has to outlive any redelivery of its message (minutes), so
        keeping it for two weeks is generous."""
        outbox = self.tables.outbox
        inbox = self.tables.inbox
        async with self.engine.begin() as conn:
            oldest = await conn.scalar(
                select(func.extract("epoch", func.now() - func.min(outbox.c.created_at))).where(
                    outbox.c.published_at.is_(None)
                )
            )
            metrics.OUTBOX_LAG.labels(self.service).set(float(oldest or 0.0))
            await conn.execute(
                delete(outbox).where(
                    outbox.c.published_at < func.now() - timedelta(hours=self.retention_hours)
                )
            )
            await conn.execute(
                delete(inbox).where(
                    inbox.c.handled_at < func.now() - timedelta(days=self.inbox_retention_days)
                )
            )

    async def run(self) -> None:
        backoff = 0.5
        while True:
            try:
                sent = await self.relay_once()
                now = time.monotonic()
                if now - self._last_housekeeping > 10:
                    self._last_housekeeping = now
                    await self.housekeeping()
                backoff = 0.5
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if stopping():
                    raise asyncio.CancelledError from exc
                log.warning("outbox_relay_failed", error=str(exc), retry_in=backoff)
                metrics.OUTBOX_ERRORS.labels(self.service).inc()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30.0)
                continue
            if sent < self.batch_size:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.poll_seconds):
                        await self._wake.wait()
                self._wake.clear()
