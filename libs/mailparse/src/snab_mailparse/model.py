"""What a parsed message looks like to the rest of the system."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps that keep a crafted message from exhausting memory or CPU.

    A message over any cap is returned with ``unparseable=True``, a defect naming the cap, and
    the headers that could be read cheaply (Message-ID, From, Subject, ...).
    """

    max_bytes: int = 25 * 1024 * 1024
    #: the whole top-level header block
    max_header_bytes: int = 64 * 1024
    max_parts: int = 200
    max_depth: int = 10
    #: one header field, unfolded
    max_single_header_bytes: int = 32 * 1024
    #: one Content-Type / Content-Disposition field anywhere in the message; the standard
    #: library parses their parameters in time quadratic in length times parameter count
    max_mime_header_bytes: int = 8 * 1024
    max_mime_header_params: int = 64
    #: HTML beyond this many characters is cut before conversion to text
    max_html_chars: int = 256 * 1024
    #: CPU time (of the calling thread) after which parsing gives up
    max_cpu_seconds: float = 1.5


@dataclass(frozen=True, slots=True)
class Address:
    email: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes
    #: declared charset of a text attachment (e.g. a CSV in windows-1251), lowercased
    charset: str | None = None
    #: shown inside the body (e.g. a signature image) rather than attached by the sender
    inline: bool = False

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(slots=True)
class ForwardedMessage:
    """A message attached whole (message/rfc822), e.g. a client's request forwarded to us."""

    message_id: str | None = None
    from_addr: Address | None = None
    subject: str = ""
    date: datetime | None = None


@dataclass(slots=True)
class ParsedMail:
    """A message as far as it could be read.

    ``text`` is the plain-text body (HTML converted to text when there is no text part).
    ``html`` is the raw HTML part, if any: untrusted, never render it unsanitised.
    Forwarded messages (message/rfc822 parts) are appended to ``text`` after a
    "Пересланное сообщение" separator, and their attachments are in ``attachments``.
    ``auto_reply`` / ``bounce`` are exclusive (a bounce is not also an auto-reply); the
    ``*_reason`` fields say what triggered them. ``bulk`` marks mass mailings
    (Precedence: bulk/junk/list, List-Unsubscribe, List-Id).
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
    auto_reply_reason: str | None = None
    bounce_reason: str | None = None
    #: failed recipients named by a delivery status report
    bounce_recipients: list[str] = field(default_factory=list)
    #: the remote server's diagnostic, e.g. "smtp; 550 5.1.1 User unknown"
    bounce_diagnostic: str | None = None
    bulk: bool = False
    forwarded: list[ForwardedMessage] = field(default_factory=list)
