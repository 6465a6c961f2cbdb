"""Reading one mailbox folder for as long as the service runs.

While this replica holds the mailbox lease: connect (through the circuit breaker, with
backoff), open the folder read-only, take in every message above the last handled UID
in batches, then wait — with IDLE when the server lists it (the folder is read again every
``IMAP_IDLE_SECONDS`` even without news; the connection is checked every
``IMAP_KEEPALIVE_SECONDS`` meanwhile), else by polling every ``IMAP_POLL_SECONDS``. The
cursor (UIDVALIDITY, last UID) lives in ``mail.mailboxes`` and moves in the same
transaction as each message's row and event, so a lost connection is simply opened again
and reading goes on from the cursor.

First start on a folder with history: only mail arriving from now on, or the last
``IMAP_BACKFILL_DAYS`` days. A changed UIDVALIDITY: the folder is read again from a little
before the last sync, and what was taken in before is recognised (raw sha256, and
Message-ID within the folder) instead of being announced twice.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from aioimaplib import AioImapException
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError

from snab_kit.logging import get_logger
from snab_kit.service import CheckResult
from snab_mail import metrics
from snab_mail.db.tables import mailboxes
from snab_mail.domain.breaker import CircuitBreaker
from snab_mail.health import Link, LinkState, Reason
from snab_mail.imap.client import (
    FolderStatus,
    ImapConfig,
    ImapError,
    ImapSession,
    classify,
    imap_date,
)
from snab_mail.imap.lease import KvLease, LeaseLost, run_while_leader
from snab_mail.services.intake import Intake, Origin, Transaction

log = get_logger(__name__)

SESSION_ERRORS = (ImapError, AioImapException, OSError, TimeoutError, EOFError)
MAX_TRIES_PER_MESSAGE = 3
UNAVAILABLE = (OSError, TimeoutError, OperationalError, InterfaceError, DisconnectionError)


@dataclass(frozen=True, slots=True)
class Batch:
    uids: tuple[int, ...]
    header_only: bool = False


def plan_batches(
    uids: Sequence[int],
    sizes: dict[int, int],
    *,
    max_count: int,
    max_bytes: int,
    max_fetch_bytes: int,
) -> list[Batch]:
    """Group UIDs into FETCH batches bounded by count and bytes; a message larger than
    ``max_fetch_bytes`` gets a header-only batch of its own."""
    batches: list[Batch] = []
    current: list[int] = []
    current_bytes = 0
    for uid in uids:
        size = sizes.get(uid, 0)
        if size > max_fetch_bytes:
            if current:
                batches.append(Batch(tuple(current)))
                current, current_bytes = [], 0
            batches.append(Batch((uid,), header_only=True))
            continue
        if current and (len(current) >= max_count or current_bytes + size > max_bytes):
            batches.append(Batch(tuple(current)))
            current, current_bytes = [], 0
        current.append(uid)
        current_bytes += size
    if current:
        batches.append(Batch(tuple(current)))
    return batches


@dataclass(frozen=True, slots=True)
class PollerOptions:
    folder: str = "INBOX"
    poll_seconds: float = 30.0
    use_idle: bool = True
    idle_seconds: float = 540.0
    batch_size: int = 50
    batch_bytes: int = 32 * 1024 * 1024
    max_fetch_bytes: int = 100 * 1024 * 1024
    backfill_days: int = 0
    resync_margin: timedelta = timedelta(hours=24)


class MailboxPoller:
    def __init__(
        self,
        *,
        config: ImapConfig,
        options: PollerOptions,
        intake: Intake,
        transaction: Transaction,
        breaker: CircuitBreaker,
        lease: KvLease | None = None,
        open_session: Callable[[ImapConfig], Awaitable[ImapSession]] = ImapSession.open,
    ) -> None:
        self.config = config
        self.options = options
        self.intake = intake
        self.transaction = transaction
        self.breaker = breaker
        self.lease = lease
        self._open_session = open_session
        self.account = config.username
        self.folder = options.folder
        self.label = f"{self.account}/{self.folder}"
        self.leader = False
        self.connected = False
        self.session: ImapSession | None = None
        self.link = Link("imap", credentials="EMAIL_USERNAME/EMAIL_PASSWORD")
        self.last_sync: float | None = None
        self.waits = 0
        self._failures: dict[tuple[int | None, int | None], int] = {}
        """IDLE rounds (or poll intervals) completed; each IDLE round is a new IDLE command."""
        self.ready = asyncio.Event()
        """Set once the folder's cursor exists and it has been read to the end."""
        metrics.IMAP_LEADER.labels(self.label).set(0)
        metrics.IMAP_SYNC_LAG.labels(self.label).set_function(self._lag)

    def _lag(self) -> float:
        if not self.leader or self.last_sync is None:
            return 0.0
        return time.monotonic() - self.last_sync

    # -- health ------------------------------------------------------------------------

    @property
    def idling(self) -> bool:
        """An IDLE is running: the server is to tell us about new mail."""
        return self.session is not None and self.session.idling

    def health(self) -> CheckResult:
        if not self.leader:
            if self.lease is not None and self.lease.held_elsewhere:
                return CheckResult(str(LinkState.STANDBY))
            return CheckResult(str(LinkState.CONNECTING), ready=False)
        if self.link.state is LinkState.OK and self.last_sync is not None:
            wait = self.options.idle_seconds if self.options.use_idle else 0.0
            stale_after = max(self.options.poll_seconds, wait) * 2 + 60
            lag = time.monotonic() - self.last_sync
            if lag > stale_after:
                return CheckResult(f"failing: {Reason.STALLED}", failing=True)
        return self.link.result()

    # -- main loop -----------------------------------------------------------------------

    async def run(self) -> None:
        log.info(
            "imap_intake_starting",
            mailbox=self.label,
            server=f"{self.config.host}:{self.config.port}",
            security=self.config.security,
        )
        while True:
            if self.lease is None:
                await self._read_forever()
                continue
            try:
                await run_while_leader(self.lease, self._read_forever)
            except LeaseLost as exc:
                log.warning("imap_lease_lost", mailbox=self.label, reason=str(exc))

    async def _read_forever(self) -> None:
        self.leader = True
        self.link.connecting()
        metrics.IMAP_LEADER.labels(self.label).set(1)
        log.info("imap_leader", mailbox=self.label)
        backoff = 1.0
        try:
            while True:
                if not self.breaker.allow():
                    await asyncio.sleep(max(self.breaker.retry_in(), 0.05))
                    continue
                try:
                    session = await self._open_session(self.config)
                except SESSION_ERRORS as exc:
                    error = f"{type(exc).__name__}: {exc}"
                    self.breaker.record_failure(error)
                    # Warned once per change of reason; each retry only at debug level.
                    self.link.down(classify(exc), error, mailbox=self.label)
                    log.debug("imap_connect_failed", mailbox=self.label, error=error)
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, 60.0)
                    continue
                self.breaker.record_success()
                self.connected = True
                self.session = session
                synced = self.last_sync
                try:
                    await self._serve(session)
                except ImapError as exc:
                    error = f"{type(exc).__name__}: {exc}"
                    self.link.down(exc.reason, error, mailbox=self.label)
                    log.info("imap_session_ended", mailbox=self.label, error=error)
                except Exception as exc:
                    # The database or the storage, not the mail server: their own checks
                    # say so; the session is opened again once they are back.
                    log.warning(
                        "imap_session_ended",
                        mailbox=self.label,
                        error=f"{type(exc).__name__}: {exc}",
                    )
                finally:
                    self.connected = False
                    self.session = None
                    await session.close()
                if self.last_sync != synced:
                    backoff = 1.0  # it worked before it broke: reconnect soon
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 60.0)
        finally:
            self.leader = False
            self.link.connecting()
            metrics.IMAP_LEADER.labels(self.label).set(0)

    async def _serve(self, session: ImapSession) -> None:
        status = await session.examine(self.folder)
        uidvalidity = await self._prepare(session, status)
        idle = self.options.use_idle and session.has_idle
        log.info("imap_connected", mailbox=self.label, idle=idle, uidvalidity=uidvalidity)
        while True:
            await self._sync(session, uidvalidity)
            self.last_sync = time.monotonic()
            self.link.up(mailbox=self.label)
            self.ready.set()
            if idle:
                await session.idle(self.options.idle_seconds)
            else:
                await session.wait(self.options.poll_seconds)
            self.waits += 1
            status = await session.examine(self.folder)
            if status.uidvalidity != uidvalidity:
                uidvalidity = await self._prepare(session, status)

    # -- cursor ----------------------------------------------------------------------------

    async def _prepare(self, session: ImapSession, status: FolderStatus) -> int:
        """Make sure the cursor belongs to the folder's current UIDVALIDITY."""
        async with self.transaction() as tx:
            row = (
                await tx.session.execute(
                    select(mailboxes).where(
                        mailboxes.c.account == self.account, mailboxes.c.folder == self.folder
                    )
                )
            ).first()
        if row is not None and row.uidvalidity == status.uidvalidity:
            return status.uidvalidity
        highest = await self._highest_uid(session, status)
        if row is None:
            start = highest
            if self.options.backfill_days > 0:
                since = datetime.now(UTC).date() - timedelta(days=self.options.backfill_days)
                start = await self._uid_before(session, since, highest)
            async with self.transaction() as tx:
                await tx.session.execute(
                    pg_insert(mailboxes)
                    .values(
                        account=self.account,
                        folder=self.folder,
                        uidvalidity=status.uidvalidity,
                        last_uid=start,
                    )
                    .on_conflict_do_nothing()
                )
            log.info(
                "imap_cursor_created",
                mailbox=self.label,
                uidvalidity=status.uidvalidity,
                first_uid=start + 1,
                backfill_days=self.options.backfill_days,
            )
            return status.uidvalidity
        last_seen = row.synced_at or row.updated_at
        since = (last_seen - self.options.resync_margin).date()
        start = await self._uid_before(session, since, highest)
        async with self.transaction() as tx:
            await tx.session.execute(
                update(mailboxes)
                .where(
                    mailboxes.c.account == self.account,
                    mailboxes.c.folder == self.folder,
                    mailboxes.c.uidvalidity == row.uidvalidity,
                )
                .values(
                    uidvalidity=status.uidvalidity,
                    last_uid=start,
                    resync_until_uid=highest if highest > start else None,
                    updated_at=datetime.now(UTC),
                )
            )
        log.warning(
            "imap_uidvalidity_changed",
            mailbox=self.label,
            old=row.uidvalidity,
            new=status.uidvalidity,
            rereading_from_uid=start + 1,
            dedupe_until_uid=highest,
        )
        return status.uidvalidity

    async def _highest_uid(self, session: ImapSession, status: FolderStatus) -> int:
        if status.uidnext is not None:
            return status.uidnext - 1
        uids = await session.search("ALL") if status.exists else []
        return uids[-1] if uids else 0

    async def _uid_before(self, session: ImapSession, since: date, highest: int) -> int:
        uids = await session.search("SINCE", imap_date(since))
        return uids[0] - 1 if uids else highest

    # -- intake ----------------------------------------------------------------------------

    async def _sync(self, session: ImapSession, uidvalidity: int) -> None:
        async with self.transaction() as tx:
            row = (
                await tx.session.execute(
                    select(mailboxes.c.last_uid, mailboxes.c.resync_until_uid).where(
                        mailboxes.c.account == self.account,
                        mailboxes.c.folder == self.folder,
                        mailboxes.c.uidvalidity == uidvalidity,
                    )
                )
            ).first()
        if row is None:
            raise ImapError(f"{self.label}: cursor for UIDVALIDITY {uidvalidity} vanished")
        last, resync_until = int(row.last_uid), row.resync_until_uid
        while True:
            uids = await session.uids_after(last)
            if not uids:
                break
            chunk = uids[: self.options.batch_size]
            sizes = await session.sizes(chunk)
            for batch in plan_batches(
                chunk,
                sizes,
                max_count=self.options.batch_size,
                max_bytes=self.options.batch_bytes,
                max_fetch_bytes=self.options.max_fetch_bytes,
            ):
                fetched = await session.fetch(batch.uids, header_only=batch.header_only)
                items: list[tuple[bytes, Origin]] = []
                for uid in batch.uids:
                    raw = fetched.get(uid)
                    if raw is None:
                        log.warning("imap_message_vanished", mailbox=self.label, uid=uid)
                        continue
                    origin = Origin(
                        source="imap",
                        account=self.account,
                        folder=self.folder,
                        uidvalidity=uidvalidity,
                        uid=uid,
                        resync=resync_until is not None and uid <= resync_until,
                        header_only_of=sizes.get(uid) if batch.header_only else None,
                    )
                    items.append((raw, origin))
                await self._ingest_batch(items)
            last = max(last, chunk[-1])
        async with self.transaction() as tx:
            await tx.session.execute(
                update(mailboxes)
                .where(
                    mailboxes.c.account == self.account,
                    mailboxes.c.folder == self.folder,
                    mailboxes.c.uidvalidity == uidvalidity,
                )
                .values(synced_at=datetime.now(UTC))
            )

    async def _ingest_batch(self, items: list[tuple[bytes, Origin]]) -> None:
        """Take a fetched batch in with one transaction; should that fail for anything but
        an outage, take its messages in one by one, so that one bad message is found and
        set aside while the others go on."""
        try:
            await self.intake.ingest_batch(items)
        except UNAVAILABLE:
            raise
        except Exception as exc:
            log.warning(
                "imap_batch_taken_one_by_one",
                mailbox=self.label,
                messages=len(items),
                error=f"{type(exc).__name__}: {exc}",
            )
            for raw, origin in items:
                await self._ingest(raw, origin)

    async def _ingest(self, raw: bytes, origin: Origin) -> None:
        """Take one message in. If the same message keeps failing (a bug its content
        triggers), record it unparsed after a few tries rather than stall the mailbox."""
        key = (origin.uidvalidity, origin.uid)
        try:
            await self.intake.ingest(raw, origin)
        except UNAVAILABLE:
            raise  # the database or storage is away: nothing to do with this message
        except Exception as exc:
            tries = self._failures.get(key, 0) + 1
            self._failures = {key: tries}
            if tries < MAX_TRIES_PER_MESSAGE:
                raise
            error = f"{type(exc).__name__}: {exc}"
            log.error("imap_message_set_aside", mailbox=self.label, uid=origin.uid, error=error)
            await self.intake.ingest(raw, origin, failed=error)
        self._failures.pop(key, None)
