"""Reading one received mail: load it, parse it, record the attempt, emit one event.

The mail gateway stores the raw .eml before it publishes ``mail.received``; the parser
reads that raw message back and parses it with ``snab_mailparse`` exactly as the CLI does
(attachments included). When the raw message is gone or damaged, the event's own text and
its stored attachments are read instead. A message with neither can never be parsed: it is
rejected as permanent and lands in the dead-letter queue. Storage errors other than "not
found" are transient: the message is retried.

The reading itself (MIME, attachments, rules) runs in a worker process of the reader pool,
within a time and memory budget; this process only waits for it (and for the LLM). A mail
whose reading is stopped is recorded with the reason and classified ``unparseable`` for a
manager, and its message is acknowledged like any other: it never blocks the next one.
So that a redelivery does not read it again, a reading that lasts (over a second; most take
milliseconds) is noted in ``parse_jobs`` in a transaction of its own, and its verdict when
it is stopped: a mail found there already stopped, or begun more times than a message is
delivered before the dead-letter queue without ever being answered (the process died while
reading it), is classified at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Literal, cast

from sqlalchemy import delete, func, insert, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from snab_contracts.mail import ClassifiedReason, MailReceived
from snab_kit.consume import Permanent, Tx
from snab_kit.logging import get_logger
from snab_kit.storage import ObjectStorage
from snab_mailparse import Address, Attachment, ParsedMail
from snab_parser import messages
from snab_parser.attachments import DEFAULT_LIMITS, AttachmentLimits
from snab_parser.db.tables import parse_attempts, parse_jobs
from snab_parser.domain.boundary import storable_text
from snab_parser.domain.events import ParsedEvent, classified, flag_reason, stopped, to_event
from snab_parser.extractors import ParseEngine, ParseOutcome
from snab_parser.pool import Overrun, ReadingPool
from snab_parser.reading import Reading, ReadJob
from snab_parser.result import ParseResult

UnitOfWork = Callable[[], AbstractAsyncContextManager[Tx]]

log = get_logger(__name__)

InputSource = Literal["raw", "event", "flags"]
_NOT_FOUND_CODES = frozenset({"NoSuchKey", "404", "NotFound"})
_HASH_INLINE = 1024 * 1024
# A reading still going after this long is noted in parse_jobs (most take milliseconds and
# never touch the table).
NOTE_AFTER_SECONDS = 1.0


@dataclass(frozen=True)
class MailInput:
    """The raw message, or when it is gone the mail rebuilt from the event."""

    source: InputSource
    raw: bytes | None = None
    mail: ParsedMail | None = None


def _is_not_found(exc: Exception) -> bool:
    if isinstance(exc, FileNotFoundError):
        return True
    response: Any = getattr(exc, "response", None)  # botocore's ClientError
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", "")) in _NOT_FOUND_CODES
    return False


async def fetch(storage: ObjectStorage, key: str) -> bytes | None:
    """The object, or None when it does not exist; other storage errors propagate."""
    try:
        return await storage.get(key)
    except Exception as exc:
        if _is_not_found(exc):
            return None
        raise


async def _sha256(data: bytes) -> str:
    if len(data) < _HASH_INLINE:
        return hashlib.sha256(data).hexdigest()
    # a big message (up to 25 MB) is hashed by a thread: the event loop never waits on it
    return await asyncio.to_thread(lambda: hashlib.sha256(data).hexdigest())


async def load_mail(event: MailReceived, storage: ObjectStorage) -> MailInput:
    raw = await fetch(storage, event.raw_key)
    if raw is not None:
        if await _sha256(raw) == event.raw_sha256:
            return MailInput("raw", raw=raw)
        log.warning("raw_checksum_mismatch", mail_id=str(event.mail_id), key=event.raw_key)
    else:
        log.warning("raw_missing", mail_id=str(event.mail_id), key=event.raw_key)

    attachments: list[Attachment] = []
    for ref in event.attachments:
        data = await fetch(storage, ref.storage_key)
        if data is not None:
            attachments.append(Attachment(ref.filename, ref.content_type, data))
    if not event.text.strip() and not attachments:
        raise Permanent(
            f"mail {event.mail_id}: raw message {event.raw_key!r} is not in storage "
            "and the event carries no text or attachments"
        )
    sender = event.from_
    mail = ParsedMail(
        message_id=event.message_id,
        in_reply_to=event.in_reply_to,
        references=list(event.references),
        from_addr=Address(sender.email, sender.name) if sender else None,
        to=[Address(a.email, a.name) for a in event.to],
        cc=[Address(a.email, a.name) for a in event.cc],
        reply_to=[Address(a.email, a.name) for a in event.reply_to],
        subject=event.mail_subject,
        date=event.date,
        text=event.text,
        attachments=attachments,
        auto_reply=event.flags.auto_reply,
        bounce=event.flags.bounce,
        bounced_message_id=event.flags.bounced_message_id,
        unparseable=event.flags.unparseable,
        defects=list(event.flags.defects),
        raw_sha256=event.raw_sha256,
    )
    return MailInput("event", mail=mail)


def _storable(attempt: dict[str, Any]) -> dict[str, Any]:
    return {k: storable_text(v) if isinstance(v, str) else v for k, v in attempt.items()}


def _flagged_result(reason: ClassifiedReason) -> ParseResult:
    """The label-shaped record of a message classified by its MIME flags alone."""
    if reason in ("auto_reply", "bounce"):
        return ParseResult(kind="other", other_reason=reason, confidence=1.0)
    return ParseResult(
        kind="other",
        other_reason="not_procurement",
        confidence=0.0,
        needs_review=True,
        review_reasons=["unparseable"],
    )


def _stopped_result(reason: str) -> ParseResult:
    """The label-shaped record of a mail whose reading was stopped."""
    return ParseResult(
        kind="other",
        other_reason="not_procurement",
        confidence=0.0,
        needs_review=True,
        review_reasons=[f"too_expensive_to_parse: {reason}"],
    )


@dataclass(frozen=True)
class Stopped:
    reason: str  # time, memory, crash, unfinished
    seconds: float | None
    detail: str


@dataclass(frozen=True)
class Decision:
    """A mail read: the event it gives and what is recorded of the attempt."""

    event: MailReceived
    out: ParsedEvent
    source: InputSource
    result: ParseResult
    outcome: ParseOutcome | None
    started: float
    noted: bool = False
    stopped_reason: str | None = None


class MailParser:
    """``mail.received`` -> one of ``order.parsed``, ``quote.parsed``, ``mail.classified``."""

    def __init__(
        self,
        *,
        engine: ParseEngine,
        storage: ObjectStorage,
        pool: ReadingPool,
        transaction: UnitOfWork,
        limits: AttachmentLimits = DEFAULT_LIMITS,
        max_starts: int = 5,
        note_after: float = NOTE_AFTER_SECONDS,
        side_by_side: int = 8,
    ) -> None:
        self.engine = engine
        self.storage = storage
        self.pool = pool
        self.transaction = transaction
        self.limits = limits
        self.max_starts = max_starts
        self.note_after = note_after
        self.side_by_side = side_by_side

    async def handle(self, event: MailReceived, tx: Tx) -> ParsedEvent:
        return await self.record(tx, await self.decide(event))

    async def handle_many(self, events: list[MailReceived], tx: Tx) -> list[ParsedEvent]:
        """A batch: up to ``side_by_side`` mails are loaded and read at a time (the reader
        pool runs as many at once as it has workers), then every verdict is written in the
        batch's one transaction."""
        slots = asyncio.Semaphore(self.side_by_side)

        async def decide(event: MailReceived) -> Decision:
            async with slots:  # a bounded number of raw messages in memory at once
                return await self.decide(event)

        decided = await asyncio.gather(*(decide(event) for event in events), return_exceptions=True)
        for item in decided:  # all finished first: no reading is left running behind
            if isinstance(item, BaseException):
                raise item  # the batch is replayed one by one, each with its own fate
        return await self.record_all(tx, cast(list[Decision], decided))

    async def decide(self, event: MailReceived) -> Decision:
        """What the mail is, read outside the handler's transaction (a reading that lasts
        is noted in ``parse_jobs`` in transactions of its own)."""
        started = time.perf_counter()
        flagged = flag_reason(event)
        if flagged is not None:
            out: ParsedEvent = classified(
                event,
                flagged,
                confidence=1.0 if flagged != "unparseable" else 0.0,
                extractor="rules",
                needs_review=flagged == "unparseable",
                text=event.text,
            )
            return Decision(event, out, "flags", _flagged_result(flagged), None, started)
        loaded = await load_mail(event, self.storage)
        reading, halt, noted = await self._read(event, loaded)
        if halt is not None:
            note = messages.too_expensive(
                halt.reason,
                seconds=self.pool.budget.seconds,
                memory_mb=self.pool.budget.memory_mb,
            )
            return Decision(
                event, stopped(event, note), loaded.source, _stopped_result(halt.reason), None,
                started, noted=noted, stopped_reason=halt.reason,
            )  # fmt: skip
        assert reading is not None
        outcome = await self.engine.finish(reading)
        parsed_flag: ClassifiedReason | None = (
            "bounce" if reading.bounce else "auto_reply" if reading.auto_reply else None
        )
        out = to_event(
            event,
            outcome.result,
            extractor=outcome.extractor,
            text=reading.text or event.text,
            parsed_flags=parsed_flag,
        )
        return Decision(event, out, loaded.source, outcome.result, outcome, started, noted=noted)

    async def record(self, tx: Tx, decision: Decision) -> ParsedEvent:
        """The attempt, and the one event it gives, in the handler's transaction."""
        [out] = await self.record_all(tx, [decision])
        return out

    async def record_all(self, tx: Tx, decisions: list[Decision]) -> list[ParsedEvent]:
        """``record`` for each of a batch, with one insert of all their attempts and one of
        all their events."""
        await tx.session.execute(insert(parse_attempts), [_attempt(d) for d in decisions])
        noted = [d.event.id for d in decisions if d.noted]
        if noted:  # recorded now: nothing of them is in progress any more
            await tx.session.execute(delete(parse_jobs).where(parse_jobs.c.event_id.in_(noted)))
        outs = [d.out for d in decisions]
        await tx.emit(*outs)
        for d in decisions:
            log.info(
                "mail_parsed",
                mail_id=str(d.event.mail_id),
                out=d.out.subject,
                extractor=getattr(d.out, "extractor", None),
                confidence=getattr(d.out, "confidence", None),
                needs_review=getattr(d.out, "needs_review", None),
            )
        return outs

    async def _read(
        self, event: MailReceived, loaded: MailInput
    ) -> tuple[Reading | None, Stopped | None, bool]:
        """The worker's reading of the mail, or why there is none; and whether it was noted
        in ``parse_jobs`` (a reading that lasts)."""
        job = ReadJob(
            raw=loaded.raw, mail=loaded.mail, llm_chars=self.engine.llm_chars, limits=self.limits
        )
        reading = asyncio.ensure_future(self.pool.read(job))
        noted = False
        try:
            done, _ = await asyncio.wait({reading}, timeout=self.note_after)
            if not done:
                noted = True
                earlier = await self._begin(event)
                if earlier is not None:  # stopped once already, or never answered
                    log.warning(
                        "reading_skipped", mail_id=str(event.mail_id), reason=earlier.reason
                    )
                    return None, earlier, noted
            try:
                return await reading, None, noted
            except Overrun as over:
                halt = Stopped(over.reason, over.seconds, over.detail)
                if not noted:
                    noted = True
                    await self._begin(event)
                await self._note_stopped(event, halt)
                return None, halt, noted
        finally:
            if not reading.done():
                reading.cancel()  # the pool stops its worker
                with contextlib.suppress(asyncio.CancelledError, Overrun):
                    await reading

    async def _begin(self, event: MailReceived) -> Stopped | None:
        """Note that reading begins (committed at once); an earlier verdict, if there is one."""
        async with self.transaction() as tx:
            # A guard, not a record: losing the last few in a database crash is harmless, so
            # this commit does not wait for the disk (one commit per mail already does).
            await tx.session.execute(text("SET LOCAL synchronous_commit TO OFF"))
            row = (
                await tx.session.execute(
                    pg_insert(parse_jobs)
                    .values(event_id=event.id, mail_id=event.mail_id, starts=1)
                    .on_conflict_do_update(
                        index_elements=[parse_jobs.c.event_id],
                        set_={"starts": parse_jobs.c.starts + 1, "updated_at": func.now()},
                    )
                    .returning(
                        parse_jobs.c.starts,
                        parse_jobs.c.stopped_reason,
                        parse_jobs.c.stopped_detail,
                        parse_jobs.c.seconds,
                    )
                )
            ).one()
        if row.stopped_reason is not None:
            return Stopped(row.stopped_reason, row.seconds, row.stopped_detail or "")
        if row.starts > self.max_starts:
            # Begun this often and never answered, failed or stopped: each time the process
            # went down while reading it. Reading it again would take the next one down.
            return Stopped("unfinished", None, f"begun {row.starts} times without an answer")
        return None

    async def _note_stopped(self, event: MailReceived, halt: Stopped) -> None:
        async with self.transaction() as tx:
            await tx.session.execute(
                update(parse_jobs)
                .where(parse_jobs.c.event_id == event.id)
                .values(
                    stopped_reason=halt.reason,
                    stopped_detail=halt.detail[:1000],
                    seconds=halt.seconds,
                    updated_at=func.now(),
                )
            )


