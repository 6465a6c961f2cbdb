"""Composing the RFC 5322 message of a ``mail.send`` command (no I/O)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from snab_contracts.mail import MailAddress, MailSend, OutgoingAttachment
from snab_mail.domain.message_ids import subject_with_tag

# 7bit: every body part is quoted-printable or base64, so no server needs 8BITMIME.
SMTP_POLICY = policy.SMTP.clone(cte_type="7bit")


class ComposeError(ValueError):
    """The command cannot become a message (bad address, header injection...)."""


def compose(
    command: MailSend,
    *,
    sender: MailAddress,
    message_id: str,
    date: datetime,
    attachments: Sequence[tuple[OutgoingAttachment, bytes]] = (),
) -> bytes:
    try:
        message = _build(command, sender, message_id, date, attachments)
        return message.as_bytes(policy=SMTP_POLICY)
    except (ValueError, TypeError, IndexError) as exc:
        raise ComposeError(f"cannot compose the message: {exc}") from exc


def _build(
    command: MailSend,
    sender: MailAddress,
    message_id: str,
    date: datetime,
    attachments: Sequence[tuple[OutgoingAttachment, bytes]],
) -> EmailMessage:
    message = EmailMessage(policy=SMTP_POLICY)
    message["From"] = _address(sender)
    message["To"] = [_address(a) for a in command.to]
    if command.cc:
        message["Cc"] = [_address(a) for a in command.cc]
    if command.reply_to is not None:
        message["Reply-To"] = _address(command.reply_to)
    message["Subject"] = subject_with_tag(command.mail_subject, command.rfq_number)
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    references = list(command.references)
    if command.in_reply_to:
        message["In-Reply-To"] = command.in_reply_to
        if command.in_reply_to not in references:
            references.append(command.in_reply_to)
    if references:
        message["References"] = " ".join(references)
    message["MIME-Version"] = "1.0"
    message.set_content(command.text, subtype="plain", charset="utf-8")
    if command.html:
        message.add_alternative(command.html, subtype="html", charset="utf-8")
    for attachment, data in attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        if not maintype or not subtype:
            maintype, subtype = "application", "octet-stream"
        message.add_attachment(
            data, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return message


def _address(address: MailAddress) -> Address:
    local, at, domain = address.email.strip().rpartition("@")
    if not at or not local or not domain:
        raise ComposeError(f"not an email address: {address.email!r}")
    return Address(display_name=address.name, username=local, domain=domain)


def compose_pasted(
    text: str,
    *,
    sender: MailAddress,
    to: MailAddress,
    subject: str,
    message_id: str,
    date: datetime,
) -> bytes:
    """A message pasted by hand (text only) as a plain RFC 5322 message, for intake."""
    try:
        message = EmailMessage(policy=SMTP_POLICY)
        message["From"] = _address(sender)
        message["To"] = _address(to)
        message["Subject"] = subject
        message["Date"] = format_datetime(date)
        message["Message-ID"] = message_id
        message["MIME-Version"] = "1.0"
        message.set_content(text, subtype="plain", charset="utf-8")
        return message.as_bytes(policy=SMTP_POLICY)
    except (ValueError, TypeError, IndexError) as exc:
        raise ComposeError(f"cannot compose the message: {exc}") from exc
