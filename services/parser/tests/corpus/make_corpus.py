# ruff: noqa: E501 - the messages are data, long lines included
"""Builds the parser's own labelled corpus: NNN.eml + NNN.json pairs in this folder.

    .venv/bin/python services/parser/tests/corpus/make_corpus.py

Other product domains and other layouts than the shared dev corpus: bearings, pipes and
fittings, electrical, paint, office and packaging supplies, PPE; semicolon CSV in the body,
pipe tables, price columns, "1.250,00 €", "тыс. шт", partial availability, USD/EUR/CNY, prices
in xlsx/csv/pdf/docx attachments, forwarded requests. All names, companies, INNs and phones
are made up; every domain is under .example. The PDF is made with weasyprint when it is
installed (it is in the workspace for the documents service).
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from corpus_builders import docx as shared_docx
from corpus_builders import item, line, other, quote, request, write_pairs
from corpus_builders import xlsx as shared_xlsx

HERE = Path(__file__).resolve().parent
MSK = timezone(timedelta(hours=3))
STAMP = datetime(2026, 12, 1, 9, 0)  # the save time of every attachment
BROKER = "Ольга Миронова <zakupki@broker.example>"
BROKER_SIG = """С уважением,
Ольга Миронова
менеджер по закупкам
ООО «СнабТрейд»
тел. +7 (495) 540-17-93
zakupki@broker.example"""


def rfq_body(items: list[str]) -> str:
    lines = "\n".join(f"{i}. {it}" for i, it in enumerate(items, 1))
    return (
        "Добрый день!\n\nПросим предоставить коммерческое предложение по следующим позициям:\n\n"
        f"{lines}\n\nПросьба указать цены (с НДС или без НДС), наличие и сроки поставки,\n"
        "условия оплаты и срок действия предложения.\n"
        "При ответе, пожалуйста, сохраните номер запроса в теме письма.\n\n" + BROKER_SIG
    )


def quoted(text: str) -> str:
    return "\n".join(">" + (" " + line if line else "") for line in text.splitlines())


def message(
    *,
    subject: str,
    sender: str,
    to: str,
    when: datetime,
    text: str | None = None,
    html: str | None = None,
    charset: str = "utf-8",
    cte: str | None = None,
    reply_to_rfq: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, bytes]] | None = None,
    msgid: str,
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = msgid
    if reply_to_rfq:
        msg["In-Reply-To"] = reply_to_rfq
        msg["References"] = reply_to_rfq
    for key, value in (headers or {}).items():
        msg[key] = value
    kwargs: dict[str, Any] = {"charset": charset}
    if cte:
        kwargs["cte"] = cte
    if text is not None:
        msg.set_content(text, **kwargs)
        if html is not None:
            msg.add_alternative(html, subtype="html", **kwargs)
    elif html is not None:
        msg.set_content(html, subtype="html", **kwargs)
    for filename, ctype, data in attachments or []:
        maintype, subtype = ctype.split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg


def xlsx(rows: list[list[Any]], title: str = "Лист1") -> bytes:
    return shared_xlsx(rows, STAMP, title=title)


def docx(paragraphs: list[str], table: list[list[str]]) -> bytes:
    return shared_docx(paragraphs, table, STAMP)


FONT = (
    Path(__file__).resolve().parents[3]
    / "documents/src/snab_documents/templates/proposal/fonts/PTSans-Regular.ttf"
)


_PDF_SCRIPT = """
import sys, weasyprint
font, html = sys.argv[1], sys.stdin.read()
css = weasyprint.CSS(string='@font-face { font-family: "Corpus Sans"; src: url("%s"); } '
                     'body { font-family: "Corpus Sans"; }' % font)
sys.stdout.buffer.write(weasyprint.HTML(string=html).write_pdf(stylesheets=[css]))
"""


FONTCONFIG_VARIABLES = ("FONTCONFIG_FILE", "FONTCONFIG_PATH", "SNAB_DOCUMENTS_FONTCONFIG")


def pdf(html: str) -> bytes:
    """Made in a process of its own, with its font loaded from the repository: the bytes
    depend neither on the machine's fonts nor on what the calling process rendered before
    (WeasyPrint keeps state between documents)."""
    done = subprocess.run(
        [sys.executable, "-c", _PDF_SCRIPT, FONT.as_uri()],
        input=html.encode(),
        capture_output=True,
        check=True,
        # The machine's own font configuration, whatever another library set in this one.
        env={k: v for k, v in os.environ.items() if k not in FONTCONFIG_VARIABLES},
    )
    return done.stdout


CASES: list[tuple[EmailMessage, dict[str, Any]]] = []


def case(msg: EmailMessage, label: dict[str, Any]) -> None:
    CASES.append((msg, label))


def d(day: int, month: int = 12, hour: int = 10, minute: int = 15) -> datetime:
    return datetime(2026, month, day, hour, minute, 7, tzinfo=MSK)


# ----------------------------------------------------------------------------- requests

# 001: bearings, numbered list with article numbers, deadline in words
case(
    message(
        subject="Заявка на подшипники",
        sender="Руслан Ахметов <r.akhmetov@kamaprom.example>",
        to="zakaz@broker.example",
        when=d(2, 12),
        msgid="<a1f3@kamaprom.example>",
        text="""Добрый день!

Просим выставить счёт на подшипники для ремонта конвейера:

1. Подшипник 6205-2RS SKF — 40 шт.
2. Подшипник 6305 ZZ — 20 шт.
3. Подшипник роликовый 22212 EK — 4 шт.
4. Подшипник 6308-2Z/C3 — 12 шт.
5. Корпус подшипника UCP 208 — 6 шт.

Поставка нужна до 14 декабря.

С уважением,
Ахметов Руслан
главный механик
ООО «КамаПромСервис»
ИНН 1650123450 КПП 165001001
тел. +7 (8552) 47-19-30
""",
    ),
    request(
        [
            item("Подшипник 6205-2RS SKF", 40, "шт", "6205-2RS"),
            item("Подшипник 6305 ZZ", 20, "шт", "6305 ZZ"),
            item("Подшипник роликовый 22212 EK", 4, "шт", "22212 EK"),
            item("Подшипник 6308-2Z/C3", 12, "шт", "6308-2Z/C3"),
            item("Корпус подшипника UCP 208", 6, "шт", "UCP 208"),
        ],
        deadline="2026-12-14",
        company="ООО «КамаПромСервис»",
        inn="1650123450",
        phone="+78552471930",
    ),
)

# 002: pipes and fittings, HTML table only, windows-1251 quoted-printable
case(
    message(
        subject="Запрос КП: трубы и фитинги",
        sender="=?windows-1251?B?0fLw7ujy5ev87e4g0/Dg6w==?= <snab@stroiural.example>",
        to="zakaz@broker.example",
        when=d(3, 12, 9, 40),
        msgid="<b2c4@stroiural.example>",
        charset="windows-1251",
        cte="quoted-printable",
        html="""<html><body>
<p>Здравствуйте!</p>
<p>Прошу направить коммерческое предложение на следующие материалы:</p>
<table border="1">
<tr><th>№ п/п</th><th>Наименование</th><th>Артикул</th><th>Ед. изм.</th><th>Кол-во</th></tr>
<tr><td>1</td><td>Труба стальная ВГП Ду20х2,8 ГОСТ 3262-75</td><td></td><td>м</td><td>120</td></tr>
<tr><td>2</td><td>Отвод стальной 90° Ду50</td><td></td><td>шт</td><td>30</td></tr>
<tr><td>3</td><td>Кран шаровой латунный 1/2" ВР-ВР</td><td>VT.214.N.04</td><td>шт</td><td>25</td></tr>
<tr><td>4</td><td>Муфта полипропиленовая PPR 20 мм</td><td></td><td>шт</td><td>200</td></tr>
<tr><td>5</td><td>Труба полипропиленовая PN20 20х3,4</td><td></td><td>м</td><td>350</td></tr>
<tr><td>6</td><td>Фланец стальной плоский Ду100 Ру16</td><td></td><td>шт</td><td>8</td></tr>
</table>
<p>Срок поставки: не позднее 21.12.2026. Доставка до объекта в Перми.</p>
<p>С уважением,<br>Устинов Павел<br>ООО «СтройУралМонтаж»<br>ИНН 5902123458<br>
моб. 8-902-471-22-90</p>
</body></html>""",
    ),
    request(
        [
            item("Труба стальная ВГП Ду20х2,8 ГОСТ 3262-75", 120, "м", "ГОСТ 3262-75"),
            item("Отвод стальной 90° Ду50", 30, "шт"),
            item('Кран шаровой латунный 1/2" ВР-ВР', 25, "шт", "VT.214.N.04"),
            item("Муфта полипропиленовая PPR 20 мм", 200, "шт"),
            item("Труба полипропиленовая PN20 20х3,4", 350, "м"),
            item("Фланец стальной плоский Ду100 Ру16", 8, "шт"),
        ],
        deadline="2026-12-21",
        company="ООО «СтройУралМонтаж»",
        inn="5902123458",
        phone="+79024712290",
    ),
)

# 003: electrical, semicolon CSV pasted in the body, koi8-r base64
case(
    message(
        subject="Заявка электрика",
        sender="Виктор Ложкин <lozhkin@energoservis-tula.example>",
        to="zakaz@broker.example",
        when=d(4, 12, 11, 5),
        msgid="<c3d5@energoservis-tula.example>",
        charset="koi8-r",
        cte="base64",
        text="""Добрый день.
Прошу посчитать по списку (выгрузка из нашей программы):

Наименование;Артикул;Кол-во;Ед.
Автоматический выключатель S201 C16;2CDS251001R0164;40;шт
Автоматический выключатель S203 C25;2CDS253001R0254;12;шт
Автомат защиты двигателя 3RV2011-1EA10;3RV2011-1EA10;6;шт
Контактор КМИ-11210 12А 230В;KKM11-012-230-10;10;шт
Кабель-канал 25х16 белый;;120;м

Оплата по безналу. Ждём КП до 10 декабря.