def _attempt(decision: Decision) -> dict[str, Any]:
    """The ``parse_attempts`` row of a decision."""
    event, out, result, outcome = (
        decision.event,
        decision.out,
        decision.result,
        decision.outcome,
    )
    call = outcome.llm_call if outcome else None
    return {
        "id": uuid.uuid4(),
        "event_id": event.id,
        "mail_id": event.mail_id,
        "input_source": decision.source,
        "output_subject": out.subject,
        "output_event_id": out.id,
        "kind": result.kind,
        "extractor": outcome.extractor if outcome else "rules",
        "confidence": out.confidence,
        "needs_review": out.needs_review,
        "review_reasons": list(getattr(out, "review_reasons", result.review_reasons)),
        "result": result.to_json_dict(),
        "rules_result": outcome.rules_result.to_json_dict() if outcome else None,
        "llm_result": (
            outcome.llm_result.to_json_dict() if outcome and outcome.llm_result else None
        ),
        "agreed": outcome.agreed if outcome else None,
        "fallback_reason": outcome.fallback_reason if outcome else None,
        "llm_model": call.model if call else None,
        "llm_outcome": call.outcome if call else None,
        # the model's own words may echo the mail: stored as PostgreSQL accepts text
        "llm_raw": storable_text(call.raw) if call and call.raw else None,
        "llm_error": storable_text(call.error) if call and call.error else None,
        "llm_attempts": [_storable(a.as_dict()) for a in call.attempts] if call else [],
        "llm_prompt_tokens": call.prompt_tokens if call else None,
        "llm_completion_tokens": call.completion_tokens if call else None,
        "rules_seconds": outcome.rules_seconds if outcome else None,
        "llm_seconds": outcome.llm_seconds if outcome and call else None,
        "total_seconds": time.perf_counter() - decision.started,
        "stopped_reason": decision.stopped_reason,
    }
