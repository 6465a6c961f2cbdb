"""Hardened parsing of raw RFC 5322 messages.

``parse_message(raw)`` never raises on bad input: whatever it cannot read is reported in
``ParsedMail.defects`` and, when the message as a whole cannot be read, ``unparseable`` is set.
``decode_text(data, charset)`` is the same charset handling for other bytes, e.g. a CSV
attachment (``Attachment.charset`` holds its declared charset).
"""

from snab_mailparse.charset import Decoded, decode_text
from snab_mailparse.model import Address, Attachment, ForwardedMessage, Limits, ParsedMail
from snab_mailparse.parse import FORWARD_SEPARATOR, parse_message

__all__ = [
    "FORWARD_SEPARATOR",
    "Address",
    "Attachment",
    "Decoded",
    "ForwardedMessage",
    "Limits",
    "ParsedMail",
    "decode_text",
    "parse_message",
]
