"""Consuming events: inbox dedupe, ack after commit, retry with backoff, DLQ at the end."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import asyncpg
import nats.errors
import nats.js.errors
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig
from pydantic import ValidationError
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from snab_contracts.base import Event
from snab_kit import metrics
from snab_kit.aio import stopping
from snab_kit.bus import BusNames
from snab_kit.errors import DomainError
from snab_kit.logging import get_logger
from snab_kit.messaging import MessagingTables
from snab_kit.outbox import add_events

log = get_logger(__name__)

E = TypeVar("E", bound=Event)


class Tx:
    """What a handler gets: the open session and a way to emit events through the outbox."""

    def __init__(self, session: AsyncSession, tables: MessagingTables) -> None:
        self.session = session
        self._tables = tables
        self.emitted = 0
        self._after_commit: list[Callable[[], None]] = []

    async def emit(self, *events: Event) -> None:
        self.emitted += await add_events(self.session, self._tables, events)

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once the transaction has committed (e.g. wake a worker loop).
        It does not run when the transaction rolls back."""
        self._after_commit.append(callback)

    def committed(self) -> None:
        """Called by the owner of the transaction right after its commit."""
        for callback in self._after_commit:
            try:
                callback()
            except Exception as exc:
                log.warning("after_commit_failed", error=f"{type(exc).__name__}: {exc}")


Handler = Callable[[E, Tx], Awaitable[None]]
BatchHandler = Callable[[list[E], Tx], Awaitable[None]]


class Permanent(Exception):
    """Raised by a handler for an input that will never succeed: straight to the DLQ."""