Ложкин В.А.
ООО "ЭнергоСервис-Тула"
ИНН 7104123458, КПП 710401001
Тел.: +7 (4872) 70-31-15
""",
    ),
    request(
        [
            item("Автоматический выключатель S201 C16", 40, "шт", "2CDS251001R0164"),
            item("Автоматический выключатель S203 C25", 12, "шт", "2CDS253001R0254"),
            item("Автомат защиты двигателя 3RV2011-1EA10", 6, "шт", "3RV2011-1EA10"),
            item("Контактор КМИ-11210 12А 230В", 10, "шт", "KKM11-012-230-10"),
            item("Кабель-канал 25х16 белый", 120, "м"),
        ],
        deadline="2026-12-10",
        company='ООО "ЭнергоСервис-Тула"',
        inn="7104123458",
        phone="+74872703115",
    ),
)

# 004: paint, free prose with numbers in words
case(
    message(
        subject="краска для цеха",
        sender="Марат <marat.g@list.example>",
        to="zakaz@broker.example",
        when=d(5, 12, 8, 20),
        msgid="<d4e6@list.example>",
        text="""Здравствуйте!
Для покраски цеха нужно сто двадцать килограммов эмали ПФ-115 серой,
сорок литров растворителя 646 и грунт ГФ-021 красно-коричневый, двести килограммов.
Ещё валики малярные 250 мм, тридцать штук.
Можно ли привезти до 16 декабря? Оплата картой или по счёту.

Марат Галимов
ИП Галимов М.Р.
ИНН 165712345615
+7 917 255-81-04
""",
    ),
    request(
        [
            item("Эмаль ПФ-115 серая", 120, "кг"),
            item("Растворитель 646", 40, "л"),
            item("Грунт ГФ-021 красно-коричневый", 200, "кг"),
            item("Валики малярные 250 мм", 30, "шт"),
        ],
        deadline="2026-12-16",
        company="ИП Галимов М.Р.",
        inn="165712345615",
        phone="+79172558104",
    ),
)

# 005: office and packaging supplies, bulleted list, "x 50 пачек", sizes inside names
case(
    message(
        subject="Канцтовары и упаковка на январь",
        sender="Елена Смирнова <office@logistika-plus.example>",
        to="zakaz@broker.example",
        when=d(7, 12, 14, 2),
        msgid="<e5f7@logistika-plus.example>",
        text="""Добрый день!

Нам на склад на январь нужно:

• Бумага офисная А4 80 г/м2, 500 л. x 60 пачек
• Скотч упаковочный прозрачный 48 мм х 66 м — 72 рул.
• Стрейч-плёнка 500 мм, 20 мкм — 24 рулона
• Короб картонный 600х400х400 мм — 500 шт.
• Маркер перманентный чёрный — 3 уп. (по 12 шт.)
• Пакеты ПВД с замком 100х150 мм — 2 тыс. шт

Пришлите, пожалуйста, счёт.

--
Смирнова Елена Викторовна
офис-менеджер ООО «Логистика Плюс»
ИНН 7751234566
тел. 8 (495) 223-45-67 доб. 104
""",
    ),
    request(
        [
            item("Бумага офисная А4 80 г/м2, 500 л.", 60, "уп"),
            item("Скотч упаковочный прозрачный 48 мм х 66 м", 72, "рул"),
            item("Стрейч-плёнка 500 мм, 20 мкм", 24, "рул"),
            item("Короб картонный 600х400х400 мм", 500, "шт"),
            item("Маркер перманентный чёрный", 3, "уп"),
            item("Пакеты ПВД с замком 100х150 мм", 2000, "шт"),
        ],
        deadline=None,
        company="ООО «Логистика Плюс»",
        inn="7751234566",
        phone="+74952234567",
    ),
)

# 006: PPE, items only in a DOCX attachment (a table), "тыс. пар"
case(
    message(
        subject="Заявка СИЗ",
        sender="Отдел ОТ и ПБ <ot@neftemash-samara.example>",
        to="zakaz@broker.example",
        when=d(8, 12, 10, 0),
        msgid="<f6a8@neftemash-samara.example>",
        text="""Добрый день!

Заявка на средства индивидуальной защиты во вложении (docx).
Просим КП с учётом доставки до Самары, поставка до 25.12.2026.

Инженер по ОТ Козлова Анна
АО «НефтеМаш-Самара»
ИНН 6312123457
тел. +7 (846) 202-14-88
""",
        attachments=[
            (
                "Заявка_СИЗ.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                docx(
                    ["Заявка на поставку СИЗ", "Объект: цех №3"],
                    [
                        ["№", "Наименование", "Ед. изм.", "Количество"],
                        ["1", "Перчатки нитриловые, размер L", "пар", "10 тыс."],
                        ["2", "Респиратор 3M 8112 FFP1", "шт", "2000"],
                        ["3", "Каска защитная белая", "шт", "150"],
                        ["4", "Костюм рабочий летний, р. 52-54", "компл", "80"],
                        ["5", "Очки защитные открытые прозрачные", "шт", "300"],
                    ],
                ),
            )
        ],
    ),
    request(
        [
            item("Перчатки нитриловые, размер L", 10000, "пар"),
            item("Респиратор 3M 8112 FFP1", 2000, "шт", "8112"),
            item("Каска защитная белая", 150, "шт"),
            item("Костюм рабочий летний, р. 52-54", 80, "компл"),
            item("Очки защитные открытые прозрачные", 300, "шт"),
        ],
        deadline="2026-12-25",
        company="АО «НефтеМаш-Самара»",
        inn="6312123457",
        phone="+78462021488",
    ),
)

# 007: forwarded request (Gmail-style English header block), tab-separated list
case(
    message(
        subject="Fwd: заявка на метизы от прораба",
        sender="Игорь Соболев <sobolev@vostokstroy.example>",
        to="zakaz@broker.example",
        when=d(9, 12, 16, 45),
        msgid="<a7b9@vostokstroy.example>",
        text="""Добрый день, пересылаю заявку с объекта, посчитайте, пожалуйста.

--
Соболев Игорь
ООО «ВостокСтрой»
ИНН 2540123459
+7 (423) 240-11-92

---------- Forwarded message ---------
From: Пётр Кулагин <kulagin@vostokstroy.example>
Date: Wed, 9 Dec 2026 at 15:10
Subject: заявка на метизы
To: Игорь Соболев <sobolev@vostokstroy.example>

Игорь, на объект нужно:
Болт М12х40 DIN 933 8.8\t300\tшт
Гайка М12 DIN 934 8\t300\tшт
Шайба М12 DIN 125\t600\tшт
Анкерный болт 12х100\t80\tшт

Прораб Кулагин П.
""",
    ),
    request(
        [
            item("Болт М12х40 DIN 933 8.8", 300, "шт", "DIN 933"),
            item("Гайка М12 DIN 934 8", 300, "шт", "DIN 934"),
            item("Шайба М12 DIN 125", 600, "шт", "DIN 125"),
            item("Анкерный болт 12х100", 80, "шт"),
        ],
        deadline=None,
        company="ООО «ВостокСтрой»",
        inn="2540123459",
        phone="+74232401192",
    ),
)

# 008: request with an XLSX attachment (bearings and belts)
case(
    message(
        subject="Запрос цен по вложению",
        sender="Закупки ТехноАгро <zakupki@tehnoagro.example>",
        to="zakaz@broker.example",
        when=d(10, 12, 9, 0),
        msgid="<b8c1@tehnoagro.example>",
        text="""Коллеги, добрый день!

Во вложении перечень запчастей. Прошу КП до 18.12.2026.

С уважением,
Дьяченко Олег
ООО «ТехноАгро»
ИНН 3662123458
тел. +7 (473) 261-70-44
""",
        attachments=[
            (
                "zapchasti.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                xlsx(
                    [
                        ["Перечень запчастей", None, None, None],
                        [None, None, None, None],
                        ["Наименование", "Кол-во", "Ед.", "Каталожный номер"],
                        ["Ремень клиновой SPB 2000", 24, "шт", "SPB2000"],
                        ["Подшипник 6206-2RS", 50, "шт", "6206-2RS"],
                        ["Цепь приводная ПР-19,05", 15, "м", None],
                        ["Смазка Литол-24, 10 кг", 6, "шт", None],
                    ]
                ),
            )
        ],
    ),
    request(
        [
            item("Ремень клиновой SPB 2000", 24, "шт", "SPB2000"),
            item("Подшипник 6206-2RS", 50, "шт", "6206-2RS"),
            item("Цепь приводная ПР-19,05", 15, "м"),
            item("Смазка Литол-24, 10 кг", 6, "шт"),
        ],
        deadline="2026-12-18",
        company="ООО «ТехноАгро»",
        inn="3662123458",
        phone="+74732617044",
    ),
)

# 009: quantity first ("100 шт — ..."), "кол-во:" form, multipart/alternative
_t009 = """Добрый день!

Прошу рассчитать:
100 шт — Хомут стальной червячный 20-32 мм
50 м — Шланг ПВХ армированный 3/4"
4 рул. — Сетка сварная 50х50х1,6
Фланец стальной Ду100 Ру16, кол-во: 8 шт
Задвижка 30с41нж Ду80, кол-во: 2 шт.

Спасибо.
Алина Кравец, ООО «АкваТехМонтаж», тел. +7 (861) 992-03-17
"""
case(
    message(
        subject="расчёт",
        sender="Алина Кравец <kravets@aquatech.example>",
        to="zakaz@broker.example",
        when=d(10, 12, 13, 30),
        msgid="<c9d2@aquatech.example>",
        text=_t009,
        html="<html><body>" + _t009.replace("\n", "<br>\n") + "</body></html>",
    ),
    request(
        [
            item("Хомут стальной червячный 20-32 мм", 100, "шт"),
            item('Шланг ПВХ армированный 3/4"', 50, "м"),
            item("Сетка сварная 50х50х1,6", 4, "рул"),
            item("Фланец стальной Ду100 Ру16", 8, "шт"),
            item("Задвижка 30с41нж Ду80", 2, "шт"),
        ],
        deadline=None,
        company="ООО «АкваТехМонтаж»",
        inn=None,
        phone="+78619920317",
    ),
)

# 010: pipe-separated table typed in plain text
case(
    message(
        subject="Запрос: кабельная продукция",
        sender="Денис Орлов <orlov@elmont-nsk.example>",
        to="zakaz@broker.example",
        when=d(11, 12, 10, 10),
        msgid="<d1e3@elmont-nsk.example>",
        text="""Добрый день!

Просим цены и сроки:

