"""rpc.mail.*: putting a message in by hand, reading a stored one and its attachments,
listing received mail (answered by mail-gateway)."""

from __future__ import annotations

from typing import ClassVar, Literal, Self
from uuid import UUID

from pydantic import Field, model_validator

from snab_contracts.base import Contract, RpcRequest, UtcDatetime
from snab_contracts.mail import AttachmentRef, MailAddress, MailFlags, ThreadInfo
from snab_contracts.rpc.common import PagedRequest


class MailIngested(Contract):
    mail_id: UUID
    duplicate: bool = Field(
        default=False, description="True when the same message was stored before."
    )
    message_id: str | None = None


class MailView(Contract):
    """A stored message. ``html`` is untrusted: never show it unsanitised."""

    mail_id: UUID
    received_at: UtcDatetime
    message_id: str | None = None
    from_: MailAddress | None = Field(default=None, alias="from")
    to: list[MailAddress] = Field(default_factory=list)
    cc: list[MailAddress] = Field(default_factory=list)
    mail_subject: str = ""
    date: UtcDatetime | None = None
    text: str = ""
    html: str | None = None
    attachments: list[AttachmentRef] = Field(default_factory=list)
    thread: ThreadInfo = Field(default_factory=ThreadInfo)
    flags: MailFlags = Field(default_factory=MailFlags)
    raw_base64: str | None = None


class MailIngest(RpcRequest[MailIngested]):
    """A message put in by hand: a whole .eml (base64), or pasted text.

    Pasted text needs ``from_`` and becomes a plain message; either way it then goes
    through the same path as mail read from IMAP (``mail.received``).
    """

    SUBJECT: ClassVar[str] = "rpc.mail.ingest"
    MAX_BYTES: ClassVar[int] = 8 * 1024 * 1024  # an email with attachments, as base64

    raw_base64: str | None = Field(default=None, description="The .eml, base64.")
    text: str | None = Field(default=None, max_length=200_000)
    from_: MailAddress | None = Field(default=None, alias="from")
    mail_subject: str = Field(default="", max_length=998)

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        if (self.raw_base64 is None) == (self.text is None):
            raise ValueError("give exactly one of raw_base64 and text")
        if self.text is not None and self.from_ is None:
            raise ValueError("pasted text needs a sender")
        return self


class MailGet(RpcRequest[MailView]):
    SUBJECT: ClassVar[str] = "rpc.mail.get"

    mail_id: UUID
    include_raw: bool = False


class AttachmentContent(Contract):
    """An attachment's bytes. Untrusted: offer it as a download, never show it inline."""

    filename: str
    content_type: str = "application/octet-stream"
    size: int = Field(ge=0)
    content_base64: str


class MailAttachmentGet(RpcRequest[AttachmentContent]):
    """One attachment of a stored message, by its place in ``MailView.attachments``."""

    SUBJECT: ClassVar[str] = "rpc.mail.attachment"

    mail_id: UUID
    position: int = Field(ge=0, le=999)


class MailSummary(Contract):
    """A received message as a list shows it (no body)."""

    mail_id: UUID
    received_at: UtcDatetime
    source: Literal["imap", "upload"] = "imap"
    status: Literal["received", "unparseable"] = "received"
    from_: MailAddress | None = Field(default=None, alias="from")
    mail_subject: str = ""
    date: UtcDatetime | None = None
    size: int = Field(default=0, ge=0)
    attachments_count: int = Field(default=0, ge=0)
    thread: ThreadInfo = Field(default_factory=ThreadInfo)
    flags: MailFlags = Field(default_factory=MailFlags)


class MailPage(Contract):
    items: list[MailSummary]
    total: int = Field(ge=0)
    page: int = Field(ge=1)
    page_size: int = Field(ge=1)


class MailList(PagedRequest[MailPage]):
    """Received messages, newest first; ``query`` matches the sender and the subject."""

    SUBJECT: ClassVar[str] = "rpc.mail.list"

    query: str | None = Field(default=None, max_length=200)
    source: Literal["imap", "upload"] | None = None


REQUESTS = (MailIngest, MailGet, MailAttachmentGet, MailList)
