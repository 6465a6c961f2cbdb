"""Phrasing and layout families of real mail that the rule extractor reads.

Each test holds a small Russian sample of one family: how a quantity, a price, a lead time,
VAT, a validity date or a table header can be written.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from email.message import EmailMessage

import pytest

from snab_mailparse import parse_message
from snab_parser.result import ParseResult
from snab_parser.rules import RuleExtractor
from snab_parser.rules.contacts import find_company
from snab_parser.rules.dates import find_date
from snab_parser.rules.extractor import _deadline
from snab_parser.rules.html import html_to_text
from snab_parser.rules.items import items_from_lines
from snab_parser.rules.lines import parse_line
from snab_parser.rules.patterns import dash_kopecks, lead_time_days, vat_statement
from snab_parser.rules.prose import items_in_prose
from snab_parser.rules.quote import QuoteDraft, read_quote
from snab_parser.rules.tables import tables_in_lines

REF = date(2026, 11, 23)


def _items(text: str) -> list[tuple[str, Decimal | None, str | None]]:
    return [(i.name, i.quantity, i.unit) for i in items_from_lines(text.strip("\n").split("\n"))]


def _quote(text: str, rfq: str = "") -> QuoteDraft:
    rfq_items = items_from_lines(rfq.strip("\n").split("\n")) if rfq else []
    return read_quote(text.strip("\n").split("\n"), [], rfq_items, REF)


def _prices(draft: QuoteDraft) -> list[Decimal | None]:
    return [line.price for line in draft.lines]


def _mail(subject: str, body: str, *, sender: str = "client@client.example") -> ParseResult:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "zakaz@broker.example"
    msg["Subject"] = subject
    msg["Date"] = "Mon, 23 Nov 2026 10:00:00 +0300"
    msg["Message-ID"] = "<probe@client.example>"
    msg.set_content(body)
    return RuleExtractor().extract(parse_message(msg.as_bytes()))


# ---------------------------------------------------------------------------- request lines


def test_quantity_glued_to_a_dash() -> None:
    assert _items("Перчатки нитриловые р.М -50 уп\nМаски трехслойные -100 упак") == [
        ("Перчатки нитриловые р.М", Decimal(50), "уп"),
        ("Маски трехслойные", Decimal(100), "уп"),
    ]


def test_column_of_lines_without_separators_is_a_list() -> None:
    found = _items("Шприц 5мл трехкомпонентный 2000шт\nБинт марлевый 7м х 14см 500 шт")
    assert found == [
        ("Шприц 5мл трехкомпонентный", Decimal(2000), "шт"),
        ("Бинт марлевый 7м х 14см", Decimal(500), "шт"),
    ]


def test_a_lone_sentence_ending_in_a_quantity_is_not_a_list_line() -> None:
    # one such line alone is read as prose, not as "name — quantity"
    assert _items("Да, давайте оформим. Нам нужно стрейч-плёнку 500 мм — 60 рулонов.") == [
        ("стрейч-плёнку 500 мм", Decimal(60), "рул")
    ]


def test_size_with_times_sign_is_not_a_quantity() -> None:
    line = parse_line("Скотч прозрачный 48 мм х 66 м")
    assert line is None or line.quantity != Decimal(66)


def test_count_of_pieces_wins_over_their_length() -> None:
    line = parse_line("Труба профильная 40х20х2 - 6 м - 20 шт")
    assert line is not None
    assert (line.quantity, line.unit) == (Decimal(20), "шт")


def test_quantity_alone_in_parentheses() -> None:
    line = parse_line("Кабель ВВГ 3х2,5 (200 м)")
    assert line is not None
    assert (line.name, line.quantity, line.unit) == ("Кабель ВВГ 3х2,5", Decimal(200), "м")


# ---------------------------------------------------------------------------- prose


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Нужно двенадцать офисных кресел с подлокотниками и шесть письменных столов.",
            [("офисные кресла с подлокотниками", 12, "шт"), ("письменные столы", 6, "шт")],
        ),
        ("Ещё понадобятся 3 тумбы подкатные.", [("тумба подкатные", 3, "шт")]),
        (
            "Нужно пару рулонов плёнки и десять коробок скотча.",
            [("плёнка", 2, "рул"), ("скотч", 10, "кор")],
        ),
        ("Плюс уголки картонные 35х35 мм, штук 500.", [("уголки картонные 35х35 мм", 500, "шт")]),
        ("Нужно сто двадцать пять метров трубы ПНД 32 мм.", [("труба ПНД 32 мм", 125, "м")]),
        ("Нужно полторы тонны арматуры А500С 12 мм.", [("арматура А500С 12 мм", 1.5, "т")]),
        ("Закажем у вас 4 пожарных шкафа.", [("пожарный шкаф", 4, "шт")]),
        ("Дюбели 6х40 - штук 200.", [("Дюбели 6х40", 200, "шт")]),
    ],
)
def test_items_in_prose(text: str, expected: list[tuple[str, float, str]]) -> None:
    found = [(i.name, i.quantity, i.unit) for i in items_in_prose(text)]
    assert found == [(n, Decimal(str(q)), u) for n, q, u in expected]


def test_dates_and_periods_after_a_number_are_not_goods() -> None:
    assert items_in_prose("Привезите, пожалуйста, 20 декабря, 5 дней на приёмку.") == []


# ---------------------------------------------------------------------------- quote lines


def test_rubles_and_kopecks_written_with_a_dash() -> None:
    assert dash_kopecks("Бумага А4 — 40 пачек — 289-00 за пачку") == (
        "Бумага А4 — 40 пачек — 289,00 за пачку"
    )
    assert dash_kopecks("Перчатки р. 52-54") == "Перчатки р. 52-54"  # a size range stays
    draft = _quote(
        "Бумага А4 — 40 пачек — 289-00 за пачку\nРучка BIC — 100 шт — 14-50\nИтого: 13 010-00"
    )
    assert _prices(draft) == [Decimal("289.00"), Decimal("14.50")]
    assert draft.total == Decimal("13010.00")


def test_unmarked_price_ending_a_line() -> None:
    draft = _quote(
        "1. Кабель ВВГ 3х2,5 — 78,40\n2. Провод ПВС 2х0,75 3 бухты по 2100\n3. Гофра 20 мм — нет",
        "1. Кабель ВВГ 3х2,5 — 200 м\n2. Провод ПВС 2х0,75 — 3 бух\n3. Гофра 20 мм — 300 м",
    )
    assert _prices(draft) == [Decimal("78.40"), Decimal(2100), None]
    assert [d.available for d in draft.lines] == [True, True, False]


def test_price_and_line_total_without_separators() -> None:
    draft = _quote("Кабель ВВГ 3х2,5 200 м 78.40 15680.00")
    assert [(d.price, d.line_total, d.quantity) for d in draft.lines] == [
        (Decimal("78.40"), Decimal("15680.00"), Decimal(200))
    ]


def test_price_for_a_batch_is_divided_by_it() -> None:
    draft = _quote("1) Кабель ВВГ 3х2,5 — 15 680 руб. за 200 м")
    assert [(d.price, d.quantity, d.unit) for d in draft.lines] == [(Decimal("78.4"), 200, "м")]


def test_negotiable_price_keeps_the_line_without_a_price() -> None:
    draft = _quote("- Бязь 150 см — 1 500 м — 118 руб./м\n- Нитки 45ЛЛ — цена договорная")
    assert [(d.name, d.price, d.available) for d in draft.lines] == [
        ("Бязь 150 см", Decimal(118), True),
        ("Нитки 45ЛЛ", None, None),
    ]


def test_refusal_naming_several_goods_gives_a_line_each() -> None:
    draft = _quote(
        "Пароконвектомат — 1 шт. — 289 990,00 руб./шт\nСтолы и доски сейчас не поставляем."
    )
    assert [(d.name, d.available) for d in draft.lines] == [
        ("Пароконвектомат", True),
        ("Столы", False),
        ("доски", False),
    ]


def test_pack_size_next_to_the_name_is_not_the_quantity() -> None:
    draft = _quote("Ацетонитрил 2,5 л — 14 200 р/шт, чашки Петри 90мм — 1150р/уп.")
    assert [(d.name, d.price, d.unit) for d in draft.lines] == [
        ("Ацетонитрил 2,5 л", Decimal(14200), "шт"),
        ("чашки Петри 90мм", Decimal(1150), "уп"),
    ]


def test_everything_for_one_sum_is_the_total() -> None:
    draft = _quote("Можем поставить всё за 125 400 рублей включая НДС, срок 2 недели.")
    assert draft.lines == []
    assert (draft.total, draft.vat_included, draft.lead_time_days) == (Decimal(125400), True, 14)


def test_ordinal_position_refers_to_the_request() -> None:
    draft = _quote(
        "По первой позиции цена 78,40 руб/м.",
        "1. Кабель ВВГ 3х2,5 — 200 м\n2. Провод ПВС 2х0,75 — 3 бух",
    )
    assert [(d.name, d.price) for d in draft.lines] == [("Кабель ВВГ 3х2,5", Decimal("78.40"))]


def test_labelled_payment_terms_win_over_a_lead_time_mentioning_prepayment() -> None:
    draft = _quote(
        "Стоимость: 318 450 руб.\nСрок поставки — через 2-3 недели после предоплаты.\n"
        "Условия оплаты: 70% предоплата, 30% по факту поставки."
    )
    assert draft.payment_terms == "70% предоплата, 30% по факту поставки"
    assert draft.lead_time_days == 21


# ---------------------------------------------------------------------------- statements


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Поставка 5-7 р.д. после оплаты", 7),
        ("Lead time: 25-30 days after prepayment", 30),
        ("Поставка в течение двух недель", 14),
        ("Срок поставки: 14 дн.", 14),
        ("под заказ 30 дней", 30),
    ],
)
def test_lead_time_phrasings(text: str, days: int) -> None:
    assert lead_time_days(text) == days


@pytest.mark.parametrize(
    ("text", "vat"),
    [
        ("Цены в юанях, НДС не применяется.", False),
        ("Цены указаны +20% НДС.", False),
        ("Prices in USD + VAT", False),
        ("НДС 20% сверху", False),
        ("Цены включают НДС 20%", True),
    ],
)
def test_vat_phrasings(text: str, vat: bool) -> None:
    assert vat_statement(text) is vat


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("Offer valid until 15.12.2026.", date(2026, 12, 15)),
        ("Validity: until 10 Dec 2026.", date(2026, 12, 10)),
        ("Предложение действительно до конца месяца.", date(2026, 11, 30)),
    ],
)
def test_validity_phrasings(text: str, valid: date) -> None:
    assert _quote(f"Кабель — 200 м — 78,40 руб./м\n{text}").valid_until == valid


def test_english_month_names() -> None:
    assert find_date("until 10 Dec 2026", REF) == date(2026, 12, 10)
    assert find_date("до 5 дек.", REF) == date(2026, 12, 5)


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("Дата поставки — 14.12.2026", date(2026, 12, 14)),
        ("Deadline: до 4 декабря", date(2026, 12, 4)),
        ("Цены нужны до 25.11, поставка до 10.12", date(2026, 12, 10)),
        ("КП нужно до 25 ноября.", date(2026, 11, 25)),  # no delivery date: the answer date
    ],
)
def test_deadline_phrasings(text: str, deadline: date) -> None:
    assert _deadline([text], "", REF) == deadline


# ---------------------------------------------------------------------------- tables


def test_html_header_with_merged_cells() -> None:
    html = """<table>
