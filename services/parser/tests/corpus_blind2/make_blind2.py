# ruff: noqa: E501 - the messages are data, long lines included
"""Build the second blind corpus: 40 Russian B2B messages (NNN.eml) with gold labels (NNN.json).

Written apart from the parser's rules and from the earlier corpora, to check how the rule
extractor copes with other layouts: metal products described by dimensions and grades, prose
with "в количестве" / "объём" / "около", items split between the body and an attachment,
threads with earlier requests quoted below, tables pasted from Excel (tab-separated), nested
HTML tables, 1C-generated orders, quotes answered inline under the client's quoted list,
"без НДС" and "с НДС" price columns, English and mixed-language replies in USD/CNY, prices in
"т.р.", per 1000 pcs, per тонна, "руб. коп." and "₽", totals restated in words, and
non-procurement mail of kinds the other corpora lack.

Labelling choices where FORMAT.md leaves room:
- both "без НДС" and "с НДС" prices given: vat_included true with the VAT-inclusive price;
- a price per 1000 pcs is divided down to one piece; a price per тонна stays per тонна
  (the line's unit is т and its quantity is converted from kg);
- "т.р." means thousands of roubles;
- "отгрузка со склада завтра" is a lead time of 1 day, "в наличии" alone is 0;
- relative validity ("5 банковских дней") and relative deadlines ("до пятницы") are null;
- a supplier's unsolicited price list is spam; platform, courier, bank, HR, requisites,
  complaint and thank-you letters are not_procurement.

    python make_blind2.py            # rewrites 001.eml ... 040.eml and the .json labels here
    python make_blind2.py --out DIR  # writes them elsewhere
"""

from __future__ import annotations

import argparse
import base64
import quopri
import sys
from datetime import datetime
from email.header import Header
from pathlib import Path
from typing import Any
from urllib.parse import quote as urlquote

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from corpus_builders import item, other, quote, write_pairs
from corpus_builders import line as ln
from corpus_builders import request as req
from corpus_builders import xlsx as shared_xlsx

HERE = Path(__file__).resolve().parent
BROKER = "Ольга Смирнова <o.smirnova@broker.example>"

# --------------------------------------------------------------------------- MIME building


def enc(value: str, charset: str = "utf-8") -> str:
    """An RFC 2047 encoded-word header value (plain ASCII stays as is)."""
    if value.isascii():
        return value
    if charset == "koi8-r":
        value = koi8_safe(value)
    return Header(value, charset).encode()


def addr(name: str, email: str, charset: str = "utf-8") -> str:
    return f"{enc(name, charset)} <{email}>"


def koi8_safe(text: str) -> str:
    """koi8-r has no dashes or guillemets; senders' mail clients send plain ones."""
    return text.translate(str.maketrans({"—": "-", "–": "-", "«": '"', "»": '"', "₽": "руб."}))


def leaf(
    body: str | bytes,
    ctype: str,
    charset: str | None = "utf-8",
    cte: str = "8bit",
    extra: tuple[str, ...] = (),
) -> bytes:
    if isinstance(body, str) and charset == "koi8-r":
        body = koi8_safe(body)
    raw = body if isinstance(body, bytes) else body.encode(charset or "utf-8")
    if cte == "base64":
        payload = base64.encodebytes(raw)
    elif cte == "quoted-printable":
        payload = quopri.encodestring(raw)
        if not payload.endswith(b"\n"):
            payload += b"\n"
    else:
        payload = raw if raw.endswith(b"\n") else raw + b"\n"
    params = f'; charset="{charset}"' if charset and ctype.startswith("text/") else ""
    head = [f"Content-Type: {ctype}{params}", f"Content-Transfer-Encoding: {cte}", *extra]
    return ("\n".join(head) + "\n\n").encode("ascii") + payload


def multipart(subtype: str, boundary: str, *parts: bytes) -> bytes:
    out = [f'Content-Type: multipart/{subtype}; boundary="{boundary}"\n\n'.encode("ascii")]
    for p in parts:
        out.append(f"--{boundary}\n".encode("ascii") + p + b"\n")
    out.append(f"--{boundary}--\n".encode("ascii"))
    return b"".join(out)


def attachment(data: bytes, ctype: str, filename: str, style: str = "rfc2231") -> bytes:
    if style == "rfc2231":
        disp = f"Content-Disposition: attachment; filename*=utf-8''{urlquote(filename)}"
        name = f'; name="{enc(filename)}"'
    else:  # Outlook-style encoded-word in a quoted parameter
        disp = f'Content-Disposition: attachment; filename="{enc(filename)}"'
        name = f'; name="{enc(filename)}"'
    return leaf(data, ctype + name, None, "base64", (disp,))


def message(headers: list[tuple[str, str]], body: bytes, crlf: bool = False) -> bytes:
    head = "".join(f"{k}: {v}\n" for k, v in headers) + "MIME-Version: 1.0\n"
    raw = head.encode("ascii") + body
    return raw.replace(b"\n", b"\r\n") if crlf else raw


def xlsx(rows: list[list[Any]]) -> bytes:
    """An .xlsx with fixed timestamps, so the corpus rebuilds byte for byte."""
    return shared_xlsx(rows, datetime(2026, 11, 30, 9, 0, 0))


def html_doc(inner: str) -> str:
    return f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>{inner}</body></html>'


def lines_to_html(text: str) -> str:
    return "".join(f'<p style="margin:0">{ln or "&nbsp;"}</p>' for ln in text.split("\n"))


def quoted(text: str, prefix: str = "> ") -> str:
    return "\n".join((prefix + ln).rstrip() for ln in text.split("\n"))


# --------------------------------------------------------------------------- labels


def reply_headers(
    n: int,
    rfq: int,
    frm: str,
    date: str,
    subject: str,
    threaded: bool = True,
    charset: str = "utf-8",
) -> list[tuple[str, str]]:
    h = [
        ("From", frm),
        ("To", BROKER_ENC),
        ("Subject", enc(subject, charset)),
        ("Date", date),
        ("Message-ID", f"<q{n:03d}.{rfq}@supplier{n}.example>"),
    ]
    if threaded:
        ref = f"<rfq.{rfq}.k{n:03d}z7@broker.example>"
        h += [("In-Reply-To", ref), ("References", ref)]
    return h


BROKER_ENC = addr("Ольга Смирнова", "o.smirnova@broker.example")
Built = tuple[bytes, dict[str, Any]]


# --------------------------------------------------------------------------- requests


def m001() -> Built:
    text = """Добрый день!

Просим выставить счёт на следующий металлопрокат:

1) Лист г/к 3х1250х2500 ст3сп — 2,5 т
2) Труба проф. 40х20х2 L=6м — 120 м.п.
3) Уголок равнополочный 50х50х5 ст3 — 1,2 т
4) Арматура А500С ф12 — 3 т
5) Кабель КГ 4х16 — 2 бухты по 100 м

Поставка нужна до 18 декабря, доставка на объект в г. Екатеринбург.

С уважением,
Лаптев Сергей Игоревич
инженер по снабжению
ООО «СтальМонтаж»
ИНН 6671123450 / КПП 667101001
тел.: 8 (912) 345-67-89"""
    body = multipart(
        "alternative",
        "----=_NextPart_000_0012_01DB4412.5A3C1E20",
        leaf(text, "text/plain", "windows-1251", "quoted-printable"),
        leaf(html_doc(lines_to_html(text)), "text/html", "windows-1251", "quoted-printable"),
    )
    h = [
        ("From", addr("Лаптев Сергей", "s.laptev@stalmontazh.example", "windows-1251")),
        ("To", BROKER_ENC),
        ("Subject", enc("Заявка на металлопрокат", "windows-1251")),
        ("Date", "Wed, 2 Dec 2026 09:14:22 +0500"),
        ("Message-ID", "<000c01db4412$5a3c1e20$0e8a5a60$@stalmontazh.example>"),
        ("X-Mailer", "Microsoft Outlook 16.0"),
    ]
    label = req(
        [
            item("Лист г/к 3х1250х2500 ст3сп", 2.5, "т"),
            item("Труба проф. 40х20х2 L=6м", 120, "м"),
            item("Уголок равнополочный 50х50х5 ст3", 1.2, "т"),
            item("Арматура А500С ф12", 3, "т"),
            item("Кабель КГ 4х16", 2, "бух"),
        ],
        "2026-12-18",
        'ООО "СтальМонтаж"',
        "6671123450",
        "+79123456789",
    )
    return message(h, body, crlf=True), label


