"""Taking in one raw message: store it, parse it, record it and announce it — exactly once.

1. The raw .eml goes to object storage first, under a key made of its sha256, so writing it
   again after a crash is harmless.
2. It is parsed by ``snab_mailparse`` (bounded in size and CPU time). A message that cannot
   be parsed is still recorded and announced, flagged ``unparseable``, for a human.
3. One transaction: the ``inbound_messages`` row (unique per mailbox UID, and per raw
   sha256 + Message-ID), its attachments, the ``mail.received`` outbox row and, for IMAP,
   the mailbox's last-UID cursor. A duplicate changes nothing but the cursor.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import and_, case, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from snab_contracts.mail import AttachmentRef, MailAddress, MailFlags, MailReceived, ThreadInfo
from snab_kit.consume import Tx
from snab_kit.logging import get_logger
from snab_kit.storage import ObjectStorage
from snab_mail import metrics
from snab_mail.db.tables import inbound_attachments, inbound_messages, mailboxes, outbound_messages
from snab_mail.domain.threads import Mailbox, find_thread
from snab_mailparse import Address, Attachment, Limits, ParsedMail, parse_message

log = get_logger(__name__)

Transaction = Callable[[], AbstractAsyncContextManager[Tx]]

MAX_ADDRESSES = 100
MAX_REFERENCES = 50
MAX_DEFECTS = 50
MAX_SUBJECT_CHARS = 2000
MAX_HEADER_VALUE_CHARS = 998


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a raw message came from. ``uid`` and ``uidvalidity`` are set for IMAP."""

    source: Literal["imap", "upload"]
    account: str
    folder: str
    uidvalidity: int | None = None
    uid: int | None = None
    resync: bool = False
    """After a UIDVALIDITY change: the same Message-ID in this folder is the same message."""
    header_only_of: int | None = None
    """Only the header was downloaded of a message this large (over the fetch limit)."""


@dataclass(frozen=True, slots=True)
class IngestResult:
    mail_id: uuid.UUID
    duplicate: bool
    message_id: str | None
    unparseable: bool = False
    parse_cpu_seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class Fresh:
    """A message not seen before, parsed and with its bytes stored, about to be recorded."""

    mail_id: uuid.UUID
    origin: Origin
    parsed: ParsedMail
    refs: list[AttachmentRef]
    key: str
    sha: str
    size: int
    cpu: float


def raw_key(sha256: str) -> str:
    return f"mail/raw/{sha256[:2]}/{sha256}.eml"


def attachment_key(sha256: str) -> str:
    return f"mail/attachments/{sha256[:2]}/{sha256}"


def parse_timed(raw: bytes, limits: Limits) -> tuple[ParsedMail, float]:
    """Parse and report the CPU time it took (of the thread that parsed)."""
    started = time.thread_time()
    parsed = parse_message(raw, limits)
    return parsed, time.thread_time() - started


