"""Auto-replies, bounces and mass mailings."""

from __future__ import annotations

import pytest

from snab_mailparse import parse_message

RFQ_ID = "<rfq.57.w6e2k8@broker.example>"


def mime(headers: list[str], body: str | bytes = "") -> bytes:
    if isinstance(body, str):
        body = body.encode("utf-8")
    return ("\r\n".join(headers) + "\r\n\r\n").encode("ascii") + body


def reply(
    body: str,
    *extra: str,
    subject: str = "Re: =?utf-8?B?0JfQsNC/0YDQvtGBINGG0LXQvQ==?= [RFQ-2026-0057-1]",
    sender: str = "sales@metallbaza.example",
) -> bytes:
    return mime(
        [
            f"From: {sender}",
            "To: zakupki@broker.example",
            f"Subject: {subject}",
            "Date: Tue, 24 Nov 2026 16:02:11 +0300",
            "Message-ID: <reply-1@metallbaza.example>",
            f"In-Reply-To: {RFQ_ID}",
            *extra,
            "MIME-Version: 1.0",
            'Content-Type: text/plain; charset="utf-8"',
            "Content-Transfer-Encoding: 8bit",
        ],
        body,
    )


AWAY = (
    "Здравствуйте!\n\nЯ в отпуске до 14 декабря, почту проверяю нерегулярно.\n"
    "По срочным вопросам обращайтесь к Анне Беловой: a.belova@metallbaza.example.\n\n"
    "С уважением, Сергей Токарев"
)
QUOTE = "Добрый день!\n\nБолт М8х30 — 400 шт. — 6,80 руб./шт.\nГайка М8 — 400 шт. — 1,90 руб./шт."


@pytest.mark.parametrize(
    "header",
    [
        "Auto-Submitted: auto-replied",
        "Auto-Submitted: auto-generated; owner-email=x@y.example",
        "X-Autoreply: yes",
        "X-Autorespond: Out of office",
        "Precedence: auto_reply",
    ],
)
def test_auto_reply_by_header(header: str) -> None:
    parsed = parse_message(reply(QUOTE, header))
    assert parsed.auto_reply
    assert parsed.auto_reply_reason is not None
    assert not parsed.bounce


@pytest.mark.parametrize(
    "header",
    ["Auto-Submitted: no", "X-Auto-Response-Suppress: All", "Precedence: bulk"],
)
def test_headers_that_do_not_make_an_auto_reply(header: str) -> None:
    parsed = parse_message(reply(QUOTE, header))
    assert not parsed.auto_reply, parsed.auto_reply_reason


def test_precedence_bulk_marks_mass_mailing_only() -> None:
    parsed = parse_message(
        reply("Скидки до 40% на крепёж!", "Precedence: bulk", "List-Unsubscribe: <mailto:u@x>")
    )
    assert parsed.bulk
    assert not parsed.auto_reply


@pytest.mark.parametrize(
    "subject",
    [
        "=?utf-8?B?0JDQstGC0L7QvNCw0YLQuNGH0LXRgdC60LjQuSDQvtGC0LLQtdGCOg==?= Re: price",
        "=?utf-8?B?0JDQstGC0L7QvtGC0LLQtdGCOiDQl9Cw0L/RgNC+0YEg0YbQtdC9?=",
        "Automatic reply: Request for quotation",
        "Out of Office: RFQ-2026-0057-1",
    ],
)
def test_auto_reply_by_subject(subject: str) -> None:
    parsed = parse_message(reply("Спасибо за письмо.", subject=subject))
    assert parsed.auto_reply, parsed.subject


def test_auto_reply_by_short_russian_body_without_headers() -> None:
    parsed = parse_message(reply(AWAY))
    assert parsed.auto_reply
    assert parsed.auto_reply_reason is not None
    assert "отпуске" in parsed.auto_reply_reason


@pytest.mark.parametrize(
    "body",
    [
        # someone else is away: a real request
        "Добрый день! Наш менеджер Иван в отпуске, пишите мне напрямую. Прошу счёт на болты М8х30.",
        "Добрый день! Менеджер в отпуске, пишите мне.\n\nНужны:\n"
        "1. Болт М8х30 — 400 шт.\n2. Гайка М8 — 400 шт.",
        # first person, but a request with quantities
        "Я в отпуске до понедельника, но очень нужно: кабель ВВГнг 3х2,5 — 200 м. Выставьте счёт.",
        # first person, but a long letter
        "Я в отпуске до 14 декабря, поэтому отвечаю с задержкой. " + "Подробности заказа. " * 80,
    ],
)
def test_real_letters_mentioning_holidays_are_not_auto_replies(body: str) -> None:
    parsed = parse_message(reply(body))
    assert not parsed.auto_reply, parsed.auto_reply_reason


def test_away_text_in_quoted_history_is_ignored() -> None:
    body = QUOTE + "\n\n-----Original Message-----\nFrom: x\n" + AWAY
    short_body = "Цены во вложении.\n\n> " + AWAY.replace("\n", "\n> ")
    assert not parse_message(reply(body)).auto_reply
    assert not parse_message(reply(short_body)).auto_reply