def m002() -> Built:
    rows = [
        ("1", "Швеллер 16П", "ГОСТ 8240-97", "т", "4,8"),
        ("2", "Двутавр 20Б1", "СТО АСЧМ 20-93", "т", "6"),
        ("3", "Полоса г/к 40х4", "ст3пс", "кг", "850"),
        ("4", "Круг 20 мм", "ст45", "кг", "420"),
        ("5", "Сетка кладочная 50х50х4", "карта 2х0,5 м", "шт", "300"),
    ]
    td = 'style="border:1px solid #999;padding:2px 6px;font-family:Arial;font-size:10pt"'
    trs = "".join(f"<tr>{''.join(f'<td {td}>{c}</td>' for c in r)}</tr>" for r in rows)
    head = "".join(
        f"<th {td}><b>{c}</b></th>"
        for c in ("№", "Наименование", "Марка / ГОСТ", "Ед. изм.", "Кол-во")
    )
    inner = (
        f'<div style="font-family:Arial">Здравствуйте!<br><br>Прошу рассчитать стоимость и сроки по позициям:<br>'
        f'<table cellpadding="0" cellspacing="0" style="width:100%"><tr><td style="padding:8px">'
        f'<table border="1" style="border-collapse:collapse"><tbody><tr>{head}</tr>{trs}</tbody></table>'
        f"</td></tr></table><br>Срок поставки: до 25.12.2026<br><br>"
        f'<table style="font-size:9pt;color:#666"><tr><td>--<br>Гусев Михаил, отдел снабжения<br>ООО «Уралстройкомплект»<br>'
        f"ИНН 6658456788<br>+7 343 210-45-67</td></tr></table></div>"
    )
    body = leaf(html_doc(inner), "text/html", "utf-8", "base64")
    h = [
        ("From", addr("Михаил Гусев", "gusev@uralsk.example")),
        ("To", "o.smirnova@broker.example"),
        ("Subject", enc("Запрос: фасонный прокат")),
        ("Date", "Wed, 02 Dec 2026 11:40:03 +0300"),
        ("Message-ID", "<1733128803.512331914@f512.i.mail.example>"),
        ("X-Mailer", "Mail.Ru Mailer 1.0"),
    ]
    label = req(
        [
            item("Швеллер 16П ГОСТ 8240-97", 4.8, "т", "ГОСТ 8240-97"),
            item("Двутавр 20Б1 СТО АСЧМ 20-93", 6, "т"),
            item("Полоса г/к 40х4 ст3пс", 850, "кг"),
            item("Круг 20 мм ст45", 420, "кг"),
            item("Сетка кладочная 50х50х4 карта 2х0,5 м", 300, "шт"),
        ],
        "2026-12-25",
        'ООО "Уралстройкомплект"',
        "6658456788",
        "+73432104567",
    )
    return message(h, body, crlf=True), label


def m003() -> Built:
    text = """Здравствуйте, Ольга!

Для реконструкции котельной нам требуется следующее оборудование. Насос циркуляционный Grundfos UPS 32-80 в количестве 4 шт. Кроме того, нужна труба стальная ВГП 32х3,2 — объём 240 м. Также нужно около 60 шт. кранов шаровых Ду32 PN40. И ещё манометры МП-100 0-10 бар, 12 штук.

Желательно получить всё до 20 декабря.

--
Ковалёв Дмитрий
МУП «Теплосеть г. Верхняя Пышма»
моб. +7 (922) 601-22-33"""
    body = leaf(text, "text/plain", "koi8-r", "8bit", ("Content-Language: ru",))
    h = [
        ("From", addr("Ковалёв Дмитрий", "kovalev@teploset-vp.example", "koi8-r")),
        ("To", BROKER_ENC),
        ("Subject", enc("Оборудование для котельной", "koi8-r")),
        ("Date", "Thu, 3 Dec 2026 08:02:51 +0500"),
        ("Message-ID", "<5f1e2c3a-77b1-4d0e-9a61-0c2b9e0f3a11@teploset-vp.example>"),
        (
            "User-Agent",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:115.0) Gecko/20100101 Thunderbird/115.16.0",
        ),
    ]
    label = req(
        [
            item("Насос циркуляционный Grundfos UPS 32-80", 4, "шт", "UPS 32-80"),
            item("труба стальная ВГП 32х3,2", 240, "м"),
            item("кранов шаровых Ду32 PN40", 60, "шт"),
            item("манометры МП-100 0-10 бар", 12, "шт"),
        ],
        "2026-12-20",
        'МУП "Теплосеть г. Верхняя Пышма"',
        None,
        "+79226012233",
    )
    return message(h, body), label


def m004() -> Built:
    text = (
        "Добрый день,\nпрошу КП на позиции ниже (скопировал из нашей заявки):\n\n"
        "№\tНаименование\tАртикул\tЕд.\tКол-во\n"
        "1\tПодшипник шариковый\t6205-2RS\tшт\t40\n"
        "2\tПодшипник шариковый\t6306-ZZ\tшт\t24\n"
        "3\tРемень клиновой\tA-1250\tшт\t16\n"
        "4\tЦепь приводная роликовая\t08B-1\tм\t15\n"
        "5\tСмазка Литол-24, банка 0,8 кг\tЛИТОЛ-24\tшт\t30\n"
        "6\tМанжета армированная\t50х70х10\tшт\t20\n\n"
        'Спасибо!\n--\nПавел Ершов\nООО "МехСервис"\n+7 903 555 12 40\n'
    )
    body = leaf(text, "text/plain", "UTF-8", "quoted-printable")
    h = [
        ("From", addr("Павел Ершов", "p.ershov@mehservis.example")),
        ("To", "o.smirnova@broker.example"),
        ("Subject", enc("КП на подшипники и РТИ")),
        ("Date", "Thu, 3 Dec 2026 12:31:09 +0300"),
        ("Message-ID", "<CAF8r2dQk1mZx0pY3b+Ue9rW4tHqLx7@mail.gmail.example>"),
    ]
    # the article column is the article, not part of the name
    label = req(
        [
            item("Подшипник шариковый", 40, "шт", "6205-2RS"),
            item("Подшипник шариковый", 24, "шт", "6306-ZZ"),
            item("Ремень клиновой", 16, "шт", "A-1250"),
            item("Цепь приводная роликовая", 15, "м", "08B-1"),
            item("Смазка Литол-24, банка 0,8 кг", 30, "шт", "ЛИТОЛ-24"),
            item("Манжета армированная", 20, "шт", "50х70х10"),
        ],
        None,
        'ООО "МехСервис"',
        None,
        "+79035551240",
    )
    return message(h, body), label


def m005() -> Built:
    text = """Добрый день, Ольга!

По прошлой заявке всё получили, спасибо. Теперь новая потребность на декабрь:

- Анкер клиновой 10х100 — 400 шт
- Шпилька резьбовая М12х1000 DIN 975 — 150 шт
- Гайка М12 DIN 934 оцинк. — 600 шт
- Шайба плоская М12 DIN 125 — 600 шт

И по старой заявке — повторите, пожалуйста, позицию с саморезами, их не хватило:
Саморез кровельный 4,8х35 RAL 3005 — 2500 шт

Срок — до 14.12.

С уважением, Игорь Мельников
ООО «Техстрой-Монтаж», ИНН 7714567800
+7 (495) 780-12-34

30.11.2026, 16:20, "Ольга Смирнова" <o.smirnova@broker.example>:
> Игорь, добрый день! Счёт во вложении, отгрузка завтра.
>
> 27.11.2026, 10:02, "Игорь Мельников" <melnikov@techstroy-m.example>:
>> Прошу счёт:
>> 1. Саморез кровельный 4,8х35 RAL 3005 — 5000 шт
>> 2. Анкер клиновой 10х100 — 200 шт
>> 3. Дюбель рамный 10х132 — 300 шт
>>
>> Игорь Мельников
>> ООО «Техстрой-Монтаж»"""
    body = leaf(text, "text/plain", "utf-8", "8bit")
    h = [
        ("From", addr("Игорь Мельников", "melnikov@techstroy-m.example")),
        ("To", BROKER_ENC),
        ("Subject", enc("Re: Счёт на крепёж")),
        ("Date", "Tue, 01 Dec 2026 10:05:44 +0300"),
        ("Message-ID", "<2841733036744@mail.yandex.example>"),
        ("In-Reply-To", "<inv.118.a1@broker.example>"),
        ("References", "<7731732690920@mail.yandex.example> <inv.118.a1@broker.example>"),
    ]
    label = req(
        [
            item("Анкер клиновой 10х100", 400, "шт"),
            item("Шпилька резьбовая М12х1000 DIN 975", 150, "шт", "DIN 975"),
            item("Гайка М12 DIN 934 оцинк.", 600, "шт", "DIN 934"),
            item("Шайба плоская М12 DIN 125", 600, "шт", "DIN 125"),
            item("Саморез кровельный 4,8х35 RAL 3005", 2500, "шт"),
        ],
        "2026-12-14",
        'ООО "Техстрой-Монтаж"',
        "7714567800",
        "+74957801234",
    )
    return message(h, body), label


def m006() -> Built:
    text = """Добрый день!

Срочно нужны две позиции:
Перчатки х/б с ПВХ, 5 нитей — 500 пар
Лента сигнальная красно-белая 75 мм х 200 м — 24 рул.

Остальное — в приложенном файле (спецификация.csv).
Срок поставки: до 11 декабря 2026 г.

Маргарита Ким, ведущий специалист ОМТС
АО «СеверЭнергоРемонт»
ИНН 2901234569 КПП 290101001
Тел. +7 8182 65-43-21, доб. 112"""
    csv = (
        "Наименование;Ед.изм.;Количество\r\n"
        "Каска защитная СОМЗ-55 белая;шт;40\r\n"
        "Очки защитные открытые О15;шт;60\r\n"
        "Респиратор 3М 8112 FFP1;шт;200\r\n"
        "Костюм сварщика брезентовый;компл;12\r\n"
    ).encode("windows-1251")
    alt = multipart(
        "alternative",
        "_000_VI1PR0602MB3551B_alt",
        leaf(text, "text/plain", "utf-8", "base64"),
        leaf(html_doc(lines_to_html(text)), "text/html", "utf-8", "base64"),
    )
    body = multipart(
        "mixed",
        "_004_VI1PR0602MB3551B_",
        alt,
        attachment(csv, "text/csv", "спецификация.csv", "encoded"),
    )
    h = [
        ("From", addr("Ким Маргарита Сергеевна", "kim.ms@severer.example")),
        ("To", BROKER_ENC),
        ("Subject", enc("СИЗ — заявка, срочно")),
        ("Date", "Tue, 1 Dec 2026 14:22:10 +0300"),
        (
            "Message-ID",
            "<VI1PR0602MB3551B2E4F0C3A9D1E2B7C8A1D9@VI1PR0602MB3551.eurprd06.prod.outlook.example>",
        ),
        ("X-MS-Has-Attach", "yes"),
    ]
    label = req(
        [
            item("Перчатки х/б с ПВХ, 5 нитей", 500, "пар"),
            item("Лента сигнальная красно-белая 75 мм х 200 м", 24, "рул"),
            item("Каска защитная СОМЗ-55 белая", 40, "шт"),
            item("Очки защитные открытые О15", 60, "шт"),
            item("Респиратор 3М 8112 FFP1", 200, "шт"),
            item("Костюм сварщика брезентовый", 12, "компл"),
        ],
        "2026-12-11",
        'АО "СеверЭнергоРемонт"',
        "2901234569",
        "+78182654321",
    )
    return message(h, body, crlf=True), label