class Intake:
    def __init__(
        self,
        *,
        transaction: Transaction,
        storage: ObjectStorage,
        limits: Limits,
        mailbox: Mailbox,
        event_text_chars: int = 100_000,
    ) -> None:
        self.transaction = transaction
        self.storage = storage
        self.limits = limits
        self.mailbox = mailbox
        self.event_text_chars = event_text_chars

    async def ingest(
        self, raw: bytes, origin: Origin, *, failed: str | None = None
    ) -> IngestResult:
        """Take in ``raw``. ``failed``: taking it in normally failed again and again with
        this error; record it unparsed (flagged for a human) so the mailbox moves on."""
        sha = hashlib.sha256(raw).hexdigest()
        existing = await self._stored_with_sha(sha)
        if existing is not None:
            # Same bytes seen before (a resync, a second upload): only move the cursor on.
            if origin.uid is not None:
                async with self.transaction() as tx:
                    await self._advance_cursor(tx.session, origin)
            metrics.RECEIVED.labels(origin.source, "duplicate").inc()
            return IngestResult(mail_id=existing[0], duplicate=True, message_id=existing[1])

        key = await self.storage.put(raw_key(sha), raw, "message/rfc822")
        if failed is None:
            parsed, cpu = await asyncio.to_thread(parse_timed, raw, self.limits)
            metrics.PARSE_SECONDS.observe(cpu)
        else:
            parsed, cpu = _unread(raw, sha, f"intake failed: {failed}"), 0.0
        fresh = await self._prepared(raw, origin, sha, key, parsed, cpu)
        async with self.transaction() as tx:
            duplicate_of = await self._record(tx, fresh)
            if origin.uid is not None:
                await self._advance_cursor(tx.session, origin)
        return self._received(fresh, duplicate_of)

    async def ingest_batch(self, items: Sequence[tuple[bytes, Origin]]) -> list[IngestResult]:
        """Take in messages fetched together from one mailbox, as ``ingest`` would one by
        one, but with one lookup of known content, their bytes stored side by side while
        one parse call reads them all off the event loop, and one transaction for every
        row, event and the cursor (moved to the highest UID of the batch), with one insert
        of all the rows and one of all the events."""
        if not items:
            return []
        shas = [hashlib.sha256(raw).hexdigest() for raw, _ in items]
        known = await self._stored_with_shas(set(shas))
        new = [(raw, origin, sha) for (raw, origin), sha in zip(items, shas, strict=True)]
        new = [(raw, origin, sha) for raw, origin, sha in new if sha not in known]
        # Parsing needs nothing stored: it runs while the bytes are written (and is handed
        # to a worker thread first, ahead of the writes).
        readings, keys = await asyncio.gather(
            asyncio.to_thread(lambda: [parse_timed(raw, self.limits) for raw, _, _ in new]),
            asyncio.gather(
                *(self.storage.put(raw_key(sha), raw, "message/rfc822") for raw, _, sha in new)
            ),
        )
        for _, cpu in readings:
            metrics.PARSE_SECONDS.observe(cpu)
        prepared = await asyncio.gather(
            *(
                self._prepared(raw, origin, sha, key, parsed, cpu)
                for (raw, origin, sha), key, (parsed, cpu) in zip(new, keys, readings, strict=True)
            )
        )
        async with self.transaction() as tx:
            if any(fresh.origin.resync for fresh in prepared):
                # After a UIDVALIDITY change each message is compared with those recorded
                # before it, this batch's included: one after another.
                duplicates = [await self._record(tx, fresh) for fresh in prepared]
            else:
                duplicates = await self._record_all(tx, prepared)
            last = max(
                (origin for _, origin in items if origin.uid is not None),
                key=lambda origin: origin.uid or 0,
                default=None,
            )
            if last is not None:
                await self._advance_cursor(tx.session, last)
        recorded = iter(
            self._received(fresh, duplicate_of)
            for fresh, duplicate_of in zip(prepared, duplicates, strict=True)
        )
        out = []
        for (_, origin), sha in zip(items, shas, strict=True):
            if sha in known:
                metrics.RECEIVED.labels(origin.source, "duplicate").inc()
                mail_id, message_id = known[sha]
                out.append(IngestResult(mail_id=mail_id, duplicate=True, message_id=message_id))
            else:
                out.append(next(recorded))
        return out

    async def _prepared(
        self, raw: bytes, origin: Origin, sha: str, key: str, parsed: ParsedMail, cpu: float
    ) -> Fresh:
        """A parsed message made storable, its attachments stored."""
        storable(parsed)
        if origin.header_only_of is not None:
            parsed.unparseable = True
            parsed.defects.insert(
                0,
                f"message of {origin.header_only_of} bytes is over the download limit: only its "
                "header was fetched, the whole message stays in the mailbox",
            )
        refs = await self._store_attachments(parsed.attachments)
        return Fresh(uuid.uuid4(), origin, parsed, refs, key, sha, len(raw), cpu)

    async def _record(self, tx: Tx, fresh: Fresh) -> uuid.UUID | None:
        """The row, its attachments and its event, in the caller's transaction; or the id
        of the message it turned out to duplicate."""
        session, origin, parsed = tx.session, fresh.origin, fresh.parsed
        if origin.resync and parsed.message_id:
            duplicate_of = await self._same_message_id(session, origin, parsed.message_id)
            if duplicate_of is not None:
                return duplicate_of
        [duplicate_of] = await self._record_all(tx, [fresh])
        return duplicate_of

    async def _record_all(self, tx: Tx, batch: Sequence[Fresh]) -> list[uuid.UUID | None]:
        """``_record`` for each message of a batch read without a resync (no Message-ID to
        compare first), in the same order, with one insert of all the rows, one of their
        attachments and one of their events. A row that conflicts (the same content, or the
        same mailbox UID, recorded before or earlier in the batch) is left out with its
        attachments and its event, and the id of the row it conflicts with is returned for
        it."""
        if not batch:
            return []
        session = tx.session
        events: list[MailReceived] = []
        rows: list[dict[str, Any]] = []
        for fresh in batch:
            parsed = fresh.parsed
            bounced = parsed.bounced_message_id or await self._bounced_by_recipient(session, parsed)
            event = self._event(
                fresh.mail_id,
                fresh.origin,
                parsed,
                fresh.refs,
                fresh.key,
                fresh.sha,
                fresh.size,
                bounced,
            )
            events.append(event)
            rows.append(
                self._row(
                    fresh.mail_id,
                    fresh.origin,
                    parsed,
                    fresh.key,
                    fresh.sha,
                    fresh.size,
                    fresh.cpu,
                    event,
                )
            )
        # Rows are inserted in the batch's order: of two that conflict, the first stays.
        inserted = set(
            (
                await session.scalars(
                    pg_insert(inbound_messages)
                    .on_conflict_do_nothing()
                    .returning(inbound_messages.c.id),
                    rows,
                )
            ).all()
        )
        duplicates: list[uuid.UUID | None] = [
            None
            if fresh.mail_id in inserted
            else await self._conflicting(session, fresh.sha, fresh.origin)
            for fresh in batch
        ]
        attachments = [
            {**_attachment_row(ref, attachment), "mail_id": fresh.mail_id, "position": i}
            for fresh in batch
            if fresh.mail_id in inserted
            for i, (ref, attachment) in enumerate(
                zip(fresh.refs, fresh.parsed.attachments, strict=True)
            )
        ]
        if attachments:
            await session.execute(inbound_attachments.insert(), attachments)
        await tx.emit(
            *(
                event
                for fresh, event in zip(batch, events, strict=True)
                if fresh.mail_id in inserted
            )
        )
        return duplicates

    @staticmethod
    def _received(fresh: Fresh, duplicate_of: uuid.UUID | None) -> IngestResult:
        origin, parsed = fresh.origin, fresh.parsed
        if duplicate_of is not None:
            metrics.RECEIVED.labels(origin.source, "duplicate").inc()
            return IngestResult(mail_id=duplicate_of, duplicate=True, message_id=parsed.message_id)
        outcome = "unparseable" if parsed.unparseable else "new"
        metrics.RECEIVED.labels(origin.source, outcome).inc()
        log.info(
            "mail_received",
            mail_id=str(fresh.mail_id),
            source=origin.source,
            uid=origin.uid,
            message_id=parsed.message_id,
            size=fresh.size,
            unparseable=parsed.unparseable,
            auto_reply=parsed.auto_reply,
            bounce=parsed.bounce,
            parse_ms=round(fresh.cpu * 1000),
        )
        return IngestResult(
            mail_id=fresh.mail_id,
            duplicate=False,
            message_id=parsed.message_id,
            unparseable=parsed.unparseable,
            parse_cpu_seconds=fresh.cpu,
        )

    # -- steps --------------------------------------------------------------------------

    async def _stored_with_sha(
        self, sha: str, session: AsyncSession | None = None
    ) -> tuple[uuid.UUID, str | None] | None:
        query = (
            select(inbound_messages.c.id, inbound_messages.c.message_id)
            .where(inbound_messages.c.raw_sha256 == sha)
            .limit(1)
        )
        if session is not None:
            row = (await session.execute(query)).first()
        else:
            async with self.transaction() as tx:
                row = (await tx.session.execute(query)).first()
        return (row.id, row.message_id) if row is not None else None

    async def _stored_with_shas(self, shas: set[str]) -> dict[str, tuple[uuid.UUID, str | None]]:
        async with self.transaction() as tx:
            rows = (
                await tx.session.execute(
                    select(
                        inbound_messages.c.raw_sha256,
                        inbound_messages.c.id,
                        inbound_messages.c.message_id,
                    ).where(inbound_messages.c.raw_sha256.in_(shas))
                )
            ).all()
        return {row.raw_sha256: (row.id, row.message_id) for row in rows}

    async def _conflicting(
        self, session: AsyncSession, sha: str, origin: Origin
    ) -> uuid.UUID | None:
        """The row that made an insert conflict: same content, or the same mailbox UID."""
        t = inbound_messages
        same = t.c.raw_sha256 == sha
        if origin.uid is not None:  # (an upload has no UID: "uid IS NULL" matches them all)
            same = or_(
                same,
                and_(
                    t.c.account == origin.account,
                    t.c.folder == origin.folder,
                    t.c.uidvalidity == origin.uidvalidity,
                    t.c.uid == origin.uid,
                ),
            )
        found: uuid.UUID | None = await session.scalar(
            select(t.c.id).where(same).order_by(t.c.received_at).limit(1)
        )
        return found

    async def _same_message_id(
        self, session: AsyncSession, origin: Origin, message_id: str
    ) -> uuid.UUID | None:
        found: uuid.UUID | None = await session.scalar(
            select(inbound_messages.c.id)
            .where(
                inbound_messages.c.account == origin.account,
                inbound_messages.c.folder == origin.folder,
                inbound_messages.c.message_id == message_id,
            )
            .limit(1)
        )
        return found

    async def _bounced_by_recipient(self, session: AsyncSession, parsed: ParsedMail) -> str | None:
        """A bounce that does not quote our Message-ID: the last message sent to the address
        that failed, within a week."""
        if not parsed.bounce or not parsed.bounce_recipients:
            return None
        for address in parsed.bounce_recipients[:5]:
            found: str | None = await session.scalar(
                select(outbound_messages.c.message_id)
                .where(
                    outbound_messages.c.status == "sent",
                    outbound_messages.c.recipients.contains([address.strip().lower()]),
                    outbound_messages.c.sent_at > datetime.now(UTC) - timedelta(days=7),
                )
                .order_by(outbound_messages.c.sent_at.desc())
                .limit(1)
            )
            if found:
                return found
        return None

    async def _advance_cursor(self, session: AsyncSession, origin: Origin) -> None:
        assert origin.uid is not None and origin.uidvalidity is not None
        uid = origin.uid
        await session.execute(
            update(mailboxes)
            .where(
                mailboxes.c.account == origin.account,
                mailboxes.c.folder == origin.folder,
                mailboxes.c.uidvalidity == origin.uidvalidity,
                mailboxes.c.last_uid < uid,
            )
            .values(
                last_uid=uid,
                updated_at=datetime.now(UTC),
                resync_until_uid=case(
                    (mailboxes.c.resync_until_uid <= uid, None),
                    else_=mailboxes.c.resync_until_uid,
                ),
            )
        )

    async def _store_attachments(self, attachments: Sequence[Attachment]) -> list[AttachmentRef]:
        refs = []
        for attachment in attachments:
            sha = attachment.sha256
            key = await self.storage.put(
                attachment_key(sha), attachment.data, attachment.content_type or _OCTET
            )
            refs.append(
                AttachmentRef(
                    filename=_cut(attachment.filename, 500) or "attachment",
                    content_type=_cut(attachment.content_type, 200) or _OCTET,
                    size=attachment.size,
                    sha256=sha,
                    storage_key=key,
                )
            )
        return refs

    def _event(
        self,
        mail_id: uuid.UUID,
        origin: Origin,
        parsed: ParsedMail,
        refs: list[AttachmentRef],
        key: str,
        sha: str,
        size: int,
        bounced: str | None,
    ) -> MailReceived:
        recipients = [a.email for a in [*parsed.to, *parsed.cc]]
        thread = find_thread(
            mailbox=self.mailbox,
            subject=parsed.subject,
            in_reply_to=parsed.in_reply_to,
            references=parsed.references,
            recipients=recipients,
            bounced_message_id=bounced if parsed.bounce else None,
        )
        text = parsed.text
        truncated = len(text) > self.event_text_chars
        return MailReceived(
            mail_id=mail_id,
            source=origin.source,
            account=origin.account,
            folder=origin.folder,
            uid=origin.uid,
            message_id=_cut(parsed.message_id, MAX_HEADER_VALUE_CHARS),
            in_reply_to=_cut(parsed.in_reply_to, MAX_HEADER_VALUE_CHARS),
            references=[r[:MAX_HEADER_VALUE_CHARS] for r in parsed.references[-MAX_REFERENCES:]],
            from_=_address(parsed.from_addr),
            to=_addresses(parsed.to),
            cc=_addresses(parsed.cc),
            reply_to=_addresses(parsed.reply_to),
            mail_subject=parsed.subject[:MAX_SUBJECT_CHARS],
            date=as_utc(parsed.date),
            text=text[: self.event_text_chars] if truncated else text,
            text_truncated=truncated,
            has_html=parsed.html is not None,
            attachments=refs,
            raw_key=key,
            raw_sha256=sha,
            size=size,
            thread=ThreadInfo(
                request_id=thread.request_id,
                rfq_number=thread.rfq_number,
                matched_by=thread.matched_by,
            ),
            flags=MailFlags(
                auto_reply=parsed.auto_reply,
                bounce=parsed.bounce,
                bounced_message_id=_cut(bounced, MAX_HEADER_VALUE_CHARS) if parsed.bounce else None,
                unparseable=parsed.unparseable,
                defects=[d[:300] for d in parsed.defects[:MAX_DEFECTS]],
            ),
            received_at=datetime.now(UTC),
        )

    @staticmethod
    def _row(
        mail_id: uuid.UUID,
        origin: Origin,
        parsed: ParsedMail,
        key: str,
        sha: str,
        size: int,
        cpu: float,
        event: MailReceived,
    ) -> dict[str, Any]:
        dumped = event.model_dump(mode="json", by_alias=True)
        return {
            "id": mail_id,
            "source": origin.source,
            "account": origin.account,
            "folder": origin.folder,
            "uidvalidity": origin.uidvalidity,
            "uid": origin.uid,
            "message_id": event.message_id,
            "in_reply_to": event.in_reply_to,
            "references": dumped["references"],
            "from_addr": dumped["from"],
            "to_addrs": dumped["to"],
            "cc_addrs": dumped["cc"],
            "subject": event.mail_subject,
            "sent_date": event.date,
            "raw_key": key,
            "raw_sha256": sha,
            "size": size,
            "status": "unparseable" if parsed.unparseable else "received",
            "flags": dumped["flags"],
            "thread": dumped["thread"],
            "parse_ms": round(cpu * 1000),
            "received_at": event.received_at,
        }


