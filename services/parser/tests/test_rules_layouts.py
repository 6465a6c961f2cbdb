"""Layout and phrasing families: nested HTML frames, answers written inline under a quoted
list, price columns with and without VAT, spec columns, line totals, prices in thousands or per
thousand pieces, ordinal and English dates, buyer/seller labels, complaints and bank notices.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from email.message import EmailMessage

from snab_mailparse import parse_message
from snab_parser.result import ParseResult
from snab_parser.rules import RuleExtractor
from snab_parser.rules.contacts import find_company
from snab_parser.rules.dates import find_date
from snab_parser.rules.html import html_to_text, layout_tables
from snab_parser.rules.items import items_from_lines
from snab_parser.rules.patterns import find_prices, lead_time_days
from snab_parser.rules.quote import QuoteDraft, read_quote
from snab_parser.rules.tables import tables_in_lines
from snab_parser.rules.text import split_body

REF = date(2026, 12, 2)


def _quote(text: str) -> QuoteDraft:
    return read_quote(text.strip("\n").split("\n"), [], [], REF)


def _mail(subject: str, body: str, *, reply_to: str | None = None) -> ParseResult:
    msg = EmailMessage()
    msg["From"] = "someone@firm.example"
    msg["To"] = "zakaz@broker.example"
    msg["Subject"] = subject
    msg["Date"] = "Wed, 02 Dec 2026 10:00:00 +0300"
    msg["Message-ID"] = "<probe2@firm.example>"
    if reply_to:
        msg["In-Reply-To"] = reply_to
    msg.set_content(body)
    return RuleExtractor().extract(parse_message(msg.as_bytes()))


def test_a_frame_table_around_a_data_table_is_layout() -> None:
    html = (
        "<table><tr><td>Прошу цены:"
        "<table><tr><th>Наименование</th><th>Кол-во</th></tr>"
        "<tr><td>Уголок 63х63х6</td><td>2 т</td></tr>"
        "<tr><td>Швеллер 12П</td><td>1,5 т</td></tr></table>"
        "</td></tr></table>"
    )
    assert layout_tables(html) == [True, False]
    text = html_to_text(html)
    assert "Уголок 63х63х6\t2 т" in text.split("\n")
    # a one-row table inside a data cell stays flattened into that cell
    assert layout_tables("<table><tr><td><table><tr><td>x</td></tr></table></td></tr></table>") == [
        False,
        False,
    ]


def test_answers_under_each_quoted_line_join_that_line() -> None:
    body = split_body(
        "Здравствуйте.\n\n> 1. Хомут 20-32 мм — 300 шт\n2,10 руб./шт\n"
        "> 2. Хомут 40-60 мм — 100 шт\nне поставляем\n\nЦены без НДС.",
        forward=False,
        reply=True,
    )
    own = [line for line in body.own.body if line.strip()]
    assert "1. Хомут 20-32 мм — 300 шт — 2,10 руб./шт" in own
    assert "2. Хомут 40-60 мм — 100 шт — не поставляем" in own
    assert any("Хомут 20-32" in line for line in body.history)


def test_a_top_posted_reply_keeps_the_quote_as_history() -> None:
    body = split_body(
        "Цена 5 руб.\n\n> 1. Хомут 20-32 мм — 300 шт\n> 2. Хомут 40-60 мм — 100 шт",
        forward=False,
        reply=True,
    )
    assert not any("Хомут" in line for line in body.own.body)


def test_the_price_column_with_vat_wins() -> None:
    tables = tables_in_lines(
        [
            "Товар | Кол-во | Цена без НДС | Цена с НДС",
            "Грунт ГФ-021 | 10 кг | 125,00 | 150,00",
            "Эмаль ПФ-115 | 20 кг | 200,00 | 240,00",
        ]
    )
    assert [r.price for r in tables[0].rows] == [Decimal("150.00"), Decimal("240.00")]
    assert tables[0].vat_included is True


def test_spec_columns_join_the_name() -> None:
    tables = tables_in_lines(
        [
            "Наименование\tМарка\tЕд.\tКол-во",
            "Лист х/к\t08пс 1,0х1250х2500\tт\t2",
            "Полоса\tст3 40х4\tкг\t300",
        ]
    )
    assert [r.name for r in tables[0].rows] == ["Лист х/к 08пс 1,0х1250х2500", "Полоса ст3 40х4"]


def test_prices_in_thousands_and_per_thousand_pieces() -> None:
    assert find_prices("Компрессор — 1 шт — 240 т.р.")[0].amount == Decimal(240000)
    assert find_prices("Заклепка 4х10 — 380 руб./1000 шт")[0].amount == Decimal("0.38")
    assert find_prices("Шайба М6 — 95 руб. за 1000 шт")[0].amount == Decimal("0.095")


def test_a_line_total_marked_in_the_line() -> None:
    draft = _quote("Насос Wilo Star-RS 25/6 — 4 шт — сумма 38 400 руб.")
    assert [(d.price, d.line_total) for d in draft.lines] == [(Decimal("9600.00"), Decimal(38400))]


def test_positions_named_unavailable_among_restated_lines() -> None:
    draft = _quote(
        "Позиция 2 отсутствует, снята с производства.\n"
        "1. Лампа LED 10 Вт E27 — 100 шт — 95 руб.\n"
        "2. Лампа LED 15 Вт E40 — 50 шт\n"
    )
    assert [(d.price, d.available) for d in draft.lines] == [(Decimal(95), True), (None, False)]


def test_lead_times_with_case_endings() -> None:
    assert lead_time_days("изготовление в течение 3-х недель") == 21
    assert lead_time_days("отгрузка в течение 5-ти рабочих дней") == 5


def test_ordinal_and_english_dates() -> None:
    assert find_date("к пятнадцатому декабря", REF) == date(2026, 12, 15)
    assert find_date("до двадцать восьмого декабря", REF) == date(2026, 12, 28)
    assert find_date("valid until December 18, 2026", REF) == date(2026, 12, 18)
    assert find_date("valid till 21st of December 2026", REF) == date(2026, 12, 21)


def test_the_buyer_labelled_company_wins_over_the_seller() -> None:
    text = "Поставщик: ООО «Альфа»\nПокупатель: ООО «Бета», ИНН 7707083893"
    assert find_company(text) == "ООО «Бета»"


def test_a_complaint_about_a_delivery_is_not_an_order() -> None:
    result = _mail(
        "Рекламация по накладной 77",
        "Добрый день. По накладной № 77 недопоставка: Кабель ВВГ 3х2,5 — 50 м. "
        "Просим допоставить и заменить брак.\nПретензию направим почтой.",
    )
    assert result.kind == "other"


def test_a_bank_notice_is_not_an_order() -> None:
    result = _mail(
        "Выписка",
        "Выписка по счёту 40702810000000000001 за 01.12.2026.\n"
        "Поступления: 2 шт. на сумму 10 000,00 руб.\nСписания: 4 шт.\n"
        "Исходящий остаток: 5 000,00 руб.",
    )
    assert result.kind == "other"


def test_an_inline_answered_rfq_is_a_quote() -> None:
    result = _mail(
        "Re: Запрос цен [RFQ-2026-0777-1]",
        "Добрый день!\n\n> 1. Петля накладная 110 мм — 40 шт\n38,00 руб./шт\n"
        "> 2. Ручка-скоба 128 мм — 40 шт\n54,00 руб./шт\n\nЦены с НДС.",
        reply_to="<rfq.777.abc@broker.example>",
    )
    assert result.kind == "quote" and result.quote is not None
    assert [line.unit_price for line in result.quote.lines] == [Decimal(38), Decimal(54)]


def test_items_after_a_dotted_unit_in_prose() -> None:
    items = items_from_lines(["Ещё нужно примерно 40 шт. хомутов стальных 20-32 мм."])
    assert [(i.quantity, i.unit) for i in items] == [(Decimal(40), "шт")]