def m007() -> Built:
    text = """Коллеги, добрый день.

Просим рассчитать стоимость. Основная спецификация — в файле Excel во вложении, плюс к ней:
  * Кабель ВВГнг(А)-LS 5х10 — 350 м
  * Кабель-канал 40х25 — 180 м

Ответ ждём до пятницы.

--
Сафонова Елена
ООО «ЭлектроЩит-Н», ИНН 5260123451
+7 (831) 411-00-22"""
    sheet = xlsx(
        [
            ["Спецификация к заявке № 118"],
            [],
            ["№ п/п", "Наименование", "Тип, марка", "Ед. изм.", "Кол-во"],
            [1, "Автоматический выключатель", "ВА47-29 3P 25А C", "шт", 18],
            [2, "Щит распределительный", "ЩРН-24 IP31", "шт", 3],
            [3, "Гофротруба ПВХ с зондом", "20 мм", "м", 500],
            [4, "Клемма соединительная", "WAGO 221-413", "шт", 400],
        ]
    )
    body = multipart(
        "mixed",
        "------------Zq7F0uBv2mTnA1d9sKxW3cE",
        leaf(text, "text/plain", "UTF-8", "8bit", ("Content-Language: ru-RU",)),
        attachment(
            sheet,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Спецификация 118.xlsx",
        ),
    )
    h = [
        ("From", addr("Елена Сафонова", "safonova@elshield-n.example")),
        ("To", BROKER_ENC),
        ("Subject", enc("Запрос КП — щитовое оборудование")),
        ("Date", "Wed, 2 Dec 2026 16:45:30 +0300"),
        ("Message-ID", "<8b1f0a7e-3c1d-4e5b-a0f2-6d1e9c4b7a22@elshield-n.example>"),
        ("User-Agent", "Mozilla Thunderbird 128.4.2"),
    ]
    label = req(
        [
            item("Кабель ВВГнг(А)-LS 5х10", 350, "м"),
            item("Кабель-канал 40х25", 180, "м"),
            item("Автоматический выключатель ВА47-29 3P 25А C", 18, "шт"),
            item("Щит распределительный ЩРН-24 IP31", 3, "шт"),
            item("Гофротруба ПВХ с зондом 20 мм", 500, "м"),
            item("Клемма соединительная WAGO 221-413", 400, "шт", "221-413"),
        ],
        None,
        'ООО "ЭлектроЩит-Н"',
        "5260123451",
        "+78314110022",
    )
    return message(h, body), label


def m008() -> Built:
    rows = [
        (
            "1",
            "3RV2011-1EA10",
            "Автоматический выключатель защиты двигателя Siemens 3RV2011-1EA10",
            "6",
            "шт",
        ),
        ("2", "3RT2015-1BB41", "Контактор Siemens 3RT2015-1BB41 24В DC", "10", "шт"),
        ("3", "LC1D09M7", "Контактор Schneider Electric TeSys D LC1D09M7", "8", "шт"),
        ("4", "XB5AD21", "Переключатель Schneider XB5AD21", "25", "шт"),
    ]
    top = (
        "Заказ поставщику № ЗК-000412 от 3 декабря 2026 г.\n\n"
        "Поставщик: ООО «Брокер-Снаб»\n"
        "Покупатель: АО «Завод Контакт», ИНН 3528012345, КПП 352801001, тел. (8202) 55-11-22\n\n"
    )
    plain = (
        top
        + "№\tАртикул\tТовары (работы, услуги)\tКоличество\tЕд.\n"
        + "".join("\t".join(r) + "\n" for r in rows)
    )
    plain += "\nЖелаемая дата поставки: 21.12.2026\nОтветственный: Зуева Т.А.\n"
    trs = "".join(
        "<tr>"
        + "".join(
            f'<td style="border:1px solid black" align="{"right" if i == 3 else "left"}">{c}</td>'
            for i, c in enumerate(r)
        )
        + "</tr>"
        for r in rows
    )
    html = html_doc(
        "<p><b>Заказ поставщику № ЗК-000412 от 3 декабря 2026 г.</b></p>"
        "<p>Поставщик: ООО «Брокер-Снаб»<br>Покупатель: АО «Завод Контакт», ИНН 3528012345, КПП 352801001, тел. (8202) 55-11-22</p>"
        '<table width="100%" cellspacing="0" style="border-collapse:collapse;font-size:8pt">'
        "<tr><td><b>№</b></td><td><b>Артикул</b></td><td><b>Товары (работы, услуги)</b></td><td><b>Количество</b></td><td><b>Ед.</b></td></tr>"
        f"{trs}</table><p>Желаемая дата поставки: 21.12.2026<br>Ответственный: Зуева Т.А.</p>"
    )
    body = multipart(
        "alternative",
        "1C_boundary_8b2f1e",
        leaf(plain, "text/plain", "utf-8", "base64"),
        leaf(html, "text/html", "utf-8", "base64"),
    )
    h = [
        ("From", addr("АО Завод Контакт", "zakupki@zavod-kontakt.example")),
        ("To", "o.smirnova@broker.example"),
        ("Subject", enc("Заказ поставщику № ЗК-000412 от 03.12.2026")),
        ("Date", "Thu, 03 Dec 2026 07:58:00 +0300"),
        ("Message-ID", "<ZK000412.20261203075800@zavod-kontakt.example>"),
        ("X-Mailer", "1C:Enterprise 8.3"),
    ]
    label = req(
        [item(r[2], int(r[3]), "шт", r[1]) for r in rows],
        "2026-12-21",
        'АО "Завод Контакт"',
        "3528012345",
        "+78202551122",
    )
    return message(h, body, crlf=True), label


def m009() -> Built:
    text = """Добрый вечер! Нужно на завтра-послезавтра:
саморезы по металлу 4,2х19 с буром — 5000 шт
дюбель-гвоздь 6х40 — 2000 шт
Диск отрезной по металлу 125х1,2 — 100 шт
Позвоните мне, пожалуйста: 8-916-700-45-12
Андрей

Отправлено с iPhone"""
    body = leaf(text, "text/plain", "utf-8", "quoted-printable")
    h = [
        ("From", addr("Андрей", "andrey.remont77@mail.example")),
        ("To", "o.smirnova@broker.example"),
        ("Subject", enc("Саморезы")),
        ("Date", "Tue, 1 Dec 2026 21:47:12 +0300"),
        ("Message-ID", "<A1B2C3D4-E5F6-4711-8899-AABBCCDDEEFF@mail.example>"),
        ("X-Mailer", "iPhone Mail (22B91)"),
    ]
    label = req(
        [
            item("саморезы по металлу 4,2х19 с буром", 5000, "шт"),
            item("дюбель-гвоздь 6х40", 2000, "шт"),
            item("Диск отрезной по металлу 125х1,2", 100, "шт"),
        ],
        None,
        None,
        None,
        "+79167004512",
    )
    return message(h, body), label


def m010() -> Built:
    text = """Здравствуйте!

Нам нужно полторы тонны цемента М500 Д0, двести пятьдесят метров трубы ПНД 32 мм, три бухты провода ПВС 3х1,5 и сорок листов гипсокартона Knauf ГКЛ 12,5 мм.
Если можно — до двадцатого декабря.

Спасибо, Валентина Петровна
ИП Сорокина В.П., ИНН 352500112299
т. 89115550011"""
    body = multipart(
        "alternative",
        "000000000000a1b2c3d4e5f60718",
        leaf(text, "text/plain", "UTF-8", "quoted-printable"),
        leaf(
            html_doc('<div dir="ltr">' + text.replace("\n", "<br>") + "</div>"),
            "text/html",
            "UTF-8",
            "quoted-printable",
        ),
    )
    h = [
        ("From", addr("Валентина Сорокина", "sorokina.vp@gmail.example")),
        ("To", "o.smirnova@broker.example"),
        ("Subject", enc("Стройматериалы")),
        ("Date", "Wed, 2 Dec 2026 13:03:40 +0300"),
        ("Message-ID", "<CAJ7p1xW0e9YbZ2kQf8tR5nMv3uHs6@mail.gmail.example>"),
    ]
    label = req(
        [
            item("цемента М500 Д0", 1.5, "т"),
            item("трубы ПНД 32 мм", 250, "м"),
            item("провода ПВС 3х1,5", 3, "бух"),
            item("гипсокартона Knauf ГКЛ 12,5 мм", 40, "лист"),
        ],
        "2026-12-20",
        "ИП Сорокина В.П.",
        "352500112299",
        "+79115550011",
    )
    return message(h, body), label