| № | Наименование                    | Ед. | Кол-во |
|---|---------------------------------|-----|--------|
| 1 | Кабель КГ 3х2,5                 | м   | 250    |
| 2 | Кабель АВВГ 4х16                | м   | 180    |
| 3 | Провод СИП-4 2х16               | м   | 600    |
| 4 | Зажим анкерный DN 123           | шт  | 40     |

Срок поставки до 23.12.

Орлов Д.С., ООО «ЭлМонт»
ИНН 5406123450
+7 383 311-45-09
""",
    ),
    request(
        [
            item("Кабель КГ 3х2,5", 250, "м"),
            item("Кабель АВВГ 4х16", 180, "м"),
            item("Провод СИП-4 2х16", 600, "м"),
            item("Зажим анкерный DN 123", 40, "шт", "DN 123"),
        ],
        deadline="2026-12-23",
        company="ООО «ЭлМонт»",
        inn="5406123450",
        phone="+73833114509",
    ),
)

# 011: a long list (22 lines), mixed units and forms
_lines011 = [
    ("Кабель ВВГнг-LS 3х1,5", "1 500 м", 1500, "м"),
    ("Кабель ВВГнг-LS 3х2,5", "1 200 м", 1200, "м"),
    ("Кабель ВВГнг-LS 5х6", "90 м", 90, "м"),
    ("Провод ПуГВ 1х2,5 синий", "4 бухты", 4, "бух"),
    ("Провод ПуГВ 1х2,5 красный", "4 бухты", 4, "бух"),
    ("Розетка двойная с заземлением белая", "140 шт.", 140, "шт"),
    ("Выключатель одноклавишный белый", "90 шт.", 90, "шт"),
    ("Подрозетник 68х45 мм", "400 шт.", 400, "шт"),
    ("Коробка распаячная 100х100х50 IP55", "60 шт.", 60, "шт"),
    ("Щит распределительный ЩРН-24", "6 шт.", 6, "шт"),
    ("Автоматический выключатель ВА47-29 1P 16А", "120 шт.", 120, "шт"),
    ("Автоматический выключатель ВА47-29 1P 25А", "40 шт.", 40, "шт"),
    ("УЗО ВД1-63 2P 25А 30мА", "18 шт.", 18, "шт"),
    ("Дифавтомат АД12 1P+N 16А 30мА", "24 шт.", 24, "шт"),
    ("Гофротруба ПВХ 20 мм с зондом", "800 м", 800, "м"),
    ("Гофротруба ПВХ 25 мм с зондом", "300 м", 300, "м"),
    ("Клипса для труб 20 мм", "10 уп.", 10, "уп"),
    ("Дюбель-хомут 5-10 мм", "5 уп.", 5, "уп"),
    ("Изолента ПВХ 19 мм х 20 м синяя", "50 рул.", 50, "рул"),
    ("Клеммы WAGO 221-413", "6 уп.", 6, "уп"),
    ("Светильник светодиодный 36 Вт 1200 мм", "75 шт.", 75, "шт"),
    ("Лампа светодиодная E27 11 Вт", "200 шт.", 200, "шт"),
]
case(
    message(
        subject="Заявка на электромонтажные материалы (22 поз.)",
        sender="Ткаченко Сергей <tkachenko@svet-montazh.example>",
        to="zakaz@broker.example",
        when=d(12, 12, 8, 55),
        msgid="<e2f4@svet-montazh.example>",
        text="Добрый день!\n\nПросим выставить КП по списку. Поставка до 28 декабря.\n\n"
        + "\n".join(f"{i}) {n} - {q}" for i, (n, q, _, _) in enumerate(_lines011, 1))
        + """