<tr><th rowspan="2">Наименование</th><th rowspan="2">Кол-во</th>
<th colspan="2">Стоимость с НДС, руб.</th></tr>
<tr><th>за ед.</th><th>всего</th></tr>
<tr><td>Куртка зимняя</td><td>25</td><td>3 980,00</td><td>99 500,00</td></tr>
<tr><td>Очки защитные</td><td>60</td><td colspan="2">нет в наличии</td></tr>
</table>"""
    lines = html_to_text(html).split("\n")
    assert lines[1] == "\t\tза ед.\tвсего"
    draft = read_quote(lines, [], [], REF)
    assert [(d.name, d.price, d.line_total, d.available) for d in draft.lines] == [
        ("Куртка зимняя", Decimal("3980.00"), Decimal("99500.00"), True),
        ("Очки защитные", None, None, False),
    ]
    assert draft.vat_included is True


def test_sub_header_with_its_own_role_keeps_it() -> None:
    rows = ["№\tНаименование\tКоличество", "\t\tкол-во\tед. изм.", "1\tВоздуховод d160\t120\tм"]
    (table,) = tables_in_lines(rows)
    assert [(r.name, r.quantity, r.unit) for r in table.rows] == [("Воздуховод d160", 120, "м")]


# ---------------------------------------------------------------------------- whole messages


def test_delivery_notice_is_not_a_request() -> None:
    result = _mail(
        "Груз № 26-00451278 прибыл на терминал",
        "Груз по накладной № 26-00451278 прибыл на терминал и готов к выдаче.\n"
        "Мест: 3, вес 124 кг, объём 0,8 м3\n"
        "Это автоматическое уведомление, отвечать на него не нужно.",
        sender="noreply@tk.example",
    )
    assert (result.kind, result.other_reason) == ("other", "not_procurement")


def test_invoice_for_payment_is_not_a_request() -> None:
    result = _mail(
        "Счет на оплату",
        "Добрый день! Во вложении счет № 512 на оплату поставки:\n"
        "Кабель ВВГ 3х2,5 — 200 м — 15 680 руб.\nПросим оплатить до 30.11.2026.",
    )
    assert result.kind == "other"


def test_public_sector_legal_forms() -> None:
    assert find_company("зав. лабораторией\nФГБУН «НИИ прикладной химии»") == (
        "ФГБУН «НИИ прикладной химии»"
    )
    assert find_company("СХП «Рассвет», ИНН 2309876541") == "СХП «Рассвет»"


def test_colleague_forwarding_a_request_is_not_the_client() -> None:
    body = (
        "Коллеги, пересылаю заявку, посчитайте.\n\n"
        "---------- Forwarded message ---------\n"
        "От: Агроном <agronom@rassvet.example>\n"
        "Date: пт, 20 нояб. 2026 г. в 09:14\n"
        "Subject: заявка\n\n"
        "Нужно:\nАммиачная селитра - 12 т\nУдобрение NPK 16:16:16 - 0.5т\n\n"
        "СХП «Рассвет», ИНН 2309876541\nтел. 8-918-334-55-61\n\n"
        "--\nАнна Лебедева\nменеджер ООО «Брокер Снаб»\n+7 (495) 120-00-00\n"
    )
    msg = EmailMessage()
    msg["From"] = "Анна Лебедева <a.lebedeva@broker.example>"
    msg["To"] = "zakaz@broker.example"
    msg["Subject"] = "Fwd: заявка"
    msg["Date"] = "Mon, 23 Nov 2026 09:00:00 +0300"
    msg.set_content(body)
    result = RuleExtractor().extract(parse_message(msg.as_bytes()))
    assert result.request is not None
    assert result.request.company == "СХП «Рассвет»"
    assert result.request.contact_phone == "+79183345561"
    assert [(i.quantity, i.unit) for i in result.request.items] == [
        (Decimal(12), "т"),
        (Decimal("0.5"), "т"),
    ]