def m011() -> Built:
    text = """Ольга, привет, пересылаю заявку с участка, посчитай, пожалуйста.

---------- Forwarded message ---------
От: Прораб участка 3 <uchastok3@gorstroy.example>
Date: пн, 30 нояб. 2026 г. в 08:41
Subject: заявка
To: Снабжение <snab@gorstroy.example>

Нужно на участок:
Брусок 50х50х3000 — 2 м3
Доска обрезная 25х150х6000 — 3,5 м3
Гвозди строительные 4х100 — 50 кг
Пленка полиэтиленовая 150 мкм — 4 рул


--
Алексей Петров, снабжение
ООО «ГорСтрой», ИНН 3445123450
+7 (8442) 33-21-10"""
    body = multipart(
        "alternative",
        "000000000000f0e1d2c3b4a59687",
        leaf(text, "text/plain", "UTF-8", "base64"),
        leaf(
            html_doc('<div dir="ltr">' + text.replace("\n", "<br>") + "</div>"),
            "text/html",
            "UTF-8",
            "base64",
        ),
    )
    h = [
        ("From", addr("Алексей Петров", "petrov.snab@gorstroy.example")),
        ("To", "o.smirnova@broker.example"),
        ("Subject", enc("Fwd: заявка")),
        ("Date", "Mon, 30 Nov 2026 09:15:27 +0300"),
        ("Message-ID", "<CAH3n0q9Lr2xPzW4eT7vYb1kMj8sGd@mail.gmail.example>"),
    ]
    label = req(
        [
            item("Брусок 50х50х3000", 2, "м3"),
            item("Доска обрезная 25х150х6000", 3.5, "м3"),
            item("Гвозди строительные 4х100", 50, "кг"),
            item("Пленка полиэтиленовая 150 мкм", 4, "рул"),
        ],
        None,
        'ООО "ГорСтрой"',
        "3445123450",
        "+78442332110",
    )
    return message(h, body), label


def m012() -> Built:
    text = (
        "Добрый день. Прошу счёт на: кабель ВВГнг-LS 3х2,5 — 500 м; автомат ABB S201 C16 (арт. 2CDS251001R0164) — 30 шт; "
        "УЗО ABB F202 AC-40/0,03 (арт. 2CSF202004R1400) — 6 шт; розетка Legrand Valena 774420 — 45 шт.\n"
        "Оплата по факту поставки. Реквизиты: ООО «Альфа-Энерго», ИНН 7728765431.\n"
        "Контакт: Чернов Виктор, +7 926 111-22-33.\n"
    )
    body = leaf(text, "text/plain", "utf-8", "base64")
    h = [
        ("From", addr("Виктор Чернов", "chernov@alfa-energo.example")),
        ("To", "o.smirnova@broker.example"),
        ("Subject", enc("Счёт на электрику")),
        ("Date", "Thu, 03 Dec 2026 15:12:00 +0300"),
        ("Message-ID", "<20261203151200.4471@alfa-energo.example>"),
    ]
    label = req(
        [
            item("кабель ВВГнг-LS 3х2,5", 500, "м"),
            item("автомат ABB S201 C16", 30, "шт", "2CDS251001R0164"),
            item("УЗО ABB F202 AC-40/0,03", 6, "шт", "2CSF202004R1400"),
            item("розетка Legrand Valena 774420", 45, "шт", "774420"),
        ],
        None,
        'ООО "Альфа-Энерго"',
        "7728765431",
        "+79261112233",
    )
    return message(h, body), label


M013_ITEMS = [
    ("Болт М6х20 DIN 933 цинк", 500, " - 500шт"),
    ("Болт М8х25 DIN 933 цинк", 500, " - 500шт"),
    ("Болт М8х40 DIN 933 цинк", 300, " — 300 шт."),
    ("Болт М10х40 DIN 931 8.8", 200, " — 200 шт."),
    ("Болт М10х60 DIN 931 8.8", 200, ": 200 шт"),
    ("Болт М12х80 DIN 931 8.8", 150, ": 150 шт"),
    ("Гайка М6 DIN 934 цинк", 1000, " - 1 000 шт"),
    ("Гайка М8 DIN 934 цинк", 1000, " - 1 000 шт"),
    ("Гайка М10 DIN 934 цинк", 500, " - 500 шт"),
    ("Гайка М12 DIN 934 цинк", 300, " - 300 шт"),
    ("Гайка М8 DIN 985 с нейлоновым кольцом", 400, " — 400шт."),
    ("Шайба М6 DIN 125 цинк", 1000, " — 1000 шт"),
    ("Шайба М8 DIN 125 цинк", 1000, " — 1000 шт"),
    ("Шайба М10 DIN 9021 увеличенная", 500, " — 500 шт"),
    ("Шайба гроверная М8 DIN 127", 800, " — 800 шт"),
    ("Шайба гроверная М10 DIN 127", 500, " — 500 шт"),
    ("Винт М5х16 DIN 7985 цинк", 600, " - 600 шт."),
    ("Винт М6х30 DIN 912", 300, " - 300 шт."),
    ("Шпилька М10х1000 DIN 975", 40, " - 40 шт"),
    ("Заклепка вытяжная 4,8х12 алюминий", 2000, " - 2 000 шт"),
    ("Хомут червячный 16-25 мм", 250, " - 250 шт"),
    ("Рым-болт М12 DIN 580", 20, " - 20 шт"),
]


def m013() -> Built:
    text = (
        "Заявка на крепёж, декабрь.\nПрошу выставить счёт и сообщить срок.\n\n"
        + "\n".join(n + s for n, _q, s in M013_ITEMS)
        + "\n\nСрок поставки — до 10.12.2026.\n\n"
        "Бухгалтерия просит счёт на ООО «КрепТорг» (ИНН 5402123450).\n"
        "Менеджер: Яковлева Ирина, тел. +7 383 222-33-44\n"
    )
    body = leaf(text, "text/plain", "windows-1251", "quoted-printable")
    h = [
        ("From", addr("Яковлева Ирина", "yakovleva@kreptorg.example", "windows-1251")),
        ("To", BROKER_ENC),
        ("Subject", enc("Заявка на крепеж (22 поз.)", "windows-1251")),
        ("Date", "Mon, 30 Nov 2026 11:00:05 +0700"),
        ("Message-ID", "<9931733030805@mail.yandex.example>"),
    ]
    label = req(
        [
            item(n, q, "шт", "DIN " + n.split("DIN ")[1].split()[0] if "DIN " in n else None)
            for n, q, _s in M013_ITEMS
        ],
        "2026-12-10",
        'ООО "КрепТорг"',
        "5402123450",
        "+73832223344",
    )
    return message(h, body), label


def m014() -> Built:
    rows = [
        ("Утеплитель Rockwool Лайт Баттс 50 мм", "36 м³"),
        ("Профнастил С8-1150-0,5 RAL 8017", "120 м²"),
        ("Мембрана гидроветрозащитная Изоспан А", "10 рулонов"),
        ("Саморез кровельный 4,8х35 RAL 8017", "12 уп."),
        ("Уголок наружный 50х50 RAL 8017, длина 2 м", "30 шт."),
    ]
    plain = (
        "Добрый день!\n\nПросим КП на материалы для кровли:\n\n"
        + "\n".join(f"{a} — {b}" for a, b in rows)
        + "\n\nС уважением,\nДенис Ахмедов\nООО «КровляПрофи»\n+7 (861) 200-30-40\n"
    )
    trs = "".join(
        f'<tr><td style="padding:4px;border-bottom:1px solid #ddd">{a}</td><td style="padding:4px;border-bottom:1px solid #ddd;text-align:right">{b}</td></tr>'
        for a, b in rows
    )
    html = html_doc(
        '<div class="WordSection1"><p class="MsoNormal">Добрый день!</p><p class="MsoNormal">Просим КП на материалы для кровли:</p>'
        '<table class="MsoTableGrid" border="0" cellspacing="0" cellpadding="0" style="border-collapse:collapse">'
        '<tr><td style="padding:4px"><b>Наименование</b></td><td style="padding:4px"><b>Количество</b></td></tr>'
        f'{trs}</table><p class="MsoNormal">&nbsp;</p><p class="MsoNormal">С уважением,<br>Денис Ахмедов<br>ООО «КровляПрофи»<br>+7 (861) 200-30-40</p></div>'
    )
    body = multipart(
        "alternative",
        "----=_NextPart_000_0031_01DB44F1.0C2A7B30",
        leaf(plain, "text/plain", "utf-8", "quoted-printable"),
        leaf(html, "text/html", "utf-8", "quoted-printable"),
    )
    h = [
        ("From", addr("Денис Ахмедов", "ahmedov@krovlya-profi.example")),
        ("To", BROKER_ENC),
        ("Subject", enc("Запрос КП кровля")),
        ("Date", "Thu, 3 Dec 2026 10:20:11 +0300"),
        ("Message-ID", "<003101db44f1$0c2a7b30$247e7190$@krovlya-profi.example>"),
        ("X-Mailer", "Microsoft Outlook 16.0"),
    ]
    label = req(
        [
            item(rows[0][0], 36, "м3"),
            item(rows[1][0], 120, "м2"),
            item(rows[2][0], 10, "рул"),
            item(rows[3][0], 12, "уп"),
            item(rows[4][0], 30, "шт"),
        ],
        None,
        'ООО "КровляПрофи"',
        None,
        "+78612003040",
    )
    return message(h, body, crlf=True), label