def unavailable(exc: BaseException) -> bool:
    """True when the failure is an unreachable dependency rather than the message."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError | asyncpg.PostgresConnectionError):
            return True
        if isinstance(seen, asyncpg.CannotConnectNowError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


@dataclass
class ConsumerSpec(Generic[E]):
    event: type[E]
    handler: Handler[E]
    name: str
    workers: int = 1
    batch: int = 0
    """0: one transaction per message. N: up to N messages per transaction (handlers must
    have no effects outside the database, since a failed batch is replayed one by one)."""
    max_deliver: int = 5
    backoff: Sequence[float] = field(default_factory=lambda: (1.0, 5.0, 15.0, 60.0))
    batch_handler: BatchHandler[E] | None = None
    """Optional set-based handler for a whole batch of new events (``handler`` still
    handles the one-by-one replay of a failed batch)."""
    ack_wait: float = 10.0
    """Seconds JetStream waits for an ack or a heartbeat before it gives the message to
    another consumer: how long the messages of a crashed (SIGKILLed) process wait. A live
    handler never runs into it: it sends ``in_progress`` every third of it."""


class EventConsumer(Generic[E]):
    """Runs one handler for one subject with exactly-once effect.

    The inbox row (consumer, event id) is inserted in the handler's transaction; a
    duplicate delivery finds it there and is acked without running the handler again.
    The message is acked only after commit. A failure is nacked with a delay from the
    backoff list; on the last allowed delivery it goes to ``dlq.<subject>`` with its error.
    """

    def __init__(
        self,
        *,
        service: str,
        spec: ConsumerSpec[E],
        sessions: async_sessionmaker[AsyncSession],
        tables: MessagingTables,
        js: JetStreamContext,
        names: BusNames,
        on_commit: Callable[[Tx], None] | None = None,
    ) -> None:
        self.service = service
        self.spec = spec
        self.sessions = sessions
        self.tables = tables
        self.js = js
        self.names = names
        self.on_commit = on_commit
        self.subject = spec.event.SUBJECT
        self._in_hand: dict[int, Msg] = {}
        """Fetched and not yet acked, nacked or dead-lettered (by ``id()``: a Msg is a
        dataclass, so neither hashable nor safely comparable)."""

    async def __call__(self, msg: Msg) -> None:
        self._in_hand[id(msg)] = msg
        # Cancelled (a stop) mid-way, the message stays in hand for ``_release``.
        await self._process(msg)
        self._in_hand.pop(id(msg), None)

    async def _process(self, msg: Msg) -> None:
        started = time.perf_counter()
        delivered = msg.metadata.num_delivered if msg.reply else 1
        outcome = "ok"
        try:
            try:
                event = self.spec.event.model_validate_json(msg.data)
            except ValidationError as exc:
                raise Permanent(f"invalid {self.subject} payload: {exc}") from exc
            outcome = await self._handle(event)
            await msg.ack()
        except Exception as exc:
            # A broken business rule breaks again on redelivery: no retries, DLQ at once.
            permanent = isinstance(exc, Permanent | DomainError)
            if unavailable(exc):
                # The database (or the network) is down, not the message: keep it in
                # JetStream and try again later, however long the outage lasts.
                outcome = "unavailable"
                delay = self.spec.backoff[min(delivered, len(self.spec.backoff)) - 1]
                log.warning(
                    "dependency_unavailable",
                    subject=self.subject,
                    consumer=self.spec.name,
                    delivered=delivered,
                    retry_in=delay,
                    error=f"{type(exc).__name__}: {exc}",
                )
                await msg.nak(delay=delay)
            elif permanent or delivered >= self.spec.max_deliver:
                outcome = "dlq"
                await self._dead_letter(msg, exc, delivered)
                await msg.ack()
            else:
                outcome = "retry"
                delay = self.spec.backoff[min(delivered, len(self.spec.backoff)) - 1]
                log.warning(
                    "handler_failed",
                    subject=self.subject,
                    consumer=self.spec.name,
                    delivered=delivered,
                    retry_in=delay,
                    error=f"{type(exc).__name__}: {exc}",
                )
                await msg.nak(delay=delay)
        finally:
            metrics.HANDLED.labels(self.service, self.subject, outcome).inc()
            metrics.HANDLER_SECONDS.labels(self.service, self.subject).observe(
                time.perf_counter() - started
            )

    async def handle_batch(self, msgs: Sequence[Msg]) -> None:
        """Fast path: the whole batch in one transaction (one commit, one inbox insert).
        If anything in it fails, the batch is rolled back and replayed message by message,
        so each message gets its own retry and DLQ accounting."""
        self._in_hand.update((id(msg), msg) for msg in msgs)
        await self._process_batch(msgs)
        for msg in msgs:
            self._in_hand.pop(id(msg), None)

    async def _process_batch(self, msgs: Sequence[Msg]) -> None:
        started = time.perf_counter()
        parsed: list[tuple[Msg, E]] = []
        for msg in msgs:
            try:
                parsed.append((msg, self.spec.event.model_validate_json(msg.data)))
            except ValidationError:
                await self(msg)  # dead-lettered there, with the validation error
        if not parsed:
            return
        try:
            async with self.sessions() as session, session.begin():
                rows = [
                    {"consumer": self.spec.name, "event_id": event.id, "subject": self.subject}
                    for _, event in parsed
                ]
                result = await session.execute(
                    pg_insert(self.tables.inbox)
                    .values(rows)
                    .on_conflict_do_nothing()
                    .returning(self.tables.inbox.c.event_id)
                )
                pending = set(result.scalars())
                fresh: list[E] = []
                for _, event in parsed:
                    if event.id in pending:
                        pending.discard(event.id)  # the same event twice in one batch: once
                        fresh.append(event)
                new = len(fresh)
                tx = Tx(session, self.tables)
                if self.spec.batch_handler is not None:
                    if fresh:
                        await self.spec.batch_handler(fresh, tx)
                else:
                    for event in fresh:
                        await self.spec.handler(event, tx)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.info("batch_replayed_one_by_one", subject=self.subject, error=str(exc))
            for msg, _ in parsed:
                await self(msg)
            return
        tx.committed()
        if tx.emitted and self.on_commit is not None:
            self.on_commit(tx)
        await asyncio.gather(*(msg.ack() for msg, _ in parsed))
        metrics.HANDLED.labels(self.service, self.subject, "ok").inc(new)
        if len(parsed) - new:
            metrics.HANDLED.labels(self.service, self.subject, "duplicate").inc(len(parsed) - new)
        metrics.HANDLER_SECONDS.labels(self.service, self.subject).observe(
            (time.perf_counter() - started) / len(parsed)
        )

    async def pull(self, *, stream: str) -> None:
        """The consumer's pull loop: fetch what is available, handle it, repeat.

        Batch consumers handle up to ``spec.batch`` messages in one transaction; the others
        handle up to ``spec.workers`` messages concurrently, each in its own transaction.
        Messages fetched are always handled or left unacked for redelivery; no error ends
        the loop (an idle fetch that times out is the normal case, not an error).

        While messages are in hand a heartbeat tells JetStream they are being worked on, so
        the ack wait can stay short (a crashed process's messages go to another consumer
        within ``spec.ack_wait``); on a clean stop whatever is still in hand is released at
        once (nak without delay) for the next consumer."""
        subject = self.names.subject(self.subject)
        subscription = await self._subscribe(stream, subject)
        size = self.spec.batch or max(self.spec.workers, 1)
        log.info(
            "consumer_started",
            subject=self.subject,
            batch=self.spec.batch,
            workers=size,
            ack_wait=self.spec.ack_wait,
        )
        heartbeat = asyncio.create_task(self._heartbeat(), name=f"heartbeat:{self.subject}")
        try:
            while True:
                try:
                    messages = await subscription.fetch(size, timeout=5.0)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    if stopping():
                        raise asyncio.CancelledError from exc
                    if isinstance(exc, TimeoutError | nats.errors.TimeoutError):
                        continue  # nothing to fetch: the normal idle case
                    log.warning("fetch_failed", subject=self.subject, error=str(exc))
                    await asyncio.sleep(1.0)
                    continue
                if stopping():  # fetched but not handled: give them back
                    self._in_hand.update((id(msg), msg) for msg in messages)
                    raise asyncio.CancelledError
                if self.spec.batch:
                    await self.handle_batch(messages)
                else:
                    await asyncio.gather(*(self(msg) for msg in messages))
        finally:
            heartbeat.cancel()
            await self._release()
            # Without this the connection's drain waits for the pull subscription (30 s).
            with contextlib.suppress(Exception):
                await subscription.unsubscribe()

    async def _subscribe(self, stream: str, subject: str) -> JetStreamContext.PullSubscription:
        config = ConsumerConfig(
            durable_name=self.spec.name,
            filter_subject=subject,
            ack_policy=AckPolicy.EXPLICIT,
            # No server-side limit: our handler moves a failing message to the DLQ at
            # spec.max_deliver, and an unreachable database must not exhaust deliveries.
            max_deliver=-1,
            ack_wait=self.spec.ack_wait,
            max_ack_pending=max(1000, self.spec.batch * 4, self.spec.workers * 100),
        )
        try:
            # Creates the durable consumer, or updates the one an older version made (a
            # different ack wait, say); servers before 2.10 refuse the update: keep theirs.
            await self.js.add_consumer(stream, config=config)
        except nats.js.errors.Error as exc:
            log.warning("consumer_config_kept", subject=self.subject, error=str(exc))
        return await self.js.pull_subscribe_bind(durable=self.spec.name, stream=stream)

    async def _heartbeat(self) -> None:
        """Every third of the ack wait: 'still working' for each message in hand."""
        interval = max(self.spec.ack_wait / 3, 0.1)
        while True:
            await asyncio.sleep(interval)
            for msg in list(self._in_hand.values()):
                with contextlib.suppress(Exception):  # acked meanwhile, or disconnected
                    await msg.in_progress()

    async def _release(self) -> None:
        """Give back what this consumer holds, so that another takes it now rather than
        after the ack wait (a handler cancelled mid-transaction has rolled back; one that
        committed but was not acked yet is found in the inbox on redelivery)."""
        held, self._in_hand = list(self._in_hand.values()), {}
        for msg in held:
            with contextlib.suppress(Exception):
                await asyncio.shield(msg.nak())
        if held:
            log.info("messages_released", subject=self.subject, count=len(held))

    async def _handle(self, event: E) -> str:
        async with self.sessions() as session, session.begin():
            claimed = await session.execute(
                pg_insert(self.tables.inbox)
                .values(consumer=self.spec.name, event_id=event.id, subject=self.subject)
                .on_conflict_do_nothing()
                .returning(self.tables.inbox.c.event_id)
            )
            if claimed.first() is None:
                return "duplicate"
            tx = Tx(session, self.tables)
            await self.spec.handler(event, tx)
        tx.committed()
        if tx.emitted and self.on_commit is not None:
            self.on_commit(tx)
        return "ok"

    async def _dead_letter(self, msg: Msg, exc: BaseException, delivered: int) -> None:
        error = f"{type(exc).__name__}: {exc}"[:4000]
        headers: dict[str, Any] = {
            "Snab-Error": error.replace("\r", " ").replace("\n", " "),
            "Snab-Subject": self.subject,
            "Snab-Consumer": self.spec.name,
            "Snab-Delivered": str(delivered),
        }
        original_id = (msg.headers or {}).get("Nats-Msg-Id")
        if original_id:
            headers["Nats-Msg-Id"] = f"dlq:{self.spec.name}:{original_id}"
        await self.js.publish(self.names.subject(f"dlq.{self.subject}"), msg.data, headers=headers)
        metrics.DLQ.labels(self.service, self.subject).inc()
        log.error(
            "message_dead_lettered",
            subject=self.subject,
            consumer=self.spec.name,
            delivered=delivered,
            error=error,
        )
