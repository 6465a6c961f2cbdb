"""Views the desk puts together from more than one service's answer."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, Field

from snab_contracts.rpc.mail import MailSummary, MailView
from snab_contracts.rpc.orders import MailOutcome


class InboxMail(BaseModel):
    """A received message and what became of it (none yet: still being read, or ignored)."""

    mail: MailSummary
    outcome: MailOutcome | None = None


class InboxPage(BaseModel):
    items: list[InboxMail]
    total: int = Field(ge=0)
    page: int = Field(ge=1)
    page_size: int = Field(ge=1)


class MailDetail(BaseModel):
    """A stored message with its parse result. ``mail.html`` is the sender's HTML:
    untrusted, never to be shown unsanitised."""

    mail: MailView
    outcome: MailOutcome | None = None


@dataclass(frozen=True, slots=True)
class FileResult:
    """A file to hand to the user: its bytes, or a time-limited link to them."""

    filename: str
    content_type: str
    content: bytes | None = None
    url: str | None = None
