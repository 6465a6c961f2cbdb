"""Hardened parsing of raw RFC 5322 messages.

``parse_message(raw)`` never raises on bad input: whatever it cannot read is reported in
``ParsedMail.defects`` and, when the message as a whole cannot be read, ``unparseable`` is set.
"""

from snab_mailparse.model import Address, Attachment, Limits, ParsedMail
from snab_mailparse.parse import parse_message

__all__ = ["Address", "Attachment", "Limits", "ParsedMail", "parse_message"]
