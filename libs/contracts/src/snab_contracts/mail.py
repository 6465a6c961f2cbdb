"""Mail: messages received and sent by mail-gateway, and the parser's verdict on the rest."""

from __future__ import annotations

from typing import Literal, Self
from uuid import UUID

from pydantic import Field, model_validator

from snab_contracts.base import Contract, Event, UtcDatetime
from snab_contracts.values import (
    Confidence,
    Extractor,
    OrderNumber,
    RfqNumber,
    Sha256Hex,
)

MailPurpose = Literal["rfq", "reminder", "proposal", "clarification"]
MatchedBy = Literal["message_id", "subject_tag", "plus_address"]
ClassifiedReason = Literal[
    "auto_reply", "bounce", "spam", "not_procurement", "unparseable", "unmatched_quote"
]


class MailAddress(Contract):
    """An address as written in a header. Not validated: inbound mail may carry anything."""

    email: str = Field(min_length=1, max_length=320)
    name: str = Field(default="", max_length=500)


class AttachmentRef(Contract):
    """An attachment kept in object storage."""

    filename: str = Field(max_length=500)
    content_type: str = Field(default="application/octet-stream", max_length=200)
    size: int = Field(ge=0)
    sha256: Sha256Hex
    storage_key: str = Field(min_length=1, max_length=1000)


class OutgoingAttachment(Contract):
    """A file to attach to an outgoing message, read from object storage.

    Any ``AttachmentRef`` also fits this shape; size and checksum are optional here.
    """

    storage_key: str = Field(min_length=1, max_length=1000)
    filename: str = Field(min_length=1, max_length=500)
    content_type: str = Field(default="application/octet-stream", max_length=200)
    size: int | None = Field(default=None, ge=0)
    sha256: Sha256Hex | None = None


class ThreadInfo(Contract):
    """Which supplier request an inbound message answers, as far as the headers tell."""

    request_id: int | None = Field(default=None, ge=1)
    rfq_number: RfqNumber | None = None
    matched_by: MatchedBy | None = None


class MailFlags(Contract):
    """What the MIME layer noticed about a message."""

    auto_reply: bool = False
    bounce: bool = False
    bounced_message_id: str | None = Field(
        default=None, description="Message-ID of our message that bounced, for a DSN."
    )
    unparseable: bool = False
    defects: list[str] = Field(default_factory=list)


class MailReceived(Event):
    """A message was stored (raw .eml first) and is ready to be parsed."""

    subject: Literal["mail.received"] = "mail.received"
    version: Literal[1] = 1

    mail_id: UUID = Field(description="Our id of the stored message.")
    source: Literal["imap", "upload"] = "imap"
    account: str = Field(description="Mailbox login the message was read from.")
    folder: str = "INBOX"
    uid: int | None = Field(default=None, ge=1, description="IMAP UID; none for uploads.")
    message_id: str | None = Field(default=None, description="RFC 5322 Message-ID header.")
    in_reply_to: str | None = None
    references: list[str] = Field(default_factory=list)
    from_: MailAddress | None = Field(default=None, alias="from")
    to: list[MailAddress] = Field(default_factory=list)
    cc: list[MailAddress] = Field(default_factory=list)
    reply_to: list[MailAddress] = Field(default_factory=list)
    mail_subject: str = Field(default="", description="Subject header of the message.")
    date: UtcDatetime | None = Field(default=None, description="Date header, when readable.")
    text: str = Field(default="", description="Plain-text body (HTML converted when needed).")
    text_truncated: bool = False
    has_html: bool = False
    attachments: list[AttachmentRef] = Field(default_factory=list)
    raw_key: str = Field(min_length=1, description="Storage key of the raw .eml.")
    raw_sha256: Sha256Hex
    size: int = Field(ge=0, description="Size of the raw message in bytes.")
    thread: ThreadInfo = Field(default_factory=ThreadInfo)
    flags: MailFlags = Field(default_factory=MailFlags)
    received_at: UtcDatetime


class MailSend(Event):
    """Command to send one message. The event id is the command id: sending is idempotent
    per id, and ``mail.sent`` / ``mail.failed`` refer to it as ``command_id``."""

    subject: Literal["mail.send"] = "mail.send"
    version: Literal[1] = 1

    to: list[MailAddress] = Field(min_length=1)
    cc: list[MailAddress] = Field(default_factory=list)
    mail_subject: str = Field(min_length=1, max_length=998, description="Subject header.")
    text: str
    html: str | None = None
    attachments: list[OutgoingAttachment] = Field(default_factory=list)
    purpose: MailPurpose
    order_id: UUID | None = None
    order_number: OrderNumber | None = None
    request_id: int | None = Field(default=None, ge=1)
    rfq_number: RfqNumber | None = None
    proposal_id: UUID | None = None
    in_reply_to: str | None = None
    references: list[str] = Field(default_factory=list)
    reply_to: MailAddress | None = None

    @model_validator(mode="after")
    def _request_for_rfq(self) -> Self:
        if self.purpose in ("rfq", "reminder") and self.request_id is None:
            raise ValueError(f"purpose {self.purpose!r} needs request_id")
        return self


class MailSent(Event):
    subject: Literal["mail.sent"] = "mail.sent"
    version: Literal[1] = 1

    command_id: UUID = Field(description="Id of the mail.send command.")
    message_id: str = Field(min_length=1, description="Message-ID we gave the message.")
    sent_at: UtcDatetime
    purpose: MailPurpose
    order_id: UUID | None = None
    request_id: int | None = Field(default=None, ge=1)
    proposal_id: UUID | None = None
    recipients: list[str] = Field(default_factory=list)


class MailFailed(Event):
    subject: Literal["mail.failed"] = "mail.failed"
    version: Literal[1] = 1

    command_id: UUID = Field(description="Id of the mail.send command.")
    error: str
    permanent: bool = Field(description="True when retrying cannot help (address rejected).")
    attempts: int = Field(ge=1)
    purpose: MailPurpose
    order_id: UUID | None = None
    request_id: int | None = Field(default=None, ge=1)
    proposal_id: UUID | None = None
    recipients: list[str] = Field(default_factory=list)


class MailClassified(Event):
    """The parser found that a message is neither a new request nor a matched quote."""

    subject: Literal["mail.classified"] = "mail.classified"
    version: Literal[1] = 1

    mail_id: UUID
    reason: ClassifiedReason
    confidence: Confidence
    extractor: Extractor
    from_: MailAddress | None = Field(default=None, alias="from")
    mail_subject: str = Field(default="", description="Subject header of the message.")
    received_at: UtcDatetime | None = None
    thread: ThreadInfo = Field(default_factory=ThreadInfo)
    bounced_message_id: str | None = None
    needs_review: bool = False
    text_excerpt: str = Field(default="", max_length=2000)