Заранее спасибо.
Ткаченко Сергей
ООО «СветМонтаж»
ИНН/КПП 7802123458/780201001
тел. (812) 643-22-10
""",
    ),
    request(
        [item(n, v, u, "221-413" if "WAGO" in n else None) for n, _, v, u in _lines011],
        deadline="2026-12-28",
        company="ООО «СветМонтаж»",
        inn="7802123458",
        phone="+78126432210",
    ),
)

# 012: PDF attachment with the list (paint and consumables)
_pdf012 = pdf(
    """<html><head><style>td,th{border:1px solid #000;padding:4px 18px}</style></head><body>
<h3>Заявка на материалы № 77 от 11.12.2026</h3>
<table cellspacing="0"><tr><th>№</th><th>Наименование</th><th>Ед.</th><th>Кол-во</th></tr>
<tr><td>1</td><td>Краска фасадная акриловая белая</td><td>кг</td><td>450</td></tr>
<tr><td>2</td><td>Грунтовка глубокого проникновения</td><td>л</td><td>200</td></tr>
<tr><td>3</td><td>Лента малярная 50 мм</td><td>рул</td><td>60</td></tr>
<tr><td>4</td><td>Кисть плоская 75 мм</td><td>шт</td><td>40</td></tr>
</table></body></html>"""
)
case(
    message(
        subject="Заявка №77",
        sender="Снабжение ФасадСтрой <snab@fasadstroy.example>",
        to="zakaz@broker.example",
        when=d(11, 12, 17, 25),
        msgid="<f3a5@fasadstroy.example>",
        text="""Добрый день!
Заявка в PDF во вложении, просим счёт.

С уважением, отдел снабжения ООО «ФасадСтрой»
ИНН 7811123454
тел. +7 (812) 407-55-31
""",
        attachments=[("zayavka_77.pdf", "application/pdf", _pdf012)],
    ),
    request(
        [
            item("Краска фасадная акриловая белая", 450, "кг"),
            item("Грунтовка глубокого проникновения", 200, "л"),
            item("Лента малярная 50 мм", 60, "рул"),
            item("Кисть плоская 75 мм", 40, "шт"),
        ],
        deadline=None,
        company="ООО «ФасадСтрой»",
        inn="7811123454",
        phone="+78124075531",
    ),
)

# 013: a short prose request in one line with commas, pieces without a unit
case(
    message(
        subject="Нужны перчатки и каски",
        sender="Кирилл Фомин <fomin.k@mail.example>",
        to="zakaz@broker.example",
        when=d(14, 12, 12, 12),
        msgid="<a4b6@mail.example>",
        text="""Добрый день, нужны перчатки х/б с ПВХ точкой — 500 пар, каски оранжевые — 25 шт и жилеты сигнальные — 25 шт. Счёт на ООО «ДорМастер», ИНН 3525123456. Тел. 8 921 730 44 18
""",
    ),
    request(
        [
            item("Перчатки х/б с ПВХ точкой", 500, "пар"),
            item("Каски оранжевые", 25, "шт"),
            item("Жилеты сигнальные", 25, "шт"),
        ],
        deadline=None,
        company="ООО «ДорМастер»",
        inn="3525123456",
        phone="+79217304418",
    ),
)

# ----------------------------------------------------------------------------- quotes

_rfq101 = [
    "Подшипник 6205-2RS SKF — 40 шт.",
    "Подшипник 6305 ZZ — 20 шт.",
    "Подшипник роликовый 22212 EK — 4 шт.",
    "Подшипник 6308-2Z/C3 — 12 шт.",
    "Корпус подшипника UCP 208 — 6 шт.",
]

# 014: partial availability stated by position numbers
case(
    message(
        subject="Re: Запрос цен [RFQ-2026-0101-1]",
        sender="Подшипник-Центр <sales@podshipnik-center.example>",
        to=BROKER,
        when=d(3, 12, 15, 20),
        msgid="<q14@podshipnik-center.example>",
        reply_to_rfq="<rfq.101.a8d2k1@broker.example>",
        text="""Ольга, добрый день!

1. Подшипник 6205-2RS SKF — 40 шт. — 385,00 руб./шт.
2. Подшипник 6305 ZZ — 20 шт. — 240,00 руб./шт.
4. Подшипник 6308-2Z/C3 — 12 шт. — 690,00 руб./шт.

Позиции 3 и 5 нет в наличии.
Цены с НДС, отгрузка со склада в течение 2 дней после оплаты.

С уважением,
Зотов Андрей
ООО «Подшипник-Центр»
+7 (843) 210-33-44

02.12.2026 17:10, Ольга Миронова пишет:
"""
        + quoted(rfq_body(_rfq101)),
    ),
    quote(
        lines=[
            line("Подшипник 6205-2RS SKF", 385.0, 40, "шт"),
            line("Подшипник 6305 ZZ", 240.0, 20, "шт"),
            line("Подшипник роликовый 22212 EK", None, 4, "шт", available=False),
            line("Подшипник 6308-2Z/C3", 690.0, 12, "шт"),
            line("Корпус подшипника UCP 208", None, 6, "шт", available=False),
        ],
        vat=True,
        lead=2,
    ),
)

# 015: EUR with European number format in an HTML table, validity in days
case(
    message(
        subject="RE: Запрос цен [RFQ-2026-0102-2]",
        sender="Hydrotech Trading <office@hydrotech.example>",
        to=BROKER,
        when=d(4, 12, 11, 45),
        msgid="<q15@hydrotech.example>",
        reply_to_rfq="<rfq.102.p3x8m0@broker.example>",
        html="""<html><body>
<p>Добрый день!</p>
<p>Предлагаем оборудование Grundfos, цены в евро без НДС, условия поставки DAP Москва:</p>
<table border="1">
<tr><th>Наименование</th><th>Кол-во</th><th>Цена, €</th><th>Сумма, €</th></tr>
<tr><td>Насос циркуляционный UPS 25-60 180</td><td>6 шт</td><td>1.250,00</td><td>7.500,00</td></tr>
<tr><td>Насос дренажный Unilift KP 250</td><td>2 шт</td><td>412,50</td><td>825,00</td></tr>
<tr><td>Реле давления PM 2</td><td>4 шт</td><td>96,80</td><td>387,20</td></tr>
<tr><td colspan="3">Итого</td><td>8.712,20</td></tr>
</table>
<p>Срок поставки 6-8 недель с момента предоплаты.<br>
Оплата: 50% предоплата, 50% по уведомлению о готовности.<br>
Предложение действительно 14 дней.</p>
<p>--<br>Юлия Воронцова<br>ООО «Гидротех Трейдинг»</p>
<blockquote type="cite">"""
        + rfq_body(
            [
                "Насос циркуляционный Grundfos UPS 25-60 — 6 шт.",
                "Насос дренажный Grundfos KP 250 — 2 шт.",
                "Реле давления Grundfos PM 2 — 4 шт.",
            ]
        ).replace("\n", "<br>\n")
        + "</blockquote></body></html>",
    ),
    quote(
        lines=[
            line("Насос циркуляционный UPS 25-60 180", 1250.0, 6, "шт"),
            line("Насос дренажный Unilift KP 250", 412.5, 2, "шт"),
            line("Реле давления PM 2", 96.8, 4, "шт"),
        ],
        currency="EUR",
        vat=False,
        lead=56,
        payment="50% предоплата, 50% по уведомлению о готовности",
        valid="2026-12-18",
        total=8712.2,
    ),
)

# 016: USD, per-unit prices with "USD/шт", total in US format
case(
    message(
        subject="Re: Запрос цен [RFQ-2026-0103-1]",
        sender="Виктор Ли <lee@asia-bearing.example>",
        to=BROKER,
        when=d(5, 12, 9, 5),
        msgid="<q16@asia-bearing.example>",
        reply_to_rfq="<rfq.103.z1k4q8@broker.example>",
        text="""Добрый день!

Наши цены (USD, без НДС, склад Москва):

- Подшипник 6206-2RS — 50 шт — 2,35 USD/шт
- Ремень клиновой SPB 2000 — 24 шт — 14,90 USD/шт
- Цепь приводная ПР-19,05 — 15 м — 8,60 USD/м

Total: 604.10 USD
Срок поставки: 3-4 недели.
Оплата: 100% предоплата по курсу ЦБ на день оплаты.

Виктор Ли
ООО «Азия Бэринг»
+7 (495) 118-20-30

-----Original Message-----
From: Ольга Миронова <zakupki@broker.example>
Sent: Thursday, December 3, 2026 10:00 AM
Subject: Запрос цен [RFQ-2026-0103-1]

"""
        + rfq_body(
            [
                "Подшипник 6206-2RS — 50 шт.",
                "Ремень клиновой SPB 2000 — 24 шт.",
                "Цепь приводная ПР-19,05 — 15 м",
            ]
        ),
    ),
    quote(
        lines=[
            line("Подшипник 6206-2RS", 2.35, 50, "шт"),
            line("Ремень клиновой SPB 2000", 14.9, 24, "шт"),
            line("Цепь приводная ПР-19,05", 8.6, 15, "м"),
        ],
        currency="USD",
        vat=False,
        lead=28,
        payment="100% предоплата по курсу ЦБ на день оплаты",
        total=604.1,
    ),
)

# 017: prices in an XLSX attachment with a VAT row
case(
    message(
        subject="Re: Запрос цен [RFQ-2026-0104-3]",
        sender="Анна Белова <belova@elektroopt.example>",
        to=BROKER,
        when=d(7, 12, 16, 0),
        msgid="<q17@elektroopt.example>",
        reply_to_rfq="<rfq.104.h6j2w9@broker.example>",
        text="""Добрый день!

КП во вложении. Срок поставки — 10 рабочих дней.
Оплата: отсрочка 30 дней.

Белова Анна
ООО «ЭлектроОпт»

04.12.2026 12:00, Ольга Миронова пишет:
"""
        + quoted(
            rfq_body(
                [
                    "Автоматический выключатель S201 C16 — 40 шт.",
                    "Автоматический выключатель S203 C25 — 12 шт.",
                    "Автомат защиты двигателя 3RV2011-1EA10 — 6 шт.",
                ]
            )
        ),
        attachments=[
            (
                "KP_ElektroOpt.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                xlsx(
                    [
                        ["Коммерческое предложение от 07.12.2026", None, None, None, None],
                        [None, None, None, None, None],
                        [
                            "Наименование",
                            "Кол-во",
                            "Ед.",
                            "Цена без НДС, руб.",
                            "Сумма без НДС, руб.",
                        ],
                        ["Выключатель автоматический ABB S201 C16", 40, "шт", 612.4, 24496],
                        ["Выключатель автоматический ABB S203 C25", 12, "шт", 2088, 25056],
                        ["Автомат защиты двигателя Siemens 3RV2011-1EA10", 6, "шт", 7450.5, 44703],
                        ["Итого без НДС", None, None, None, 94255],
                        ["НДС 22%", None, None, None, 20736.1],
                        ["Всего с НДС", None, None, None, 114991.1],
                    ],
                    "КП",
                ),
            )
        ],
    ),
    quote(
        lines=[
            line("Выключатель автоматический ABB S201 C16", 612.4, 40, "шт"),
            line("Выключатель автоматический ABB S203 C25", 2088.0, 12, "шт"),
            line("Автомат защиты двигателя Siemens 3RV2011-1EA10", 7450.5, 6, "шт"),
        ],
        vat=False,
        lead=10,
        payment="отсрочка 30 дней",
        total=94255.0,
    ),
)

# 018: a single total only
case(
    message(
        subject="RE: Запрос цен [RFQ-2026-0105-1]",
        sender="Кузьмин Антон <kuzmin@tdkraski.example>",
        to=BROKER,
        when=d(7, 12, 11, 30),
        msgid="<q18@tdkraski.example>",
        reply_to_rfq="<rfq.105.m2n5b7@broker.example>",
        text="""Добрый день.

Стоимость всего заказа по вашему запросу — 245 600 руб., включая НДС.
Поставка в течение 2 недель. Цены действительны до 20 декабря.

Антон Кузьмин
ТД «Краски»

-----Исходное сообщение-----
От: Ольга Миронова [mailto:zakupki@broker.example]
Отправлено: 5 декабря 2026 г. 10:10
Кому: kuzmin@tdkraski.example
Тема: Запрос цен [RFQ-2026-0105-1]

"""
        + rfq_body(
            [
                "Эмаль ПФ-115 серая — 120 кг",
                "Растворитель 646 — 40 л",
                "Грунт ГФ-021 красно-коричневый — 200 кг",
            ]
        ),
    ),
    quote(
        lines=[],
        vat=True,
        lead=14,
        valid="2026-12-20",
        total=245600.0,
    ),
)

# 019: line totals only; unit price = total / quantity
case(
    message(
        subject="Re: Запрос цен [RFQ-2026-0106-2]",
        sender="Сантехкомплект <opt@santehkomplekt.example>",
        to=BROKER,
        when=d(11, 12, 14, 40),
        msgid="<q19@santehkomplekt.example>",
        reply_to_rfq="<rfq.106.c9v1x3@broker.example>",
        text="""Добрый день!

Хомут стальной червячный 20-32 мм, 100 шт — 2 450 руб.
Шланг ПВХ армированный 3/4", 50 м — 6 900 руб.
Фланец стальной Ду100 Ру16, 8 шт — 5 200 руб.
Задвижка 30с41нж Ду80, 2 шт — 4 200 руб.

Итого: 18 750 руб., без НДС (УСН).
Отгрузка через 3 дня после оплаты.

--
Бондарь Максим
ИП Бондарь М.И.

11.12.2026 10:00, Ольга Миронова пишет:
"""
        + quoted(
            rfq_body(
                [
                    "Хомут стальной червячный 20-32 мм — 100 шт.",
                    'Шланг ПВХ армированный 3/4" — 50 м',
                    "Фланец стальной Ду100 Ру16 — 8 шт.",
                    "Задвижка 30с41нж Ду80 — 2 шт.",
                ]
            )
        ),
    ),
    quote(
        lines=[
            line("Хомут стальной червячный 20-32 мм", 24.5, 100, "шт"),
            line('Шланг ПВХ армированный 3/4"', 138.0, 50, "м"),
            line("Фланец стальной Ду100 Ру16", 650.0, 8, "шт"),
            line("Задвижка 30с41нж Ду80", 2100.0, 2, "шт"),
        ],
        vat=False,
        lead=3,
        total=18750.0,
    ),
)

# 020: no threading headers, only the tag; top-posted; prices in a semicolon CSV (cp1251)
_csv020 = (
    "Наименование;Кол-во;Ед;Цена с НДС;Сумма с НДС\r\n"
    "Кабель КГ 3х2,5;250;м;118,40;29600,00\r\n"
    "Кабель АВВГ 4х16;180;м;265,00;47700,00\r\n"
    "Провод СИП-4 2х16;600;м;54,90;32940,00\r\n"
    "Зажим анкерный DN 123;40;шт;;\r\n"
).encode("cp1251")
case(
    message(
        subject="Ответ на запрос [RFQ-2026-0107-1]",
        sender="Сибкабель-Опт <info@sibkabel-opt.example>",
        to="zakupki@broker.example",
        when=d(14, 12, 10, 5),
        msgid="<q20@sibkabel-opt.example>",
        text="""Здравствуйте, Ольга!
Цены во вложении (csv). Зажимы DN 123 не поставляем.
Срок отгрузки 5-7 дней. Предложение действует до 31.12.2026.

Сибкабель-Опт, отдел продаж

-----Исходное сообщение-----
От: Ольга Миронова
Отправлено: 12 декабря 2026 г. 11:00
Тема: Запрос цен [RFQ-2026-0107-1]

"""
        + rfq_body(
            [
                "Кабель КГ 3х2,5 — 250 м",
                "Кабель АВВГ 4х16 — 180 м",
                "Провод СИП-4 2х16 — 600 м",
                "Зажим анкерный DN 123 — 40 шт.",
            ]
        ),
        attachments=[("ceny.csv", "text/csv", _csv020)],
    ),
    quote(
        lines=[
            line("Кабель КГ 3х2,5", 118.4, 250, "м"),
            line("Кабель АВВГ 4х16", 265.0, 180, "м"),
            line("Провод СИП-4 2х16", 54.9, 600, "м"),
            line("Зажим анкерный DN 123", None, 40, "шт", available=False),
        ],
        vat=True,
        lead=7,
        valid="2026-12-31",
    ),
)

# 021: prices given by RFQ position numbers only
case(
    message(
        subject="Re: Запрос цен [RFQ-2026-0108-1]",
        sender="Метиз-Снаб <zakaz@metiz-snab.example>",
        to=BROKER,
        when=d(10, 12, 12, 0),
        msgid="<q21@metiz-snab.example>",
        reply_to_rfq="<rfq.108.t4y7u2@broker.example>",
        text="""Добрый день!

Позиция 1 — 18,40 руб./шт.
Позиция 2 — 6,10 руб./шт.
Позиция 3 — нет в наличии.
Позиция 4 — 54,00 руб./шт.

Цены указаны без НДС. Всё, что есть, в наличии на складе.

Метиз-Снаб
+7 (812) 333-10-20

09.12.2026 16:00, Ольга Миронова пишет:
"""
        + quoted(
            rfq_body(
                [
                    "Болт М12х40 DIN 933 8.8 — 300 шт.",
                    "Гайка М12 DIN 934 8 — 300 шт.",
                    "Шайба М12 DIN 125 — 600 шт.",
                    "Анкерный болт 12х100 — 80 шт.",
                ]
            )
        ),
    ),
    quote(
        lines=[
            line("Болт М12х40 DIN 933 8.8", 18.4, 300, "шт"),
            line("Гайка М12 DIN 934 8", 6.1, 300, "шт"),
            line("Шайба М12 DIN 125", None, 600, "шт", available=False),
            line("Анкерный болт 12х100", 54.0, 80, "шт"),
        ],
        vat=False,
        lead=0,
    ),
)

# 022: CNY, VAT not applicable
case(
    message(
        subject="Re: Запрос цен [RFQ-2026-0109-2]",
        sender="Wang Lei <wang@zhejiang-tools.example>",
        to=BROKER,
        when=d(8, 12, 6, 40),
        msgid="<q22@zhejiang-tools.example>",
        reply_to_rfq="<rfq.109.r5e8w1@broker.example>",
        text="""Ольга, здравствуйте!

Цены в юанях (CNY), FOB Нинбо, НДС не облагается:
Перфоратор аккумуляторный 18 В — 100 шт — 265 CNY
Шуруповёрт аккумуляторный 12 В — 200 шт — 148 CNY
Набор бит 32 предмета — 500 компл — 19,5 CNY

Срок изготовления 25-30 дней.
Оплата 30% предоплата, 70% против копии коносамента.

Ван Лэй
Zhejiang Tools Co.
""",
    ),
    quote(
        lines=[
            line("Перфоратор аккумуляторный 18 В", 265.0, 100, "шт"),
            line("Шуруповёрт аккумуляторный 12 В", 148.0, 200, "шт"),
            line("Набор бит 32 предмета", 19.5, 500, "компл"),
        ],
        currency="CNY",
        vat=False,
        lead=30,
        payment="30% предоплата, 70% против копии коносамента",
    ),
)

# 023: a PDF commercial offer with prices
_pdf023 = pdf(
    """<html><head><style>td,th{border:1px solid #000;padding:4px 20px}</style></head><body>
<h3>Коммерческое предложение № 1512</h3>
<p>Цены указаны с НДС 22%.</p>
<table cellspacing="0"><tr><th>Наименование</th><th>Кол-во</th><th>Ед.</th><th>Цена, руб.</th><th>Сумма, руб.</th></tr>
<tr><td>Краска фасадная акриловая белая</td><td>450</td><td>кг</td><td>212,00</td><td>95 400,00</td></tr>
<tr><td>Грунтовка глубокого проникновения</td><td>200</td><td>л</td><td>96,50</td><td>19 300,00</td></tr>
<tr><td>Лента малярная 50 мм</td><td>60</td><td>рул</td><td>74,00</td><td>4 440,00</td></tr>
<tr><td>Кисть плоская 75 мм</td><td>40</td><td>шт</td><td>88,00</td><td>3 520,00</td></tr>
<tr><td>Итого</td><td></td><td></td><td></td><td>122 660,00</td></tr>
</table></body></html>"""
)
case(
    message(
        subject="Re: Запрос цен [RFQ-2026-0110-1]",
        sender="Лакокраска-Центр <kp@lkcenter.example>",
        to=BROKER,
        when=d(12, 12, 13, 10),
        msgid="<q23@lkcenter.example>",
        reply_to_rfq="<rfq.110.k8l3z6@broker.example>",
        text="""Добрый день!
Коммерческое предложение во вложении (PDF).
Всё в наличии, отгрузка на следующий день после оплаты.
Условия оплаты: 100% предоплата.

Лакокраска-Центр
""",
        attachments=[("KP_1512.pdf", "application/pdf", _pdf023)],
    ),
    quote(
        lines=[
            line("Краска фасадная акриловая белая", 212.0, 450, "кг"),
            line("Грунтовка глубокого проникновения", 96.5, 200, "л"),
            line("Лента малярная 50 мм", 74.0, 60, "рул"),
            line("Кисть плоская 75 мм", 88.0, 40, "шт"),
        ],
        vat=True,
        lead=1,
        payment="100% предоплата",
        total=122660.0,
    ),
)

# 024: an HTML table with a stock/lead time column
case(
    message(
        subject="Re: Запрос цен [RFQ-2026-0111-1]",
        sender="СИЗ-Опт <sales@siz-opt.example>",
        to=BROKER,
        when=d(9, 12, 10, 50),
        msgid="<q24@siz-opt.example>",
        reply_to_rfq="<rfq.111.f2g6h9@broker.example>",
        text=None,
        html="""<html><body><p>Добрый день!</p><p>Направляем цены (с НДС):</p>
<table border="1"><tr><th>Товар</th><th>Кол-во</th><th>Цена за ед., руб.</th><th>Срок поставки</th></tr>
<tr><td>Перчатки нитриловые, размер L</td><td>10 000 пар</td><td>18,90</td><td>в наличии</td></tr>
<tr><td>Респиратор 3M 8112 FFP1</td><td>2 000 шт</td><td>96,00</td><td>2-3 недели</td></tr>
<tr><td>Каска защитная белая</td><td>150 шт</td><td>410,00</td><td>в наличии</td></tr>
<tr><td>Костюм рабочий летний, р. 52-54</td><td>80 компл</td><td>1 890,00</td><td>10 дней</td></tr>
<tr><td>Очки защитные открытые прозрачные</td><td>300 шт</td><td>—</td><td>нет в наличии</td></tr>
</table>
<p>Оплата по счёту, отсрочка 14 дней.</p><p>С уважением,<br>Гусева Мария<br>ООО «СИЗ-Опт»</p>
</body></html>""",
    ),
    quote(
        lines=[
            line("Перчатки нитриловые, размер L", 18.9, 10000, "пар", lead=0),
            line("Респиратор 3M 8112 FFP1", 96.0, 2000, "шт", lead=21),
            line("Каска защитная белая", 410.0, 150, "шт", lead=0),
            line("Костюм рабочий летний, р. 52-54", 1890.0, 80, "компл", lead=10),
            line("Очки защитные открытые прозрачные", None, 300, "шт", available=False),
        ],
        vat=True,
        payment="по счёту, отсрочка 14 дней",
    ),
)

# ----------------------------------------------------------------------------- other

# 025: out-of-office with the header, English/Russian subject
case(
    message(
        subject="Out of Office: Запрос цен [RFQ-2026-0112-1]",
        sender="Михаил Зуев <zuev@promkomplekt.example>",
        to="zakupki@broker.example",
        when=d(10, 12, 9, 1),
        msgid="<o25@promkomplekt.example>",
        reply_to_rfq="<rfq.112.x7c2v4@broker.example>",
        headers={"Auto-Submitted": "auto-replied"},
        text="""Здравствуйте! Я нахожусь в отпуске до 21 декабря.
По срочным вопросам обращайтесь к Светлане Ивановой: ivanova@promkomplekt.example.
""",
    ),
    other("auto_reply"),
)

# 026: a ticket-system acknowledgement without the header
case(
    message(
        subject="Ваше обращение зарегистрировано",
        sender="Служба поддержки <support@zavod-metall.example>",
        to="zakaz@broker.example",
        when=d(11, 12, 9, 30),
        msgid="<o26@zavod-metall.example>",
        text="""Здравствуйте!

Это автоматический ответ. Ваше письмо получено и зарегистрировано под номером 48213.
Менеджер свяжется с вами в течение рабочего дня.

Не отвечайте на это письмо.
""",
    ),
    other("auto_reply"),
)

# 027: a bounce in Russian (multipart/report)
_bounce = EmailMessage()
_bounce["From"] = "Почтовая система <postmaster@mx.broker.example>"
_bounce["To"] = "zakupki@broker.example"
_bounce["Subject"] = "Недоставленное сообщение: Запрос цен [RFQ-2026-0113-1]"
_bounce["Date"] = format_datetime(d(12, 12, 11, 11))
_bounce["Message-ID"] = "<o27@mx.broker.example>"
_bounce.set_content(
    "Не удалось доставить сообщение следующим получателям:\n\n"
    "sales@old-supplier.example\nПочтовый ящик не существует.\n"
)
_bounce.make_mixed()
_bounce.replace_header("Content-Type", 'multipart/report; report-type="delivery-status"')
case(_bounce, other("bounce"))

# 028: marketing with item-like lines and prices
case(
    message(
        subject="Новогодняя распродажа канцтоваров — скидки до 50%",
        sender="ОфисМаркет <promo@officemarket-news.example>",
        to="zakaz@broker.example",
        when=d(14, 12, 7, 0),
        msgid="<o28@officemarket-news.example>",
        headers={"Precedence": "bulk"},
        text="""Новогодняя распродажа в ОфисМаркет!

- Бумага А4 SvetoCopy — 500 листов — от 329 руб./пачка
- Скотч упаковочный 48 мм — 36 рул. в коробке — 1 190 руб.
- Маркеры перманентные — набор 12 шт. — 259 руб.

Успейте до 31 декабря! Бесплатная доставка от 5 000 руб.

Вы получили это письмо, так как подписаны на рассылку. Отписаться: https://officemarket-news.example/unsub
""",
    ),
    other("spam"),
)

# 029: an invoice letter from a supplier (not a request or quote)
case(
    message(
        subject="Счёт на оплату № 2291 от 14.12.2026",
        sender="Бухгалтерия Сибкабель-Опт <buh@sibkabel-opt.example>",
        to="zakupki@broker.example",
        when=d(14, 12, 15, 30),
        msgid="<o29@sibkabel-opt.example>",
        text="""Добрый день!

Направляем счёт № 2291 от 14.12.2026 на сумму 110 240,00 руб., в т.ч. НДС 22%.
Счёт во вложении. Просим оплатить в течение 3 банковских дней.
Оригиналы документов передадим с водителем.

С уважением,
бухгалтерия ООО «Сибкабель-Опт»
""",
    ),
    other("not_procurement"),
)

# 030: holiday schedule announcement from a partner
case(
    message(
        subject="График работы в новогодние праздники",
        sender="ТК Деловые Линии Плюс <info@dl-plus.example>",
        to="zakupki@broker.example",
        when=d(15, 12, 10, 0),
        msgid="<o30@dl-plus.example>",
        text="""Уважаемые партнёры!

Сообщаем график работы терминалов в праздничные дни:
31 декабря — до 15:00,
с 1 по 4 января — выходные дни,
с 5 января — в обычном режиме.

Поздравляем с наступающим Новым годом!
""",
    ),
    other("not_procurement"),
)


# ----------------------------------------------------------------------------- second batch

# 031: multipart/alternative, HTML table whose quantity header carries the unit
_h031 = """<html><body><p>Добрый день!</p><p>Просим счёт на крепёж:</p>
<table border="1"><tr><th>Наименование товара</th><th>Кол-во, шт</th></tr>
<tr><td>Саморез по дереву 4,5х50 жёлтый</td><td>3000</td></tr>
<tr><td>Саморез по металлу 4,2х25 сверло</td><td>5000</td></tr>
<tr><td>Дюбель распорный 8х60</td><td>1500</td></tr>
<tr><td>Шуруп-кольцо 5х40</td><td>200</td></tr>
</table><p>Спасибо!</p><p>Никитина Ольга<br>ООО «ДомСтрой-Калуга»<br>ИНН 4027123455<br>тел. +7 (4842) 55-60-71</p></body></html>"""
case(
    message(
        subject="Счёт на крепёж",
        sender="Никитина Ольга <nikitina@domstroy-kaluga.example>",
        to="zakaz@broker.example",
        when=d(15, 12, 9, 12),
        msgid="<r31@domstroy-kaluga.example>",
        text="""Добрый день!
Просим счёт на крепёж:
Саморез по дереву 4,5х50 жёлтый 3000
Саморез по металлу 4,2х25 сверло 5000
Дюбель распорный 8х60 1500
Шуруп-кольцо 5х40 200
Спасибо!
Никитина Ольга
ООО «ДомСтрой-Калуга»
ИНН 4027123455
тел. +7 (4842) 55-60-71
""",
        html=_h031,
    ),
    request(
        [
            item("Саморез по дереву 4,5х50 жёлтый", 3000, "шт"),
            item("Саморез по металлу 4,2х25 сверло", 5000, "шт"),
            item("Дюбель распорный 8х60", 1500, "шт"),
            item("Шуруп-кольцо 5х40", 200, "шт"),
        ],
        company="ООО «ДомСтрой-Калуга»",
        inn="4027123455",
        phone="+74842556071",
    ),
)

# 032: HTML-only ordered list of rolled metal
case(
    message(
        subject="Металлопрокат — запрос",
        sender="Снабжение МеталлКонструкция <mk@metallkon.example>",
        to="zakaz@broker.example",
        when=d(15, 12, 11, 0),
        msgid="<r32@metallkon.example>",
        html="""<html><body><p>Здравствуйте!</p><p>Нужен металлопрокат на объект (поставка до 24 декабря):</p>
<ol>
<li>Уголок стальной 50х50х5 ст3 — 2,5 т</li>
<li>Швеллер 12П — 18 м</li>
<li>Лист г/к 3 мм 1250х2500 — 15 листов</li>
<li>Труба профильная 40х20х2 — 240 м</li>
<li>Арматура А500С ф14 — 1,2 т</li>
</ol>
<p>С уважением,<br>Савельев Илья<br>ООО «МеталлКонструкция»<br>ИНН 7017123451<br>+7 (3822) 90-14-15</p></body></html>""",
    ),
    request(
        [
            item("Уголок стальной 50х50х5 ст3", 2.5, "т"),
            item("Швеллер 12П", 18, "м"),
            item("Лист г/к 3 мм 1250х2500", 15, "лист"),
            item("Труба профильная 40х20х2", 240, "м"),
            item("Арматура А500С ф14", 1.2, "т"),
        ],
        deadline="2026-12-24",
        company="ООО «МеталлКонструкция»",
        inn="7017123451",
        phone="+73822901415",
    ),
)

# 033: prose with counts before the names
case(
    message(
        subject="розетки и кабель",
        sender="Андрей Ким <kim.andrey@mail.example>",
        to="zakaz@broker.example",
        when=d(15, 12, 19, 40),
        msgid="<r33@mail.example>",
        text="""Здравствуйте. Прошу выставить счёт: 2 бухты кабеля ВВГ 3х1,5, 10 розеток Legrand Valena белых и 5 выключателей двухклавишных. Счёт на ИП Ким А.В., ИНН 272312345621.
Андрей, 8-914-200-11-22
""",
    ),
    request(
        [
            item("Кабель ВВГ 3х1,5", 2, "бух"),
            item("Розетки Legrand Valena белые", 10, "шт"),
            item("Выключатели двухклавишные", 5, "шт"),
        ],
        company="ИП Ким А.В.",
        inn="272312345621",
        phone="+79142001122",
    ),
)

# 034: several items in one line separated by semicolons
case(
    message(
        subject="подшипники и ремни",
        sender="Сервис Агро <service@agroremont.example>",
        to="zakaz@broker.example",
        when=d(16, 12, 8, 30),
        msgid="<r34@agroremont.example>",
        text="""Добрый день! Нужны: подшипник 6204-2RS — 10 шт; подшипник 6205-2RS — 10 шт; ремень клиновой А-1000 — 4 шт.
Прошу КП до 21.12.

ООО «АгроРемонт»
ИНН 5612123456
тел. 8 (3532) 43-21-09
""",
    ),
    request(
        [
            item("Подшипник 6204-2RS", 10, "шт", "6204-2RS"),
            item("Подшипник 6205-2RS", 10, "шт", "6205-2RS"),
            item("Ремень клиновой А-1000", 4, "шт"),
        ],
        deadline="2026-12-21",
        company="ООО «АгроРемонт»",
        inn="5612123456",
        phone="+73532432109",
    ),
)

# 035: an aligned plain-text table with the unit in its own column
case(
    message(
        subject="Заявка на сантехнику",
        sender="Прохоров Н. <prohorov@teplodom.example>",
        to="zakaz@broker.example",
        when=d(16, 12, 10, 10),
        msgid="<r35@teplodom.example>",
        text="""Добрый день!

Прошу прислать КП по позициям ниже.

Наименование                         Ед.    Кол-во
Радиатор биметаллический 500/80 10с  шт     24
Кран Маевского 1/2"                  шт     24
Труба металлопластиковая 16х2,0      м      300
Фитинг пресс угольник 16х16          шт     120

Прохоров Николай
ООО «ТеплоДом»
ИНН 6453123450
+7 (8452) 39-90-12
""",
    ),
    request(
        [
            item("Радиатор биметаллический 500/80 10с", 24, "шт"),
            item('Кран Маевского 1/2"', 24, "шт"),
            item("Труба металлопластиковая 16х2,0", 300, "м"),
            item("Фитинг пресс угольник 16х16", 120, "шт"),
        ],
        company="ООО «ТеплоДом»",
        inn="6453123450",
        phone="+78452399012",
    ),
)

# 036: bulk materials in words, "кубов", pack size in the name
case(
    message(
        subject="цемент песок",
        sender="Виталий <vitaliy.stroy@mail.example>",
        to="zakaz@broker.example",
        when=d(16, 12, 13, 5),
        msgid="<r36@mail.example>",
        text="""Добрый день, нужно три тонны цемента М400 в мешках по 50 кг и пять кубов песка сеяного. Доставка в Мытищи до 19 декабря. Тел 8 926 111 22 33
""",
    ),
    request(
        [
            item("Цемент М400 в мешках по 50 кг", 3, "т"),
            item("Песок сеяный", 5, "м3"),
        ],
        deadline="2026-12-19",
        phone="+79261112233",
    ),
)

# 037: "pcs" units and English model names
case(
    message(
        subject="RFQ bearings",
        sender="Procurement <purchase@volgadiesel.example>",
        to="zakaz@broker.example",
        when=d(17, 12, 9, 45),
        msgid="<r37@volgadiesel.example>",
        text="""Добрый день!

Просим цены на:
1) Bearing NSK 6204-2RS — 200 pcs
2) Bearing NSK 6305-2Z — 120 pcs
3) Oil seal 35x52x7 NBR — 300 pcs