def m015() -> Built:
    text = """Добрый день!
Прошу прислать счёт:
1. Перчатки нитриловые, размер L — 200 пар
2. Набор головок 1/2" 24 предмета JONNESWAY — 5 компл.
3. Плинтус алюминиевый 2,7 м — 80 пог. м
4. Герметик силиконовый санитарный 280 мл — 3 кор.
5. Пена монтажная профессиональная 750 мл — 48 шт
6. Краска ВД-АК белая — 20 л
Спасибо.

Наталья Орлова
ООО «Сервис-Комфорт», ИНН 6453098764
тел. +7-845-2-77-66-55"""
    body = leaf(text, "text/plain", "windows-1251", "base64")
    h = [
        ("From", addr("Наталья Орлова", "orlova@servis-komfort.example", "windows-1251")),
        ("To", BROKER_ENC),
        ("Subject", enc("Счёт на хозтовары", "windows-1251")),
        ("Date", "Fri, 4 Dec 2026 09:30:00 +0400"),
        ("Message-ID", "<1201733290200@mail.yandex.example>"),
    ]
    label = req(
        [
            item("Перчатки нитриловые, размер L", 200, "пар"),
            item('Набор головок 1/2" 24 предмета JONNESWAY', 5, "компл"),
            item("Плинтус алюминиевый 2,7 м", 80, "м"),
            item("Герметик силиконовый санитарный 280 мл", 3, "кор"),
            item("Пена монтажная профессиональная 750 мл", 48, "шт"),
            item("Краска ВД-АК белая", 20, "л"),
        ],
        None,
        'ООО "Сервис-Комфорт"',
        "6453098764",
        "+78452776655",
    )
    return message(h, body), label


def m016() -> Built:
    text = """Ольга, добрый день!

КП согласовываем. Прошу дополнительно включить в счёт:
— Сверло по металлу HSS 8 мм — 50 шт
— Круг шлифовальный лепестковый 125 мм P80 — 100 шт
— Кордщетка чашечная 100 мм М14 — 10 шт

Счёт — на ООО «ВолгаМаш», ИНН 6319123456.
Спасибо!
Роман
+7 846 990-11-22

-----Original Message-----
From: Ольга Смирнова <o.smirnova@broker.example>
Sent: Monday, November 30, 2026 5:10 PM
To: Роман <roman@volgamash.example>
Subject: Коммерческое предложение № 245

Добрый день! Направляем КП:
1. Диск отрезной 125х1,2 — 200 шт — 38,00 руб.
2. Электроды МР-3 3 мм — 20 кг — 245,00 руб.
Итого: 12 500,00 руб. с НДС."""
    body = leaf(text, "text/plain", "utf-8", "quoted-printable")
    h = [
        ("From", addr("Роман Гаврилов", "roman@volgamash.example")),
        ("To", BROKER_ENC),
        ("Subject", enc("RE: Коммерческое предложение № 245")),
        ("Date", "Tue, 1 Dec 2026 09:02:13 +0400"),
        ("Message-ID", "<AM0PR04MB6721C1E5A0D3F2B1C7E9A4D3B2@AM0PR04MB6721.outlook.example>"),
        ("In-Reply-To", "<kp.245.x9f2@broker.example>"),
        ("References", "<kp.245.x9f2@broker.example>"),
    ]
    label = req(
        [
            item("Сверло по металлу HSS 8 мм", 50, "шт"),
            item("Круг шлифовальный лепестковый 125 мм P80", 100, "шт"),
            item("Кордщетка чашечная 100 мм М14", 10, "шт"),
        ],
        None,
        'ООО "ВолгаМаш"',
        "6319123456",
        "+78469901122",
    )
    return message(h, body, crlf=True), label


# --------------------------------------------------------------------------- quotes


def m017() -> Built:
    text = """Добрый день!
Ответы по позициям ниже.

> 1. Болт М8х30 DIN 933 оцинкованный — 100 шт
цена 12,50 руб./шт, в наличии
> 2. Гайка М8 DIN 934 оцинкованная — 100 шт
цена 3,20 руб./шт, в наличии
> 3. Шайба гроверная М8 DIN 127 — 100 шт
нет в наличии, под заказ не возим
> 4. Анкерный болт 12х100 — 50 шт
цена 48,00 руб./шт, срок 5 дней

Цены указаны с НДС. Оплата — 100% предоплата.

--
Виктор Лось, ООО «Метизы-Опт»
+7 (812) 600-11-00"""
    body = leaf(text, "text/plain", "UTF-8", "8bit")
    h = reply_headers(
        17,
        301,
        addr("Виктор Лось", "los@metizy-opt.example"),
        "Tue, 1 Dec 2026 11:20:31 +0300",
        "Re: Запрос цен [RFQ-2026-0301-1]",
    )
    h.append(("User-Agent", "Mozilla Thunderbird 115.16.0"))
    label = quote(
        "RUB",
        True,
        [
            ln("Болт М8х30 DIN 933 оцинкованный", 12.5, 100, "шт", True, 0),
            ln("Гайка М8 DIN 934 оцинкованная", 3.2, 100, "шт", True, 0),
            ln("Шайба гроверная М8 DIN 127", None, 100, "шт", False),
            ln("Анкерный болт 12х100", 48.0, 50, "шт", True, 5),
        ],
        None,
        "100% предоплата",
    )
    return message(h, body), label


def m018() -> Built:
    text = """Добрый день!

Предлагаем:

Наименование                      | Кол-во | Цена без НДС, руб. | Цена с НДС, руб.
Электрод МР-3 ф3 мм               | 50 кг  | 191,67             | 230,00
Проволока сварочная СВ08Г2С 1,2   | 30 кг  | 158,33             | 190,00
Круг отрезной 230х2,5х22          | 100 шт | 70,83              | 85,00

Срок поставки 3-5 рабочих дней. Предложение действительно до 15.12.2026.

С уважением,
Тимур Назаров
ООО «СварПром»"""
    body = leaf(text, "text/plain", "windows-1251", "quoted-printable")
    h = reply_headers(
        18,
        302,
        addr("Тимур Назаров", "nazarov@svarprom.example", "windows-1251"),
        "Tue, 1 Dec 2026 15:02:44 +0300",
        "Re: Запрос цен [RFQ-2026-0302-2]",
        charset="windows-1251",
    )
    label = quote(
        "RUB",
        True,
        [
            ln("Электрод МР-3 ф3 мм", 230.0, 50, "кг"),
            ln("Проволока сварочная СВ08Г2С 1,2", 190.0, 30, "кг"),
            ln("Круг отрезной 230х2,5х22", 85.0, 100, "шт"),
        ],
        5,
        None,
        "2026-12-15",
    )
    return message(h, body, crlf=True), label


def m019() -> Built:
    text = """Dear Olga,

Thanks for your inquiry. Please find our best offer below:

1) Ball bearing 6205-2RS, qty 2000 pcs, USD 0.38/pc
2) Ball bearing 6306-ZZ, qty 1000 pcs, USD 1.15/pc
3) Taper roller bearing 30208, qty 500 pcs, USD 2.40/pc

Price terms: FOB Ningbo
Lead time: 30 days after deposit
Payment: 30% T/T deposit, 70% before shipment
Validity: until Dec 20, 2026

Best regards,
Lily Chen
Sales Manager
Ningbo Hengda Bearing Co., Ltd.
Tel: +86 574 8888 1234"""
    body = multipart(
        "alternative",
        "----=_Part_118_20261202",
        leaf(text, "text/plain", "us-ascii", "7bit"),
        leaf(
            html_doc('<div style="font-family:Calibri">' + text.replace("\n", "<br>") + "</div>"),
            "text/html",
            "us-ascii",
            "7bit",
        ),
    )
    h = reply_headers(
        19,
        303,
        "Lily Chen <lily@hengda-bearing.example>",
        "Wed, 2 Dec 2026 10:11:09 +0800",
        "RE: Запрос цен [RFQ-2026-0303-1] / Request for quotation",
    )
    label = quote(
        "USD",
        None,
        [
            ln("Ball bearing 6205-2RS", 0.38, 2000, "шт"),
            ln("Ball bearing 6306-ZZ", 1.15, 1000, "шт"),
            ln("Taper roller bearing 30208", 2.4, 500, "шт"),
        ],
        30,
        "30% T/T deposit, 70% before shipment",
        "2026-12-20",
    )
    return message(h, body), label


def m020() -> Built:
    text = """Здравствуйте, Ольга!

Наше предложение (цены в юанях, CNY, FOB Шанхай):
- Электродвигатель АИР 80B2 1,5 кВт 3000 об/мин — 10 шт — 620 CNY/шт
- Электродвигатель АИР 100L4 4 кВт 1500 об/мин — 6 шт — 1 380 CNY/шт
- Редуктор червячный NMRV 063 i=40 — 8 шт — 455 CNY/шт

Lead time 25-35 days. Оплата 100% T/T до отгрузки.

Best regards / С уважением,
Wang Lei (Ван Лэй)
Shanghai Dongli Motor Co., Ltd"""
    body = leaf(text, "text/plain", "utf-8", "base64")
    h = reply_headers(
        20,
        304,
        "Wang Lei <wanglei@dongli-motor.example>",
        "Thu, 3 Dec 2026 09:40:00 +0800",
        "Re: Запрос цен [RFQ-2026-0304-1]",
    )
    label = quote(
        "CNY",
        None,
        [
            ln("Электродвигатель АИР 80B2 1,5 кВт 3000 об/мин", 620.0, 10, "шт"),
            ln("Электродвигатель АИР 100L4 4 кВт 1500 об/мин", 1380.0, 6, "шт"),
            ln("Редуктор червячный NMRV 063 i=40", 455.0, 8, "шт"),
        ],
        35,
        "100% T/T до отгрузки",
    )
    return message(h, body), label


