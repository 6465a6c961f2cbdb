"""The outgoing message built from a mail.send command."""

from __future__ import annotations

from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser

import pytest

from snab_contracts.mail import MailAddress, MailSend, OutgoingAttachment
from snab_mail.smtp.compose import ComposeError, compose

SENDER = MailAddress(email="zakupki@broker.example", name="Отдел снабжения")
WHEN = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def _command(**changes: object) -> MailSend:
    fields: dict[str, object] = {
        "to": [MailAddress(email="sales@metiz.example", name="Ирина Козлова")],
        "cc": [MailAddress(email="boss@metiz.example")],
        "mail_subject": "Запрос цен: болты М8",
        "text": "Добрый день!\nПросим сообщить цену и срок поставки: болт М8х30 — 500 шт.",
        "purpose": "rfq",
        "request_id": 42,
        "rfq_number": "RFQ-2026-0042-3",
    }
    fields.update(changes)
    return MailSend.model_validate(fields)


def test_headers_body_and_attachment() -> None:
    command = _command(
        html="<p>Добрый день!</p>",
        reply_to=MailAddress(email="zakupki+rfq-42@broker.example"),
        in_reply_to="<abc@metiz.example>",
        references=["<first@metiz.example>"],
        attachments=[
            OutgoingAttachment(
                storage_key="docs/spec.csv", filename="Спецификация.csv", content_type="text/csv"
            )
        ],
    )
    csv = "Наименование;Кол-во\nБолт М8х30;500\n".encode("cp1251")
    raw = compose(
        command,
        sender=SENDER,
        message_id="<rfq.42.abc123def456@broker.example>",
        date=WHEN,
        attachments=[(command.attachments[0], csv)],
    )
    assert max(raw) < 128, "the message must be 7-bit clean"
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert message["Subject"] == "Запрос цен: болты М8 [RFQ-2026-0042-3]"
    assert message["Message-ID"] == "<rfq.42.abc123def456@broker.example>"
    assert message["In-Reply-To"] == "<abc@metiz.example>"
    assert message["References"] == "<first@metiz.example> <abc@metiz.example>"
    assert message["From"].addresses[0].display_name == "Отдел снабжения"
    assert message["To"].addresses[0].addr_spec == "sales@metiz.example"
    assert message["Cc"].addresses[0].addr_spec == "boss@metiz.example"
    assert message["Reply-To"].addresses[0].addr_spec == "zakupki+rfq-42@broker.example"
    body = message.get_body(("plain",))
    assert body is not None and "болт М8х30 — 500 шт" in body.get_content()
    assert message.get_body(("html",)) is not None
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "Спецификация.csv"
    assert attachment.get_content_type() == "text/csv"
    assert attachment.get_payload(decode=True) == csv


def test_header_injection_is_refused() -> None:
    command = _command(mail_subject="Цены\r\nBcc: victim@evil.example")
    with pytest.raises(ComposeError):
        compose(command, sender=SENDER, message_id="<m@broker.example>", date=WHEN)
