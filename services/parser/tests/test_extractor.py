"""The rule extractor and the CLI end to end on messages written here."""

from __future__ import annotations

import json
from email.message import EmailMessage
from pathlib import Path

import pytest

from snab_mailparse import parse_message
from snab_parser import cli
from snab_parser.result import ParseResult
from snab_parser.rules import RuleExtractor


def _mail(subject: str, body: str, **headers: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = headers.pop("sender", "Иван Петров <petrov@client.example>")
    msg["To"] = "zakaz@broker.example"
    msg["Subject"] = subject
    msg["Date"] = "Mon, 16 Nov 2026 09:12:37 +0300"
    msg["Message-ID"] = "<m1@client.example>"
    for key, value in headers.items():
        msg[key.replace("_", "-")] = value
    msg.set_content(body)
    return bytes(msg)


def _extract(raw: bytes) -> ParseResult:
    return RuleExtractor().extract(parse_message(raw))


REQUEST = """Добрый день!

Просим выставить счёт:
1. Подшипник 6205-2RS — 40 шт.
2. Ремень клиновой SPB 2000 — 6 шт.

Нужно до 27 ноября.

--
Петров Иван
ООО «Ромашка»
ИНН 7707083893
тел. +7 (495) 123-45-67
"""


def test_request_fields() -> None:
    result = _extract(_mail("Заявка", REQUEST))
    assert result.kind == "request"
    req = result.request
    assert req is not None
    assert [(i.name, str(i.quantity), i.unit) for i in req.items] == [
        ("Подшипник 6205-2RS", "40", "шт"),
        ("Ремень клиновой SPB 2000", "6", "шт"),
    ]
    assert str(req.deadline) == "2026-11-27"
    assert req.company == "ООО «Ромашка»"
    assert req.inn == "7707083893"
    assert req.contact_phone == "+74951234567"
    assert req.email == "petrov@client.example"
    assert not result.needs_review


QUOTE = """Добрый день!

1. Подшипник 6205-2RS — 40 шт. — 385,00 руб./шт.
Позиция 2 нет в наличии.

Итого: 15 400,00 руб., цены с НДС. Срок поставки 3-5 дней.
Предложение действительно до 30.11.2026.

16.11.2026 14:05, Ольга пишет:
> 1. Подшипник 6205-2RS — 40 шт.
> 2. Ремень клиновой SPB 2000 — 6 шт.
"""


def test_quote_with_partial_availability_from_the_thread() -> None:
    raw = _mail(
        "Re: Запрос цен [RFQ-2026-0041-2]",
        QUOTE,
        In_Reply_To="<rfq.41.k3f9q2@broker.example>",
        References="<rfq.41.k3f9q2@broker.example>",
    )
    result = _extract(raw)
    assert result.kind == "quote"
    quote = result.quote
    assert quote is not None
    assert quote.rfq_tag == "RFQ-2026-0041-2"
    assert quote.rfq_message_id == "<rfq.41.k3f9q2@broker.example>"
    assert [(ln.name, ln.unit_price, ln.available) for ln in quote.lines] == [
        ("Подшипник 6205-2RS", 385, True),
        ("Ремень клиновой SPB 2000", None, False),
    ]
    assert (quote.currency, quote.vat_included, quote.lead_time_days) == ("RUB", True, 5)
    assert str(quote.valid_until) == "2026-11-30"
    assert quote.total == 15400


def test_reply_does_not_reextract_the_quoted_request() -> None:
    raw = _mail(
        "Re: Запрос цен [RFQ-2026-0041-2]",
        "Добрый день! Уточните, пожалуйста, марку.\n\n"
        + QUOTE.split("16.11.2026")[1].join(["16.11.2026", ""]),
        In_Reply_To="<rfq.41.k3f9q2@broker.example>",
    )
    result = _extract(raw)
    assert result.kind == "other"
    assert result.needs_review


def test_unlinked_quote_needs_review() -> None:
    body = (
        "Добрый день! Предлагаем:\nБолт М8 — 100 шт — 5,00 руб./шт\n"
        "Цены действительны до 30.11.2026"
    )
    result = _extract(_mail("Коммерческое предложение", body))
    assert result.kind == "quote"
    assert "unlinked_quote" in result.review_reasons
    assert result.needs_review


@pytest.mark.parametrize(
    ("subject", "body", "headers", "reason"),
    [
        (
            "Автоматический ответ: Заявка",
            "Я в отпуске до 14 декабря.",
            {"Auto_Submitted": "auto-replied"},
            "auto_reply",
        ),
        (
            "Re: Запрос цен [RFQ-2026-0001-1]",
            "Я в отпуске до 14 декабря, почту не читаю.",
            {},
            "auto_reply",
        ),
        (
            "Undelivered Mail Returned to Sender",
            "Your message could not be delivered. User unknown.",
            {"sender": "MAILER-DAEMON@mx.broker.example"},
            "bounce",
        ),
        (
            "Скидки до 40%!",
            "Распродажа! Болт М8 — 100 шт — от 3 руб.\nОтписаться от рассылки: ...",
            {},
            "spam",
        ),
        (
            "Приглашение на конференцию",
            "Приглашаем на конференцию 17 декабря. Стоимость 15 000 руб.",
            {},
            "not_procurement",
        ),
    ],
)
def test_other_mail(subject: str, body: str, headers: dict[str, str], reason: str) -> None:
    result = _extract(_mail(subject, body, **headers))
    assert (result.kind, result.other_reason) == ("other", reason)


def test_request_without_items_needs_review() -> None:
    result = _extract(_mail("Запрос", "Добрый день! Пришлите, пожалуйста, прайс-лист."))
    assert result.kind == "other"
    assert result.needs_review


def test_cli_prints_label_shaped_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "m.eml"
    path.write_bytes(_mail("Заявка", REQUEST))
    assert cli.main(["parse", str(path), "--extractor", "rules"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["kind"] == "request"
    assert "quote" not in data and "other_reason" not in data
    assert data["request"]["items"][0]["quantity"] == 40  # a JSON number, not a string
    assert data["extractor"] == "rules"
    assert 0 <= data["confidence"] <= 1


def test_cli_falls_back_to_rules_without_a_key() -> None:
    assert cli.choose_extractor("llm", env={}).name == "rules"
    assert cli.choose_extractor("auto", env={}).name == "rules"


def test_cli_missing_file(tmp_path: Path) -> None:
    assert cli.main(["parse", str(tmp_path / "none.eml")]) == 2


def test_garbage_input_still_answers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.eml"
    path.write_bytes(b"\x00\xff garbage \r\n\r\n\x00")
    assert cli.main(["parse", str(path), "--extractor", "rules"]) == 0
    assert json.loads(capsys.readouterr().out)["kind"] in ("other", "request", "quote")
