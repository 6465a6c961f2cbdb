"""Supplier replies as people type them, requests with corrections and attachments, and mail
that must not become an order: each behaviour on a mail written here.

The goods are gardening and plumbing supplies; the corpora carry other goods and layouts.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal
from email.message import EmailMessage
from uuid import uuid4

import pytest

from snab_contracts.mail import MailReceived
from snab_mailparse import parse_message
from snab_parser.domain.events import to_event
from snab_parser.result import ParseResult, QuoteLine
from snab_parser.rules import RuleExtractor
from snab_parser.rules.patterns import dash_kopecks

RFQ_ID = "<rfq.77.k3j4h5@broker.example>"
RFQ_SUBJECT = "Re: Запрос цен [RFQ-2026-0077-2]"
RFQ_LINES = [
    "1. Шланг поливочный ПВХ 3/4 — 50 м",
    "2. Коннектор быстросъёмный Gardena 18215 — 20 шт",
    "3. Распылитель круговой Rain Bird 5004 — 12 шт",
    "4. Таймер полива Hunter X-Core 401 — 2 шт",
]
RFQ_TEXT = "Добрый день!\nПросим цены:\n" + "\n".join(RFQ_LINES) + "\nС уважением,\nАнна, закупки"


def _quoted(text: str) -> str:
    return "\n".join("> " + line if line else ">" for line in text.split("\n"))


def _mail(
    body: str,
    *,
    subject: str = "Заявка",
    reply: bool = False,
    headers: dict[str, str] | None = None,
    attachment: tuple[str, bytes] | None = None,
    sender: str = "Пётр Кравцов <p.kravtsov@sad-opt.example>",
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "zakupki@broker.example"
    msg["Subject"] = RFQ_SUBJECT if reply else subject
    msg["Date"] = "Tue, 08 Dec 2026 11:20:00 +0300"
    msg["Message-ID"] = "<r1@sad-opt.example>"
    if reply:
        msg["In-Reply-To"] = RFQ_ID
        msg["References"] = RFQ_ID
    for key, value in (headers or {}).items():
        msg[key] = value
    msg.set_content(body)
    if attachment:
        name, data = attachment
        msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return bytes(msg)


def _read(raw: bytes) -> ParseResult:
    return RuleExtractor().extract(parse_message(raw))


def _lines(result: ParseResult) -> list[QuoteLine]:
    assert result.kind == "quote", result
    assert result.quote is not None
    return result.quote.lines


def _by_name(result: ParseResult, fragment: str) -> QuoteLine:
    return next(line for line in _lines(result) if fragment in line.name)


# --------------------------------------------------------------------------- inline answers


def test_answers_typed_under_quoted_lines_below_an_attribution() -> None:
    rfq = RFQ_TEXT.split("\n")
    body = "\n".join(
        [
            "Анна, ответы по тексту.",
            "",
            "08.12.2026 09:00, Анна пишет:",
            _quoted("\n".join(rfq[:3])),
            "есть, 64,90 за метр",
            _quoted(rfq[3]),
            "под заказ 10 дней, 415",
            _quoted(rfq[4]),
            "нету",
            _quoted(rfq[5]),
            "в наличии, 7 200",
            _quoted("\n".join(rfq[6:])),
            "",
            "Цены с НДС. Доставка по городу 900 р.",
        ]
    )
    result = _read(_mail(body, reply=True))
    lines = _lines(result)
    assert [line.name for line in lines] == [
        "Шланг поливочный ПВХ 3/4",
        "Коннектор быстросъёмный Gardena 18215",
        "Распылитель круговой Rain Bird 5004",
        "Таймер полива Hunter X-Core 401",
    ]
    assert [line.unit_price for line in lines] == [
        Decimal("64.90"),
        Decimal("415"),
        None,
        Decimal("7200"),
    ]
    assert lines[1].lead_time_days == 10
    assert lines[2].available is False
    assert lines[3].lead_time_days == 0
    assert result.quote is not None and result.quote.vat_included is True


def test_initials_before_the_quote_mark_are_quoting() -> None:
    rfq = RFQ_TEXT.split("\n")
    body = "\n".join(
        [
            "Здравствуйте.",
            "",
            "Вы писали 7 декабря 2026 г., 10:00:",
            "",
            *[f"АК> {line}" for line in rfq[:3]],
            "64 р. 90 к. за метр",
            f"АК> {rfq[3]}",
            "не возим",
        ]
    )
    lines = _lines(_read(_mail(body, reply=True)))
    assert lines[0].unit_price == Decimal("64.90")
    assert lines[1].available is False


# --------------------------------------------------------------------------- terse replies


def test_terse_answer_names_items_by_article_and_fragment() -> None:
    body = "Добрый. 18215 - 95, таймер нету, распылители в наличии 640. ндс вкл\n\n" + _quoted(
        RFQ_TEXT
    )
    result = _read(_mail(body, reply=True))
    assert _by_name(result, "Gardena").unit_price == Decimal("95")
    assert _by_name(result, "Gardena").quantity == Decimal("20")  # from the request
    assert _by_name(result, "Hunter").available is False
    sprinkler = _by_name(result, "Rain Bird")
    assert (sprinkler.unit_price, sprinkler.lead_time_days) == (Decimal("640"), 0)
    assert result.quote is not None and result.quote.vat_included is True


def test_total_only_with_general_stock() -> None:
    body = "Всё в наличии, 31 500 за всё. Счёт выставлять?\n\n" + _quoted(RFQ_TEXT)
    result = _read(_mail(body, reply=True))
    assert result.kind == "quote" and result.quote is not None
    assert result.quote.total == Decimal("31500")
    assert result.quote.lead_time_days == 0


# --------------------------------------------------------------------------- prices


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("Кран — 5 шт — 1.250,00", "1250.00"),
        ("Кран — 5 шт — 1 250-00", "1250.00"),
        ("Кран — 5 шт — 1250=50", "1250.50"),
        ("Кран — 5 шт — 1250,-", "1250.0"),
        ("Кран — 5 шт — 45р.50к.", "45.50"),
    ],
)
def test_russian_price_spellings(written: str, value: str) -> None:
    result = _read(_mail(written, reply=True))
    assert _lines(result)[0].unit_price == Decimal(value), dash_kopecks(written)


def test_the_offered_price_wins_over_the_list_price() -> None:
    body = (
        "Шланг ПВХ 3/4: по прайсу 80 р., для вас 64,90.\n"
        "Таймер Hunter X-Core 401 - прайс 8 000 р., со скидкой 10% будет 7 200 р.\n\n"
        + _quoted(RFQ_TEXT)
    )
    result = _read(_mail(body, reply=True))
    assert sorted(line.unit_price for line in _lines(result) if line.unit_price) == [
        Decimal("64.90"),
        Decimal("7200"),
    ]


def test_line_totals_only_give_the_unit_price() -> None:
    body = "1. Шланг поливочный ПВХ 3/4 — 50 м x 64,00 = 3 200,00\nИтого: 3 200,00 руб."
    lines = _lines(_read(_mail(body, reply=True)))
    assert lines[0].unit_price == Decimal("64.00")


def test_other_amounts_are_not_lines() -> None:
    body = (
        "1. Таймер полива Hunter X-Core 401 — 2 шт — 95,00 EUR/шт (≈ 9 400 руб.)\n"
        "Итого: 190,00 EUR\n"
        "В том числе НДС (22%): 34,26 EUR\n"
        "Рублёвый эквивалент по курсу 99,00 руб./EUR, справочно.\n"
    )
    result = _read(_mail(body, reply=True))
    lines = _lines(result)
    assert [(line.unit_price, line.quantity) for line in lines] == [(Decimal("95.00"), 2)]
    assert result.quote is not None and result.quote.currency == "EUR"


# --------------------------------------------------------------------------- refusals and gaps


def test_full_refusal_makes_every_requested_line_unavailable() -> None:
    body = "К сожалению, по вашему запросу ничего предложить не можем.\n\n" + _quoted(RFQ_TEXT)
    result = _read(_mail(body, reply=True))
    lines = _lines(result)
    assert len(lines) == 4
    assert all(line.available is False and line.unit_price is None for line in lines)


def test_lines_answered_later_have_unknown_availability() -> None:
    body = (
        "Поз. 1 - 64,90 руб/м, в наличии.\n"
        "Поз. 2 - 95 руб/шт.\n"
        "По поз. 3 и 4 ответим завтра, ждём склад.\n\n" + _quoted(RFQ_TEXT)
    )
    lines = _lines(_read(_mail(body, reply=True)))
    assert len(lines) == 4
    assert [line.available for line in lines[2:]] == [None, None]
    assert [line.unit_price for line in lines[2:]] == [None, None]


def test_analogue_is_recorded_against_the_item() -> None:
    body = (
        "1. Коннектор быстросъёмный Gardena 18215 — 20 шт — Gardena нет, можем дать аналог "
        "Palisad 66150 по 48 р.\n\n" + _quoted(RFQ_TEXT)
    )
    result = _read(_mail(body, reply=True))
    line = _by_name(result, "Gardena")
    assert (line.unit_price, line.available, line.analogue) == (
        Decimal("48"),
        True,
        "Palisad 66150",
    )
    # ... and reaches orders marked as such, named after the item it replaces.
    out = to_event(_received(body), result, extractor="rules", text=body)
    assert out.subject == "quote.parsed"
    [sent] = [x for x in out.lines if "Gardena" in x.name]
    assert sent.analogue_name == "Palisad 66150" and "аналог: Palisad 66150" in sent.name


# --------------------------------------------------------------------------- requests


def test_ps_correction_changes_the_quantity() -> None:
    body = (
        "Прошу счёт:\n1. Шланг поливочный ПВХ 3/4 — 50 м\n2. Коннектор Gardena 18215 — 20 шт\n\n"
        "P.S. коннекторов не 20, а 30.\n"
    )
    result = _read(_mail(body))
    assert result.kind == "request" and result.request is not None
    assert [(i.name, i.quantity) for i in result.request.items] == [
        ("Шланг поливочный ПВХ 3/4", Decimal("50")),
        ("Коннектор Gardena 18215", Decimal("30")),
    ]


def test_items_and_requisites_from_an_xlsx_when_the_body_has_none() -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Заказчик: ООО «Зелёный двор», ИНН 7707083893"])
    ws.append(["Телефон: +7 (495) 765-12-34"])
    ws.append(["Поставка до 20.12.2026"])
    ws.append([])
    ws.append(["Наименование", "Кол-во", "Ед."])
    ws.append(["Шланг поливочный ПВХ 3/4", 50, "м"])
    ws.append(["Таймер полива Hunter X-Core 401", 2, "шт"])
    buf = io.BytesIO()
    wb.save(buf)
    result = _read(_mail("Заявка во вложении.", attachment=("заявка.xlsx", buf.getvalue())))
    assert result.kind == "request" and result.request is not None
    assert [i.quantity for i in result.request.items] == [Decimal("50"), Decimal("2")]
    assert result.request.inn == "7707083893"
    assert result.request.deadline is not None and result.request.deadline.isoformat() == (
        "2026-12-20"
    )


def test_english_request() -> None:
    body = (
        "Hello,\n\nPlease quote the following:\n"
        "- Garden hose PVC 3/4 inch: 50 metres\n"
        "- Quick connector 18215: 20 pieces\n"
        "- Irrigation timer X-Core 401: 2 ea\n\n"
        "Delivery by 18 Dec 2026.\n\nBest regards,\nJohn Smith\nGreen Yard LLC\n+7 495 765 12 34\n"
    )
    result = _read(_mail(body, subject="Enquiry"))
    assert result.kind == "request" and result.request is not None
    assert [(i.quantity, i.unit) for i in result.request.items] == [
        (Decimal("50"), "м"),
        (Decimal("20"), "шт"),
        (Decimal("2"), "шт"),
    ]


# --------------------------------------------------------------------------- not orders


def test_an_invoice_with_an_amount_table_is_not_an_order() -> None:
    body = (
        "Добрый день! Направляем счёт на оплату по вашему заказу.\n\n"
        "Счёт № 512 от 07.12.2026\nПокупатель: ООО «Брокер»\n"
        "1. Шланг поливочный ПВХ 3/4 — 50 м — 64,90 — 3 245,00\n"
        "Итого к оплате: 3 245,00 руб.\n"
        "Оплатить до 14.12.2026. Р/с 40702810900000000001, БИК 044525000\n"
    )
    result = _read(_mail(body, subject="Счёт на оплату № 512"))
    assert result.kind == "other"


def test_a_newsletter_with_a_price_table_is_spam() -> None:
    body = (
        "Только до пятницы скидки до 30%!\n\n"
        "1. Шланг поливочный 3/4 — 25 м — 1 290 руб.\n2. Таймер полива — 1 шт — 6 900 руб.\n\n"
        "Вы получили это письмо, потому что подписаны на рассылку. Отписаться: https://sad.example/u\n"
    )
    headers = {"List-Unsubscribe": "<https://sad.example/u>", "Precedence": "bulk"}
    result = _read(_mail(body, subject="Распродажа", headers=headers))
    assert result.kind == "other" and result.other_reason == "spam"


def test_a_suppliers_question_is_other_linked_to_the_thread() -> None:
    body = "Анна, уточните, пожалуйста: шланг нужен армированный или обычный?\n\n" + _quoted(
        RFQ_TEXT
    )
    raw = _mail(body, reply=True)
    result = _read(raw)
    assert result.kind == "other" and result.needs_review
    assert "supplier_question" in result.review_reasons
    assert result.quote is not None and result.quote.rfq_tag == "RFQ-2026-0077-2"
    mail = parse_message(raw)
    assert mail.subject.startswith("Re:")


def _received(text: str) -> MailReceived:
    return MailReceived(
        mail_id=uuid4(),
        account="zakupki@broker.example",
        message_id="<r1@sad-opt.example>",
        mail_subject=RFQ_SUBJECT,
        received_at=datetime(2026, 12, 8, 8, 20, tzinfo=UTC),
        raw_key="mail/raw/r1.eml",
        raw_sha256="0" * 64,
        size=1,
        text=text,
    )


def test_a_suppliers_question_reaches_the_thread_in_its_event() -> None:
    body = "Какой класс прочности нужен?\n\n" + _quoted(RFQ_TEXT)
    result = _read(_mail(body, reply=True))
    event = _received("Какой класс прочности нужен?")
    out = to_event(event, result, extractor="rules", text="Какой класс прочности нужен?")
    assert out.subject == "mail.classified"
    assert out.thread.rfq_number == "RFQ-2026-0077-2"
    assert out.needs_review


def test_a_request_that_reads_like_accounting_goes_to_review() -> None:
    body = "Прошу выставить счёт:\n1. Шланг поливочный ПВХ 3/4 — 50 м\n\nСальдо на 01.12 нулевое.\n"
    result = _read(_mail(body))
    assert result.kind == "request"
    assert result.needs_review and "maybe_not_a_request" in result.review_reasons