Срок — до 30.12.2026.

--
Чернов Евгений, АО «ВолгаДизель»
ИНН 3443123455
+7 (8442) 26-00-71
""",
    ),
    request(
        [
            item("Bearing NSK 6204-2RS", 200, "шт", "6204-2RS"),
            item("Bearing NSK 6305-2Z", 120, "шт", "6305-2Z"),
            item("Oil seal 35x52x7 NBR", 300, "шт"),
        ],
        deadline="2026-12-30",
        company="АО «ВолгаДизель»",
        inn="3443123455",
        phone="+78442260071",
    ),
)

# 038: an aligned plain-text price table in a quote
case(
    message(
        subject="Re: Запрос цен [RFQ-2026-0114-1]",
        sender="ТеплоСнаб <sales@teplosnab.example>",
        to=BROKER,
        when=d(17, 12, 11, 20),
        msgid="<q38@teplosnab.example>",
        reply_to_rfq="<rfq.114.w3e5r7@broker.example>",
        text="""Добрый день!

Наименование                          Кол-во   Цена, руб.   Сумма, руб.
Радиатор биметаллический 500/80 10с   24 шт    5 840,00     140 160,00
Кран Маевского 1/2"                   24 шт    95,00        2 280,00
Труба металлопластиковая 16х2,0       300 м    64,30        19 290,00
Фитинг пресс угольник 16х16           120 шт   142,00       17 040,00
Итого:                                                      178 770,00