def _dsn(action: str, returned: bytes, returned_type: str = "message/rfc822") -> bytes:
    boundary = "7C1A52E0F4B.1795957331/mx.broker.example"
    notice = mime(
        ['Content-Type: text/plain; charset="utf-8"'],
        "Ваше письмо не удалось доставить одному или нескольким получателям.\n",
    )
    status = mime(
        ["Content-Type: message/delivery-status"],
        "Reporting-MTA: dns; mx.broker.example\r\n\r\n"
        "Final-Recipient: rfc822; sales@metallbaza.example\r\n"
        f"Action: {action}\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 <sales@metallbaza.example>:\r\n"
        " Recipient address rejected: User unknown\r\n",
    )
    original = mime([f"Content-Type: {returned_type}"], returned)
    body = b"".join(
        b"--" + boundary.encode() + b"\r\n" + p + b"\r\n" for p in (notice, status, original)
    )
    body += b"--" + boundary.encode() + b"--\r\n"
    return mime(
        [
            "From: MAILER-DAEMON@mx.broker.example (Mail Delivery System)",
            "To: zakupki@broker.example",
            "Subject: Undelivered Mail Returned to Sender",
            "Date: Tue, 24 Nov 2026 16:02:11 +0300",
            "Message-ID: <dsn-1@mx.broker.example>",
            "Auto-Submitted: auto-replied",
            "MIME-Version: 1.0",
            f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"',
        ],
        body,
    )


RETURNED = mime(
    [
        "From: zakupki@broker.example",
        "To: sales@metallbaza.example",
        "Subject: =?utf-8?B?0JfQsNC/0YDQvtGBINGG0LXQvQ==?= [RFQ-2026-0057-1]",
        f"Message-ID: {RFQ_ID}",
        'Content-Type: text/plain; charset="utf-8"',
    ],
    "Просим предоставить коммерческое предложение:\n1. Болт М8х30 — 400 шт.\n",
)


def test_dsn_bounce_with_returned_message() -> None:
    parsed = parse_message(_dsn("failed", RETURNED))
    assert parsed.bounce
    assert not parsed.auto_reply  # a bounce is not also an auto-reply
    assert parsed.bounced_message_id == RFQ_ID
    assert parsed.bounce_recipients == ["sales@metallbaza.example"]
    assert parsed.bounce_diagnostic is not None
    assert "550 5.1.1" in parsed.bounce_diagnostic
    assert parsed.text.startswith("Ваше письмо не удалось доставить")
    assert "Болт" not in parsed.text  # the returned request is not body text
    assert parsed.attachments == []


def test_dsn_bounce_with_returned_headers_only() -> None:
    headers_only = RETURNED.split(b"\r\n\r\n", 1)[0] + b"\r\n"
    parsed = parse_message(_dsn("failed", headers_only, "text/rfc822-headers"))
    assert parsed.bounce
    assert parsed.bounced_message_id == RFQ_ID


def test_delay_notice_is_not_a_bounce() -> None:
    parsed = parse_message(_dsn("delayed", RETURNED).replace(b"Undelivered Mail", b"Delayed Mail"))
    assert not parsed.bounce
    assert parsed.auto_reply


def test_bounce_without_report_found_by_sender_and_subject() -> None:
    body = (
        "Сообщение не доставлено следующим получателям: sales@metallbaza.example\n\n"
        "Исходное сообщение:\nMessage-ID: " + RFQ_ID + "\nSubject: Запрос цен\n"
    )
    raw = reply(
        body,
        subject="=?utf-8?B?0J3QtdC00L7RgdGC0LDQstC70LXQvdC90L7QtSDRgdC+0L7QsdGJ0LXQvdC40LU=?=",
        sender="postmaster@mail.metallbaza.example",
    )
    parsed = parse_message(raw)
    assert parsed.subject == "Недоставленное сообщение"
    assert parsed.bounce
    assert parsed.bounced_message_id == RFQ_ID


def test_read_receipt_is_an_auto_reply() -> None:
    boundary = "mdn-1"
    body = (
        f"--{boundary}\r\nContent-Type: text/plain\r\n\r\nYour message was read.\r\n"
        f"--{boundary}\r\nContent-Type: message/disposition-notification\r\n\r\n"
        "Final-Recipient: rfc822; sales@metallbaza.example\r\n"
        "Disposition: manual-action/MDN-sent-manually; displayed\r\n"
        f"--{boundary}--\r\n"
    )
    raw = mime(
        [
            "From: sales@metallbaza.example",
            "Subject: Read: RFQ",
            "Content-Type: multipart/report; report-type=disposition-notification;"
            f' boundary="{boundary}"',
        ],
        body,
    )
    parsed = parse_message(raw)
    assert parsed.auto_reply
    assert not parsed.bounce


def test_ordinary_quote_is_not_flagged() -> None:
    parsed = parse_message(reply(QUOTE))
    assert not parsed.auto_reply
    assert not parsed.bounce
    assert not parsed.bulk
    assert parsed.bounced_message_id is None
