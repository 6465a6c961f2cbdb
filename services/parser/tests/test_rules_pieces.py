"""Unit tests of the pieces the rule extractor is built from."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from snab_parser.rules.contacts import find_company, find_inn, find_phones, valid_inn
from snab_parser.rules.dates import find_date, resolve
from snab_parser.rules.html import html_to_text
from snab_parser.rules.items import find_article, items_from_lines
from snab_parser.rules.lines import parse_line
from snab_parser.rules.numbers import parse_amount, parse_number, words_to_number
from snab_parser.rules.patterns import find_prices, lead_time_days, vat_statement
from snab_parser.rules.prose import items_in_prose
from snab_parser.rules.tables import tables_in_lines
from snab_parser.rules.text import split_body
from snab_parser.rules.units import normalize_unit


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1 250,00", "1250.00"),
        ("1\u00a0250,00", "1250.00"),
        ("$1,151.00", "1151.00"),
        ("1.250,00", "1250.00"),
        ("0,74", "0.74"),
        ("2.4", "2.4"),
        ("61 500", "61500"),
        ("1,000,000", "1000000"),
    ],
)
def test_parse_number(text: str, value: str) -> None:
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("двести", 200),
        ("сто пятьдесят", 150),
        ("триста", 300),
        ("двадцать пять", 25),
        ("две тысячи", 2000),
        ("две тысячи триста сорок", 2340),
        ("полторы", Decimal("1.5")),
        ("полторы тысячи", 1500),
        ("две с половиной", Decimal("2.5")),
        ("сто девяносто", 190),
        ("пятьдесят", 50),
        ("одиннадцать", 11),
    ],
)
def test_words_to_number(text: str, value: int | Decimal) -> None:
    assert words_to_number(text) == Decimal(value)


@pytest.mark.parametrize("text", ["пять два", "двести двести", "кабель", ""])
def test_words_to_number_refuses_non_numbers(text: str) -> None:
    assert words_to_number(text) is None


def test_parse_amount_with_scale() -> None:
    assert parse_amount("10 тыс.") == Decimal(10000)
    assert parse_amount("1,5 тыс") == Decimal(1500)
    assert parse_amount("двести") == Decimal(200)


@pytest.mark.parametrize(
    ("surface", "unit"),
    [
        ("шт.", "шт"),
        ("штук", "шт"),
        ("pcs", "шт"),
        ("ед.", "шт"),
        ("метров", "м"),
        ("м.п.", "м"),
        ("пог. м", "м"),
        ("кв. м", "м2"),
        ("м²", "м2"),
        ("куб. м", "м3"),
        ("кубов", "м3"),
        ("упаковок", "уп"),
        ("комплекта", "компл"),
        ("рулонов", "рул"),
        ("бухты", "бух"),
        ("мешков", "меш"),
        ("коробки", "кор"),
        ("тонны", "т"),
        ("листов", "лист"),
        ("пары", "пар"),
    ],
)
def test_normalize_unit(surface: str, unit: str) -> None:
    assert normalize_unit(surface) == unit


def test_unknown_unit_is_none() -> None:
    assert normalize_unit("Вт") is None


def test_inn_checksum() -> None:
    assert valid_inn("7707083893")
    assert valid_inn("500100732259")
    assert not valid_inn("7707083894")
    assert not valid_inn("123")


def test_find_inn_and_kpp() -> None:
    assert find_inn("ИНН/КПП 7707083893/770701001") == ("7707083893", "770701001")
    assert find_inn("ИНН 7707083893, КПП 770701001") == ("7707083893", "770701001")
    # a number that fails the checksum is not an INN
    assert find_inn("ИНН 7707083894") == (None, None)


def test_phones_in_e164_and_fax_last() -> None:
    text = "тел. 8 (343) 310-45-20, факс 8 (343) 310-45-21\nмоб. +7 921 555-40-12"
    assert find_phones(text) == ["+73433104520", "+79215554012", "+73433104521"]


def test_phones_skip_inn_and_accept_foreign() -> None:
    assert find_phones("ИНН 7707083893 КПП 770701001") == []
    assert find_phones("тел. +375 29 614-22-87") == ["+375296142287"]
    assert find_phones("Алексей 89031234567") == ["+79031234567"]


def test_find_company() -> None:
    assert find_company("С уважением,\nООО «ТД «Ромашка»\nИНН") == "ООО «ТД «Ромашка»»"
    assert find_company('АО "Завод"') == 'АО "Завод"'
    assert find_company("ИП Белов И.С.\nИНН 5036") == "ИП Белов И.С."


def test_dates_resolve_against_reference_year() -> None:
    ref = date(2026, 11, 20)
    assert find_date("до 15 декабря", ref) == date(2026, 12, 15)
    assert find_date("до 30.11", ref) == date(2026, 11, 30)
    assert find_date("до 10.12.2026", ref) == date(2026, 12, 10)
    # a yearless date well before the message is next year's
    assert resolve(15, 1, None, date(2026, 12, 20)) == date(2027, 1, 15)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Срок поставки 3-5 дней", 5),
        ("срок 2 недели", 14),
        ("Срок поставки: 4–6 недель.", 42),
        ("отгрузка 2-3 рабочих дня после оплаты", 3),
        ("будут через 2 дня", 2),
        ("отгрузка на следующий день", 1),
        ("Оплата: отсрочка 14 дней", None),
        ("по счёту в течение 3 банковских дней", None),
    ],
)
def test_lead_time_days(text: str, days: int | None) -> None:
    assert lead_time_days(text) == days


@pytest.mark.parametrize(
    ("text", "vat"),
    [
        ("цены с НДС", True),
        ("в т.ч. НДС 22%", True),
        ("Цены включают НДС", True),
        ("Цены указаны без НДС", False),
        ("Итого: 100 руб. + НДС", False),
        ("НДС не облагается (УСН)", False),
        ("Доставка бесплатно", None),
    ],
)
def test_vat_statement(text: str, vat: bool | None) -> None:
    assert vat_statement(text) is vat


def test_prices_with_currency_and_per_unit() -> None:
    prices = find_prices("— 6,80 руб./шт — $1.85 — 1.250,00 € — сто девяносто рублей за кг")
    assert [(p.amount, p.currency, p.per_unit) for p in prices] == [
        (Decimal("6.80"), "RUB", True),
        (Decimal("1.85"), "USD", False),
        (Decimal("1250.00"), "EUR", False),
        (Decimal("190"), "RUB", True),
    ]


@pytest.mark.parametrize(
    ("line", "name", "qty", "unit"),
    [
        ("1. Болт М8х30 DIN 933 — 400 шт.", "Болт М8х30 DIN 933", "400", "шт"),
        ("- Гофра ПВХ 20 мм с зондом - 300 м", "Гофра ПВХ 20 мм с зондом", "300", "м"),
        ("Провод ПВС 2х0,75 — 3 бухты (по 100 м)", "Провод ПВС 2х0,75", "3", "бух"),
        ("Болт М8 x 100 шт", "Болт М8", "100", "шт"),
        ("Фланец Ду100, кол-во: 8", "Фланец Ду100", "8", "шт"),
        ("100 шт — Хомут 20-32 мм", "Хомут 20-32 мм", "100", "шт"),
        ("арматура А500С 12 мм — полторы тонны", "арматура А500С 12 мм", "1.5", "т"),
        ("Перчатки нитриловые — 10 тыс. пар", "Перчатки нитриловые", "10000", "пар"),
        ("Скотч 48 мм х 66 м — 36 рул.", "Скотч 48 мм х 66 м", "36", "рул"),
        (
            "Утеплитель 50 мм, плотность 45 кг/м3 — 14,4 куб. м",
            "Утеплитель 50 мм, плотность 45 кг/м3",
            "14.4",
            "м3",
        ),
    ],
)
def test_parse_line_request_forms(line: str, name: str, qty: str, unit: str) -> None:
    item = parse_line(line)
    assert item is not None
    assert (item.name, item.quantity, item.unit) == (name, Decimal(qty), unit)


@pytest.mark.parametrize(
    "line",
    ["тел. 8 (343) 310-45-20", "ИНН 5260412870 / КПП 526001001", "Гофра ПВХ 20 мм с зондом"],
)
def test_parse_line_refuses_non_items(line: str) -> None:
    assert parse_line(line) is None


def test_parse_line_quote_with_price_and_stock() -> None:
    item = parse_line("Гофра ПВХ 20 мм — 300 м — 9,80 руб./м — под заказ, 5 дней", "quote")
    assert item is not None
    assert item.quantity == Decimal(300)
    assert [p.amount for p in item.prices] == [Decimal("9.80")]
    assert item.lead_time_days == 5
    missing = parse_line("Провод ПВС 2х0,75 — 3 бухты — нет в наличии", "quote")
    assert missing is not None and missing.available is False


def test_prose_with_numbers_in_words() -> None:
    items = items_in_prose(
        "Нужно двести метров кабеля ВВГнг 3х2,5 и три бухты провода ПВС 2х0,75 "
        "(бухта по 100 м). Ещё гофра ПВХ 20 мм с зондом, триста метров."
    )
    assert [(i.name, i.quantity, i.unit) for i in items] == [
        ("кабель ВВГнг 3х2,5", Decimal(200), "м"),
        ("провод ПВС 2х0,75", Decimal(3), "бух"),
        ("гофра ПВХ 20 мм с зондом", Decimal(300), "м"),
    ]


def test_signature_phones_and_inn_are_not_items() -> None:
    lines = [
        "Прошу счёт:",
        "1. Болт М8 — 100 шт.",
        "ООО «Ромашка»",
        "ИНН 7707083893 КПП 770701001",
        "тел. +7 (495) 123-45-67",
        "620026, г. Екатеринбург, ул. Белинского, д. 86, оф. 412",
    ]
    assert [i.name for i in items_from_lines(lines)] == ["Болт М8"]


def test_articles() -> None:
    assert find_article("Болт М8х30 DIN 933 оцинкованный") == "DIN 933"
    assert find_article("Подшипник 6205-2RS SKF") == "6205-2RS SKF"
    assert find_article("Автомат 3RV2011-1EA10") == "3RV2011-1EA10"
    assert find_article("Кабель ВВГнг(А)-LS 3х2,5") is None
    assert find_article("Кран арт. VT.214.N.04") == "VT.214.N.04"


def test_reply_history_is_kept_apart() -> None:
    text = (
        "Цены:\nБолт — 100 шт — 5 руб./шт\n\n--\nИванов\n\n"
        "16.11.2026 14:05, Ольга пишет:\n> 1. Болт — 100 шт.\n> 2. Гайка — 100 шт."
    )
    body = split_body(text, forward=False, reply=True)
    assert body.own.body == ["Цены:", "Болт — 100 шт — 5 руб./шт", ""]
    assert body.own.signature[0] == "--"
    assert "1. Болт — 100 шт." in body.history


@pytest.mark.parametrize(
    "marker",
    [
        "-----Original Message-----",
        "-----Исходное сообщение-----",
        "From: Ольга <z@broker.example>\nSent: Monday\nTo: x@y.example",
        "От: Ольга <z@broker.example>\nОтправлено: 5 декабря 2026 г.\nКому: x@y.example",
        '25.11.2026, 13:00, "Ольга" <z@broker.example>:',
        "19.11.2026 11:00, Ольга <z@broker.example> написал(а):",
    ],
)
def test_history_markers(marker: str) -> None:
    body = split_body(f"Ответ\n\n{marker}\n\nБолт — 100 шт.", forward=False, reply=True)
    assert body.own.body[0] == "Ответ"
    assert all("Болт" not in line for line in body.body_lines())


def test_forwarded_text_is_payload() -> None:
    text = (
        "Пересылаю заявку.\n\n-------- Пересылаемое сообщение --------\n"
        '20.11.2026, 17:44, "Кольцов" <k@client.example>:\n\nцемент М500 — 80 мешков\n'
    )
    body = split_body(text, forward=True, reply=False)
    assert body.segments[1].forwarded
    assert "цемент М500 — 80 мешков" in body.body_lines()


def test_mobile_footer_starts_the_signature() -> None:
    body = split_body("Нужно 5 шт\n\nОтправлено из мобильной Почты", forward=False, reply=False)
    assert body.own.signature == ["Отправлено из мобильной Почты"]


def test_html_table_becomes_tab_rows_and_quotes_get_prefix() -> None:
    html = (
        "<p>Добрый день</p><table><tr><th>Наименование</th><th>Кол-во</th></tr>"
        "<tr><td>Болт</td><td>5 шт</td></tr><tr><td colspan='1'>Итого</td><td>5</td></tr>"
        "</table><blockquote>старое<br>письмо</blockquote>"
    )
    lines = html_to_text(html).splitlines()
    assert "Наименование\tКол-во" in lines
    assert "Болт\t5 шт" in lines
    assert "> старое" in lines


@pytest.mark.parametrize(
    "lines",
    [
        ["Наименование\tКол-во\tЕд.", "Болт М8\t100\tшт", "Гайка М8\t200\tшт"],
        ["Наименование;Кол-во;Ед.", "Болт М8;100;шт", "Гайка М8;200;шт"],
        [
            "| Наименование | Кол-во | Ед. |",
            "|---|---|---|",
            "| Болт М8 | 100 | шт |",
            "| Гайка М8 | 200 | шт |",
        ],
        [
            "Наименование      Кол-во   Ед.",
            "Болт М8           100      шт",
            "Гайка М8          200      шт",
        ],
    ],
)
def test_tables_in_text(lines: list[str]) -> None:
    tables = tables_in_lines(lines)
    assert len(tables) == 1
    rows = [(r.name, r.quantity, r.unit) for r in tables[0].rows]
    assert rows == [("Болт М8", Decimal(100), "шт"), ("Гайка М8", Decimal(200), "шт")]


def test_price_table_with_total_row() -> None:
    lines = [
        "№\tНаименование\tКол-во\tЦена, EUR\tСумма, EUR",
        "1\tНасос UPS 25-60\t6 шт\t1.250,00\t7.500,00",
        "Итого\t\t\t\t7.500,00",
    ]
    table = tables_in_lines(lines)[0]
    assert table.currency == "EUR"
    assert table.total == Decimal("7500.00")
    assert table.rows[0].price == Decimal("1250.00")


def test_item_blocks_are_joined() -> None:
    lines = [
        "Позиция 1: Насос Wilo Star-RS 25/6",
        "Количество: 3 шт",
        "",
        'Позиция 2: Кран шаровой 1"',
        "Количество: 10",
    ]
    assert [(i.name, i.quantity, i.unit) for i in items_from_lines(lines)] == [
        ("Насос Wilo Star-RS 25/6", Decimal(3), "шт"),
        ('Кран шаровой 1"', Decimal(10), "шт"),
    ]


def test_roubles_and_kopecks() -> None:
    assert [p.amount for p in find_prices("48 руб. 50 коп./шт")] == [Decimal("48.50")]


def test_multi_item_prose_line() -> None:
    items = items_in_prose(
        "Сообщение: Добрый день! Нужны болты М20х500 — 48 шт., гайки М20 DIN 934 — 96 шт. "
        "Срок — до 9 декабря."
    )
    assert [(i.name, i.quantity) for i in items] == [
        ("болты М20х500", Decimal(48)),
        ("гайки М20 DIN 934", Decimal(96)),
    ]