Цены включают НДС. Срок поставки 3-5 рабочих дней.
Оплата: 100% предоплата.

Фролова Ирина
ООО «ТеплоСнаб»

16.12.2026 18:00, Ольга Миронова пишет:
"""
        + quoted(
            rfq_body(
                [
                    "Радиатор биметаллический 500/80 10с — 24 шт.",
                    'Кран Маевского 1/2" — 24 шт.',
                    "Труба металлопластиковая 16х2,0 — 300 м",
                    "Фитинг пресс угольник 16х16 — 120 шт.",
                ]
            )
        ),
    ),
    quote(
        lines=[
            line("Радиатор биметаллический 500/80 10с", 5840.0, 24, "шт"),
            line('Кран Маевского 1/2"', 95.0, 24, "шт"),
            line("Труба металлопластиковая 16х2,0", 64.3, 300, "м"),
            line("Фитинг пресс угольник 16х16", 142.0, 120, "шт"),
        ],
        vat=True,
        lead=5,
        payment="100% предоплата",
        total=178770.0,
    ),
)

# 039: "$" before the number, pcs, total with "+ НДС"-free wording
case(
    message(
        subject="Re: Запрос цен [RFQ-2026-0115-2]",
        sender="Global Bearings <info@globalbearings.example>",
        to=BROKER,
        when=d(18, 12, 10, 0),
        msgid="<q39@globalbearings.example>",
        reply_to_rfq="<rfq.115.y6u8i0@broker.example>",
        text="""Ольга, добрый день.

