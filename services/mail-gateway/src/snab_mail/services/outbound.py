"""Sending ``mail.send`` commands at most once each, through a send log.

A command becomes a row of ``outbound_messages`` (its id is the key: a redelivered command
changes nothing). A sender loop claims due rows (``FOR UPDATE SKIP LOCKED``, so replicas
share the work) and moves each through:

    queued ─claim─▶ sending ─connected, before DATA─▶ transmitting ─▶ sent   (+ mail.sent)
                       ▲                                   │        ─▶ retry  (4xx, timeout)
                       └──────────── retry ◀───────────────┘        ─▶ failed (+ mail.failed)

``sent`` and its ``mail.sent`` event are committed together right after the server says
250. A row left in ``sending`` by a dead process never reached DATA and is simply tried
again. A row left in ``transmitting`` may or may not have been delivered: it is looked up
in the Sent folder when one is configured, and otherwise reported as ``mail.failed`` with
an "outcome unknown" error instead of being sent a second time. The circuit breaker keeps
the loop from claiming anything while the server is failing.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Row

from snab_contracts.mail import MailAddress, MailFailed, MailSend, MailSent, OutgoingAttachment
from snab_kit.logging import get_logger
from snab_kit.storage import ObjectStorage
from snab_mail import metrics
from snab_mail.db.tables import inbound_messages, outbound_messages, send_attempts
from snab_mail.domain.breaker import BreakerState, CircuitBreaker
from snab_mail.domain.message_ids import new_message_id
from snab_mail.domain.policy import refusal
from snab_mail.imap.sent import SentFolder
from snab_mail.services.intake import Transaction
from snab_mail.smtp.compose import ComposeError, compose
from snab_mail.smtp.transport import Delivered, Delivery, SendError, Transport

log = get_logger(__name__)

_EVENTS = uuid.UUID("0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d")
MAX_COPY_ATTEMPTS = 5
UNKNOWN_OUTCOME = (
    "send outcome unknown: the service stopped while the SMTP server was receiving the "
    "message; it is not sent again so as not to send it twice"
)


class Undeliverable(Exception):
    """The command can never be sent as it is (refused by policy, attachment missing...)."""


class ClaimLost(Exception):
    """Another worker took the row over (this one stalled past its claim): leave it alone."""


@dataclass(frozen=True, slots=True)
class SenderOptions:
    sender: MailAddress
    domain: str
    max_attempts: int = 3
    backoff_seconds: Sequence[float] = field(default_factory=lambda: (10.0, 60.0))
    workers: int = 4
    poll_seconds: float = 1.0
    claim_seconds: float = 300.0


def event_id(command_id: uuid.UUID, outcome: str) -> uuid.UUID:
    """The same command always yields the same mail.sent / mail.failed id."""
    return uuid.uuid5(_EVENTS, f"{command_id}:{outcome}")


def recipients_of(command: MailSend) -> list[str]:
    seen: dict[str, None] = {}
    for address in [*command.to, *command.cc]:
        seen.setdefault(address.email.strip().lower(), None)
    return list(seen)


class Sender:
    def __init__(
        self,
        *,
        transaction: Transaction,
        storage: ObjectStorage,
        transport: Transport,
        breaker: CircuitBreaker,
        options: SenderOptions,
        sent_folder: SentFolder | None = None,
    ) -> None:
        self.transaction = transaction
        self.storage = storage
        self.transport = transport
        self.breaker = breaker
        self.options = options
        self.sent_folder = sent_folder
        self._wake = asyncio.Event()
        self._next_copy_round = 0.0
        self._claim = timedelta(seconds=options.claim_seconds)

    # -- queueing (the mail.send handler) ---------------------------------------------------

    async def queue(self, command: MailSend) -> bool:
        """Record the command in the send log; False when it was there already."""
        message_id = new_message_id(
            command_id=command.id,
            domain=self.options.domain,
            request_id=command.request_id,
            purpose=command.purpose,
        )
        async with self.transaction() as tx:
            inserted = await tx.session.scalar(
                pg_insert(outbound_messages)
                .values(
                    command_id=command.id,
                    status="queued",
                    message_id=message_id,
                    purpose=command.purpose,
                    order_id=command.order_id,
                    request_id=command.request_id,
                    proposal_id=command.proposal_id,
                    recipients=recipients_of(command),
                    command=command.model_dump(mode="json", by_alias=True),
                )
                .on_conflict_do_nothing()
                .returning(outbound_messages.c.command_id)
            )
        self.wake()
        if inserted is None:
            log.info("mail_send_duplicate", command_id=str(command.id))
        return inserted is not None

    def wake(self) -> None:
        self._wake.set()

    # -- the loop ------------------------------------------------------------------------------

    async def run(self) -> None:
        while True:
            await self.recover_stale()
            rows = await self.claim()
            if rows:
                await asyncio.gather(*(self.attempt(row) for row in rows))
                continue
            if self.sent_folder is not None and time.monotonic() >= self._next_copy_round:
                self._next_copy_round = time.monotonic() + 30.0
                await self.save_pending_copies()
            wait = self.options.poll_seconds
            if self.breaker.state is BreakerState.OPEN:
                wait = max(min(self.breaker.retry_in(), wait * 10), 0.05)
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation
            # that arrives together with the wake-up, and the service would not stop.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await self._wake.wait()
            self._wake.clear()

    async def run_once(self) -> int:
        """One round (tests and the CLI): recover, claim and attempt what is due."""
        await self.recover_stale()
        rows = await self.claim()
        await asyncio.gather(*(self.attempt(row) for row in rows))
        return len(rows)

    def _capacity(self) -> int:
        state = self.breaker.state
        if state is BreakerState.CLOSED:
            return self.options.workers
        if state is BreakerState.HALF_OPEN and self.breaker.allow():
            return 1  # one trial send decides whether the circuit closes again
        return 0

    async def claim(self) -> list[Row[Any]]:
        limit = self._capacity()
        if not limit:
            return []
        t = outbound_messages
        now = func.now()  # the database's clock, the same for every replica
        due = (
            select(t.c.command_id)
            .where(
                or_(
                    and_(t.c.status.in_(("queued", "retry")), t.c.next_attempt_at <= now),
                    # a process died before DATA: nothing was delivered, try again
                    and_(t.c.status == "sending", t.c.claimed_until < now),
                )
            )
            .order_by(t.c.next_attempt_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        async with self.transaction() as tx:
            rows = (
                await tx.session.execute(
                    update(t)
                    .where(t.c.command_id.in_(due.scalar_subquery()))
                    .values(
                        status="sending",
                        attempts=t.c.attempts + 1,
                        claimed_until=now + self._claim,
                        updated_at=now,
                    )
                    .returning(t)
                )
            ).all()
        if not rows and self.breaker.state is BreakerState.HALF_OPEN:
            self.breaker.release()
        return list(rows)

    async def attempt(self, row: Row[Any]) -> None:
        started = datetime.now(UTC)
        clock = time.perf_counter()
        command = MailSend.model_validate(row.command)
        try:
            if row.attempts > self.options.max_attempts:
                raise SendError(f"gave up after {row.attempts - 1} attempts", permanent=False)
            raw = await self._message(row, command)
        except (Undeliverable, ComposeError) as exc:
            self.breaker.release()
            await self._fail(row, command, str(exc), permanent=True, started=started)
            return
        except SendError as exc:
            self.breaker.release()
            await self._fail(row, command, str(exc), permanent=exc.permanent, started=started)
            return
        except Exception as exc:  # object storage unreachable and the like
            self.breaker.release()
            await self._transient(row, command, f"{type(exc).__name__}: {exc}", started, None)
            return

        delivery = Delivery(
            command_id=row.command_id,
            sender=self.options.sender.email,
            recipients=list(row.recipients),
            raw=raw,
        )
        try:
            delivered = await self.transport.deliver(
                delivery, before_data=lambda: self._mark_transmitting(row)
            )
        except ClaimLost:
            self.breaker.release()
            log.warning("mail_send_claim_lost", command_id=str(row.command_id))
            return
        except SendError as exc:
            if exc.server_fault:
                self.breaker.record_failure(str(exc))
            else:
                self.breaker.record_success()
            if exc.permanent:
                await self._fail(
                    row, command, str(exc), permanent=True, started=started, code=exc.code
                )
            else:
                await self._transient(row, command, str(exc), started, exc.code)
            return
        finally:
            metrics.SEND_SECONDS.observe(time.perf_counter() - clock)
        self.breaker.record_success()
        await self._sent(row, command, delivered, started)
        if self.sent_folder is not None and not self.transport.idempotent:
            await self._save_copy(row.command_id, row.message_id, raw)

    # -- steps ---------------------------------------------------------------------------------

    async def _message(self, row: Row[Any], command: MailSend) -> bytes:
        """The composed message: made (and stored) once, the same bytes on every attempt."""
        if row.raw_key:
            return await self.storage.get(row.raw_key)
        reason = refusal(
            recipients=row.recipients,
            replying_to_automatic=await self._answers_automatic(command.in_reply_to),
        )
        if reason:
            raise Undeliverable(reason)
        attachments = [(a, await self._attachment(a)) for a in command.attachments]
        raw = compose(
            command,
            sender=self.options.sender,
            message_id=row.message_id,
            date=datetime.now(UTC),
            attachments=attachments,
        )
        key = await self.storage.put(f"mail/sent/{row.command_id}.eml", raw, "message/rfc822")
        async with self.transaction() as tx:
            await tx.session.execute(
                update(outbound_messages)
                .where(outbound_messages.c.command_id == row.command_id)
                .values(raw_key=key)
            )
        return raw

    async def _answers_automatic(self, in_reply_to: str | None) -> bool:
        if not in_reply_to:
            return False
        async with self.transaction() as tx:
            flags = (
                await tx.session.scalars(
                    select(inbound_messages.c.flags).where(
                        inbound_messages.c.message_id == in_reply_to.strip()
                    )
                )
            ).all()
        return any(f.get("auto_reply") or f.get("bounce") for f in flags)

    async def _attachment(self, attachment: OutgoingAttachment) -> bytes:
        if not await self.storage.exists(attachment.storage_key):
            raise Undeliverable(f"attachment not found in storage: {attachment.storage_key}")
        data = await self.storage.get(attachment.storage_key)
        if attachment.sha256 is not None and hashlib.sha256(data).hexdigest() != attachment.sha256:
            raise Undeliverable(f"attachment checksum mismatch: {attachment.storage_key}")
        return data

    def _fenced(self, row: Row[Any], *statuses: str) -> Any:
        """An UPDATE of ``row`` that only applies while this worker's claim stands: the
        attempt counter is the fencing token."""
        t = outbound_messages
        return (
            update(t)
            .where(
                t.c.command_id == row.command_id,
                t.c.attempts == row.attempts,
                t.c.status.in_(statuses),
            )
            .returning(t.c.command_id)
        )

    async def _mark_transmitting(self, row: Row[Any]) -> None:
        now = func.now()
        async with self.transaction() as tx:
            marked = await tx.session.scalar(
                self._fenced(row, "sending").values(
                    status="transmitting", claimed_until=now + self._claim, updated_at=now
                )
            )
        if marked is None:
            raise ClaimLost(str(row.command_id))

    async def _sent(
        self, row: Row[Any], command: MailSend, delivered: Delivered, started: datetime
    ) -> None:
        now = datetime.now(UTC)
        refused = {address.lower() for address in delivered.refused}
        accepted = [address for address in row.recipients if address not in refused]
        async with self.transaction() as tx:
            updated = await tx.session.scalar(
                self._fenced(row, "transmitting").values(
                    status="sent", sent_at=now, claimed_until=None, last_error=None, updated_at=now
                )
            )
            if updated is None:
                log.error(
                    "mail_sent_after_claim_expired",
                    command_id=str(row.command_id),
                    message_id=row.message_id,
                )
                return
            await self._log_attempt(
                tx.session,
                row,
                started,
                "sent",
                None,
                f"refused: {delivered.refused}" if delivered.refused else None,
            )
            await tx.emit(
                MailSent(
                    id=event_id(row.command_id, "sent"),
                    correlation_id=command.correlation_id,
                    command_id=row.command_id,
                    message_id=row.message_id,
                    sent_at=now,
                    purpose=command.purpose,
                    order_id=command.order_id,
                    request_id=command.request_id,
                    proposal_id=command.proposal_id,
                    recipients=accepted,
                )
            )
        metrics.SENT.labels("sent").inc()
        log.info(
            "mail_sent",
            command_id=str(row.command_id),
            message_id=row.message_id,
            purpose=command.purpose,
            attempt=row.attempts,
            via=self.transport.name,
            refused=sorted(refused) or None,
        )

    async def _transient(
        self,
        row: Row[Any],
        command: MailSend,
        error: str,
        started: datetime,
        code: int | None,
    ) -> None:
        if row.attempts >= self.options.max_attempts:
            await self._fail(
                row,
                command,
                f"gave up after {row.attempts} attempts: {error}",
                permanent=False,
                started=started,
                code=code,
            )
            return
        backoff = self.options.backoff_seconds
        delay = backoff[min(row.attempts, len(backoff)) - 1] if backoff else 0.0
        now = func.now()
        async with self.transaction() as tx:
            updated = await tx.session.scalar(
                self._fenced(row, "sending", "transmitting").values(
                    status="retry",
                    next_attempt_at=now + timedelta(seconds=delay),
                    claimed_until=None,
                    last_error=error[:2000],
                    updated_at=now,
                )
            )
            if updated is None:
                return
            await self._log_attempt(tx.session, row, started, "retry", code, error)
        metrics.SENT.labels("retry").inc()
        log.warning(
            "mail_send_retry",
            command_id=str(row.command_id),
            attempt=row.attempts,
            retry_in=delay,
            error=error,
        )

    async def _fail(
        self,
        row: Row[Any],
        command: MailSend,
        error: str,
        *,
        permanent: bool,
        started: datetime,
        code: int | None = None,
        outcome: str = "failed",
    ) -> None:
        now = func.now()
        async with self.transaction() as tx:
            updated = await tx.session.scalar(
                self._fenced(row, "sending", "transmitting").values(
                    status="failed", claimed_until=None, last_error=error[:2000], updated_at=now
                )
            )
            if updated is None:
                return
            await self._log_attempt(tx.session, row, started, outcome, code, error)
            await tx.emit(
                MailFailed(
                    id=event_id(row.command_id, "failed"),
                    correlation_id=command.correlation_id,
                    command_id=row.command_id,
                    error=error[:2000],
                    permanent=permanent,
                    attempts=max(row.attempts, 1),
                    purpose=command.purpose,
                    order_id=command.order_id,
                    request_id=command.request_id,
                    proposal_id=command.proposal_id,
                    recipients=list(row.recipients),
                )
            )
        metrics.SENT.labels(outcome).inc()
        log.warning(
            "mail_send_failed",
            command_id=str(row.command_id),
            permanent=permanent,
            attempts=row.attempts,
            error=error,
        )

    async def _log_attempt(
        self,
        session: Any,
        row: Row[Any],
        started: datetime,
        outcome: str,
        code: int | None,
        error: str | None,
    ) -> None:
        await session.execute(
            send_attempts.insert().values(
                command_id=row.command_id,
                attempt=max(row.attempts, 1),
                started_at=started,
                outcome=outcome,
                smtp_code=code,
                error=error[:2000] if error else None,
            )
        )

    # -- a send interrupted during DATA ------------------------------------------------------

    async def recover_stale(self) -> None:
        t = outbound_messages
        now = func.now()
        stale = (
            select(t.c.command_id)
            .where(t.c.status == "transmitting", t.c.claimed_until < now)
            .limit(10)
            .with_for_update(skip_locked=True)
        )
        async with self.transaction() as tx:
            rows = (
                await tx.session.execute(
                    update(t)
                    .where(t.c.command_id.in_(stale.scalar_subquery()))
                    .values(claimed_until=now + self._claim)
                    .returning(t)
                )
            ).all()
        for row in rows:
            await self._resolve_unknown(row)

    async def _resolve_unknown(self, row: Row[Any]) -> None:
        command = MailSend.model_validate(row.command)
        started = datetime.now(UTC)
        if self.transport.idempotent:
            # Writing the same file again is harmless: just do it.
            async with self.transaction() as tx:
                await tx.session.execute(
                    self._fenced(row, "transmitting").values(
                        status="retry", next_attempt_at=func.now(), claimed_until=None
                    )
                )
            return
        if self.sent_folder is not None:
            try:
                found = await self.sent_folder.contains(row.message_id)
            except Exception as exc:
                log.warning(
                    "sent_folder_lookup_failed", command_id=str(row.command_id), error=str(exc)
                )
                return  # claimed_until was pushed forward: looked up again later
            if found:
                log.warning(
                    "mail_send_outcome_found_in_sent_folder", command_id=str(row.command_id)
                )
                await self._sent(row, command, Delivered(response="found in Sent"), started)
                return
        metrics.SENT.labels("unknown").inc()
        await self._fail(
            row, command, UNKNOWN_OUTCOME, permanent=False, started=started, outcome="unknown"
        )

    # -- copies in the Sent folder ---------------------------------------------------------------

    async def _save_copy(self, command_id: uuid.UUID, message_id: str, raw: bytes) -> None:
        assert self.sent_folder is not None
        try:
            await self.sent_folder.save(raw, message_id)
        except Exception as exc:
            log.warning("sent_copy_failed", command_id=str(command_id), error=str(exc))
            values: dict[str, Any] = {"copy_attempts": outbound_messages.c.copy_attempts + 1}
        else:
            values = {"copy_saved_at": func.now()}
        async with self.transaction() as tx:
            await tx.session.execute(
                update(outbound_messages)
                .where(outbound_messages.c.command_id == command_id)
                .values(**values)
            )

    async def save_pending_copies(self) -> None:
        t = outbound_messages
        async with self.transaction() as tx:
            rows = (
                await tx.session.execute(
                    select(t.c.command_id, t.c.message_id, t.c.raw_key)
                    .where(
                        t.c.status == "sent",
                        t.c.copy_saved_at.is_(None),
                        t.c.copy_attempts < MAX_COPY_ATTEMPTS,
                        t.c.raw_key.is_not(None),
                        # the copy is normally saved right after sending; this catches up
                        # after a failure or a restart
                        t.c.sent_at < func.now() - timedelta(minutes=1),
                        t.c.sent_at > func.now() - timedelta(days=1),
                    )
                    .limit(10)
                )
            ).all()
        for row in rows:
            try:
                raw = await self.storage.get(row.raw_key)
            except Exception as exc:
                log.warning("sent_copy_failed", command_id=str(row.command_id), error=str(exc))
                async with self.transaction() as tx:
                    await tx.session.execute(
                        update(t)
                        .where(t.c.command_id == row.command_id)
                        .values(copy_attempts=t.c.copy_attempts + 1)
                    )
                continue
            await self._save_copy(row.command_id, row.message_id, raw)
