"""Reading one received mail: load it, parse it, record the attempt, emit one event.

The mail gateway stores the raw .eml before it publishes ``mail.received``; the parser
reads that raw message back and parses it with ``snab_mailparse`` exactly as the CLI does
(attachments included). When the raw message is gone or damaged, the event's own text and
its stored attachments are read instead. A message with neither can never be parsed: it is
rejected as permanent and lands in the dead-letter queue. Storage errors other than "not
found" are transient: the message is retried.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
import uuid
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import insert

from snab_contracts.mail import ClassifiedReason, MailReceived
from snab_kit.consume import Permanent, Tx
from snab_kit.logging import get_logger
from snab_kit.storage import ObjectStorage
from snab_mailparse import Address, Attachment, ParsedMail, parse_message
from snab_parser.db.tables import parse_attempts
from snab_parser.domain.events import ParsedEvent, classified, flag_reason, to_event
from snab_parser.extractors import ParseEngine, ParseOutcome
from snab_parser.result import ParseResult

log = get_logger(__name__)

InputSource = Literal["raw", "event", "flags"]
_NOT_FOUND_CODES = frozenset({"NoSuchKey", "404", "NotFound"})


@dataclass(frozen=True)
class MailInput:
    mail: ParsedMail
    source: InputSource


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


async def load_mail(event: MailReceived, storage: ObjectStorage) -> MailInput:
    raw = await fetch(storage, event.raw_key)
    if raw is not None:
        if hashlib.sha256(raw).hexdigest() == event.raw_sha256:
            return MailInput(await asyncio.to_thread(parse_message, raw), "raw")
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
    return MailInput(mail, "event")


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


class MailParser:
    """``mail.received`` -> one of ``order.parsed``, ``quote.parsed``, ``mail.classified``."""

    def __init__(self, *, engine: ParseEngine, storage: ObjectStorage) -> None:
        self.engine = engine
        self.storage = storage

    async def handle(self, event: MailReceived, tx: Tx) -> ParsedEvent:
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
            await self._record(tx, event, out, "flags", _flagged_result(flagged), None, started)
        else:
            loaded = await load_mail(event, self.storage)
            mail = loaded.mail
            outcome = await self.engine.parse(mail)
            parsed_flag: ClassifiedReason | None = (
                "bounce" if mail.bounce else "auto_reply" if mail.auto_reply else None
            )
            out = to_event(
                event,
                outcome.result,
                extractor=outcome.extractor,
                text=mail.text or event.text,
                parsed_flags=parsed_flag,
            )
            await self._record(tx, event, out, loaded.source, outcome.result, outcome, started)
        await tx.emit(out)
        log.info(
            "mail_parsed",
            mail_id=str(event.mail_id),
            out=out.subject,
            extractor=getattr(out, "extractor", None),
            confidence=getattr(out, "confidence", None),
            needs_review=getattr(out, "needs_review", None),
        )
        return out

    async def _record(
        self,
        tx: Tx,
        event: MailReceived,
        out: ParsedEvent,
        source: InputSource,
        result: ParseResult,
        outcome: ParseOutcome | None,
        started: float,
    ) -> None:
        call = outcome.llm_call if outcome else None
        await tx.session.execute(
            insert(parse_attempts).values(
                id=uuid.uuid4(),
                event_id=event.id,
                mail_id=event.mail_id,
                input_source=source,
                output_subject=out.subject,
                output_event_id=out.id,
                kind=result.kind,
                extractor=outcome.extractor if outcome else "rules",
                confidence=out.confidence,
                needs_review=out.needs_review,
                review_reasons=list(getattr(out, "review_reasons", result.review_reasons)),
                result=result.to_json_dict(),
                rules_result=outcome.rules_result.to_json_dict() if outcome else None,
                llm_result=(
                    outcome.llm_result.to_json_dict() if outcome and outcome.llm_result else None
                ),
                agreed=outcome.agreed if outcome else None,
                fallback_reason=outcome.fallback_reason if outcome else None,
                llm_model=call.model if call else None,
                llm_outcome=call.outcome if call else None,
                llm_raw=call.raw if call else None,
                llm_error=call.error if call else None,
                llm_attempts=[a.as_dict() for a in call.attempts] if call else [],
                llm_prompt_tokens=call.prompt_tokens if call else None,
                llm_completion_tokens=call.completion_tokens if call else None,
                rules_seconds=outcome.rules_seconds if outcome else None,
                llm_seconds=outcome.llm_seconds if outcome and call else None,
                total_seconds=time.perf_counter() - started,
            )
        )