Bearing NSK 6204-2RS — 200 pcs — $1.95/pc
Bearing NSK 6305-2Z — 120 pcs — $3.40/pc
Oil seal 35x52x7 NBR — 300 pcs — $0.42/pc

Итого: $924.00, без НДС.
Поставка 5-6 недель, предоплата 100%.

Best regards,
Олег Ганиев
""",
    ),
    quote(
        lines=[
            line("Bearing NSK 6204-2RS", 1.95, 200, "шт"),
            line("Bearing NSK 6305-2Z", 3.4, 120, "шт"),
            line("Oil seal 35x52x7 NBR", 0.42, 300, "шт"),
        ],
        currency="USD",
        vat=False,
        lead=42,
        payment="предоплата 100%",
        total=924.0,
    ),
)

# 040: total with "+ НДС", lead "2-3 недели", validity "Срок действия КП"
case(
    message(
        subject="RE: Запрос цен [RFQ-2026-0116-1]",
        sender="МеталлТорг <opt@metalltorg.example>",
        to=BROKER,
        when=d(18, 12, 14, 45),
        msgid="<q40@metalltorg.example>",
        reply_to_rfq="<rfq.116.o1p3a5@broker.example>",
        text="""Добрый день!

1. Уголок стальной 50х50х5 ст3 — 2,5 т — 78 900 руб./т
2. Швеллер 12П — 18 м — 1 150 руб./м
3. Лист г/к 3 мм 1250х2500 — 15 листов — 6 480 руб./лист
4. Труба профильная 40х20х2 — 240 м — под заказ, 2-3 недели, 142 руб./м
5. Арматура А500С ф14 — 1,2 т — 69 500 руб./т

Итого: 406 650 руб. + НДС 22%.
Срок действия КП — до 25.12.2026.
Оплата 50/50.

С уважением, Дмитрий
ООО «МеталлТорг»
""",
    ),
    quote(
        lines=[
            line("Уголок стальной 50х50х5 ст3", 78900.0, 2.5, "т"),
            line("Швеллер 12П", 1150.0, 18, "м"),
            line("Лист г/к 3 мм 1250х2500", 6480.0, 15, "лист"),
            line("Труба профильная 40х20х2", 142.0, 240, "м", lead=21),
            line("Арматура А500С ф14", 69500.0, 1.2, "т"),
        ],
        vat=False,
        payment="50/50",
        valid="2026-12-25",
        total=406650.0,
    ),
)

# 041: a short mobile reply, prices per bag and per cubic metre
case(
    message(
        subject="Re: Запрос цен [RFQ-2026-0117-1]",
        sender="Василий <vasya.beton@mail.example>",
        to=BROKER,
        when=d(17, 12, 16, 2),
        msgid="<q41@mail.example>",
        reply_to_rfq="<rfq.117.s2d4f6@broker.example>",
        text="""Добрый день. Цемент М400 — 430 р/мешок, песок сеяный — 1 200 р/куб. Всё есть, привезём завтра. Цены без НДС.
Василий

Отправлено с iPhone
""",
    ),
    quote(
        lines=[
            line("Цемент М400", 430.0, None, None),
            line("Песок сеяный", 1200.0, None, None),
        ],
        vat=False,
        lead=1,
    ),
)

# 042: stock status per line in words, no quote-level lead time
case(
    message(
        subject="Re: Запрос цен [RFQ-2026-0118-3]",
        sender="Электрика-Опт <zakaz@elektrika-opt.example>",
        to=BROKER,
        when=d(18, 12, 9, 30),
        msgid="<q42@elektrika-opt.example>",
        reply_to_rfq="<rfq.118.g5h7j9@broker.example>",
        text="""Здравствуйте!

Кабель ВВГ 3х1,5 — 2 бух. — 3 450 руб./бух. — в наличии
Розетка Legrand Valena белая — 10 шт. — 412 руб./шт. — в наличии
Выключатель двухклавишный Legrand Valena — 5 шт. — 455 руб./шт. — под заказ 7-10 дней

Цены с НДС. Действительны до 31 декабря 2026 г.

--
Лариса Петрова
""",
    ),
    quote(
        lines=[
            line("Кабель ВВГ 3х1,5", 3450.0, 2, "бух", lead=0),
            line("Розетка Legrand Valena белая", 412.0, 10, "шт", lead=0),
            line("Выключатель двухклавишный Legrand Valena", 455.0, 5, "шт", lead=10),
        ],
        vat=True,
        valid="2026-12-31",
    ),
)

# 043: a one-line marketing letter from a would-be supplier
case(
    message(
        subject="Сотрудничество: производство спецодежды",
        sender="ШвейПром <sales@shveyprom-promo.example>",
        to="zakaz@broker.example",
        when=d(16, 12, 12, 0),
        msgid="<o43@shveyprom-promo.example>",
        html="""<html><body><h2>Спецодежда от производителя!</h2>
<p>Костюмы рабочие от 990 руб., перчатки от 12 руб./пара. Скидка 10% на первый заказ.</p>
<p>Каталог: https://shveyprom-promo.example/catalog</p>
<p style="font-size:10px">Чтобы отписаться от рассылки, нажмите <a href="#">здесь</a>.</p></body></html>""",
    ),
    other("spam"),
)

# 044: a price increase notice (not a request, not a quote)
case(
    message(
        subject="Изменение цен с 1 января 2027 года",
        sender="Отдел продаж Крепёж-Профи <sales@krepezh-profi.example>",
        to="zakupki@broker.example",
        when=d(17, 12, 15, 0),
        msgid="<o44@krepezh-profi.example>",
        text="""Уважаемые партнёры!

Сообщаем, что с 1 января 2027 года цены на метизы повышаются в среднем на 7%.
Заказы, оплаченные до 31 декабря, отгружаем по действующим ценам.

С уважением,
ООО «ТД «Крепёж-Профи»
""",
    ),
    other("not_procurement"),
)

# 045: an auto-reply whose subject says so, no Auto-Submitted header
case(
    message(
        subject="Автоматический ответ: Счёт на крепёж",
        sender="Ирина Волкова <volkova@snabcentr.example>",
        to="zakaz@broker.example",
        when=d(18, 12, 8, 0),
        msgid="<o45@snabcentr.example>",
        text="""Добрый день! С 18 по 25 декабря я на больничном. По всем вопросам: info@snabcentr.example.
""",
    ),
    other("auto_reply"),
)


# ----------------------------------------------------------------------------- third batch

# 046: one item per block: "Позиция N:" then "Количество:"
case(
    message(
        subject="Запрос на насосное оборудование",
        sender="Главный инженер <engineer@vodokanal-ryazan.example>",
        to="zakaz@broker.example",
        when=d(18, 12, 9, 0),
        msgid="<r46@vodokanal-ryazan.example>",
        text="""Добрый день!

Прошу предоставить КП на следующее оборудование.

Позиция 1: Насос циркуляционный Wilo Star-RS 25/6
Количество: 3 шт

Позиция 2: Насос погружной дренажный Unipump Vort 401
Количество: 2 шт

Позиция 3: Гидроаккумулятор 100 л вертикальный
Количество: 1 шт

Крайний срок поставки: 29.12.2026

С уважением,
Сорокин Павел Андреевич
МУП «Водоканал-Рязань»
ИНН 6227123456
тел. +7 (4912) 25-18-30
""",
    ),
    request(
        [
            item("Насос циркуляционный Wilo Star-RS 25/6", 3, "шт"),
            item("Насос погружной дренажный Unipump Vort 401", 2, "шт"),
            item("Гидроаккумулятор 100 л вертикальный", 1, "шт"),
        ],
        deadline="2026-12-29",
        company="МУП «Водоканал-Рязань»",
        inn="6227123456",
        phone="+74912251830",
    ),
)

# 047: a colon and a comma-separated list in one sentence, deadline "к 10 декабря"
case(
    message(
        subject="ПНД",
        sender="Хасан <hasan.agro@mail.example>",
        to="zakaz@broker.example",
        when=d(3, 12, 18, 20),
        msgid="<r47@mail.example>",
        text="""Здравствуйте. Нужно: труба ПНД 32 мм — 200 м, муфта ПНД 32 — 20 шт, отвод ПНД 32 — 10 шт. Надо к 10 декабря, КФХ Алиев, тел. 8 988 123 45 67
""",
    ),
    request(
        [
            item("Труба ПНД 32 мм", 200, "м"),
            item("Муфта ПНД 32", 20, "шт"),
            item("Отвод ПНД 32", 10, "шт"),
        ],
        deadline="2026-12-10",
        phone="+79881234567",
    ),
)

# 048: HTML table where the unit column is sometimes empty
case(
    message(
        subject="Заявка: отделочные материалы",
        sender="Закупки РемСтрой <zakupki@remstroy-vrn.example>",
        to="zakaz@broker.example",
        when=d(4, 12, 10, 30),
        msgid="<r48@remstroy-vrn.example>",
        html="""<html><body><p>Добрый день! Просим КП на материалы:</p>
