"""First, minimal version on the standard library; hardened in its own change."""

from __future__ import annotations

import email
import email.policy
import hashlib
import re
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime

from inscriptis import get_text

from snab_mailparse.model import Address, Attachment, Limits, ParsedMail

_MSGID = re.compile(r"<[^<>\s]+>")


def _addresses(value: str | None) -> list[Address]:
    if not value:
        return []
    return [Address(email=addr, name=name) for name, addr in getaddresses([value]) if addr]


def parse_message(raw: bytes, limits: Limits | None = None) -> ParsedMail:
    limits = limits or Limits()
    result = ParsedMail(raw_sha256=hashlib.sha256(raw).hexdigest())
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        result.message_id = (msg.get("Message-ID") or "").strip() or None
        result.in_reply_to = (msg.get("In-Reply-To") or "").strip() or None
        result.references = _MSGID.findall(str(msg.get("References") or ""))
        froms = _addresses(str(msg.get("From") or ""))
        result.from_addr = froms[0] if froms else None
        result.to = _addresses(str(msg.get("To") or ""))
        result.cc = _addresses(str(msg.get("Cc") or ""))
        result.reply_to = _addresses(str(msg.get("Reply-To") or ""))
        result.subject = str(msg.get("Subject") or "")
        if msg.get("Date"):
            result.date = parsedate_to_datetime(str(msg.get("Date")))
        text_part = msg.get_body(preferencelist=("plain",))
        html_part = msg.get_body(preferencelist=("html",))
        if html_part is not None:
            result.html = html_part.get_content()
        if text_part is not None:
            result.text = text_part.get_content()
        elif result.html:
            result.text = get_text(result.html)
        for part in msg.iter_attachments():
            data = part.get_payload(decode=True) or b""
            result.attachments.append(
                Attachment(
                    filename=part.get_filename() or "attachment",
                    content_type=part.get_content_type(),
                    data=data if isinstance(data, bytes) else b"",
                )
            )
        auto = str(msg.get("Auto-Submitted") or "").lower()
        result.auto_reply = bool(auto and auto != "no")
        result.bounce = msg.get_content_type() == "multipart/report"
    except Exception as exc:  # noqa: BLE001 - bad input must never escape
        result.unparseable = True
        result.defects.append(f"{type(exc).__name__}: {exc}")
    return result