def m021() -> Built:
    text = """Добрый день!

По запросу RFQ-2026-0305-2 сообщаем:

1. Плитка тротуарная 300х300х30 серая — 120 м2 — 890,00 руб./м2
2. Бордюр садовый 500х200х80 — 200 шт — 162,00 руб./шт
3. Смесь пескобетон М300, 40 кг — 60 меш — 290,00 руб./меш

Итого: 156 600,00 руб. (Сто пятьдесят шесть тысяч шестьсот рублей 00 копеек), в т.ч. НДС 20%.
Доставка включена. Срок поставки — 2 недели.

Менеджер отдела продаж
Карина Белова
ООО «ТротуарСтрой»"""
    body = multipart(
        "alternative",
        "----=_NextPart_000_0101_01DB44AA.11223340",
        leaf(text, "text/plain", "windows-1251", "quoted-printable"),
        leaf(html_doc(lines_to_html(text)), "text/html", "windows-1251", "quoted-printable"),
    )
    h = reply_headers(
        21,
        305,
        addr("Карина Белова", "belova@trotuarstroy.example"),
        "Wed, 2 Dec 2026 12:00:00 +0300",
        "RE: Запрос цен [RFQ-2026-0305-2]",
    )
    label = quote(
        "RUB",
        True,
        [
            ln("Плитка тротуарная 300х300х30 серая", 890.0, 120, "м2"),
            ln("Бордюр садовый 500х200х80", 162.0, 200, "шт"),
            ln("Смесь пескобетон М300, 40 кг", 290.0, 60, "меш"),
        ],
        14,
        None,
        None,
        156600.0,
    )
    return message(h, body, crlf=True), label


def m022() -> Built:
    text = """Ольга, привет.

По генераторам:
Генератор дизельный ТСС АД-30С-Т400 — 1 шт — 685 т.р.
Генератор бензиновый Huter DY8000LX — 2 шт — 89,5 т.р./шт
Блок АВР для АД-30 — 1 шт — 64 т.р.

Цены с НДС, всё в наличии на складе в Москве, отгрузка со склада завтра.
Счёт действителен 5 банковских дней.

Сергей
ГК «Энергорезерв»

Отправлено из мобильной Почты Mail"""
    body = leaf(text, "text/plain", "utf-8", "base64")
    h = reply_headers(
        22,
        306,
        addr("Сергей Кудрин", "kudrin@energoreserv.example"),
        "Thu, 3 Dec 2026 18:33:10 +0300",
        "Re: Запрос цен [RFQ-2026-0306-1]",
    )
    label = quote(
        "RUB",
        True,
        [
            ln("Генератор дизельный ТСС АД-30С-Т400", 685000.0, 1, "шт"),
            ln("Генератор бензиновый Huter DY8000LX", 89500.0, 2, "шт"),
            ln("Блок АВР для АД-30", 64000.0, 1, "шт"),
        ],
        1,
    )
    return message(h, body), label


def m023() -> Built:
    text = """Добрый день!

Цены на крепёж (без НДС):
Саморез по металлу 4,2х19 с буром, цинк — 850 руб. за 1000 шт (заказ 5000 шт)
Саморез по дереву 3,5х35 желтый цинк — 420 руб./1000 шт (заказ 10 000 шт)
Дюбель-гвоздь 6х40 — 1 150 руб. за 1000 шт (заказ 2000 шт)

Срок 2-3 дня. Оплата: отсрочка 14 дней.

Склад крепежа «Винтик»"""
    body = leaf(text, "text/plain", "koi8-r", "quoted-printable")
    h = reply_headers(
        23,
        307,
        addr("Склад Винтик", "sklad@vintik.example", "koi8-r"),
        "Tue, 1 Dec 2026 16:16:16 +0300",
        "Re: Запрос цен [RFQ-2026-0307-1]",
        charset="koi8-r",
    )
    label = quote(
        "RUB",
        False,
        [
            ln("Саморез по металлу 4,2х19 с буром, цинк", 0.85, 5000, "шт"),
            ln("Саморез по дереву 3,5х35 желтый цинк", 0.42, 10000, "шт"),
            ln("Дюбель-гвоздь 6х40", 1.15, 2000, "шт"),
        ],
        3,
        "отсрочка 14 дней",
    )
    return message(h, body), label


def m024() -> Built:
    text = """Добрый день!

Металлопрокат по вашему запросу:
Лист г/к 3х1250х2500 ст3сп, 2500 кг — 78 500 руб./т
Уголок 50х50х5 ст3, 1200 кг — 82 300 руб./т
Арматура А500С ф12, 3000 кг — 69 900 руб./т

Цены включают НДС 20%. Резка в размер бесплатно.
Действительно до 10.12.2026.

--
Кузнецова Анна, менеджер
ООО «МеталлБаза-Урал»"""
    body = multipart(
        "alternative",
        "=-=-=_metall_0024",
        leaf(text, "text/plain", "utf-8", "quoted-printable"),
        leaf(html_doc(lines_to_html(text)), "text/html", "utf-8", "quoted-printable"),
    )
    h = reply_headers(
        24,
        308,
        addr("Анна Кузнецова", "kuznetsova@metallbaza.example"),
        "Wed, 2 Dec 2026 09:05:00 +0500",
        "Re: Запрос цен [RFQ-2026-0308-3]",
    )
    label = quote(
        "RUB",
        True,
        [
            ln("Лист г/к 3х1250х2500 ст3сп", 78500.0, 2.5, "т"),
            ln("Уголок 50х50х5 ст3", 82300.0, 1.2, "т"),
            ln("Арматура А500С ф12", 69900.0, 3, "т"),
        ],
        None,
        None,
        "2026-12-10",
    )
    return message(h, body), label


def m025() -> Built:
    text = """Здравствуйте!

Направляем цены:
1. Смеситель для кухни Iddis Kitchen Line — 12 шт. — 3 400 ₽
2. Сифон для мойки 3 1/2" с переливом — 30 шт. — 412 руб. 50 коп.
3. Гибкая подводка 1/2" 60 см — 60 шт. — 189 руб. 90 коп.

Все цены с учетом НДС.
Оплата в течение 5 банковских дней с даты выставления счёта.
Поставка в течение 2-х недель с момента оплаты.
Предложение действительно до 18 декабря.

С уважением, отдел продаж «АкваМаркет»"""
    body = leaf(text, "text/plain", "utf-8", "8bit")
    h = reply_headers(
        25,
        309,
        addr("АкваМаркет", "sales@aquamarket.example"),
        "Fri, 4 Dec 2026 10:10:10 +0300",
        "Re: Запрос цен [RFQ-2026-0309-1]",
    )
    label = quote(
        "RUB",
        True,
        [
            ln("Смеситель для кухни Iddis Kitchen Line", 3400.0, 12, "шт"),
            ln('Сифон для мойки 3 1/2" с переливом', 412.5, 30, "шт"),
            ln('Гибкая подводка 1/2" 60 см', 189.9, 60, "шт"),
        ],
        14,
        "Оплата в течение 5 банковских дней с даты выставления счёта",
        "2026-12-18",
    )
    return message(h, body), label


def m026() -> Built:
    rows = [
        ("Кабель ВВГнг(А)-LS 3х2,5", "500 м", "98,40", "49 200,00", "в наличии"),
        ("Кабель ВВГнг(А)-LS 5х10", "350 м", "612,00", "214 200,00", "10 дней"),
        ("Кабель-канал 40х25", "180 м", "74,50", "13 410,00", "в наличии"),
        ("Автомат ВА47-29 3P 25А", "18 шт", "—", "—", "нет"),
    ]
    td = 'style="border:1px solid #c0c0c0;padding:3px 8px;font:10pt Tahoma"'
    trs = "".join("<tr>" + "".join(f"<td {td}>{c}</td>" for c in r) + "</tr>" for r in rows)
    heads = "".join(
        f'<td {td} bgcolor="#e8e8e8"><b>{c}</b></td>'
        for c in ("Наименование", "Кол-во", "Цена, р.", "Сумма, р.", "Наличие / срок")
    )
    html = html_doc(
        '<div style="font:10pt Tahoma">Добрый день, Ольга!<br><br>Наше предложение:<br><br>'
        '<table border="0" cellpadding="0" cellspacing="0"><tr><td>'
        f'<table style="border-collapse:collapse"><tr>{heads}</tr>{trs}</table>'
        '</td></tr><tr><td style="padding-top:6px"><b>Итого: 276 810,00 р.</b> Цены без НДС.</td></tr></table>'
        "<br>С уважением,<br>Лебедев Кирилл<br>ООО «КабельЦентр»<br>тел. +7 (495) 111-00-99</div>"
    )
    body = leaf(html, "text/html", "utf-8", "base64")
    h = reply_headers(
        26,
        310,
        addr("Кирилл Лебедев", "lebedev@kabelcentr.example"),
        "Thu, 3 Dec 2026 11:45:00 +0300",
        "RE: Запрос цен [RFQ-2026-0310-2]",
    )
    label = quote(
        "RUB",
        False,
        [
            ln(rows[0][0], 98.4, 500, "м", True, 0),
            ln(rows[1][0], 612.0, 350, "м", True, 10),
            ln(rows[2][0], 74.5, 180, "м", True, 0),
            ln(rows[3][0], None, 18, "шт", False),
        ],
        None,
        None,
        None,
        276810.0,
    )
    return message(h, body, crlf=True), label


