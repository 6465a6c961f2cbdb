"""What a parsed message looks like to the rest of the system."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps that keep a crafted message from exhausting memory or CPU."""

    max_bytes: int = 25 * 1024 * 1024
    max_header_bytes: int = 64 * 1024
    max_parts: int = 200
    max_depth: int = 10


@dataclass(frozen=True, slots=True)
class Address:
    email: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(slots=True)
class ParsedMail:
    """A message as far as it could be read.

    ``text`` is the plain-text body (HTML converted to text when there is no text part).
    ``html`` is the raw HTML part, if any: untrusted, never render it unsanitised.
    """

    message_id: str | None = None
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    from_addr: Address | None = None
    to: list[Address] = field(default_factory=list)
    cc: list[Address] = field(default_factory=list)
    reply_to: list[Address] = field(default_factory=list)
    subject: str = ""
    date: datetime | None = None
    text: str = ""
    html: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    auto_reply: bool = False
    bounce: bool = False
    bounced_message_id: str | None = None
    unparseable: bool = False
    defects: list[str] = field(default_factory=list)
    raw_sha256: str = ""