<table border="1"><tr><td><b>Наименование</b></td><td><b>Кол-во</b></td><td><b>Ед.</b></td><td><b>Примечание</b></td></tr>
<tr><td>Гипсокартон Knauf ГКЛ 12,5 мм 2500х1200</td><td>180</td><td>лист</td><td></td></tr>
<tr><td>Профиль ПП 60х27 3 м</td><td>420</td><td></td><td>штук</td></tr>
<tr><td>Шпаклёвка Knauf Fugen 25 кг</td><td>40</td><td>меш</td><td></td></tr>
<tr><td>Лента серпянка 45 мм х 90 м</td><td>25</td><td>рул</td><td></td></tr>
</table>
<p>Поставка до 15.12.2026.</p>
<p>--<br>Лебедев Артём<br>ООО «РемСтрой»<br>ИНН 3664123453<br>+7 (473) 200-45-45</p></body></html>""",
    ),
    request(
        [
            item("Гипсокартон Knauf ГКЛ 12,5 мм 2500х1200", 180, "лист"),
            item("Профиль ПП 60х27 3 м", 420, "шт"),
            item("Шпаклёвка Knauf Fugen 25 кг", 40, "меш"),
            item("Лента серпянка 45 мм х 90 м", 25, "рул"),
        ],
        deadline="2026-12-15",
        company="ООО «РемСтрой»",
        inn="3664123453",
        phone="+74732004545",
    ),
)

# 049: "штук" and "ед." as units, windows-1251 8bit
case(
    message(
        subject="Освещение склада",
        sender="Ефимов Роман <efimov@sklad-servis.example>",
        to="zakaz@broker.example",
        when=d(5, 12, 11, 11),
        msgid="<r49@sklad-servis.example>",
        charset="windows-1251",
        cte="8bit",
        text="""Добрый день!

Прошу счёт на:
- Лампа светодиодная Т8 18 Вт 4000К — 150 штук
- Светильник ЛПО 2х36 IP65 — 40 ед.
- Прожектор светодиодный 50 Вт — 12 шт.

Оплата сразу после выставления счёта.

Ефимов Роман, ООО «Склад-Сервис»
ИНН 5029123452
+7 (495) 771-02-30
""",
    ),
    request(
        [
            item("Лампа светодиодная Т8 18 Вт 4000К", 150, "шт"),
            item("Светильник ЛПО 2х36 IP65", 40, "шт"),
            item("Прожектор светодиодный 50 Вт", 12, "шт"),
        ],
        company="ООО «Склад-Сервис»",
        inn="5029123452",
        phone="+74957710230",
    ),
)

# 050: a quote written in blocks ("Цена:", "Наличие:" under each item)
case(
    message(
        subject="Re: Запрос цен [RFQ-2026-0119-1]",
        sender="Насосы-Центр <sales@nasosy-center.example>",
        to=BROKER,
        when=d(19, 12, 10, 40),
        msgid="<q50@nasosy-center.example>",
        reply_to_rfq="<rfq.119.b4n6m8@broker.example>",
        text="""Добрый день!

1. Насос циркуляционный Wilo Star-RS 25/6 — 3 шт.
Цена: 12 400 руб./шт.
Наличие: есть на складе

2. Насос погружной дренажный Unipump Vort 401 — 2 шт.
Цена: 7 950 руб./шт.
Наличие: под заказ, 10 дней

3. Гидроаккумулятор 100 л вертикальный — 1 шт.
Наличие: нет

Цены указаны с НДС. Оплата по счёту.

Смирнов Алексей
""",
    ),
    quote(
        lines=[
            line("Насос циркуляционный Wilo Star-RS 25/6", 12400.0, 3, "шт", lead=0),
            line("Насос погружной дренажный Unipump Vort 401", 7950.0, 2, "шт", lead=10),
            line("Гидроаккумулятор 100 л вертикальный", None, 1, "шт", available=False),
        ],
        vat=True,
        payment="по счёту",
    ),
)

# 051: prices in roubles and kopecks
case(
    message(
        subject="Re: Запрос цен [RFQ-2026-0120-2]",
        sender="СветОпт <zakaz@svetopt.example>",
        to=BROKER,
        when=d(8, 12, 13, 15),
        msgid="<q51@svetopt.example>",
        reply_to_rfq="<rfq.120.v7c9x1@broker.example>",
        text="""Добрый день!

Лампа светодиодная Т8 18 Вт 4000К — 150 шт. — 48 руб. 50 коп./шт.
Светильник ЛПО 2х36 IP65 — 40 шт. — 1 215 руб. 00 коп./шт.
Прожектор светодиодный 50 Вт — 12 шт. — 990 руб. 90 коп./шт.

Всего к оплате: 72 366,30 ₽ (в т.ч. НДС 22%).
Отгрузка в течение 3 рабочих дней.

Менеджер Котова Е.
""",
    ),
    quote(
        lines=[
            line("Лампа светодиодная Т8 18 Вт 4000К", 48.5, 150, "шт"),
            line("Светильник ЛПО 2х36 IP65", 1215.0, 40, "шт"),
            line("Прожектор светодиодный 50 Вт", 990.9, 12, "шт"),
        ],
        vat=True,
        lead=3,
        total=72366.3,
    ),
)

# 052: a table with both price columns; the supplier states prices with VAT
case(
    message(
        subject="Re: Запрос цен [RFQ-2026-0121-1]",
        sender="ГипсТорг <opt@gipstorg.example>",
        to=BROKER,
        when=d(6, 12, 9, 50),
        msgid="<q52@gipstorg.example>",
        reply_to_rfq="<rfq.121.l2k4j6@broker.example>",
        html="""<html><body><p>Добрый день! Наше предложение:</p>
<table border="1"><tr><th>Наименование</th><th>Кол-во</th><th>Цена с НДС, руб.</th><th>Сумма с НДС, руб.</th></tr>
<tr><td>Гипсокартон Knauf ГКЛ 12,5 мм</td><td>180 лист</td><td>459,00</td><td>82 620,00</td></tr>
<tr><td>Профиль ПП 60х27 3 м</td><td>420 шт</td><td>168,00</td><td>70 560,00</td></tr>
<tr><td>Шпаклёвка Knauf Fugen 25 кг</td><td>40 меш</td><td>712,00</td><td>28 480,00</td></tr>
<tr><td>Лента серпянка 45 мм</td><td>25 рул</td><td>96,00</td><td>2 400,00</td></tr>
<tr><td>Итого</td><td></td><td></td><td>184 060,00</td></tr></table>
<p>Доставка по Воронежу бесплатно. Срок поставки 2 дня. Предложение действует 5 рабочих дней.</p>
</body></html>""",
    ),
    quote(
        lines=[
            line("Гипсокартон Knauf ГКЛ 12,5 мм", 459.0, 180, "лист"),
            line("Профиль ПП 60х27 3 м", 168.0, 420, "шт"),
            line("Шпаклёвка Knauf Fugen 25 кг", 712.0, 40, "меш"),
            line("Лента серпянка 45 мм", 96.0, 25, "рул"),
        ],
        vat=True,
        lead=2,
        valid="2026-12-11",
        total=184060.0,
    ),
)

# 053: marketing of services, no unsubscribe link
case(
    message(
        subject="Продвижение сайта в ТОП-10",
        sender="SEO Профи <hello@seo-profi-promo.example>",
        to="zakaz@broker.example",
        when=d(9, 12, 8, 8),
        msgid="<o53@seo-profi-promo.example>",
        text="""Здравствуйте!

Предлагаем услуги по продвижению вашего сайта в ТОП-10 Яндекса и Google.
Гарантия результата! Стоимость от 15 000 руб. в месяц. Первый месяц — бесплатно.

Звоните: 8 800 555-00-00
""",
    ),
    other("spam"),
)

# 054: a supplier's question back instead of a quote
case(
    message(
        subject="Re: Запрос цен [RFQ-2026-0122-1]",
        sender="Сергей Данилов <danilov@kabel-m.example>",
        to=BROKER,
        when=d(10, 12, 10, 0),
        msgid="<o54@kabel-m.example>",
        reply_to_rfq="<rfq.122.q9w1e3@broker.example>",
        text="""Ольга, добрый день!
Уточните, пожалуйста, какое сечение жил нужно по позиции 2 и нужна ли резка по длинам?
После этого подготовим предложение.

Данилов Сергей

09.12.2026 12:00, Ольга Миронова пишет:
"""
        + quoted(rfq_body(["Кабель КГ 3х2,5 — 250 м", "Кабель АВВГ — 180 м"])),
    ),
    other("not_procurement"),
)

# 055: request with an XLSX whose rows have no header
case(
    message(
        subject="заявка",
        sender="Олег Тарасов <tarasov@agrofirma-rassvet.example>",
        to="zakaz@broker.example",
        when=d(11, 12, 16, 0),
        msgid="<r55@agrofirma-rassvet.example>",
        text="""Добрый день, во вложении список, нужен счёт.
Тарасов Олег, АО «Агрофирма Рассвет», ИНН 2308123457, т. +7 (861) 255-33-10
""",
        attachments=[
            (
                "spisok.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                xlsx(
                    [
                        ["Масло моторное М-10ДМ 20 л", 30, "шт"],
                        ["Фильтр масляный КАМАЗ 740.1012040", 24, "шт"],
                        ["Смазка Литол-24 0,8 кг", 40, "шт"],
                    ]
                ),
            )
        ],
    ),
    request(
        [
            item("Масло моторное М-10ДМ 20 л", 30, "шт"),
            item("Фильтр масляный КАМАЗ 740.1012040", 24, "шт"),
            item("Смазка Литол-24 0,8 кг", 40, "шт"),
        ],
        company="АО «Агрофирма Рассвет»",
        inn="2308123457",
        phone="+78612553310",
    ),
)


def as_bytes(num: int, msg: EmailMessage) -> bytes:
    """The message with boundaries named after its number, so that a rerun changes no byte."""
    for i, part in enumerate(msg.walk()):
        if part.is_multipart():
            part.set_boundary(f"=_part_{num:03d}_{i}")
    return bytes(msg)


def write(out: Path) -> int:
    """Write every message and label into ``out``; the same bytes on every run."""
    return write_pairs(out, ((as_bytes(n, m), label) for n, (m, label) in enumerate(CASES, 1)))


def main() -> None:
    print(f"wrote {write(HERE)} pairs to {HERE}")


if __name__ == "__main__":
    main()