def m027() -> Built:
    text = """Добрый день!

КП во вложении. Цены с НДС, срок поставки 7-10 рабочих дней, оплата 50/50.

--
С уважением,
Остапенко Илья
ООО «ИнструментОпт»"""
    sheet = xlsx(
        [
            ["Коммерческое предложение"],
            ["ООО «ИнструментОпт»"],
            [],
            ["№", "Наименование", "Ед.", "Кол-во", "Цена, руб. с НДС", "Сумма, руб."],
            [1, "Перфоратор Makita HR2470", "шт", 4, 11490, 45960],
            [2, "Шуруповерт аккумуляторный Makita DF333DWYE", "шт", 6, 8750, 52500],
            [3, "УШМ Makita 9558HN 125 мм", "шт", 5, 5390, 26950],
            [None, "Итого", None, None, None, 125410],
        ]
    )
    body = multipart(
        "mixed",
        "------------A0b1C2d3E4f5G6h7I8j9",
        leaf(text, "text/plain", "UTF-8", "8bit"),
        attachment(
            sheet,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "КП_ИнструментОпт.xlsx",
        ),
    )
    h = reply_headers(
        27,
        311,
        addr("Илья Остапенко", "ostapenko@instrument-opt.example"),
        "Wed, 2 Dec 2026 17:20:00 +0300",
        "Re: Запрос цен [RFQ-2026-0311-1]",
    )
    label = quote(
        "RUB",
        True,
        [
            ln("Перфоратор Makita HR2470", 11490.0, 4, "шт"),
            ln("Шуруповерт аккумуляторный Makita DF333DWYE", 8750.0, 6, "шт"),
            ln("УШМ Makita 9558HN 125 мм", 5390.0, 5, "шт"),
        ],
        10,
        "50/50",
        None,
        125410.0,
    )
    return message(h, body), label


def m028() -> Built:
    text = """Добрый день.

Рассмотрели ваш запрос. Общая стоимость поставки по всем позициям — 87 400 руб. с НДС, доставка до вашего склада включена.
Срок изготовления 4-6 недель.
Оплата 50% аванс, 50% по готовности.

Сидоренко П.А.
ООО «Завод металлоконструкций «Опора»»
+7 (4872) 30-40-50"""
    body = leaf(text, "text/plain", "windows-1251", "8bit")
    h = reply_headers(
        28,
        312,
        addr("Сидоренко Павел", "sidorenko@opora-zmk.example", "windows-1251"),
        "Fri, 4 Dec 2026 08:55:00 +0300",
        "Запрос цен [RFQ-2026-0312-1] - ответ",
        threaded=False,
        charset="windows-1251",
    )
    label = quote("RUB", True, [], 42, "50% аванс, 50% по готовности", None, 87400.0)
    return message(h, body), label


def m029() -> Built:
    text = """Добрый день, Ольга!

Стоимость по позициям (EUR, цены +НДС):
Датчик давления Danfoss MBS 3000 060G1124 — 10 шт — итого 1 850,00 EUR
Реле давления Danfoss KP 35 060-113366 — 4 шт — итого 312,00 EUR
Клапан соленоидный Danfoss EV220B 15 032U7115 — 6 шт — итого 1 170,00 EUR

Поставка 6-8 недель. Цены действительны до 31.12.2026.

С уважением,
Фролов Андрей
ООО «ТермоКонтроль»

-----Original Message-----
From: Ольга Смирнова <o.smirnova@broker.example>
Sent: Tuesday, December 1, 2026 10:00 AM
To: Фролов Андрей <frolov@termocontrol.example>
Subject: Запрос цен [RFQ-2026-0313-1]

Прошу предоставить цены:
1. Датчик давления Danfoss MBS 3000 060G1124 — 10 шт
2. Реле давления Danfoss KP 35 060-113366 — 4 шт
3. Клапан соленоидный Danfoss EV220B 15 032U7115 — 6 шт"""
    body = multipart(
        "alternative",
        "_000_DB9PR04MB8429E_",
        leaf(text, "text/plain", "utf-8", "quoted-printable"),
        leaf(html_doc(lines_to_html(text)), "text/html", "utf-8", "quoted-printable"),
    )
    h = reply_headers(
        29,
        313,
        addr("Фролов Андрей", "frolov@termocontrol.example"),
        "Wed, 2 Dec 2026 14:14:14 +0300",
        "RE: Запрос цен [RFQ-2026-0313-1]",
    )
    label = quote(
        "EUR",
        False,
        [
            ln("Датчик давления Danfoss MBS 3000 060G1124", 185.0, 10, "шт"),
            ln("Реле давления Danfoss KP 35 060-113366", 78.0, 4, "шт"),
            ln("Клапан соленоидный Danfoss EV220B 15 032U7115", 195.0, 6, "шт"),
        ],
        56,
        None,
        "2026-12-31",
    )
    return message(h, body, crlf=True), label


def m030() -> Built:
    text = (
        "Добрый день!\nНаше предложение (скопировано из прайса):\n\n"
        "Наименование\tКол-во\tЕд.\tЦена, руб.\tСумма, руб.\tСрок\n"
        "Профнастил С8-1150-0,5 RAL 8017\t120\tм2\t465,00\t55 800,00\tв наличии\n"
        "Утеплитель Rockwool Лайт Баттс 50 мм\t36\tм3\t4 150,00\t149 400,00\t2 нед.\n"
        "Мембрана Изоспан А\t10\tрул\t1 290,00\t12 900,00\tв наличии\n\n"
        "Цены с НДС. Доставка рассчитывается отдельно.\n\n"
        "Жанна Мирошниченко\nООО «Кровельный центр»\n"
    )
    body = leaf(text, "text/plain", "UTF-8", "quoted-printable")
    h = reply_headers(
        30,
        314,
        addr("Жанна Мирошниченко", "zhanna@krovcentr.example"),
        "Thu, 3 Dec 2026 13:30:00 +0300",
        "Re: Запрос цен [RFQ-2026-0314-1]",
    )
    label = quote(
        "RUB",
        True,
        [
            ln("Профнастил С8-1150-0,5 RAL 8017", 465.0, 120, "м2", True, 0),
            ln("Утеплитель Rockwool Лайт Баттс 50 мм", 4150.0, 36, "м3", True, 14),
            ln("Мембрана Изоспан А", 1290.0, 10, "рул", True, 0),
        ],
    )
    return message(h, body), label


def m031() -> Built:
    text = """Добрый день!

1. Насос циркуляционный Grundfos UPS 32-80 — 4 шт — 21 300 руб.
2. Труба стальная ВГП 32х3,2 — 240 м — 415 руб./м
3. Кран шаровой Ду32 PN40 — снят с производства, предложить не можем
4. Манометр МП-100 0-10 бар — 12 шт — 890 руб.

Работаем на УСН, НДС не облагается.
Срок поставки 3 недели.

ИП Воронин А.С."""
    body = leaf(text, "text/plain", "koi8-r", "8bit")
    h = reply_headers(
        31,
        315,
        addr("Воронин Алексей", "voronin.as@teplo-ip.example", "koi8-r"),
        "Fri, 4 Dec 2026 12:00:00 +0500",
        "Re: Запрос цен [RFQ-2026-0315-1]",
        charset="koi8-r",
    )
    label = quote(
        "RUB",
        False,
        [
            ln("Насос циркуляционный Grundfos UPS 32-80", 21300.0, 4, "шт"),
            ln("Труба стальная ВГП 32х3,2", 415.0, 240, "м"),
            ln("Кран шаровой Ду32 PN40", None, None, None, False),
            ln("Манометр МП-100 0-10 бар", 890.0, 12, "шт"),
        ],
        21,
    )
    return message(h, body), label


def m032() -> Built:
    text = """Добрый день!
Позиции 2 и 4 нет в наличии.

1. Каска защитная СОМЗ-55 белая — 40 шт — 385 ₽
2. Очки защитные открытые О15 — 60 шт
3. Респиратор 3М 8112 FFP1 — 200 шт — 145 ₽
4. Костюм сварщика брезентовый — 12 компл

Цены с НДС, срок поставки 5 дней, счёт действителен до 9 декабря.
--
Мария, ООО «СпецОдежда-Опт»"""
    html = html_doc(
        '<div style="font-family:Arial, sans-serif;font-size:14px">'
        + text.replace("\n", "<br />")
        + "</div>"
    )
    body = leaf(html, "text/html", "utf-8", "quoted-printable")
    h = reply_headers(
        32,
        316,
        addr("Мария Голубева", "golubeva@specodezhda.example"),
        "Wed, 2 Dec 2026 16:00:00 +0300",
        "Re: Запрос цен [RFQ-2026-0316-1]",
    )
    label = quote(
        "RUB",
        True,
        [
            ln("Каска защитная СОМЗ-55 белая", 385.0, 40, "шт"),
            ln("Очки защитные открытые О15", None, 60, "шт", False),
            ln("Респиратор 3М 8112 FFP1", 145.0, 200, "шт"),
            ln("Костюм сварщика брезентовый", None, 12, "компл", False),
        ],
        5,
        None,
        "2026-12-09",
    )
    return message(h, body), label


# --------------------------------------------------------------------------- other mail