_OCTET = "application/octet-stream"


def as_utc(value: datetime | None) -> datetime | None:
    """The Date header in UTC; None when it cannot be (year 1 at +14:00 and the like)."""
    if value is None:
        return None
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


_PLAIN_MESSAGE_ID = re.compile(rb"^message-id:[ \t]*(<[!-;=?-~]{1,250}>)[ \t]*\r?$", re.I | re.M)


def _unread(raw: bytes, sha: str, defect: str) -> ParsedMail:
    """A message recorded without parsing: only a plain ASCII Message-ID is kept."""
    head = raw[: 64 * 1024].split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    found = _PLAIN_MESSAGE_ID.search(head)
    return ParsedMail(
        message_id=found.group(1).decode("ascii") if found else None,
        raw_sha256=sha,
        unparseable=True,
        defects=[defect[:300]],
    )


def clean(value: str) -> str:
    """Text PostgreSQL and JSON accept: no NUL characters, no lone surrogates."""
    if "\x00" in value:
        value = value.replace("\x00", "")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-8", errors="replace").decode("utf-8")
    return value


def storable(parsed: ParsedMail) -> None:
    """Clean every string of a parsed message in place: a crafted header must not make the
    database refuse the row (and so stall the mailbox on that message)."""
    parsed.message_id = clean(parsed.message_id) if parsed.message_id else parsed.message_id
    parsed.in_reply_to = clean(parsed.in_reply_to) if parsed.in_reply_to else parsed.in_reply_to
    parsed.references = [clean(r) for r in parsed.references]
    parsed.subject = clean(parsed.subject)
    parsed.text = clean(parsed.text)
    parsed.defects = [clean(d) for d in parsed.defects]
    if parsed.bounced_message_id:
        parsed.bounced_message_id = clean(parsed.bounced_message_id)
    parsed.bounce_recipients = [clean(r) for r in parsed.bounce_recipients]
    parsed.from_addr = _clean_address(parsed.from_addr) if parsed.from_addr else None
    for addresses in (parsed.to, parsed.cc, parsed.reply_to):
        addresses[:] = [_clean_address(a) for a in addresses]
    parsed.attachments = [
        Attachment(
            filename=clean(a.filename),
            content_type=clean(a.content_type),
            data=a.data,
            charset=a.charset,
            inline=a.inline,
        )
        for a in parsed.attachments
    ]


def _clean_address(address: Address) -> Address:
    return Address(email=clean(address.email), name=clean(address.name))


def _cut(value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    return value[:limit]


def _address(address: Address | None) -> MailAddress | None:
    if address is None or not address.email.strip():
        return None
    return MailAddress(email=address.email.strip()[:320], name=(address.name or "")[:500])


def _addresses(addresses: Sequence[Address]) -> list[MailAddress]:
    result = []
    for address in addresses[:MAX_ADDRESSES]:
        converted = _address(address)
        if converted is not None:
            result.append(converted)
    return result


def _attachment_row(ref: AttachmentRef, attachment: Attachment) -> dict[str, Any]:
    return {
        "filename": ref.filename,
        "content_type": ref.content_type,
        "size": ref.size,
        "sha256": ref.sha256,
        "storage_key": ref.storage_key,
        "inline": attachment.inline,
    }
