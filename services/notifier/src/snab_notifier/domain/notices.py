"""What the managers are told, as data: one notice per event, and the rules that join
notices about the same thing and fold a burst of them into a digest. No I/O here.

A notice is stored in the send log as its ``kind``, ``topic`` and ``payload`` (the model
below as JSON) and rendered when it is sent (``snab_notifier.messages``), so the text can
use what the orders service knows at that moment and the stored rows stay small.

Adding a notice: a payload model and a ``Kind`` here, a
function from the event to a ``Notice`` in ``NOTICE_OF`` of ``snab_notifier.handlers.events``,
and its text in ``snab_notifier.messages``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from snab_contracts.documents import DocumentFailed, DocumentGenerated
from snab_contracts.mail import MailClassified, MailFailed
from snab_contracts.orders import (
    OrderCreated,
    OrderStatus,
    QuoteReceived,
    RequestEscalation,
    RequestFailed,
    RequestReminder,
    RequestTimeout,
)


class Kind(StrEnum):
    ORDER_CREATED = "order_created"
    QUOTES = "quotes"
    REQUEST_REMINDER = "request_reminder"
    REQUEST_TIMEOUT = "request_timeout"
    REQUEST_FAILED = "request_failed"
    ESCALATION = "escalation"
    PROPOSAL_READY = "proposal_ready"
    PROPOSAL_FAILED = "proposal_failed"
    MAIL_FAILED = "mail_failed"
    UNMATCHED_MAIL = "unmatched_mail"
    DIGEST = "digest"


FOLDABLE = frozenset(Kind) - {Kind.PROPOSAL_READY, Kind.PROPOSAL_FAILED, Kind.DIGEST}
"""Kinds a digest may take in. A proposal (a PDF to act on, or one that failed) always
comes alone."""


class Payload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class OrderNotice(Payload):
    order_id: UUID
    number: str
    client_name: str | None = None
    items_count: int = 0
    deadline: date | None = None
    needs_review: bool = False
    review_reasons: list[str] = Field(default_factory=list)
    duplicate_of: UUID | None = None
    duplicate_number: str | None = None


class QuoteLine(Payload):
    supplier_id: UUID
    supplier: str
    quote_id: UUID
    version: int = 1
    total: Decimal | None = None
    currency: str = "RUB"
    lines: int = 0
    needs_review: bool = False


class QuotesNotice(Payload):
    order_id: UUID
    number: str
    quotes: list[QuoteLine] = Field(default_factory=list)
    answered: int | None = None
    requests: int | None = None


class RequestNotice(Payload):
    order_id: UUID
    number: str
    request_id: int
    rfq: str
    supplier: str
    supplier_email: str | None = None
    sent_at: datetime | None = None
    reason: str | None = None
    delivered: int | None = None
    order_status: OrderStatus | None = None


class EscalationNotice(Payload):
    order_id: UUID
    number: str
    request_id: int
    answered: int = 0
    needed: int = 1
    suppliers: list[str] = Field(default_factory=list)
    """Names of the suppliers proposed (or already asked, when ``auto``), best first."""
    auto: bool = False


class ProposalNotice(Payload):
    order_id: UUID
    proposal_id: UUID
    document_id: UUID
    filename: str
    version: int = 1
    size: int = 0


class ProposalFailedNotice(Payload):
    order_id: UUID
    proposal_id: UUID
    failure: str
    reason: str


class MailFailedNotice(Payload):
    purpose: str
    order_id: UUID | None = None
    proposal_id: UUID | None = None
    request_id: int | None = None
    recipients: list[str] = Field(default_factory=list)
    error: str = ""
    permanent: bool = False


class UnmatchedNotice(Payload):
    mail_id: UUID
    from_email: str | None = None
    from_name: str | None = None
    subject: str = ""
    excerpt: str = ""
    received_at: datetime | None = None


class DigestNotice(Payload):
    counts: dict[str, int] = Field(default_factory=dict)
    """How many notices of each kind the digest took in."""
    numbers: list[str] = Field(default_factory=list)
    """Numbers of the newest orders in it, ascending (a few, for the reader's bearings)."""


PAYLOADS: dict[Kind, type[Payload]] = {
    Kind.ORDER_CREATED: OrderNotice,
    Kind.QUOTES: QuotesNotice,
    Kind.REQUEST_REMINDER: RequestNotice,
    Kind.REQUEST_TIMEOUT: RequestNotice,
    Kind.REQUEST_FAILED: RequestNotice,
    Kind.ESCALATION: EscalationNotice,
    Kind.PROPOSAL_READY: ProposalNotice,
    Kind.PROPOSAL_FAILED: ProposalFailedNotice,
    Kind.MAIL_FAILED: MailFailedNotice,
    Kind.UNMATCHED_MAIL: UnmatchedNotice,
    Kind.DIGEST: DigestNotice,
}

DIGEST_NUMBERS = 3


class Notice(BaseModel):
    """A notice before it is stored: what, about which thing, with what data."""

    model_config = ConfigDict(frozen=True)

    kind: Kind
    payload: Payload
    topic: str | None = None

    def stored(self) -> dict[str, Any]:
        return self.payload.model_dump(mode="json")


def load(kind: str, payload: dict[str, Any]) -> Payload:
    return PAYLOADS[Kind(kind)].model_validate(payload)


# -- events → notices ------------------------------------------------------------------------


def order_created(event: OrderCreated) -> Notice:
    return Notice(
        kind=Kind.ORDER_CREATED,
        topic=f"order:{event.order_id}",
        payload=OrderNotice(
            order_id=event.order_id,
            number=event.number,
            client_name=event.client_name,
            items_count=event.items_count,
            deadline=event.deadline,
            needs_review=event.needs_review,
            review_reasons=list(event.review_reasons),
            duplicate_of=event.possible_duplicate_of,
            duplicate_number=event.possible_duplicate_number,
        ),
    )


def quote_received(event: QuoteReceived) -> Notice:
    return Notice(
        kind=Kind.QUOTES,
        topic=f"quotes:{event.order_id}",
        payload=QuotesNotice(
            order_id=event.order_id,
            number=event.order_number,
            quotes=[
                QuoteLine(
                    supplier_id=event.supplier_id,
                    supplier=event.supplier_name,
                    quote_id=event.quote_id,
                    version=event.quote_version,
                    total=event.total.amount if event.total else None,
                    currency=event.total.currency if event.total else "RUB",
                    lines=event.lines_count,
                    needs_review=event.needs_review,
                )
            ],
            answered=event.requests_answered,
            requests=event.requests_total,
        ),
    )


def _request(kind: Kind, event: RequestReminder | RequestTimeout) -> Notice:
    return Notice(
        kind=kind,
        topic=f"request:{event.request_id}",
        payload=RequestNotice(
            order_id=event.order_id,
            number=event.order_number,
            request_id=event.request_id,
            rfq=event.rfq_number,
            supplier=event.supplier_name,
            supplier_email=event.supplier_email,
            sent_at=event.sent_at,
        ),
    )


def request_reminder(event: RequestReminder) -> Notice:
    return _request(Kind.REQUEST_REMINDER, event)


def request_timeout(event: RequestTimeout) -> Notice:
    return _request(Kind.REQUEST_TIMEOUT, event)


def request_failed(event: RequestFailed) -> Notice:
    return Notice(
        kind=Kind.REQUEST_FAILED,
        topic=f"request:{event.request_id}",
        payload=RequestNotice(
            order_id=event.order_id,
            number=event.order_number,
            request_id=event.request_id,
            rfq=event.rfq_number,
            supplier=event.supplier_name,
            supplier_email=event.supplier_email,
            reason=event.reason,
            delivered=event.requests_delivered,
            order_status=event.order_status,
        ),
    )


def request_escalation(event: RequestEscalation) -> Notice:
    """Too few answers after a timeout: the suppliers to ask next (one notice per order at
    a time: a later escalation of the same order edits it)."""
    return Notice(
        kind=Kind.ESCALATION,
        topic=f"escalation:{event.order_id}",
        payload=EscalationNotice(
            order_id=event.order_id,
            number=event.order_number,
            request_id=event.request_id,
            answered=event.quotes_answered,
            needed=event.min_quotes,
            suppliers=[s.name for s in event.suppliers],
            auto=event.auto_requested,
        ),
    )


def document_generated(event: DocumentGenerated) -> Notice | None:
    if event.kind != "proposal":
        return None
    return Notice(
        kind=Kind.PROPOSAL_READY,
        payload=ProposalNotice(
            order_id=event.order_id,
            proposal_id=event.proposal_id,
            document_id=event.document_id,
            filename=event.filename,
            version=event.document_version,
            size=event.size,
        ),
    )


def document_failed(event: DocumentFailed) -> Notice | None:
    if event.kind != "proposal":
        return None
    return Notice(
        kind=Kind.PROPOSAL_FAILED,
        topic=f"proposal:{event.proposal_id}",
        payload=ProposalFailedNotice(
            order_id=event.order_id,
            proposal_id=event.proposal_id,
            failure=event.failure,
            reason=event.reason,
        ),
    )


NOT_TOLD_AGAIN = frozenset({"rfq"})
"""Failed mail the managers hear of otherwise: an RFQ that fails is a ``request.failed``."""


def mail_failed(event: MailFailed) -> Notice | None:
    if event.purpose in NOT_TOLD_AGAIN:
        return None
    return Notice(
        kind=Kind.MAIL_FAILED,
        payload=MailFailedNotice(
            purpose=event.purpose,
            order_id=event.order_id,
            proposal_id=event.proposal_id,
            request_id=event.request_id,
            recipients=list(event.recipients),
            error=event.error[:1000],
            permanent=event.permanent,
        ),
    )


def mail_classified(event: MailClassified) -> Notice | None:
    if event.reason != "unmatched_quote":
        return None  # auto-replies, bounces, spam: nothing for a manager to do
    sender = event.from_
    return Notice(
        kind=Kind.UNMATCHED_MAIL,
        payload=UnmatchedNotice(
            mail_id=event.mail_id,
            from_email=sender.email if sender else None,
            from_name=sender.name if sender else None,
            subject=event.mail_subject[:300],
            excerpt=event.text_excerpt[:600],
            received_at=event.received_at,
        ),
    )


# -- joining and folding ----------------------------------------------------------------------


def merge(kind: Kind, earlier: Payload, later: Payload) -> Payload:
    """The notice that replaces ``earlier`` (same topic) once ``later`` is known.

    Quotes add up: each supplier's latest quote is kept. Anything else: the later notice
    tells the current state (a timeout after a reminder)."""
    if isinstance(earlier, QuotesNotice) and isinstance(later, QuotesNotice):
        by_supplier = {q.supplier_id: q for q in earlier.quotes}
        for quote in later.quotes:
            known = by_supplier.get(quote.supplier_id)
            if known is None or quote.version >= known.version:
                by_supplier[quote.supplier_id] = quote
        return later.model_copy(
            update={
                "quotes": list(by_supplier.values()),
                "answered": later.answered if later.answered is not None else earlier.answered,
                "requests": later.requests if later.requests is not None else earlier.requests,
            }
        )
    return later


def fold(digest: DigestNotice, notices: list[tuple[Kind, Payload]]) -> DigestNotice:
    """The digest after taking in ``notices`` (oldest first)."""
    counts = dict(digest.counts)
    numbers = set(digest.numbers)
    for kind, payload in notices:
        counts[kind.value] = counts.get(kind.value, 0) + 1
        if isinstance(payload, OrderNotice):
            numbers.add(payload.number)
    newest = sorted(numbers, key=lambda n: (len(n), n))[-DIGEST_NUMBERS:]
    return DigestNotice(counts=counts, numbers=newest)


def plan(waiting: list[Kind], *, threshold: int, digest_open: bool) -> tuple[str, list[int]]:
    """What one send to a chat does with the notices waiting for it (oldest first):
    ``("digest", indexes)`` folds those into the chat's digest, ``("single", [i])`` sends
    one on its own. A digest is opened when ``threshold`` or more foldable notices wait,
    and keeps taking them while it is open; a notice that cannot fold goes alone, as soon
    as it is the oldest (a burst never holds it back for more than one send)."""
    if waiting and waiting[0] not in FOLDABLE:
        return "single", [0]
    foldable = [i for i, kind in enumerate(waiting) if kind in FOLDABLE]
    if foldable and (digest_open or len(foldable) >= threshold):
        return "digest", foldable
    return "single", [0] if waiting else []