def simple(
    frm: str,
    subject: str,
    date: str,
    mid: str,
    text: str,
    charset: str = "utf-8",
    cte: str = "8bit",
    extra: tuple[tuple[str, str], ...] = (),
    html: bool = False,
) -> bytes:
    h = [
        ("From", frm),
        ("To", BROKER_ENC),
        ("Subject", enc(subject, charset)),
        ("Date", date),
        ("Message-ID", mid),
        *extra,
    ]
    if html:
        body = leaf(html_doc(lines_to_html(text)), "text/html", charset, cte)
    else:
        body = leaf(text, "text/plain", charset, cte)
    return message(h, body)


def m033() -> Built:
    text = """Здравствуйте!

По вашим ключевым словам «кабель», «провод» опубликована новая закупка.

Извещение № 32615478901
Заказчик: АО «Водоканал-Сервис»
Предмет: Поставка кабельной продукции
Лот 1:
  Кабель ВВГнг(А)-LS 3х2,5 — 3 000 м
  Кабель ВВГнг(А)-LS 5х6 — 800 м
  Провод ПуГВ 1х6 — 1 200 м
Начальная (максимальная) цена: 1 254 300,00 руб.
Окончание подачи заявок: 14.12.2026 10:00 (МСК)

Перейти к закупке: https://tender-platform.example/purchase/32615478901

Вы получили это письмо, так как подписаны на уведомления. Управлять подпиской: https://tender-platform.example/subscriptions
Служба поддержки ЭТП «ТендерПлатформа»"""
    raw = simple(
        addr("ЭТП ТендерПлатформа", "noreply@tender-platform.example"),
        "Новая закупка по вашему фильтру: кабель",
        "Tue, 1 Dec 2026 06:00:00 +0300",
        "<notify.32615478901.77@tender-platform.example>",
        text,
        "utf-8",
        "base64",
        (
            ("Auto-Submitted", "auto-generated"),
            ("List-Unsubscribe", "<https://tender-platform.example/unsubscribe?u=8812>"),
        ),
        html=True,
    )
    return raw, other("not_procurement")


def m034() -> Built:
    text = """Здравствуйте!

Статус вашего отправления изменился.
Номер заказа: 1487236590
Отправитель: ООО «МеталлБаза-Урал»
Статус: Передан курьеру для доставки
Ожидаемая дата доставки: 03.12.2026, с 10:00 до 18:00
Состав: 2 места, вес 14,5 кг

Отследить: https://track.courier.example/1487236590

Это автоматическое сообщение, отвечать на него не нужно."""
    return simple(
        addr("Курьерская служба", "no-reply@courier.example"),
        "Заказ 1487236590: передан курьеру",
        "Wed, 2 Dec 2026 08:12:00 +0300",
        "<track.1487236590.3@courier.example>",
        text,
        "utf-8",
        "quoted-printable",
        html=True,
    ), other("not_procurement")


def m035() -> Built:
    text = """Коллеги, добрый день!

Напоминаем, что до 15 декабря необходимо согласовать график отпусков на 2027 год.
Заполните, пожалуйста, таблицу по ссылке на корпоративном портале и согласуйте даты с руководителем.

Также 25 декабря в 17:00 состоится новогодний корпоратив, просьба подтвердить участие до 10 декабря.

С уважением,
Отдел персонала
тел. внутр. 105"""
    return simple(
        addr("Отдел персонала", "hr@broker.example"),
        "График отпусков на 2027 год и корпоратив",
        "Mon, 30 Nov 2026 12:00:00 +0300",
        "<hr.2027.vac@broker.example>",
        text,
        "koi8-r",
        "8bit",
    ), other("not_procurement")


def m036() -> Built:
    text = """Уважаемый клиент!

Сформирована выписка по счёту 40702810400000012345 за 30.11.2026.
Входящий остаток: 1 245 880,12 руб.
Поступления: 3 шт. на сумму 456 200,00 руб.
Списания: 5 шт. на сумму 312 450,50 руб.
Исходящий остаток: 1 389 629,62 руб.

Выписка доступна в интернет-банке. Это письмо сформировано автоматически.
Банк «Надёжный» (АО), лицензия ЦБ РФ № 0000"""
    return simple(
        addr("Банк Надёжный", "info@bank-nadezhny.example"),
        "Выписка по счёту за 30.11.2026",
        "Tue, 1 Dec 2026 05:30:00 +0300",
        "<stmt.20261130.12345@bank-nadezhny.example>",
        text,
        "utf-8",
        "base64",
    ), other("not_procurement")


def m037() -> Built:
    rows = [
        ("Болт М8х30 DIN 933 оцинк.", "9,90 руб./шт"),
        ("Гайка М8 DIN 934 оцинк.", "2,40 руб./шт"),
        ("Анкер клиновой 10х100", "27,00 руб./шт"),
        ("Саморез кровельный 4,8х35", "1,95 руб./шт"),
        ("Шпилька М12х1000 DIN 975", "118,00 руб./шт"),
    ]
    trs = "".join(
        f'<tr><td style="padding:4px 10px">{a}</td><td style="padding:4px 10px;color:#c00"><b>{b}</b></td></tr>'
        for a, b in rows
    )
    html = html_doc(
        '<table width="600" align="center" style="font-family:Verdana;font-size:13px"><tr><td>'
        '<h2 style="color:#1a4">Декабрьский прайс-лист «КрепёжОпт»!</h2>'
        "<p>Снизили цены на ходовые позиции. Предложение действует до 31 декабря или до окончания остатков.</p>"
        f'<table border="0">{trs}</table>'
        "<p>Закажите от 30 000 руб. — доставка по Москве бесплатно!</p>"
        '<p style="font-size:10px;color:#888">Вы получили это письмо, потому что являетесь нашим клиентом. '
        '<a href="https://krepezh-opt.example/unsub">Отписаться от рассылки</a></p></td></tr></table>'
    )
    h = [
        ("From", addr("КрепёжОпт", "news@krepezh-opt.example")),
        ("To", "o.smirnova@broker.example"),
        ("Subject", enc("Новый прайс-лист на декабрь: скидки до 15%")),
        ("Date", "Tue, 1 Dec 2026 07:00:00 +0300"),
        ("Message-ID", "<news.dec2026.5512@krepezh-opt.example>"),
        ("List-Unsubscribe", "<https://krepezh-opt.example/unsub>"),
        ("Precedence", "bulk"),
    ]
    return message(h, leaf(html, "text/html", "utf-8", "quoted-printable")), other("spam")


def m038() -> Built:
    text = """Добрый день!

Уведомляем о смене банковских реквизитов ООО «СварПром» с 01.12.2026.
Просим обновить реквизиты в вашей учётной системе и оплачивать счета по новым данным:

ИНН 7811456125, КПП 781101001
Р/с 40702810955000098765 в ПАО «Банк Северный», г. Санкт-Петербург
К/с 30101810500000000653, БИК 044030653

Письмо за подписью генерального директора — во вложении к предыдущему сообщению.

Главный бухгалтер
Ефимова Л.Н.
тел. +7 (812) 333-20-10"""
    return simple(
        addr("Бухгалтерия СварПром", "buh@svarprom.example", "windows-1251"),
        "Смена реквизитов ООО СварПром",
        "Wed, 2 Dec 2026 10:00:00 +0300",
        "<rekv.2026.12@svarprom.example>",
        text,
        "windows-1251",
        "quoted-printable",
    ), other("not_procurement")


def m039() -> Built:
    text = """Ольга, добрый день.

По поставке по УПД № 512 от 20.11.2026 есть претензия:
— Болт М12х80 DIN 931: по документам 200 шт, фактически пришло 180 шт, недопоставка 20 шт;
— Гайка М12 DIN 934: 15 шт с сорванной резьбой.

Просим допоставить недостающее и заменить брак до 10.12.2026, акт о расхождении прикладываю к следующему письму.

Игорь Мельников
ООО «Техстрой-Монтаж»
+7 (495) 780-12-34"""
    return simple(
        addr("Игорь Мельников", "melnikov@techstroy-m.example"),
        "Претензия по УПД 512",
        "Thu, 3 Dec 2026 09:45:00 +0300",
        "<8811733208300@mail.yandex.example>",
        text,
        "utf-8",
        "8bit",
    ), other("not_procurement")


def m040() -> Built:
    text = """Ольга, спасибо!

Заказ № 245 получили сегодня, всё в комплекте и в срок. Документы подписали, оригиналы отправим почтой.
Будем обращаться ещё.

С уважением,
Роман Гаврилов
ООО «ВолгаМаш»"""
    raw = simple(
        addr("Роман Гаврилов", "roman@volgamash.example"),
        "Заказ 245 — получили",
        "Fri, 4 Dec 2026 15:30:00 +0400",
        "<AM0PR04MB6721D2F1@AM0PR04MB6721.outlook.example>",
        text,
        "utf-8",
        "quoted-printable",
    )
    return raw, other("not_procurement")


# --------------------------------------------------------------------------- writing

MESSAGES = [
    m001,
    m002,
    m003,
    m004,
    m005,
    m006,
    m007,
    m008,
    m009,
    m010,
    m011,
    m012,
    m013,
    m014,
    m015,
    m016,
    m017,
    m018,
    m019,
    m020,
    m021,
    m022,
    m023,
    m024,
    m025,
    m026,
    m027,
    m028,
    m029,
    m030,
    m031,
    m032,
    m033,
    m034,
    m035,
    m036,
    m037,
    m038,
    m039,
    m040,
]


def write(out: Path) -> int:
    """Write every message and label into ``out``; the same bytes on every run."""
    return write_pairs(out, (build() for build in MESSAGES))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=HERE)
    print(write(ap.parse_args().out), "messages written")


if __name__ == "__main__":
    main()
