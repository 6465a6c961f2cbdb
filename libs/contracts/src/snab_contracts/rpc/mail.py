"""rpc.mail.*: putting a message in by hand and reading a stored one (answered by mail-gateway)."""

from __future__ import annotations

from typing import ClassVar, Self
from uuid import UUID

from pydantic import Field, model_validator

from snab_contracts.base import Contract, RpcRequest, UtcDatetime
from snab_contracts.mail import AttachmentRef, MailAddress, MailFlags, ThreadInfo


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


REQUESTS = (MailIngest, MailGet)
