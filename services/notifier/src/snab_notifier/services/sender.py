"""Telling each manager of each event once, within Telegram's limits, through a send log.

An event handler queues one row per allowed chat in ``notifications``, in the handler's
own transaction: the inbox and the unique (event, chat) key keep a redelivered event from
adding a second one. A sender loop claims due rows (``FOR UPDATE SKIP LOCKED``) and moves
each through:

    queued ─claim─▶ sending ─▶ sent     its own message, or an edit of the message of the
       │               │               earlier notice about the same thing (its topic)
       │               ├─────▶ folded   shown in the chat's digest (a burst), see below
       │               ├─────▶ queued   Telegram unreachable, 5xx, 429: tried again after a
       │               │               backoff, however long the outage (never dropped)
       │               └─────▶ failed   Telegram refused it for good (bot blocked by the
       │                               user, a request it calls bad)
       └─▶ merged      a later notice about the same thing arrived before it was sent, and
                       carries both

Limits: the pacer lets one request at a time go to a chat, at least
``TELEGRAM_CHAT_INTERVAL_SECONDS`` apart, and ``TELEGRAM_GLOBAL_RATE`` a second overall.
Whatever waits for a chat when its turn comes is looked at together: when
``TELEGRAM_DIGEST_THRESHOLD`` or more notices wait, they are folded into one digest
message, and while the burst goes on the digest is edited in place (no new ping) rather
than followed by more messages. A ready proposal (a PDF) is never folded.

After a crash, a row left in ``sending`` past its claim is sent again: Telegram cannot be
asked whether the message arrived, and a rare duplicate is better than a lost notice. A
clean stop lets requests under way finish first.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Protocol

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Row

from snab_kit.consume import Tx
from snab_kit.logging import get_logger
from snab_notifier import messages as m
from snab_notifier import metrics
from snab_notifier.db.tables import notifications
from snab_notifier.domain.breaker import BreakerState, CircuitBreaker
from snab_notifier.domain.notices import (
    DigestNotice,
    Kind,
    Notice,
    Payload,
    fold,
    load,
    merge,
    plan,
)
from snab_notifier.domain.pacing import Pacer
from snab_notifier.services.render import DocumentPending, Renderer, Screen

log = get_logger(__name__)

Transaction = Callable[[], AbstractAsyncContextManager[Tx]]
Outcome = Literal["sent", "retry", "failed", "wait"]
CLAIM_BATCH = 500
DUE_CHATS = 200
UNEXPECTED_ATTEMPTS = 5
STOP_GRACE = 8.0


class MessageGone(Exception):
    """The message to edit is no longer there (deleted, too old to edit)."""


class Transport(Protocol):
    name: str

    async def send(self, chat_id: int, screen: Screen) -> int:
        """Send a new message; its id."""

    async def edit(self, chat_id: int, message_id: int, screen: Screen) -> None:
        """Replace the text and buttons of a message (``MessageGone`` when it cannot be)."""

    def classify(self, exc: Exception) -> tuple[Outcome, str, float]:
        """What a failed send means: (what to do, why, seconds to wait)."""


@dataclass(frozen=True, slots=True)
class SenderOptions:
    threshold: int = 3
    digest_window: float = 60.0
    edit_window: float = 3600.0
    backoff: Sequence[float] = field(default_factory=lambda: (1.0, 2.0, 5.0, 10.0, 30.0))
    claim_seconds: float = 120.0
    poll_seconds: float = 1.0
    document_attempts: int = 5


@dataclass
class _Latest:
    """The newest notice of a (chat, topic) while a batch is queued: a stored row
    (``row_id``) or a row of this batch (``index``)."""

    row_id: int | None
    index: int | None
    payload: Payload
    queued: bool


@dataclass
class Claimed:
    how: Literal["single", "digest"]
    rows: list[Row[Any]]
    digest: Row[Any] | None = None


class Sender:
    def __init__(
        self,
        *,
        transaction: Transaction,
        transport: Transport,
        renderer: Renderer,
        pacer: Pacer,
        breaker: CircuitBreaker,
        options: SenderOptions,
    ) -> None:
        self.transaction = transaction
        self.transport = transport
        self.renderer = renderer
        self.pacer = pacer
        self.breaker = breaker
        self.options = options
        self._wake = asyncio.Event()
        self._inflight: dict[int, asyncio.Task[None]] = {}

    # -- queueing (in the event handler's transaction) -------------------------------------

    async def queue(
        self, tx: Tx, notice: Notice, *, event_id: uuid.UUID, chats: Sequence[int]
    ) -> int:
        """One row per chat for one event (see ``queue_many``)."""
        return await self.queue_many(tx, [(event_id, notice)], chats=chats)

    async def queue_many(
        self, tx: Tx, notices: Sequence[tuple[uuid.UUID, Notice]], *, chats: Sequence[int]
    ) -> int:
        """One row per (event, chat), oldest event first, in a few statements whatever the
        number. A notice about a thing an earlier one told of (same chat and topic) carries
        that one too, and takes its place when it was not sent yet (``merged``). Returns the
        rows added (a redelivered event adds none)."""
        t = notifications
        chats = list(dict.fromkeys(chats))
        topics = {n.topic for _, n in notices if n.topic is not None}
        latest: dict[tuple[int, str], _Latest] = {}
        if topics and chats:
            earlier = await tx.session.execute(
                select(t.c.id, t.c.chat_id, t.c.topic, t.c.kind, t.c.payload, t.c.status)
                .where(
                    t.c.chat_id.in_(chats),
                    t.c.topic.in_(topics),
                    t.c.status.in_(("queued", "sending", "sent")),
                )
                .order_by(t.c.id)
                .with_for_update()
            )
            for row in earlier:
                latest[(row.chat_id, row.topic)] = _Latest(
                    row_id=row.id,
                    index=None,
                    payload=load(row.kind, row.payload),
                    queued=row.status == "queued",
                )
        values: list[dict[str, Any]] = []
        replaced: list[tuple[_Latest, int]] = []  # (earlier, index of the row replacing it)
        for event_id, notice in notices:
            for chat in chats:
                payload: Payload = notice.payload
                key = (chat, notice.topic) if notice.topic is not None else None
                before = latest.get(key) if key is not None else None
                if before is not None:
                    payload = merge(notice.kind, before.payload, payload)
                    if before.queued:
                        replaced.append((before, len(values)))
                if key is not None:
                    latest[key] = _Latest(
                        row_id=None, index=len(values), payload=payload, queued=True
                    )
                values.append(
                    {
                        "event_id": event_id,
                        "chat_id": chat,
                        "kind": notice.kind.value,
                        "topic": notice.topic,
                        "payload": payload.model_dump(mode="json"),
                        "status": "queued",
                    }
                )
        if not values:
            return 0
        inserted = await tx.session.execute(
            pg_insert(t)
            .values(values)
            .on_conflict_do_nothing(constraint="uq_notifications_event_chat")
            .returning(t.c.id, t.c.event_id, t.c.chat_id)
        )
        ids = {(r.event_id, r.chat_id): r.id for r in inserted}

        def id_of(index: int) -> int | None:
            v = values[index]
            return ids.get((v["event_id"], v["chat_id"]))

        for before, index in replaced:
            new_id = id_of(index)
            old_id = before.row_id if before.index is None else id_of(before.index)
            if new_id is None or old_id is None:
                continue
            await tx.session.execute(
                update(t)
                .where(t.c.id == old_id, t.c.status == "queued")
                .values(status="merged", carried_by=new_id, updated_at=func.now())
            )
        if ids:
            tx.after_commit(self.wake)
            for value in values:
                if (value["event_id"], value["chat_id"]) in ids:
                    metrics.QUEUED.labels(value["kind"]).inc()
        return len(ids)

    def wake(self) -> None:
        self._wake.set()

    # -- the loop --------------------------------------------------------------------------

    async def run(self) -> None:
        try:
            while True:
                await self.recover_stale()
                waiting = await self.dispatch()
                wait = self.options.poll_seconds
                if waiting:
                    ready = self.pacer.next_ready(waiting)
                    if ready is not None:
                        wait = min(wait, max(ready, 0.01))
                if self.breaker.state is BreakerState.OPEN:
                    wait = max(min(self.breaker.retry_in(), wait * 10), 0.05)
                # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation
                # that arrives together with the wake-up.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(wait):
                        await self._wake.wait()
                self._wake.clear()
        finally:
            await self._finish_inflight()

    async def run_once(self) -> int:
        """One round, waiting for what it started (tests): chats sent to."""
        await self.recover_stale()
        await self.dispatch()
        started = len(self._inflight)
        if self._inflight:
            await asyncio.gather(*self._inflight.values(), return_exceptions=True)
        return started

    async def _finish_inflight(self) -> None:
        tasks = list(self._inflight.values())
        if not tasks:
            return
        _, pending = await asyncio.wait(tasks, timeout=STOP_GRACE)
        for task in pending:
            task.cancel()

    async def dispatch(self) -> list[int]:
        """Start a delivery for each chat whose turn it is; the chats still waiting."""
        if self.breaker.state is BreakerState.OPEN:
            return []
        chats = await self._due_chats()
        waiting: list[int] = []
        for chat in chats:
            if chat in self._inflight:
                continue
            if not self.pacer.acquire(chat):
                waiting.append(chat)
                continue
            if not self.breaker.allow():
                self.pacer.cancel(chat)
                waiting.append(chat)
                break
            task = asyncio.create_task(self._deliver(chat), name=f"notify:{chat}")
            self._inflight[chat] = task
        self.pacer.forget_idle(chats)
        return waiting

    async def _due_chats(self) -> list[int]:
        t = notifications
        async with self.transaction() as tx:
            rows = (
                await tx.session.execute(
                    select(t.c.chat_id, func.min(t.c.id).label("oldest"))
                    .where(t.c.status == "queued", t.c.next_attempt_at <= func.now())
                    .group_by(t.c.chat_id)
                    .order_by("oldest")
                    .limit(DUE_CHATS)
                )
            ).all()
        return [int(r.chat_id) for r in rows]

    async def recover_stale(self) -> int:
        t = notifications
        async with self.transaction() as tx:
            result = await tx.session.execute(
                update(t)
                .where(t.c.status == "sending", t.c.claimed_until < func.now())
                .values(status="queued", claimed_until=None, updated_at=func.now())
                .returning(t.c.id)
            )
            recovered = len(result.all())
        if recovered:
            log.warning("notifications_reclaimed", count=recovered)
        return recovered

    # -- one delivery to one chat ---------------------------------------------------------------

    async def _deliver(self, chat: int) -> None:
        try:
            claimed = await self._claim(chat)
            if claimed is None:
                self.breaker.release()
                return
            if claimed.how == "digest":
                await self._send_digest(chat, claimed)
            else:
                await self._send_single(chat, claimed.rows[0])
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("notification_delivery_failed", chat_id=chat)
        finally:
            self.pacer.release(chat)
            self._inflight.pop(chat, None)
            self.wake()

    async def _claim(self, chat: int) -> Claimed | None:
        t = notifications
        window = timedelta(seconds=self.options.digest_window)
        async with self.transaction() as tx:
            waiting = (
                await tx.session.execute(
                    select(t.c.id, t.c.kind)
                    .where(
                        t.c.chat_id == chat,
                        t.c.status == "queued",
                        t.c.next_attempt_at <= func.now(),
                    )
                    .order_by(t.c.id)
                    .limit(CLAIM_BATCH)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not waiting:
                return None
            digest = (
                await tx.session.execute(
                    select(t)
                    .where(
                        t.c.chat_id == chat,
                        t.c.kind == Kind.DIGEST.value,
                        t.c.status == "sent",
                        t.c.updated_at > func.now() - window,
                    )
                    .order_by(t.c.id.desc())
                    .limit(1)
                )
            ).first()
            how, picked = plan(
                [Kind(r.kind) for r in waiting],
                threshold=self.options.threshold,
                digest_open=digest is not None,
            )
            ids = [waiting[i].id for i in picked]
            rows = (
                await tx.session.execute(
                    update(t)
                    .where(t.c.id.in_(ids))
                    .values(
                        status="sending",
                        attempts=t.c.attempts + 1,
                        claimed_until=func.now() + timedelta(seconds=self.options.claim_seconds),
                        updated_at=func.now(),
                    )
                    .returning(t)
                )
            ).all()
        rows.sort(key=lambda r: r.id)
        return Claimed(
            how="digest" if how == "digest" else "single", rows=list(rows), digest=digest
        )

    async def _send_single(self, chat: int, row: Row[Any]) -> None:
        kind = Kind(row.kind)
        payload = load(row.kind, row.payload)
        last_attempt = row.attempts >= self.options.document_attempts
        try:
            screen = await self.renderer.render(kind, payload, last_attempt=last_attempt)
        except DocumentPending as exc:
            self.breaker.release()
            await self._retry([row], f"document not ready: {exc}", chat=chat)
            return
        except Exception as exc:
            self.breaker.release()
            log.exception("notification_render_failed", id=row.id, kind=row.kind)
            if row.attempts >= UNEXPECTED_ATTEMPTS:
                await self._failed([row], f"render: {type(exc).__name__}: {exc}")
            else:
                await self._retry([row], f"render: {type(exc).__name__}: {exc}", chat=chat)
            return
        target = await self._edit_target(row) if kind is not Kind.PROPOSAL_READY else None
        try:
            message_id = await self._show(chat, screen, target)
        except Exception as exc:
            await self._after_error([row], exc, chat=chat)
            return
        self.breaker.record_success()
        edited = target is not None and message_id == target.message_id
        t = notifications
        async with self.transaction() as tx:
            await tx.session.execute(
                update(t)
                .where(t.c.id == row.id, t.c.status == "sending")
                .values(
                    status="sent",
                    message_id=message_id,
                    edited_id=target.id if edited and target is not None else None,
                    delivered_at=func.now(),
                    claimed_until=None,
                    last_error=None,
                    updated_at=func.now(),
                )
            )
        self._delivered(row, "edited" if edited else "sent")
        log.info(
            "notification_sent",
            id=row.id,
            kind=row.kind,
            chat_id=chat,
            message_id=message_id,
            edited=edited,
            via=self.transport.name,
        )

    async def _edit_target(self, row: Row[Any]) -> Row[Any] | None:
        """The message to edit instead of sending a new one: the latest message of the same
        topic in this chat, if the first notice it showed is younger than the edit window."""
        if row.topic is None or self.options.edit_window <= 0:
            return None
        t = notifications
        async with self.transaction() as tx:
            earlier = (
                await tx.session.execute(
                    select(t.c.id, t.c.message_id)
                    .where(
                        t.c.chat_id == row.chat_id,
                        t.c.topic == row.topic,
                        t.c.status == "sent",
                        t.c.message_id.is_not(None),
                        t.c.id < row.id,
                    )
                    .order_by(t.c.id.desc())
                    .limit(1)
                )
            ).first()
            if earlier is None:
                return None
            first_shown = await tx.session.scalar(
                select(func.min(t.c.delivered_at)).where(
                    t.c.chat_id == row.chat_id, t.c.message_id == earlier.message_id
                )
            )
        if first_shown is None:
            return None
        age = (datetime.now(UTC) - first_shown).total_seconds()
        return earlier if age < self.options.edit_window else None  # type: ignore[return-value]

    async def _show(self, chat: int, screen: Screen, target: Row[Any] | None) -> int:
        if target is not None and target.message_id is not None:
            try:
                await self.transport.edit(chat, int(target.message_id), screen)
                return int(target.message_id)
            except MessageGone:
                log.info(
                    "notification_edit_target_gone", chat_id=chat, message_id=target.message_id
                )
        return await self.transport.send(chat, screen)

    async def _send_digest(self, chat: int, claimed: Claimed) -> None:
        rows = claimed.rows
        notices = [(Kind(r.kind), load(r.kind, r.payload)) for r in rows]
        digest = claimed.digest
        before = (
            DigestNotice.model_validate(digest.payload) if digest is not None else DigestNotice()
        )
        after = fold(before, notices)
        try:
            screen = await self.renderer.render(Kind.DIGEST, after)
            message_id: int | None = None
            if digest is not None and digest.message_id is not None:
                try:
                    await self.transport.edit(chat, int(digest.message_id), screen)
                    message_id = int(digest.message_id)
                except MessageGone:
                    digest = None
                    after = fold(DigestNotice(), notices)
                    screen = await self.renderer.render(Kind.DIGEST, after)
            if message_id is None:
                message_id = await self.transport.send(chat, screen)
        except Exception as exc:
            await self._after_error(rows, exc, chat=chat)
            return
        self.breaker.record_success()
        t = notifications
        async with self.transaction() as tx:
            if digest is None:
                digest_id = await tx.session.scalar(
                    pg_insert(t)
                    .values(
                        event_id=uuid.uuid4(),
                        chat_id=chat,
                        kind=Kind.DIGEST.value,
                        payload=after.model_dump(mode="json"),
                        status="sent",
                        attempts=1,
                        message_id=message_id,
                        delivered_at=func.now(),
                    )
                    .returning(t.c.id)
                )
            else:
                digest_id = digest.id
                await tx.session.execute(
                    update(t)
                    .where(t.c.id == digest.id)
                    .values(payload=after.model_dump(mode="json"), updated_at=func.now())
                )
            await tx.session.execute(
                update(t)
                .where(t.c.id.in_([r.id for r in rows]), t.c.status == "sending")
                .values(
                    status="folded",
                    carried_by=digest_id,
                    message_id=message_id,
                    delivered_at=func.now(),
                    claimed_until=None,
                    last_error=None,
                    updated_at=func.now(),
                )
            )
        for row in rows:
            self._delivered(row, "folded")
        log.info(
            "notifications_folded",
            chat_id=chat,
            count=len(rows),
            digest_id=digest_id,
            edited=claimed.digest is not None and digest is not None,
        )

    # -- outcomes -----------------------------------------------------------------------------

    def _delivered(self, row: Row[Any], outcome: str) -> None:
        metrics.DELIVERED.labels(row.kind, outcome).inc()
        metrics.DELAY.observe(max(0.0, (datetime.now(UTC) - row.created_at).total_seconds()))

    async def _after_error(self, rows: list[Row[Any]], exc: Exception, *, chat: int) -> None:
        outcome, error, seconds = self.transport.classify(exc)
        if outcome == "wait":
            # Telegram asked for longer than the request middleware waits: hold the chat.
            self.breaker.release()
            self.pacer.hold(chat, seconds)
            await self._retry(rows, error, chat=chat, delay=seconds, count=False)
        elif outcome == "failed":
            self.breaker.record_success()  # Telegram answered: it is up
            log.error("notification_refused", chat_id=chat, error=error, ids=[r.id for r in rows])
            await self._failed(rows, error)
        else:
            self.breaker.record_failure(error)
            log.warning("telegram_unreachable", chat_id=chat, error=error)
            await self._retry(rows, error, chat=chat)

    async def _retry(
        self,
        rows: list[Row[Any]],
        error: str,
        *,
        chat: int,
        delay: float | None = None,
        count: bool = True,
    ) -> None:
        backoff = self.options.backoff
        attempts = max(r.attempts for r in rows)
        if delay is None:
            delay = backoff[min(attempts, len(backoff)) - 1] if backoff else 0.0
        t = notifications
        async with self.transaction() as tx:
            await tx.session.execute(
                update(t)
                .where(t.c.id.in_([r.id for r in rows]), t.c.status == "sending")
                .values(
                    status="queued",
                    attempts=t.c.attempts if count else t.c.attempts - 1,
                    next_attempt_at=func.now() + timedelta(seconds=delay),
                    claimed_until=None,
                    last_error=error[:2000],
                    updated_at=func.now(),
                )
            )
        for row in rows:
            metrics.DELIVERED.labels(row.kind, "retry").inc()
        log.info("notification_retry", chat_id=chat, count=len(rows), retry_in=delay, error=error)

    async def _failed(self, rows: list[Row[Any]], error: str) -> None:
        t = notifications
        async with self.transaction() as tx:
            await tx.session.execute(
                update(t)
                .where(t.c.id.in_([r.id for r in rows]), t.c.status == "sending")
                .values(
                    status="failed",
                    claimed_until=None,
                    last_error=error[:2000],
                    updated_at=func.now(),
                )
            )
        for row in rows:
            metrics.DELIVERED.labels(row.kind, "failed").inc()

    # -- for the health check and operators -------------------------------------------------------

    async def purge(self, older_than: timedelta) -> int:
        """Forget notifications told long ago (none still waiting or being sent)."""
        t = notifications
        async with self.transaction() as tx:
            result = await tx.session.execute(
                delete(t)
                .where(
                    t.c.created_at < func.now() - older_than,
                    t.c.status.in_(("sent", "folded", "merged", "failed")),
                )
                .returning(t.c.id)
            )
            return len(result.all())

    async def backlog(self) -> tuple[int, float | None]:
        """(notifications waiting, age in seconds of the oldest)."""
        t = notifications
        async with self.transaction() as tx:
            row = (
                await tx.session.execute(
                    select(func.count(), func.min(t.c.created_at)).where(
                        and_(t.c.status.in_(("queued", "sending")))
                    )
                )
            ).one()
        count, oldest = int(row[0]), row[1]
        age = (datetime.now(UTC) - oldest).total_seconds() if oldest is not None else None
        return count, age


def describe(screen: Screen) -> str:
    """A screen as one log line (the log transport)."""
    text = m.plain(screen.text).replace("\n", " | ")
    buttons = []
    if screen.markup is not None:
        buttons = [b.text for b in screen.markup.buttons]
    tail = f" [{'] ['.join(buttons)}]" if buttons else ""
    file = f" (file {screen.document[0]})" if screen.document else ""
    return f"{text}{tail}{file}"
