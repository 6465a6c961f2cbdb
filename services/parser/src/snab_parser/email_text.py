"""The email as one text for a language model, and whether it tries to instruct one.

Plain text work on a stranger's mail: it runs in the reader workers, which never load the
LLM client stack (``snab_parser.llm``).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Final

from snab_mailparse import ParsedMail
from snab_parser.attachments import AttachmentText, read_attachments

_INSTRUCTION_LIKE: Final = re.compile(
    r"(?:игнорир\w{0,30}|забудь\w{0,30}|не\s+учитыва\w{0,30}|отмени\w{0,30})\s+(?:все\s+)?"
    r"(?:предыдущ\w{0,30}|прежн\w{0,30}|системн\w{0,30}|выше\w{0,30})\s+"
    r"(?:инструкц|указани|правил)"
    r"|ignore\s+(?:all\s+)?(?:the\s+)?(?:previous|prior|above)\s+(?:instructions|rules)"
    r"|system\s+prompt|системн\w{1,30}\s+промпт"
    r"|\bты\s+(?:[—-]\s*)?(?:языков\w+\s+модель|ассистент|ии)\b"
    r"|\byou\s+are\s+(?:now\s+)?(?:an?\s+)?(?:ai|assistant|language\s+model)\b",
    re.IGNORECASE,
)


def has_instructions(text: str) -> bool:
    """Does the text try to instruct a language model? Checked without asking one."""
    return bool(_INSTRUCTION_LIKE.search(text))


def _attachment_text(att: AttachmentText) -> str:
    rows = [" | ".join(cell for cell in row) for grid in att.grids for row in grid]
    return "\n".join([*rows, *att.lines]).strip()


def _date(value: datetime | None) -> str:
    return value.isoformat() if value else "unknown"


def email_as_text(mail: ParsedMail, attachments: list[AttachmentText] | None = None) -> str:
    """The email as one text: a few headers, the body, then each readable attachment
    (``attachments`` when they were read already)."""
    sender = mail.from_addr
    parts = [
        f"From: {sender.name} <{sender.email}>" if sender else "From: unknown",
        f"Date: {_date(mail.date)}",
        f"Subject: {mail.subject}",
        "",
        mail.text.strip(),
    ]
    if attachments is None:
        attachments = read_attachments(mail.attachments)
    for att in attachments:
        body = _attachment_text(att)
        if body:
            parts += ["", f"[attachment: {att.filename}]", body]
    return "\n".join(parts)
