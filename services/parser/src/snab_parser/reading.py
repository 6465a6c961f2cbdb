"""Reading one mail: all the CPU work of a parse, in one function a worker process runs.

``read`` takes the raw message (or a mail already parsed from the event), parses it with
``snab_mailparse``, reads the attachments once, runs the rule extractor, and prepares what
the LLM would be sent. Everything it returns is cleaned at the parser's boundary
(``domain.boundary``): the service only adds the LLM's answer and writes the events.
It never raises for a bad message; the worker it runs in is what bounds its time and memory.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace

from snab_mailparse import Address, Attachment, ParsedMail, parse_message
from snab_parser.attachments import DEFAULT_LIMITS, AttachmentLimits, read_attachments
from snab_parser.domain.boundary import clean_text, settle, storable_text
from snab_parser.domain.validation import check
from snab_parser.email_text import email_as_text, has_instructions
from snab_parser.result import ExtractorName, ParseResult
from snab_parser.rules import RuleExtractor

log = logging.getLogger(__name__)

# the mail's own text kept for the event's excerpt
TEXT_CHARS = 2000


@dataclass(frozen=True)
class ReadJob:
    """One mail to read: its raw message, or (when that is gone) the mail from the event."""

    raw: bytes | None = None
    mail: ParsedMail | None = None
    #: the email as text for the LLM, this long at most; None when no LLM will be asked
    llm_chars: int | None = None
    limits: AttachmentLimits = DEFAULT_LIMITS


@dataclass(frozen=True)
class Reading:
    """What one mail says, as far as the rules read it."""

    rules: ParseResult
    rules_seconds: float
    #: the start of the mail's text (for the excerpt of the event), cleaned
    text: str = ""
    auto_reply: bool = False
    bounce: bool = False
    unparseable: bool = False
    #: the text tries to instruct a language model ("ignore previous instructions")
    injected: bool = False
    #: the email as text for the LLM (cut to the job's ``llm_chars`` plus one, so that a
    #: longer one still reads as truncated)
    llm_text: str | None = None
    cpu_seconds: float = 0.0


def extractor_error(name: ExtractorName) -> ParseResult:
    """What an extractor that crashed on a message says: nothing, for a human to look at."""
    return ParseResult(
        kind="other",
        other_reason="not_procurement",
        confidence=0.0,
        extractor=name,
        needs_review=True,
        review_reasons=["extractor_error"],
    )


def storable(mail: ParsedMail) -> ParsedMail:
    """The mail with the strings the gateway would have cleaned before storing it: the raw
    message read back here was never cleaned (NUL in a header, a name or a file name)."""

    def address(a: Address) -> Address:
        return Address(email=storable_text(a.email), name=storable_text(a.name))

    return replace(
        mail,
        subject=storable_text(mail.subject),
        text=storable_text(mail.text),
        html=storable_text(mail.html) if mail.html else mail.html,
        from_addr=address(mail.from_addr) if mail.from_addr else None,
        to=[address(a) for a in mail.to],
        cc=[address(a) for a in mail.cc],
        reply_to=[address(a) for a in mail.reply_to],
        attachments=[
            Attachment(
                filename=storable_text(a.filename),
                content_type=storable_text(a.content_type),
                data=a.data,
                charset=a.charset,
                inline=a.inline,
            )
            for a in mail.attachments
        ],
    )


def read(job: ReadJob) -> Reading:
    started = time.process_time()
    if job.raw is not None:
        mail = storable(parse_message(job.raw))
    elif job.mail is not None:
        mail = storable(job.mail)
    else:
        raise ValueError("a job needs the raw message or the mail")
    reading = read_mail(mail, limits=job.limits, llm_chars=job.llm_chars)
    return replace(reading, cpu_seconds=time.process_time() - started)


def read_mail(
    mail: ParsedMail,
    *,
    limits: AttachmentLimits = DEFAULT_LIMITS,
    llm_chars: int | None = None,
    rules: RuleExtractor | None = None,
) -> Reading:
    """The rules' reading of a parsed mail, and the LLM's input when one will be asked."""
    started = time.perf_counter()
    attachments = read_attachments(mail.attachments, limits)
    try:
        result = (rules or RuleExtractor(limits)).extract(mail, attachments)
    except MemoryError:
        raise  # the worker's budget: it reports the overrun
    except Exception:  # one odd message must still give an answer, for a human
        log.exception("rules_failed")
        result = extractor_error("rules")
    result = settle(result)
    verdict = check(result)
    extra = [*verdict.errors, *verdict.warnings]
    if extra:
        result = result.model_copy(
            update={
                "review_reasons": list(dict.fromkeys([*result.review_reasons, *extra])),
                "needs_review": True,
            }
        )
    rules_seconds = time.perf_counter() - started
    llm_text = None
    if llm_chars is not None and not (mail.auto_reply or mail.bounce or mail.unparseable):
        llm_text = email_as_text(mail, attachments)[: llm_chars + 1]
    return Reading(
        rules=result,
        rules_seconds=rules_seconds,
        text=clean_text(mail.text.strip()[:TEXT_CHARS]),
        auto_reply=mail.auto_reply,
        bounce=mail.bounce,
        unparseable=mail.unparseable,
        injected=has_instructions(f"{mail.subject}\n{mail.text}"),
        llm_text=llm_text,
    )
