# ruff: noqa: E501 - the messages are data, long lines included
"""Build the blind labelled corpus: 40 Russian B2B messages (NNN.eml) with gold labels (NNN.json).

The messages are written independently of the parser's rules and of the other corpora, to
measure how the rule extractor copes with phrasing and layouts it was not tuned on.

    python make_blind.py            # rewrites 001.eml ... 040.eml and the .json labels here
    python make_blind.py --out DIR  # writes them elsewhere

Mail is built with the standard library's MIME classes, the way a mail client would
(encoded-word headers, utf-8 / windows-1251 / koi8-r bodies, 8bit, quoted-printable or base64).
"""

from __future__ import annotations

import argparse
import io
import random
import sys
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from email import charset as email_charset
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from corpus_builders import fixed_zip, item, line, other, quote, request, write_pairs

HERE = Path(__file__).resolve().parent
MSK = timezone(timedelta(hours=3))
SEED = 20261201
RNG = random.Random(SEED)

BROKER_BUYER = ("Ольга Кравец", "o.kravets@broker.example")
BROKER_SALES = "sales@broker.example"

WEEKDAY_SHORT = ["пн", "вт", "ср", "чт", "пт", "сб", "вс"]
WEEKDAY_FULL = ["Понедельник", "Вторник", "Среда", "Четверг", "Пятница", "Суббота", "Воскресенье"]
MONTH_GMAIL = {11: "нояб.", 12: "дек."}
MONTH_GEN = {11: "ноября", 12: "декабря"}
EN_WEEKDAY = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
EN_MONTH = {11: "November", 12: "December"}
DE_WEEKDAY = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
DE_MONTH = {11: "November", 12: "Dezember"}


# --------------------------------------------------------------------------- building blocks


def dt(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=MSK)


def rand_token(n: int = 10) -> str:
    return "".join(RNG.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(n))


def msgid(domain: str) -> str:
    return f"<{rand_token(16)}@{domain}>"


def rfq_id(request_id: int) -> str:
    return f"<rfq.{request_id}.{rand_token(8)}@broker.example>"


def gmail_quote_head(when: datetime, name: str, email: str) -> str:
    return (
        f"{WEEKDAY_SHORT[when.weekday()]}, {when.day} {MONTH_GMAIL[when.month]} {when.year} г. "
        f"в {when:%H:%M}, {name} <{email}>:"
    )


def yandex_quote_head(when: datetime, name: str, email: str) -> str:
    return f'{when:%d.%m.%Y}, {when:%H:%M}, "{name}" <{email}>:'


def mailru_quote_head(when: datetime, name: str, email: str) -> str:
    return (
        f"{WEEKDAY_FULL[when.weekday()]}, {when.day} {MONTH_GEN[when.month]} {when.year}, "
        f"{when:%H:%M} +03:00 от {name} <{email}>:"
    )


def outlook_en_head(when: datetime, name: str, email: str, to: str, subject: str) -> str:
    hour12 = when.hour % 12 or 12
    ampm = "AM" if when.hour < 12 else "PM"
    return (
        f"From: {name} <{email}>\n"
        f"Sent: {EN_WEEKDAY[when.weekday()]}, {EN_MONTH[when.month]} {when.day}, {when.year} "
        f"{hour12}:{when.minute:02d} {ampm}\n"
        f"To: {to}\n"
        f"Subject: {subject}"
    )


def quoted(text: str) -> str:
    return "\n".join(("> " + line) if line else ">" for line in text.strip("\n").split("\n"))


def cs(name: str, cte: str) -> email_charset.Charset:
    c = email_charset.Charset(name)
    c.body_encoding = {"8bit": None, "qp": email_charset.QP, "base64": email_charset.BASE64}[cte]
    return c


def text(body: str, subtype: str = "plain", charset: str = "utf-8", cte: str = "8bit") -> MIMEText:
    return MIMEText(body, subtype, cs(charset, cte))  # type: ignore[arg-type]


def boundary() -> str:
    """A multipart boundary in the style of a mail client, from the seeded generator."""
    return f"----=_NextPart_000_{rand_token(4).upper()}_{rand_token(8).upper()}"


def alternative(plain: MIMEBase, html: MIMEBase) -> MIMEMultipart:
    m = MIMEMultipart("alternative", boundary=boundary())
    m.attach(plain)
    m.attach(html)
    return m


def mixed(*parts: MIMEBase) -> MIMEMultipart:
    m = MIMEMultipart("mixed", boundary=boundary())
    for p in parts:
        m.attach(p)
    return m


def attachment(data: bytes, maintype: str, subtype: str, filename: str) -> MIMEBase:
    part = (
        MIMEApplication(data, subtype) if maintype == "application" else MIMEBase(maintype, subtype)
    )
    if maintype != "application":
        part.set_payload(data)
        from email import encoders

        encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", filename))
    return part


def header_charset(value: str, charset: str) -> str:
    """The message charset when it can carry the text, else utf-8 (as mail clients do)."""
    try:
        value.encode(charset)
    except UnicodeEncodeError:
        return "utf-8"
    return charset


def hdr(value: str, charset: str, name: str = "Subject") -> str:
    if value.isascii():
        return value
    return Header(value, header_charset(value, charset), header_name=name).encode()


def finish(
    body: MIMEBase,
    *,
    frm: tuple[str, str],
    to: str,
    subject: str,
    date: datetime,
    charset: str = "utf-8",
    in_reply_to: str | None = None,
    references: str | None = None,
    extra: dict[str, str] | None = None,
) -> MIMEBase:
    """Put the envelope headers first, as a client would, then the MIME headers."""
    content = [(k, v) for k, v in body.items()]
    for k in list(body.keys()):
        del body[k]
    name, address = frm
    body["From"] = (
        formataddr((name, address), charset=header_charset(name, charset)) if name else address
    )
    body["To"] = to
    body["Subject"] = hdr(subject, charset)
    body["Date"] = format_datetime(date)
    body["Message-ID"] = msgid(address.split("@", 1)[1])
    if in_reply_to:
        body["In-Reply-To"] = in_reply_to
    if references:
        body["References"] = references
    for k, v in (extra or {}).items():
        body[k] = v
    if "MIME-Version" not in [k for k, _ in content]:
        body["MIME-Version"] = "1.0"
    for k, v in content:
        body[k] = v
    return body


# --------------------------------------------------------------------------- labels


Built = tuple[MIMEBase, dict[str, Any], bool]  # message, label, CRLF line ends
MESSAGES: list[Callable[[], Built]] = []


def message(fn: Callable[[], Built]) -> Callable[[], Built]:
    MESSAGES.append(fn)
    return fn


# --------------------------------------------------------------------------- requests


@message
def m001() -> Built:
    body = """Добрый день!

Просим выставить коммерческое предложение на следующую упаковку для нашего цеха:

1) Контейнер ПП 500 мл прямоугольный с крышкой — 2 000 шт.
2) Лоток из вспененного полистирола 210х140х20 мм — 5 000 шт.
3) Плёнка стрейч пищевая 300 мм х 200 м — 40 рул.
4) Пакет фасовочный ПНД 24х37 см, 12 мкм — 50 уп. (по 1000 шт)
5) Стакан бумажный 250 мл белый — 3 000 шт.

Поставка нужна до 20 ноября, доставка до склада в г. Подольск.

С уважением,
Марина Голубева
менеджер по закупкам
ООО «Вкусный дом»
ИНН 5036123453 / КПП 503601001
тел.: 8 (496) 755-12-30
www.vkusnodom.example
"""
    msg = finish(
        text(body, cte="qp"),
        frm=("Марина Голубева", "m.golubeva@vkusnodom.example"),
        to=BROKER_SALES,
        subject="Запрос на упаковку",
        date=dt(11, 2, 9, 14),
    )
    label = request(
        [
            item("Контейнер ПП 500 мл прямоугольный с крышкой", 2000, "шт"),
            item("Лоток из вспененного полистирола 210х140х20 мм", 5000, "шт"),
            item("Плёнка стрейч пищевая 300 мм х 200 м", 40, "рул"),
            item("Пакет фасовочный ПНД 24х37 см, 12 мкм", 50, "уп"),
            item("Стакан бумажный 250 мл белый", 3000, "шт"),
        ],
        deadline="2026-11-20",
        company="ООО «Вкусный дом»",
        inn="5036123453",
        phone="+74967551230",
    )
    return msg, label, False


@message
def m002() -> Built:
    body = """Здравствуйте.

Прошу подготовить счёт/КП на позиции ниже. Оплата безналичная, институт работает по 223-ФЗ.

Наименование                                      Кол-во    Ед.
-----------------------------------------------------------------
Колба коническая Эрленмейера 250 мл, ТС             24      шт
Цилиндр мерный 100 мл с носиком, исп. 1             12      шт
Пипетка автоматическая 100-1000 мкл                  4      шт
Наконечники для дозаторов 1000 мкл, штатив          10      уп
Фильтры обеззоленные "синяя лента" d=110 мм         15      уп
Весы аналитические ВЛ-220М                           1      шт

Срок — не позднее 10.12.2026.

--
Кириллов Андрей Викторович
зав. лабораторией аналитической химии
ФГБУН «НИИ прикладной химии»
ИНН 7728012340
+7 495 930-44-17 доб. 215
"""
    msg = finish(
        text(body, charset="windows-1251", cte="base64"),
        frm=("Кириллов А.В.", "kirillov@niihim.example"),
        to=BROKER_SALES,
        subject="Заявка на лабораторное оборудование",
        date=dt(11, 3, 14, 52),
        charset="windows-1251",
    )
    label = request(
        [
            item("Колба коническая Эрленмейера 250 мл, ТС", 24, "шт"),
            item("Цилиндр мерный 100 мл с носиком, исп. 1", 12, "шт"),
            item("Пипетка автоматическая 100-1000 мкл", 4, "шт"),
            item("Наконечники для дозаторов 1000 мкл, штатив", 10, "уп"),
            item('Фильтры обеззоленные "синяя лента" d=110 мм', 15, "уп"),
            item("Весы аналитические ВЛ-220М", 1, "шт", "ВЛ-220М"),
        ],
        deadline="2026-12-10",
        company="ФГБУН «НИИ прикладной химии»",
        inn="7728012340",
        phone="+74959304417",
    )
    return msg, label, True


@message
def m003() -> Built:
    body = """Добрый день, коллеги!

Мы переезжаем в новый офис и подбираем мебель. Нам нужно двенадцать офисных кресел с \
подлокотниками (сетчатая спинка, черные), шесть письменных столов 1400х700 цвет дуб сонома, \
а также пару шкафов для документов со стеклянными дверцами. Ещё понадобятся 3 тумбы \
подкатные на 3 ящика.

Если есть что-то похожее на складе — пришлите варианты с фото и ценами. Хотелось бы \
получить всё до 15 декабря.

Спасибо!
Сергей Бондарь
ООО "Логистик Плюс"
моб. +7 921 405-33-18
"""
    msg = finish(
        text(body),
        frm=("Сергей", "s.bondar@mail-office.example"),
        to=BROKER_SALES,
        subject="мебель в офис",
        date=dt(11, 4, 17, 3),
    )
    label = request(
        [
            item("Офисные кресла с подлокотниками (сетчатая спинка, черные)", 12, "шт"),
            item("Письменные столы 1400х700 цвет дуб сонома", 6, "шт"),
            item("Шкафы для документов со стеклянными дверцами", 2, "шт"),
            item("Тумбы подкатные на 3 ящика", 3, "шт"),
        ],
        deadline="2026-12-15",
        company='ООО "Логистик Плюс"',
        phone="+79214053318",
    )
    return msg, label, False


@message
def m004() -> Built:
    body = """добрый день. нужны запчасти, прошу цены и сроки:

- фильтр масляный MANN W 712/75 -- 20шт
- Колодки тормозные передние TRW GDB1330 -- 8 компл.
- ремень ГРМ Gates 5578XS - 4 шт
- свеча зажигания NGK BKR6E-11 — 48 шт
- Амортизатор задний KYB 343459 – 6шт
- лампа H7 12V 55W Osram 64210 - 30 шт

ИНН 6658456788
ООО АВТОПАРК-СЕРВИС
Дмитрий, тел 8-343-219-56-70
"""
    msg = finish(
        text(body),
        frm=("AVTOPARK-SERVIS", "zakaz@avtopark-s.example"),
        to=BROKER_SALES,
        subject="ЗАПЧАСТИ КАМАЗ/ГАЗель срочно",
        date=dt(11, 5, 8, 41),
    )
    label = request(
        [
            item("фильтр масляный MANN W 712/75", 20, "шт", "W 712/75"),
            item("Колодки тормозные передние TRW GDB1330", 8, "компл", "GDB1330"),
            item("ремень ГРМ Gates 5578XS", 4, "шт", "5578XS"),
            item("свеча зажигания NGK BKR6E-11", 48, "шт", "BKR6E-11"),
            item("Амортизатор задний KYB 343459", 6, "шт", "343459"),
            item("лампа H7 12V 55W Osram 64210", 30, "шт", "64210"),
        ],
        company="ООО АВТОПАРК-СЕРВИС",
        inn="6658456788",
        phone="+73432195670",
    )
    return msg, label, False


@message
def m005() -> Built:
    html = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=koi8-r"></head>
<body>
<p>Добрый день!</p>
<p>Просим рассчитать стоимость оборудования и материалов по объекту ЖК &laquo;Северный&raquo; (корпус 3):</p>
<table border="1" cellspacing="0" cellpadding="4">
<tr><th rowspan="2">&#8470;</th><th rowspan="2">Наименование</th><th rowspan="2">Артикул</th><th colspan="2">Количество</th></tr>
<tr><th>кол-во</th><th>ед. изм.</th></tr>
<tr><td>1</td><td>Воздуховод круглый оцинкованный d160, L=3 м</td><td>&mdash;</td><td>120</td><td>м</td></tr>
<tr><td>2</td><td>Решётка вентиляционная 300х150 АДН</td><td>АДН 300х150</td><td>45</td><td>шт.</td></tr>
<tr><td>3</td><td>Клапан обратный КОВ-160</td><td>КОВ-160</td><td>18</td><td>шт.</td></tr>
<tr><td>4</td><td>Канальный вентилятор ВКК-200</td><td>ВКК-200</td><td>6</td><td>шт.</td></tr>
<tr><td>5</td><td>Лента алюминиевая самоклеящаяся 50 мм х 50 м</td><td></td><td>30</td><td>рулон</td></tr>
<tr><td>6</td><td>Теплоизоляция K-Flex ST 13 мм</td><td>K-Flex ST</td><td>85</td><td>м&sup2;</td></tr>
</table>
<p>Желаемый срок поставки: до 18.12.2026.</p>
<p>--<br>Инженер ПТО Лысенко Наталья<br>ООО &laquo;ТеплоМонтаж&raquo;<br>ИНН 7802654321, КПП 780201001<br>Тел. +7 (812) 336-70-90</p>
</body></html>
"""
    msg = finish(
        text(html, "html", charset="koi8-r", cte="qp"),
        frm=("Отдел снабжения ТеплоМонтаж", "snab@teplomontazh.example"),
        to=BROKER_SALES,
        subject="Запрос КП — вентиляция, объект ЖК «Северный»",
        date=dt(11, 9, 11, 20),
        charset="koi8-r",
    )
    label = request(
        [
            item("Воздуховод круглый оцинкованный d160, L=3 м", 120, "м"),
            item("Решётка вентиляционная 300х150 АДН", 45, "шт", "АДН 300х150"),
            item("Клапан обратный КОВ-160", 18, "шт", "КОВ-160"),
            item("Канальный вентилятор ВКК-200", 6, "шт", "ВКК-200"),
            item("Лента алюминиевая самоклеящаяся 50 мм х 50 м", 30, "рул"),
            item("Теплоизоляция K-Flex ST 13 мм", 85, "м2", "K-Flex ST"),
        ],
        deadline="2026-12-18",
        company="ООО «ТеплоМонтаж»",
        inn="7802654321",
        phone="+78123367090",
    )
    return msg, label, False


@message
def m006() -> Built:
    plain = """Hi team / Добрый день,

Просьба дать цены и сроки на следующее железо (можно аналоги, но указать явно):

• SSD Samsung 870 EVO 1TB (MZ-77E1T0BW) — 10 pcs
• RAM Kingston 32GB DDR4-3200 ECC Reg, KSM32RD4/32MRR — 16 pcs
• Switch Cisco Catalyst C9200L-24T-4G-E — 2 шт.
• Патч-корд UTP cat.6 2 м, серый — 150 шт
• ИБП APC Smart-UPS 1500VA SMT1500RMI2U - 3 шт
• Монитор Dell P2423D 23.8" — 8 шт

Deadline: до 4 декабря (нам закрывать бюджет года).

Thanks,
Alexey Voronin | IT Infrastructure Lead
CloudLine LLC (ООО «Клаудлайн»)
ИНН 7714098763
M: +7 (903) 118-22-47

This e-mail and any attachments are confidential and intended solely for the addressee.
If you received it in error, please notify the sender and delete it.
"""
    html = """<html><body>
<div>Hi team / Добрый день,</div><div><br></div>
<div>Просьба дать цены и сроки на следующее железо (можно аналоги, но указать явно):</div>
<ul>
<li>SSD Samsung 870 EVO 1TB (MZ-77E1T0BW) — 10 pcs</li>
<li>RAM Kingston 32GB DDR4-3200 ECC Reg, KSM32RD4/32MRR — 16 pcs</li>
<li>Switch Cisco Catalyst C9200L-24T-4G-E — 2 шт.</li>
<li>Патч-корд UTP cat.6 2 м, серый — 150 шт</li>
<li>ИБП APC Smart-UPS 1500VA SMT1500RMI2U - 3 шт</li>
<li>Монитор Dell P2423D 23.8&quot; — 8 шт</li>
</ul>
<div>Deadline: до 4 декабря (нам закрывать бюджет года).</div><div><br></div>
<div>Thanks,<br>Alexey Voronin | IT Infrastructure Lead<br>CloudLine LLC (ООО «Клаудлайн»)<br>ИНН 7714098763<br>M: +7 (903) 118-22-47</div>
<div style="font-size:8pt;color:#888">This e-mail and any attachments are confidential and intended solely for the addressee.
If you received it in error, please notify the sender and delete it.</div>
</body></html>
"""
    msg = finish(
        alternative(text(plain, cte="qp"), text(html, "html", cte="base64")),
        frm=("Alexey Voronin", "a.voronin@cloudline.example"),
        to=BROKER_SALES,
        subject="RFQ: серверное оборудование / IT hardware",
        date=dt(11, 20, 16, 37),
    )
    label = request(
        [
            item("SSD Samsung 870 EVO 1TB (MZ-77E1T0BW)", 10, "шт", "MZ-77E1T0BW"),
            item("RAM Kingston 32GB DDR4-3200 ECC Reg, KSM32RD4/32MRR", 16, "шт", "KSM32RD4/32MRR"),
            item("Switch Cisco Catalyst C9200L-24T-4G-E", 2, "шт", "C9200L-24T-4G-E"),
            item("Патч-корд UTP cat.6 2 м, серый", 150, "шт"),
            item("ИБП APC Smart-UPS 1500VA SMT1500RMI2U", 3, "шт", "SMT1500RMI2U"),
            item('Монитор Dell P2423D 23.8"', 8, "шт", "P2423D"),
        ],
        deadline="2026-12-04",
        company="ООО «Клаудлайн»",
        inn="7714098763",
        phone="+79031182247",
    )
    return msg, label, False


@message
def m007() -> Built:
    body = """Здравствуйте,прошу счет на:
Перчатки нитриловые неопудренные р.М -50 уп
Перчатки нитриловые неопудренные р.L -30 уп
Шприц 5мл трехкомпонентный 2000шт
Бинт марлевый стерильный 7м х 14см 500 шт
Маски медицинские трехслойные -100 упак
Спирт этиловый 70% антисептик 1л - 24 шт
Лейкопластырь рулонный 2х500 - 40 шт

срочно!!!
Зав.хоз Петрова Н.И.
ООО "Клиника Здоровье"  ИНН 3662277881  тел 8 473 2 39-90-12
"""
    msg = finish(
        text(body, charset="windows-1251", cte="qp"),
        frm=("Клиника Здоровье", "zakupki@klinika-zdorovie.example"),
        to=BROKER_SALES,
        subject="заявка расходники",
        date=dt(11, 24, 12, 5),
        charset="windows-1251",
    )
    label = request(
        [
            item("Перчатки нитриловые неопудренные р.М", 50, "уп"),
            item("Перчатки нитриловые неопудренные р.L", 30, "уп"),
            item("Шприц 5мл трехкомпонентный", 2000, "шт"),
            item("Бинт марлевый стерильный 7м х 14см", 500, "шт"),
            item("Маски медицинские трехслойные", 100, "уп"),
            item("Спирт этиловый 70% антисептик 1л", 24, "шт"),
            item("Лейкопластырь рулонный 2х500", 40, "шт"),
        ],
        company='ООО "Клиника Здоровье"',
        inn="3662277881",
        phone="+74732399012",
    )
    return msg, label, False


@message
def m008() -> Built:
    body = """Добрый день, уважаемые партнёры!

Фабрика «Ника» просит предоставить предложение на поставку тканей и фурнитуры на январский запуск:

1. Бязь отбеленная ГОСТ 29298-2005, ширина 150 см, пл. 120 г/м² — 1,5 тыс. м
2. Ткань смесовая «Грета» 210 г/м², цвет тёмно-синий — в количестве 800 метров
3. Флис 190 г/м² антипиллинг, серый — 350 пог. м
4. Нитки армированные 45ЛЛ, 5000 м, белые — 120 шт.
5. Молния спиральная тип 5, 18 см, чёрная — 2 500 шт
6. Лента киперная 15 мм — 10 бухт

Поставка желательна до 25 декабря 2026 г. Отгрузка в Иваново.

С уважением,
Ирина Соколова, начальник отдела снабжения
ООО «Швейная фабрика "Ника"»
ИНН 3702111229, ОГРН 1153702000123
т. +7 (4932) 58-20-14
"""
    msg = finish(
        text(body, cte="base64"),
        frm=("Швейная фабрика Ника", "tkani@nika-shvey.example"),
        to=BROKER_SALES,
        subject="Заявка на ткани и фурнитуру",
        date=dt(11, 11, 10, 26),
    )
    label = request(
        [
            item(
                "Бязь отбеленная ГОСТ 29298-2005, ширина 150 см, пл. 120 г/м²",
                1500,
                "м",
                "ГОСТ 29298-2005",
            ),
            item("Ткань смесовая «Грета» 210 г/м², цвет тёмно-синий", 800, "м"),
            item("Флис 190 г/м² антипиллинг, серый", 350, "м"),
            item("Нитки армированные 45ЛЛ, 5000 м, белые", 120, "шт"),
            item("Молния спиральная тип 5, 18 см, чёрная", 2500, "шт"),
            item("Лента киперная 15 мм", 10, "бух"),
        ],
        deadline="2026-12-25",
        company='ООО «Швейная фабрика "Ника"»',
        inn="3702111229",
        phone="+74932582014",
    )
    return msg, label, False


@message
def m009() -> Built:
    fwd_when = dt(11, 20, 9, 14)
    body = f"""Коллеги, пересылаю заявку от хозяйства, посчитайте пожалуйста.

---------- Forwarded message ---------
От: Агроном СХП Рассвет <agronom@rassvet-agro.example>
Date: {WEEKDAY_SHORT[fwd_when.weekday()]}, {fwd_when.day} {MONTH_GMAIL[fwd_when.month]} 2026 г. в 09:14
Subject: заявка на СЗР и удобрения
To: Анна Лебедева <a.lebedeva@broker.example>

Анна, добрый день.
На весеннюю кампанию нужно:
Гербицид Раундап ВР (глифосат 360 г/л) - 400 л
Фунгицид Абакус Ультра СЭ - 120 л
Аммиачная селитра марка Б - 12 т
Удобрение NPK 16:16:16 - 0.5т
Сульфат калия (водорастворимый) - 25 меш. по 25 кг
Инсектицид Борей Нео СК - 60 л

Поставка до 10 декабря.
Агроном Васильев П.С.
СХП «Рассвет», ИНН 2309876541
тел. 8-918-334-55-61

--
Анна Лебедева
менеджер по продажам ООО «Брокер Снаб»
+7 (495) 120-00-00
"""
    msg = finish(
        text(body),
        frm=("Анна Лебедева", "a.lebedeva@broker.example"),
        to=BROKER_SALES,
        subject="Fwd: заявка на СЗР и удобрения",
        date=dt(11, 23, 9, 2),
    )
    label = request(
        [
            item("Гербицид Раундап ВР (глифосат 360 г/л)", 400, "л"),
            item("Фунгицид Абакус Ультра СЭ", 120, "л"),
            item("Аммиачная селитра марка Б", 12, "т"),
            item("Удобрение NPK 16:16:16", 0.5, "т"),
            item("Сульфат калия (водорастворимый)", 25, "меш"),
            item("Инсектицид Борей Нео СК", 60, "л"),
        ],
        deadline="2026-12-10",
        company="СХП «Рассвет»",
        inn="2309876541",
        phone="+79183345561",
    )
    return msg, label, False


@message
def m010() -> Built:
    body = """Добрый день!
Прошу прислать счёт на канцтовары:

Бумага А4 SvetoCopy 80г/м2, 500 л. x 40 пачек
Ручка шариковая синяя BIC Orange x 100 шт
Папка-регистратор 75 мм, синяя x 30 шт
Стикеры 76х76 мм, неон, 100 л. x 24 уп
Скрепки 28 мм x 50 коробок
Маркер текстовыделитель желтый x 20 шт
Картридж HP 85A (CE285A) x 6 шт

Доставка в офис: Москва, ул. Складочная, 1, стр. 5, офис 310.
Заранее спасибо!

Екатерина Миронова
офис-менеджер АО «СтройИнвест»
тел. (495) 641-22-08
ИНН/КПП 7715987652/771501001
"""
    msg = finish(
        text(body, cte="qp"),
        frm=("Секретарь", "office@stroyinvest.example"),
        to=BROKER_SALES,
        subject="канцтовары на декабрь",
        date=dt(11, 26, 15, 48),
    )
    label = request(
        [
            item("Бумага А4 SvetoCopy 80г/м2, 500 л.", 40, "уп"),
            item("Ручка шариковая синяя BIC Orange", 100, "шт"),
            item("Папка-регистратор 75 мм, синяя", 30, "шт"),
            item("Стикеры 76х76 мм, неон, 100 л.", 24, "уп"),
            item("Скрепки 28 мм", 50, "кор"),
            item("Маркер текстовыделитель желтый", 20, "шт"),
            item("Картридж HP 85A (CE285A)", 6, "шт", "CE285A"),
        ],
        company="АО «СтройИнвест»",
        inn="7715987652",
        phone="+74956412208",
    )
    return msg, label, True


@message
def m011() -> Built:
    body = """Добрый день,

Для ремонта импортного оборудования требуется дюймовый крепёж (ASME B18.2.1, класс прочности Grade 5 / Grade 8):

1. Болт UNC 1/2"-13 x 2" Grade 8, оцинк. – 200 шт
2. Болт UNC 3/8"-16 x 1-1/2" Grade 5 – 350 шт
3. Гайка шестигранная UNC 1/2"-13 Grade 8 – 400 шт
4. Гайка UNF 5/8"-18 нейлок – 150 шт
5. Шайба плоская 1/2" SAE, оцинк. – 600 шт
6. Шпилька резьбовая UNC 3/4"-10 x 36" (1 м) – 12 шт
7. Винт UNC 10-24 x 3/4" с потайной головкой, нерж. – 1 000 шт

Просьба указать наличие и сроки. Поставка нужна к 12.12.2026.

Гусев П.А., ведущий инженер ОГМ
АО «Нефтемаш-Сервис»
ИНН 0278123453
тел. +7 347 246-18-00, моб. +7 917 350-40-41
"""
    msg = finish(
        text(body),
        frm=("Гусев Павел", "p.gusev@neftemash.example"),
        to=BROKER_SALES,
        subject="Крепёж дюймовый UNC/UNF — запрос",
        date=dt(11, 17, 13, 30),
    )
    label = request(
        [
            item('Болт UNC 1/2"-13 x 2" Grade 8, оцинк.', 200, "шт"),
            item('Болт UNC 3/8"-16 x 1-1/2" Grade 5', 350, "шт"),
            item('Гайка шестигранная UNC 1/2"-13 Grade 8', 400, "шт"),
            item('Гайка UNF 5/8"-18 нейлок', 150, "шт"),
            item('Шайба плоская 1/2" SAE, оцинк.', 600, "шт"),
            item('Шпилька резьбовая UNC 3/4"-10 x 36" (1 м)', 12, "шт"),
            item('Винт UNC 10-24 x 3/4" с потайной головкой, нерж.', 1000, "шт"),
        ],
        deadline="2026-12-12",
        company="АО «Нефтемаш-Сервис»",
        inn="0278123453",
        phone="+73472461800",
    )
    return msg, label, False


@message
def m012() -> Built:
    body = """Добрый день!

Заявка на спецодежду и СИЗ во вложении (CSV).
Поставка до 21.12.2026, доставка на склад в Люберцах.

--
Ковалёв Денис
инженер по охране труда
ООО «ТехСтрой-М», ИНН 5029234561
тел. +7 (495) 500-17-81
"""
    csv_text = (
        "№;Наименование;Ед.;Кол-во\r\n"
        '1;Костюм рабочий летний "Стандарт", р. 52-54/182-188;компл.;30\r\n'
        "2;Куртка утеплённая зимняя, р. 56-58;шт;25\r\n"
        "3;Ботинки кожаные с МП, р. 43;пар;40\r\n"
        "4;Перчатки х/б с ПВХ точкой;пар;500\r\n"
        "5;Каска защитная СОМЗ-55 белая;шт;30\r\n"
        "6;Очки защитные открытые О15 Hammer;шт;60\r\n"
        "7;Жилет сигнальный оранжевый;шт;45\r\n"
    )
    att = attachment(csv_text.encode("cp1251"), "text", "csv", "Заявка СИЗ.csv")
    msg = finish(
        mixed(text(body, cte="qp"), att),
        frm=("Ковалёв Денис", "snab@tehstroy-m.example"),
        to=BROKER_SALES,
        subject="Заявка спецодежда (во вложении)",
        date=dt(11, 25, 10, 11),
    )
    label = request(
        [
            item('Костюм рабочий летний "Стандарт", р. 52-54/182-188', 30, "компл"),
            item("Куртка утеплённая зимняя, р. 56-58", 25, "шт"),
            item("Ботинки кожаные с МП, р. 43", 40, "пар"),
            item("Перчатки х/б с ПВХ точкой", 500, "пар"),
            item("Каска защитная СОМЗ-55 белая", 30, "шт"),
            item("Очки защитные открытые О15 Hammer", 60, "шт"),
            item("Жилет сигнальный оранжевый", 45, "шт"),
        ],
        deadline="2026-12-21",
        company="ООО «ТехСтрой-М»",
        inn="5029234561",
        phone="+74955001781",
    )
    return msg, label, False


PLUMBING = [
    ("Труба PP-R PN20 20х3,4", 300, "м"),
    ("Труба PP-R PN20 25х4,2", 200, "м"),
    ("Труба PP-R армированная алюминием 32", 120, "м"),
    ("Муфта PP-R 20", 150, "шт"),
    ("Муфта PP-R 25", 100, "шт"),
    ("Угол 90° PP-R 20", 200, "шт"),
    ("Угол 90° PP-R 25", 120, "шт"),
    ("Тройник PP-R 20", 80, "шт"),
    ("Тройник PP-R 25", 60, "шт"),
    ("Тройник переходной PP-R 25х20х25", 40, "шт"),
    ('Муфта комбинированная PP-R 20х1/2" ВР', 60, "шт"),
    ('Муфта комбинированная PP-R 25х3/4" НР', 40, "шт"),
    ("Кран шаровой PP-R 20", 30, "шт"),
    ("Кран шаровой PP-R 25", 20, "шт"),
    ("Опора PP-R 20 (клипса)", 400, "шт"),
    ("Опора PP-R 25 (клипса)", 250, "шт"),
    ("Заглушка PP-R 20", 30, "шт"),
    ('Коллектор латунный 3/4" на 4 выхода', 10, "шт"),
    ('Фильтр косой 1/2" латунь', 15, "шт"),
    ("Счётчик воды ВСХ-15", 24, "шт"),
    ("Лента ФУМ 19 мм х 15 м", 50, "шт"),
    ("Пакля льняная 200 г", 20, "шт"),
]


@message
def m013() -> Built:
    seps = [" — ", " - ", "\t", " – "]
    rows = []
    for i, (name, qty, unit) in enumerate(PLUMBING, 1):
        sep = seps[i % len(seps)]
        rows.append(f"{i}. {name}{sep}{qty} {unit}")
    body = (
        "Добрый день!\n\nЗаявка по объекту Кстово (2-я очередь), просьба посчитать:\n\n"
        + "\n".join(rows)
        + """

Нужно к 14 декабря, разгрузка манипулятором на объекте.

Захаров Виталий, прораб
ООО «РемСтрой-НН»
ИНН 5260345670
+7 831 413-27-09
"""
    )
    msg = finish(
        text(body, cte="base64"),
        frm=("Прораб Захаров", "zaharov.v@remstroy-nn.example"),
        to=BROKER_SALES,
        subject="заявка сантехника объект Кстово",
        date=dt(12, 1, 7, 55),
    )
    label = request(
        [item(n, q, u) for n, q, u in PLUMBING],
        deadline="2026-12-14",
        company="ООО «РемСтрой-НН»",
        inn="5260345670",
        phone="+78314132709",
    )
    return msg, label, False


@message
def m014() -> Built:
    history = """Виктор, добрый день!
Напоминаю, что в прошлом месяце вы брали у нас:
1. Скотч упаковочный коричневый 48 мм х 66 м — 20 коробок
2. Стрейч-плёнка 500 мм 20 мкм — 40 рулонов
Будет ли повторная заявка?
--
Ольга Кравец, ООО «Брокер Снаб»
"""
    body = f"""Ольга, добрый день!

Да, давайте оформим. На этот раз нам нужно десять коробок скотча прозрачного 48 мм х 66 м, \
пару рулонов воздушно-пузырьковой плёнки 1,2 х 100 м и стрейч-плёнку 500 мм 17 мкм — 60 \
рулонов. Плюс уголки картонные защитные 35х35 мм, штук 500.

Оплатим по счёту как обычно. Нужно до 9 декабря.

Виктор

{yandex_quote_head(dt(12, 1, 15, 42), *BROKER_BUYER)}
{quoted(history)}
"""
    msg = finish(
        text(body),
        frm=("Виктор Лаптев", "laptev@sklad-logist.example"),
        to=BROKER_BUYER[1],
        subject="Re: Упаковочные материалы",
        date=dt(12, 2, 9, 31),
        in_reply_to="<msg.88123.kq1@broker.example>",
        references="<msg.88123.kq1@broker.example>",
    )
    label = request(
        [
            item("Скотч прозрачный 48 мм х 66 м", 10, "кор"),
            item("Воздушно-пузырьковая плёнка 1,2 х 100 м", 2, "рул"),
            item("Стрейч-плёнка 500 мм 17 мкм", 60, "рул"),
            item("Уголки картонные защитные 35х35 мм", 500, "шт"),
        ],
        deadline="2026-12-09",
    )
    return msg, label, False


@message
def m015() -> Built:
    body = """Добрый день!

Прошу выставить КП на реактивы (квалификация не ниже ХЧ):

Наименование | Кол-во | Ед.изм
Натрий хлористый ХЧ, фасовка 1 кг | 5 | кг
Кислота соляная ОСЧ 35-38% | 10 | л
Ацетонитрил для ВЭЖХ, 2,5 л | 8 | шт
Чашки Петри пластиковые 90 мм, стерильные | 20 | уп
Перчатки латексные S | 10 | уп
Фильтр шприцевой PTFE 0,45 мкм 25 мм | 4 | уп

Срок поставки - до 30 ноября.

С уважением,
Маркова Елена Сергеевна
руководитель испытательной лаборатории
ООО "БиоЛаб-Тест"
тел. +7 (383) 209-11-45
ИНН 5406543215
"""
    msg = finish(
        text(body, charset="koi8-r"),
        frm=("Елена Маркова", "markova.e@biolab-test.example"),
        to=BROKER_SALES,
        subject="Запрос реактивов и расходников",
        date=dt(11, 16, 11, 2),
        charset="koi8-r",
    )
    label = request(
        [
            item("Натрий хлористый ХЧ, фасовка 1 кг", 5, "кг"),
            item("Кислота соляная ОСЧ 35-38%", 10, "л"),
            item("Ацетонитрил для ВЭЖХ, 2,5 л", 8, "шт"),
            item("Чашки Петри пластиковые 90 мм, стерильные", 20, "уп"),
            item("Перчатки латексные S", 10, "уп"),
            item("Фильтр шприцевой PTFE 0,45 мкм 25 мм", 4, "уп"),
        ],
        deadline="2026-11-30",
        company='ООО "БиоЛаб-Тест"',
        inn="5406543215",
        phone="+73832091145",
    )
    return msg, label, False


@message
def m016() -> Built:
    body = """Добрый день.
Открываем кафе, просим прислать предложение:

Позиция 1: Пароконвектомат Abat ПКА 6-1/1ПП
Количество: 1 шт.

Позиция 2: Холодильный шкаф Polair CM107-S
Количество: 2 шт.

Позиция 3: Гастроёмкость GN 1/1 h=65 мм нерж.
Количество: 24 шт.

Позиция 4: Стол производственный 1200х600х870
Количество: 4 шт.

Позиция 5: Доска разделочная полипропиленовая 500х350 (набор 6 цветов)
Количество: 3 компл.

Поставить нужно не позднее 18 декабря, монтаж не требуется.

--
Руслан Ахмедов
ИП Ахмедов Руслан Тимурович
ИНН 056201234509
+7 (928) 555-09-81
"""
    msg = finish(
        text(body, charset="windows-1251"),
        frm=("Руслан Ахмедов", "ahmedov.r@cafe-dagestan.example"),
        to=BROKER_SALES,
        subject="Оборудование для кафе",
        date=dt(12, 3, 19, 12),
        charset="windows-1251",
    )
    label = request(
        [
            item("Пароконвектомат Abat ПКА 6-1/1ПП", 1, "шт"),
            item("Холодильный шкаф Polair CM107-S", 2, "шт", "CM107-S"),
            item("Гастроёмкость GN 1/1 h=65 мм нерж.", 24, "шт"),
            item("Стол производственный 1200х600х870", 4, "шт"),
            item("Доска разделочная полипропиленовая 500х350 (набор 6 цветов)", 3, "компл"),
        ],
        deadline="2026-12-18",
        company="ИП Ахмедов Руслан Тимурович",
        inn="056201234509",
        phone="+79285550981",
    )
    return msg, label, True


# --------------------------------------------------------------------------- quotes


def rfq_subject(request_id: int, supplier: int) -> str:
    return f"Запрос цен [RFQ-2026-{request_id:04d}-{supplier}]"


RFQ_SIGNATURE = "С уважением,\nОльга Кравец\nООО «Брокер Снаб», отдел закупок\n+7 (495) 120-00-00"


@message
def m017() -> Built:
    rid = rfq_id(1187)
    subj = rfq_subject(1187, 2)
    rfq = f"""Добрый день!
Просим сообщить цены и сроки поставки:
1. Контейнер ПП 500 мл прямоугольный с крышкой — 2000 шт
2. Лоток из вспененного полистирола 210х140х20 мм — 5000 шт
3. Плёнка стрейч пищевая 300 мм х 200 м — 40 рул
{RFQ_SIGNATURE}
"""
    body = f"""Добрый день, Ольга!

По Вашему запросу:

1. Контейнер ПП 500 мл прямоугольный с крышкой — 2 000 шт. × 4,35 руб. = 8 700,00 руб.
2. Лоток ВПС 210х140х20 мм — 5 000 шт. × 1,12 руб. = 5 600,00 руб.
3. Плёнка стрейч пищевая 300 мм х 200 м — 40 рул. × 289,00 руб. = 11 560,00 руб.

Итого: 25 860,00 руб., в т.ч. НДС 20% — 4 310,00 руб.
Срок поставки — в течение 10 рабочих дней с момента оплаты.
Оплата: 100% предоплата.
Предложение действительно до 25.12.2026.

--
Андрей Мельников
ООО «Упак-Центр»
+7 (495) 780-61-15

{outlook_en_head(dt(11, 3, 11, 2), *BROKER_BUYER, "sales@upak-center.example", subj)}

{rfq}"""
    msg = finish(
        text(body, cte="qp"),
        frm=("Упак-Центр | Андрей", "sales@upak-center.example"),
        to=BROKER_BUYER[1],
        subject="RE: " + subj,
        date=dt(11, 4, 12, 48),
        in_reply_to=rid,
        references=rid,
    )
    label = quote(
        "RUB",
        True,
        [
            line("Контейнер ПП 500 мл прямоугольный с крышкой", 4.35, 2000, "шт"),
            line("Лоток ВПС 210х140х20 мм", 1.12, 5000, "шт"),
            line("Плёнка стрейч пищевая 300 мм х 200 м", 289.0, 40, "рул"),
        ],
        lead=10,
        payment="100% предоплата",
        valid="2026-12-25",
        total=25860.0,
    )
    return msg, label, True


@message
def m018() -> Built:
    rid = rfq_id(1195)
    html = f"""<html><head><meta charset="utf-8"></head><body>
<p>Уважаемая Ольга,</p>
<p>благодарим за запрос. Направляем наше предложение (цены в евро, без НДС, оплата по курсу ЦБ РФ на день оплаты):</p>
<table border="1" cellpadding="3" style="border-collapse:collapse">
<tr style="background:#dde"><th>Поз.</th><th>Наименование</th><th>Кол-во</th><th>Цена за ед.</th><th>Срок поставки</th></tr>
<tr><td>1</td><td>Пипетка автоматическая 100-1000 мкл</td><td>4</td><td>&euro; 189,00</td><td>на складе</td></tr>
<tr><td>2</td><td>Весы аналитические ВЛ-220М</td><td>1</td><td>&euro; 2&nbsp;450,00</td><td>6-8 недель</td></tr>
<tr><td>3</td><td>Наконечники для дозаторов 1000 мкл, штатив</td><td>10 уп.</td><td>&euro; 14,50</td><td>на складе</td></tr>
</table>
<p>Предложение действительно до 15 декабря 2026 г.</p>
<p>Оплата: 50% аванс, 50% перед отгрузкой.</p>
<p>С уважением,<br>Мария Лебедь<br>LabTech Supply<br>+7 (812) 600-41-41</p>
<div>{gmail_quote_head(dt(11, 12, 9, 30), *BROKER_BUYER)}</div>
<blockquote style="margin:0 0 0 .8ex;border-left:1px #ccc solid;padding-left:1ex">
<p>Добрый день! Просим цены и сроки:</p>
<p>1. Пипетка автоматическая 100-1000 мкл — 4 шт<br>
2. Весы аналитические ВЛ-220М — 1 шт<br>
3. Наконечники для дозаторов 1000 мкл, штатив — 10 уп</p>
<p>Ольга Кравец, ООО «Брокер Снаб»</p>
</blockquote>
</body></html>
"""
    msg = finish(
        text(html, "html", cte="base64"),
        frm=("LabTech Supply", "offers@labtech-supply.example"),
        to=BROKER_BUYER[1],
        subject="Re: " + rfq_subject(1195, 1),
        date=dt(11, 13, 15, 20),
        in_reply_to=rid,
        references=rid,
    )
    label = quote(
        "EUR",
        False,
        [
            line("Пипетка автоматическая 100-1000 мкл", 189.0, 4, "шт", True, 0),
            line("Весы аналитические ВЛ-220М", 2450.0, 1, "шт", True, 56),
            line("Наконечники для дозаторов 1000 мкл, штатив", 14.5, 10, "уп", True, 0),
        ],
        payment="50% аванс, 50% перед отгрузкой",
        valid="2026-12-15",
    )
    return msg, label, False


@message
def m019() -> Built:
    rid = rfq_id(1203)
    rfq = f"""Добрый день!
Просим цены на:
1. SSD Samsung 870 EVO 1TB (MZ-77E1T0BW) — 10 шт
2. RAM Kingston 32GB DDR4-3200 ECC Reg KSM32RD4/32MRR — 16 шт
3. Switch Cisco Catalyst C9200L-24T-4G-E — 2 шт
4. ИБП APC Smart-UPS 1500VA SMT1500RMI2U — 3 шт
{RFQ_SIGNATURE}"""
    body = f"""Ольга, привет.

Цены в USD, +НДС 20%, оплата по курсу ЦБ+1%:

SSD Samsung 870 EVO 1TB MZ-77E1T0BW - $84.50/pcs, 10 pcs in stock
Kingston 32GB DDR4-3200 ECC Reg KSM32RD4/32MRR - $112.00, 16 pcs, поставка 2-3 недели
Cisco C9200L-24T-4G-E - $1,940.00, 2 pcs, под заказ 8-10 недель
APC SMT1500RMI2U - нет, сняли с дистрибуции, аналог предложу позже

Total: $6,517.00 + VAT

--
Макс Петров
IT Distribution Group
+7 (499) 322-80-14

{gmail_quote_head(dt(11, 24, 12, 31), *BROKER_BUYER)}

{quoted(rfq)}
"""
    msg = finish(
        text(body),
        frm=("Max Petrov", "m.petrov@it-distrib.example"),
        to=BROKER_BUYER[1],
        subject="Re: " + rfq_subject(1203, 1),
        date=dt(11, 25, 10, 3),
        in_reply_to=rid,
        references=rid,
    )
    label = quote(
        "USD",
        False,
        [
            line("SSD Samsung 870 EVO 1TB MZ-77E1T0BW", 84.5, 10, "шт", True, 0),
            line("Kingston 32GB DDR4-3200 ECC Reg KSM32RD4/32MRR", 112.0, 16, "шт", True, 21),
            line("Cisco C9200L-24T-4G-E", 1940.0, 2, "шт", True, 70),
            line("APC SMT1500RMI2U", None, None, None, False, None),
        ],
        total=6517.0,
    )
    return msg, label, False


@message
def m020() -> Built:
    subj = rfq_subject(1199, 3)
    body = (
        """Добрый день.

Наличие и цены (руб., с НДС):
W 712/75 фильтр масляный MANN — 20 шт — 612,00 руб./шт — в наличии
GDB1330 колодки TRW — 8 компл — 3 450,00 руб./компл — в наличии
5578XS ремень Gates — 4 шт — 2 180,00 руб./шт — под заказ 5-7 дней
BKR6E-11 свеча NGK — нет в наличии
343459 амортизатор KYB — 6 шт — 5 940,00 руб./шт — 3 дня

Отгрузка со склада в Екатеринбурге. Оплата по счёту, отсрочки нет.
Цены действительны до 30.11.2026.

--
Менеджер Шарипов Ильдар
ООО «Автодеталь-Опт»
т. 8 (343) 288-10-10

-----Original Message-----
From: Ольга Кравец [mailto:o.kravets@broker.example]
Sent: Monday, November 23, 2026 9:15 AM
To: opt@avtodetal-opt.example
Subject: """
        + subj
        + """

Добрый день! Просим предоставить цены:
1. Фильтр масляный MANN W 712/75 — 20 шт
2. Колодки тормозные передние TRW GDB1330 — 8 компл
3. Ремень ГРМ Gates 5578XS — 4 шт
4. Свеча зажигания NGK BKR6E-11 — 48 шт
5. Амортизатор задний KYB 343459 — 6 шт
"""
        + RFQ_SIGNATURE
        + "\n"
    )
    msg = finish(
        text(body, charset="windows-1251"),
        frm=("Автодеталь-Опт", "opt@avtodetal-opt.example"),
        to=BROKER_BUYER[1],
        subject="Re: " + subj,
        date=dt(11, 24, 11, 7),
        charset="windows-1251",
    )
    label = quote(
        "RUB",
        True,
        [
            line("W 712/75 фильтр масляный MANN", 612.0, 20, "шт", True, 0),
            line("GDB1330 колодки TRW", 3450.0, 8, "компл", True, 0),
            line("5578XS ремень Gates", 2180.0, 4, "шт", True, 7),
            line("BKR6E-11 свеча NGK", None, None, None, False, None),
            line("343459 амортизатор KYB", 5940.0, 6, "шт", True, 3),
        ],
        payment="Оплата по счёту, отсрочки нет",
        valid="2026-11-30",
    )
    return msg, label, True


@message
def m021() -> Built:
    rid = rfq_id(1210)
    rfq = """Добрый день!
Просим рассчитать стоимость поставки:
1. Кресло офисное с подлокотниками, сетчатая спинка, черное — 12 шт
2. Стол письменный 1400х700, дуб сонома — 6 шт
3. Шкаф для документов со стеклянными дверцами — 2 шт
4. Тумба подкатная на 3 ящика — 3 шт
Ольга Кравец"""
    body = f"""Здравствуйте, Ольга!

Общая стоимость комплекта мебели по Вашему запросу (кресла 12 шт., столы 6 шт., шкафы 2 шт., \
тумбы 3 шт.) составит 318 450 руб. с учётом НДС.
Срок изготовления и поставки — через 2-3 недели после предоплаты.
Условия оплаты: 70% предоплата, 30% по факту поставки.
КП действительно до 20 декабря.

С уважением,
Светлана Орлова
менеджер ООО «Мебель-Проект»
тел. 8 800 550-12-12

{yandex_quote_head(dt(11, 26, 10, 5), *BROKER_BUYER)}
{quoted(rfq)}
"""
    msg = finish(
        text(body, cte="qp"),
        frm=("Мебель-Проект", "info@mebel-proekt.example"),
        to=BROKER_BUYER[1],
        subject="Re: " + rfq_subject(1210, 1),
        date=dt(11, 27, 16, 44),
        in_reply_to=rid,
        references=rid,
    )
    label = quote(
        "RUB",
        True,
        [],
        lead=21,
        payment="70% предоплата, 30% по факту поставки",
        valid="2026-12-20",
        total=318450.0,
    )
    return msg, label, False


@message
def m022() -> Built:
    rid = rfq_id(1205)
    body = """Добрый день!
Во исполнение вашего запроса направляем коммерческое предложение.

Наименование                                 | Кол-во  | Сумма, руб.
Воздуховод круглый оцинкованный d160         | 120 м   | 46 800,00
Решётка вентиляционная АДН 300х150           | 45 шт   | 21 825,00
Клапан обратный КОВ-160                      | 18 шт   | 17 370,00
Канальный вентилятор ВКК-200                 | 6 шт    | 59 700,00
ИТОГО:                                       |         | 145 695,00

Цены указаны без учёта НДС.
Срок поставки: 14 дн.
Оплата: предоплата 50%.

Отдел продаж ООО «Климат-Снаб»
kp@klimatsnab.example | +7 (812) 702-15-15
"""
    msg = finish(
        text(body, charset="windows-1251", cte="qp"),
        frm=("Климат-Снаб", "kp@klimatsnab.example"),
        to=BROKER_BUYER[1],
        subject="КП по запросу " + "[RFQ-2026-1205-2]",
        date=dt(11, 17, 14, 15),
        charset="windows-1251",
        in_reply_to=rid,
        references=rid,
    )
    label = quote(
        "RUB",
        False,
        [
            line("Воздуховод круглый оцинкованный d160", 390.0, 120, "м"),
            line("Решётка вентиляционная АДН 300х150", 485.0, 45, "шт"),
            line("Клапан обратный КОВ-160", 965.0, 18, "шт"),
            line("Канальный вентилятор ВКК-200", 9950.0, 6, "шт"),
        ],
        lead=14,
        payment="предоплата 50%",
        total=145695.0,
    )
    return msg, label, False


@message
def m023() -> Built:
    rid = rfq_id(1212)
    rfq = """Добрый день! Просим цены и наличие:
1. Бязь отбеленная 150 см, 120 г/м2 — 1500 м
2. Ткань «Грета» 210 г/м2, тёмно-синяя — 800 м
3. Флис 190 г/м2 антипиллинг, серый — 350 м
4. Нитки армированные 45ЛЛ 5000 м — 120 шт
Ольга Кравец, ООО «Брокер Снаб»"""
    body = f"""Добрый день, Ольга.
По вашей заявке:
- Бязь отбеленная 150 см, 120 г/м2 — 1 500 м — 118 руб./м, на складе
- Грета 210 г/м2 т.-синяя — 800 м — 265 руб./м, под заказ 30 дней
- Флис антипиллинг 190 г/м2 — 350 м — от 100 руб. (зависит от цвета), на складе
- Нитки армированные 45ЛЛ 5000 м — цена договорная, уточним у фабрики
Цены с НДС. Доставка до Иваново бесплатно.
--
Нина Карпова, ТекстильОпт
+7 (4932) 30-30-31

{mailru_quote_head(dt(12, 1, 10, 0), *BROKER_BUYER)}
{quoted(rfq)}
"""
    msg = finish(
        text(body, cte="base64"),
        frm=("ТекстильОпт Иваново", "opt@textil-ivanovo.example"),
        to=BROKER_BUYER[1],
        subject="Re: " + rfq_subject(1212, 1),
        date=dt(12, 2, 11, 18),
        in_reply_to=rid,
        references=rid,
    )
    label = quote(
        "RUB",
        True,
        [
            line("Бязь отбеленная 150 см, 120 г/м2", 118.0, 1500, "м", True, 0),
            line("Грета 210 г/м2 т.-синяя", 265.0, 800, "м", True, 30),
            line("Флис антипиллинг 190 г/м2", 100.0, 350, "м", True, 0),
            line("Нитки армированные 45ЛЛ 5000 м", None, None, None, None, None),
        ],
    )
    return msg, label, False


@message
def m024() -> Built:
    from openpyxl import Workbook

    rid = rfq_id(1208)
    wb = Workbook()
    ws = wb.active
    ws.title = "КП"
    ws.append(["Коммерческое предложение № 512 от 26.11.2026"])
    ws.append([])
    ws.append(["№", "Наименование", "Ед.", "Кол-во", "Цена, руб.", "Сумма, руб."])
    rows = [
        ("Перчатки нитриловые неопудренные р.М", "уп", 50, 520.0),
        ("Перчатки нитриловые неопудренные р.L", "уп", 30, 520.0),
        ("Шприц 5 мл трехкомпонентный", "шт", 2000, 4.8),
        ("Маски медицинские трехслойные", "уп", 100, 145.0),
    ]
    for i, (n, u, q, p) in enumerate(rows, 1):
        ws.append([i, n, u, q, p, round(q * p, 2)])
    ws.append([None, None, None, None, "Итого:", 65700.0])
    ws.append([])
    ws.append(["Цены указаны с НДС 20%. Срок поставки 3-5 рабочих дней."])
    wb.properties.created = datetime(2026, 11, 26, 9, 0)
    wb.properties.modified = datetime(2026, 11, 26, 9, 0)
    buf = io.BytesIO()
    wb.save(buf)
    data = fixed_zip(buf.getvalue(), datetime(2026, 11, 26, 9, 0))
    body = """Добрый день!

Коммерческое предложение во вложении. Цены с НДС, срок поставки 3-5 рабочих дней.
Бинты и лейкопластырь сейчас не поставляем.

С уважением,
Галина Зуева, ООО «МедСнаб»
+7 (473) 200-50-50
"""
    att = attachment(
        data,
        "application",
        "vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "КП_МедСнаб_512.xlsx",
    )
    msg = finish(
        mixed(text(body), att),
        frm=("МедСнаб", "zakaz@medsnab-vrn.example"),
        to=BROKER_BUYER[1],
        subject="Re: " + rfq_subject(1208, 1),
        date=dt(11, 26, 9, 40),
        in_reply_to=rid,
        references=rid,
    )
    label = quote(
        "RUB",
        True,
        [
            line("Перчатки нитриловые неопудренные р.М", 520.0, 50, "уп"),
            line("Перчатки нитриловые неопудренные р.L", 520.0, 30, "уп"),
            line("Шприц 5 мл трехкомпонентный", 4.8, 2000, "шт"),
            line("Маски медицинские трехслойные", 145.0, 100, "уп"),
            line("Бинты", None, None, None, False),
            line("лейкопластырь", None, None, None, False),
        ],
        lead=5,
        total=65700.0,
    )
    return msg, label, False


@message
def m025() -> Built:
    rid = rfq_id(1214)
    subj = rfq_subject(1214, 2)
    body = f"""Dear Olga / Уважаемая Ольга,

Спасибо за запрос. Наше предложение (FOB Qingdao):

1. Glyphosate 360 g/L SL (аналог Раундап) — 400 L — 12,40 USD/L
2. Pyraclostrobin + Epoxiconazole SE (аналог Абакус Ультра) — not available, sorry
3. NPK 16-16-16 — 0.5 t — 610,00 USD/t
4. Potassium sulphate water soluble — 625 kg — 1,15 USD/kg

Lead time: 25-30 days after prepayment.
Payment: T/T 30% advance, 70% against B/L copy.
Validity: until 10 Dec 2026.

Best regards,
Li Wei
Sino Agrochem Co., Ltd.
Tel: +86 532 8000 1234

{outlook_en_head(dt(11, 27, 12, 0), *BROKER_BUYER, "liwei@sino-agrochem.example", subj)}

Добрый день! Просим цены:
1. Гербицид (глифосат 360 г/л) — 400 л
2. Фунгицид Абакус Ультра СЭ — 120 л
3. Удобрение NPK 16:16:16 — 0,5 т
4. Сульфат калия водорастворимый — 625 кг
"""
    msg = finish(
        text(body),
        frm=("Li Wei", "liwei@sino-agrochem.example"),
        to=BROKER_BUYER[1],
        subject="RE: " + subj + " quotation",
        date=dt(11, 30, 6, 12),
        in_reply_to=rid,
        references=rid,
    )
    label = quote(
        "USD",
        None,
        [
            line("Glyphosate 360 g/L SL (аналог Раундап)", 12.4, 400, "л"),
            line(
                "Pyraclostrobin + Epoxiconazole SE (аналог Абакус Ультра)", None, None, None, False
            ),
            line("NPK 16-16-16", 610.0, 0.5, "т"),
            line("Potassium sulphate water soluble", 1.15, 625, "кг"),
        ],
        lead=30,
        payment="T/T 30% advance, 70% against B/L copy",
        valid="2026-12-10",
    )
    return msg, label, False


@message
def m026() -> Built:
    rid = rfq_id(1215)
    subj = rfq_subject(1215, 1)
    rfq = """Добрый день! Просим цены:
1. Болт UNC 1/2"-13 x 2" Grade 8 - 200 шт
2. Болт UNC 3/8"-16 x 1-1/2" Grade 5 - 350 шт
3. Гайка UNC 1/2"-13 Grade 8 - 400 шт
4. Гайка UNF 5/8"-18 нейлок - 150 шт
5. Шайба плоская 1/2" SAE - 600 шт
6. Шпилька резьбовая UNC 3/4"-10 x 36" - 12 шт
7. Винт UNC 10-24 x 3/4" потай, нерж. - 1000 шт"""
    body = f"""Здравствуйте, Ольга!

Цены в юанях (CNY), EXW Нинбо, НДС не применяется.

Поз  Наименование                          Кол-во   Цена/шт
1    Болт UNC 1/2"-13 x 2" Grade 8          200      3,20
2    Болт UNC 3/8"-16 x 1-1/2" Grade 5      350      1,45
3    Гайка UNC 1/2"-13 Grade 8              400      0,85
5    Шайба плоская 1/2" SAE                 600      0,22
7    Винт UNC 10-24 x 3/4" потай, нерж.     1000     0,64

Позиции 4 и 6 не производим.
Срок поставки до Москвы: 35-40 дней.
Оплата 100% предоплата.

Анна Чжан
Ningbo Fastener Co.

{outlook_en_head(dt(12, 3, 10, 30), *BROKER_BUYER, "anna@nb-fastener.example", subj)}

{rfq}
"""
    msg = finish(
        text(body, charset="koi8-r", cte="base64"),
        frm=("Ningbo Fastener Co. - Анна", "anna@nb-fastener.example"),
        to=BROKER_BUYER[1],
        subject="Re: " + subj,
        date=dt(12, 4, 5, 55),
        charset="koi8-r",
        in_reply_to=rid,
        references=rid,
    )
    label = quote(
        "CNY",
        False,
        [
            line('Болт UNC 1/2"-13 x 2" Grade 8', 3.2, 200, "шт"),
            line('Болт UNC 3/8"-16 x 1-1/2" Grade 5', 1.45, 350, "шт"),
            line('Гайка UNC 1/2"-13 Grade 8', 0.85, 400, "шт"),
            line('Гайка UNF 5/8"-18 нейлок', None, None, None, False),
            line('Шайба плоская 1/2" SAE', 0.22, 600, "шт"),
            line('Шпилька резьбовая UNC 3/4"-10 x 36"', None, None, None, False),
            line('Винт UNC 10-24 x 3/4" потай, нерж.', 0.64, 1000, "шт"),
        ],
        lead=40,
        payment="100% предоплата",
    )
    return msg, label, False


@message
def m027() -> Built:
    rid = rfq_id(1216)
    plain = """Добрый день!

Можем предложить:
Пароконвектомат Abat ПКА 6-1/1ПП — 1 шт. — 289 990,00 руб./шт
Холодильный шкаф Polair CM107-S — 2 шт. — 71 234,56 руб./шт
Гастроёмкость GN 1/1 h=65 мм, нерж. — 24 шт. — 1 234,56 руб./шт

Столы производственные и разделочные доски не поставляем.

Цены включают НДС 20%. Поставка 5-7 р.д. после оплаты.
Итого: 462 088,56 руб.

Роман Белых
ООО «Проф-Кухня»
+7 (928) 100-20-30
"""
    html = """<html><body>
<p>Добрый день!</p>
<p>Можем предложить:<br>
Пароконвектомат Abat ПКА 6-1/1ПП — 1 шт. — 289&nbsp;990,00 руб./шт<br>
Холодильный шкаф Polair CM107-S — 2 шт. — 71&nbsp;234,56 руб./шт<br>
Гастроёмкость GN 1/1 h=65 мм, нерж. — 24 шт. — 1&nbsp;234,56 руб./шт</p>
<p>Столы производственные и разделочные доски не поставляем.</p>
<p>Цены включают НДС 20%. Поставка 5-7 р.д. после оплаты.<br>
<b>Итого: 462&nbsp;088,56 руб.</b></p>
<p>Роман Белых<br>ООО «Проф-Кухня»<br>+7 (928) 100-20-30</p>
</body></html>
"""
    msg = finish(
        alternative(text(plain, cte="qp"), text(html, "html", cte="qp")),
        frm=("Проф-Кухня", "sales@prof-kuhnya.example"),
        to=BROKER_BUYER[1],
        subject="Re: " + rfq_subject(1216, 1),
        date=dt(12, 7, 13, 26),
        in_reply_to=rid,
        references=rid,
    )
    label = quote(
        "RUB",
        True,
        [
            line("Пароконвектомат Abat ПКА 6-1/1ПП", 289990.0, 1, "шт"),
            line("Холодильный шкаф Polair CM107-S", 71234.56, 2, "шт"),
            line("Гастроёмкость GN 1/1 h=65 мм, нерж.", 1234.56, 24, "шт"),
            line("Столы производственные", None, None, None, False),
            line("разделочные доски", None, None, None, False),
        ],
        lead=7,
        total=462088.56,
    )
    return msg, label, False


@message
def m028() -> Built:
    rid = rfq_id(1202)
    rfq = """Добрый день! Просим цены на канцтовары:
1. Бумага А4 SvetoCopy 80 г/м2 — 40 пачек
2. Ручка шариковая BIC Orange синяя — 100 шт
3. Папка-регистратор 75 мм синяя — 30 шт
4. Стикеры 76х76 неон — 24 уп
5. Картридж HP 85A (CE285A) — 6 шт
Ольга Кравец"""
    body = f"""Ольга, здравствуйте!
Наши цены:
Бумага А4 SvetoCopy 80 г/м2 — 40 пачек — 289-00 за пачку
Ручка шариковая BIC Orange синяя — 100 шт — 14-50
Папка-регистратор 75 мм синяя — 30 шт — 189-00
Стикеры 76х76 неон 100 л. — 24 уп — 92-40
Картридж HP 85A CE285A (оригинал) — 6 шт — 6 450-00
Итого: 59 597-60

НДС не облагается (УСН). Всё в наличии на складе, доставка 1-2 дня.

ИП Сорокин / Канц-Маркет
8 (495) 988-77-66

{gmail_quote_head(dt(11, 27, 9, 5), *BROKER_BUYER)}

{quoted(rfq)}
"""
    msg = finish(
        text(body, charset="windows-1251", cte="base64"),
        frm=("Канц-Маркет", "b2b@kanc-market.example"),
        to=BROKER_BUYER[1],
        subject="Re: " + rfq_subject(1202, 1),
        date=dt(11, 27, 14, 51),
        charset="windows-1251",
        in_reply_to=rid,
        references=rid,
    )
    label = quote(
        "RUB",
        False,
        [
            line("Бумага А4 SvetoCopy 80 г/м2", 289.0, 40, "уп"),
            line("Ручка шариковая BIC Orange синяя", 14.5, 100, "шт"),
            line("Папка-регистратор 75 мм синяя", 189.0, 30, "шт"),
            line("Стикеры 76х76 неон 100 л.", 92.4, 24, "уп"),
            line("Картридж HP 85A CE285A (оригинал)", 6450.0, 6, "шт"),
        ],
        lead=2,
        total=59597.6,
    )
    return msg, label, False


@message
def m029() -> Built:
    rid = rfq_id(1219)
    rows = [
        ("Костюм рабочий летний «Стандарт»", "компл", 30, "1 740,00", "52 200,00"),
        ("Куртка утеплённая зимняя", "шт", 25, "3 980,00", "99 500,00"),
        ("Ботинки кожаные с МП", "пар", 40, "2 650,00", "106 000,00"),
        ("Перчатки х/б с ПВХ точкой", "пар", 500, "28,50", "14 250,00"),
        ("Каска защитная СОМЗ-55", "шт", 30, "410,00", "12 300,00"),
        ("Очки защитные О15 Hammer", "шт", 60, None, None),
        ("Жилет сигнальный", "шт", 45, "165,00", "7 425,00"),
    ]
    trs = []
    for i, (n, u, q, p, s) in enumerate(rows, 1):
        if p is None:
            cells = '<td colspan="2" align="center">нет в наличии</td>'
        else:
            cells = f"<td>{p.replace(' ', '&nbsp;')}</td><td>{s.replace(' ', '&nbsp;')}</td>"  # type: ignore[union-attr]
        trs.append(f"<tr><td>{i}</td><td>{n}</td><td>{u}</td><td>{q}</td>{cells}</tr>")
    html = (
        """<html><body>
<p>Здравствуйте!</p>
<p>Направляем коммерческое предложение на спецодежду и СИЗ:</p>
<table border="1" cellspacing="0">
<tr><th rowspan="2">№</th><th rowspan="2">Наименование</th><th rowspan="2">Ед.</th><th rowspan="2">Кол-во</th><th colspan="2">Стоимость с НДС, руб.</th></tr>
<tr><th>за ед.</th><th>всего</th></tr>
"""
        + "\n".join(trs)
        + """
<tr><td colspan="5" align="right"><b>Итого:</b></td><td><b>291&nbsp;675,00</b></td></tr>
</table>
<p>Срок поставки &mdash; 3-4 недели с момента оплаты.<br>Оплата: 100% предоплата.<br>
Предложение действительно до 31.12.2026.</p>
<p>--<br>Юлия Громова<br>ООО «Спецодежда-Профи»<br>+7 (495) 777-31-31</p>
</body></html>
"""
    )
    plain_rows = []
    for i, (n, u, q, p, s) in enumerate(rows, 1):
        price = "нет в наличии" if p is None else f"{p} руб./{u}, сумма {s} руб."
        plain_rows.append(f"{i}. {n} — {q} {u} — {price}")
    plain = (
        "Здравствуйте!\n\nНаправляем коммерческое предложение на спецодежду и СИЗ (цены с НДС):\n\n"
        + "\n".join(plain_rows)
        + """

Итого: 291 675,00 руб.

Срок поставки — 3-4 недели с момента оплаты.
Оплата: 100% предоплата.
Предложение действительно до 31.12.2026.

--
Юлия Громова
ООО «Спецодежда-Профи»
+7 (495) 777-31-31
"""
    )
    msg = finish(
        alternative(text(plain, cte="qp"), text(html, "html", cte="qp")),
        frm=("Спецодежда-Профи", "kp@specodezhda-profi.example"),
        to=BROKER_BUYER[1],
        subject="Коммерческое предложение от ООО «Спецодежда-Профи»",
        date=dt(12, 3, 12, 9),
        in_reply_to=rid,
        references=rid,
    )
    label = quote(
        "RUB",
        True,
        [
            line("Костюм рабочий летний «Стандарт»", 1740.0, 30, "компл"),
            line("Куртка утеплённая зимняя", 3980.0, 25, "шт"),
            line("Ботинки кожаные с МП", 2650.0, 40, "пар"),
            line("Перчатки х/б с ПВХ точкой", 28.5, 500, "пар"),
            line("Каска защитная СОМЗ-55", 410.0, 30, "шт"),
            line("Очки защитные О15 Hammer", None, 60, "шт", False),
            line("Жилет сигнальный", 165.0, 45, "шт"),
        ],
        lead=28,
        payment="100% предоплата",
        valid="2026-12-31",
        total=291675.0,
    )
    return msg, label, False


@message
def m030() -> Built:
    rid = rfq_id(1196)
    when = dt(11, 17, 9, 40)
    rfq = """Добрый день! Просим цены:
1. Натрий хлористый ХЧ, 1 кг — 5 кг
2. Кислота соляная ОСЧ — 10 л
3. Ацетонитрил для ВЭЖХ, 2,5 л — 8 шт
4. Чашки Петри 90 мм — 20 уп
5. Перчатки латексные S — 10 уп
6. Фильтр шприцевой PTFE 0,45 мкм — 4 уп
Ольга Кравец"""
    body = f"""Ольга, добрый. Хлорид натрия ХЧ 1кг — 410р/кг, соляная ОСЧ — 690р/л, ацетонитрил 2,5л — \
14 200р/шт, чашки Петри 90мм — 1150р/уп. Перчатки и фильтры не возим. Все с НДС, в наличии. \
Счёт выставим сразу.

Отправлено с iPhone

{when.day} нояб. 2026 г., в {when.hour}:{when:%M}, Ольга Кравец <o.kravets@broker.example> написал(а):

{quoted(rfq)}
"""
    msg = finish(
        text(body),
        frm=("Химреактив-Сибирь", "sales@himreaktiv-sib.example"),
        to=BROKER_BUYER[1],
        subject="Re: " + rfq_subject(1196, 1),
        date=dt(11, 17, 18, 2),
        in_reply_to=rid,
        references=rid,
    )
    label = quote(
        "RUB",
        True,
        [
            line("Хлорид натрия ХЧ 1кг", 410.0, None, "кг"),
            line("соляная ОСЧ", 690.0, None, "л"),
            line("ацетонитрил 2,5л", 14200.0, None, "шт"),
            line("чашки Петри 90мм", 1150.0, None, "уп"),
            line("Перчатки", None, None, None, False),
            line("фильтры", None, None, None, False),
        ],
        lead=0,
    )
    return msg, label, False


@message
def m031() -> Built:
    subj = rfq_subject(1213, 1)
    body = """Добрый день!
Направляем цены по наличию:

Наименование                          Кол-во    Цена,руб   Сумма,руб
Труба PP-R PN20 20х3,4                300 м     38,90      11 670,00
Труба PP-R PN20 25х4,2                200 м     61,20      12 240,00
Муфта PP-R 20                         150 шт    6,10       915,00
Угол 90 PP-R 20                       200 шт    7,40       1 480,00
Тройник PP-R 20                       80 шт     9,80       784,00
Кран шаровой PP-R 20                  30 шт     248,00     7 440,00
Счётчик воды ВСХ-15                   24 шт     1 095,00   26 280,00

Итого:                                                     60 809,00

Остальные позиции — под заказ, цены сообщим дополнительно.
Цены с НДС. Отгрузка со склада в течение 2 рабочих дней после оплаты.

--
Отдел оптовых продаж
ООО «СантехОпт НН»
(831) 215-00-15
"""
    msg = finish(
        text(body, charset="windows-1251", cte="base64"),
        frm=("СантехОпт НН", "opt@santehopt-nn.example"),
        to=BROKER_BUYER[1],
        subject="Re: " + subj,
        date=dt(12, 2, 10, 47),
        charset="windows-1251",
    )
    label = quote(
        "RUB",
        True,
        [
            line("Труба PP-R PN20 20х3,4", 38.9, 300, "м"),
            line("Труба PP-R PN20 25х4,2", 61.2, 200, "м"),
            line("Муфта PP-R 20", 6.1, 150, "шт"),
            line("Угол 90 PP-R 20", 7.4, 200, "шт"),
            line("Тройник PP-R 20", 9.8, 80, "шт"),
            line("Кран шаровой PP-R 20", 248.0, 30, "шт"),
            line("Счётчик воды ВСХ-15", 1095.0, 24, "шт"),
        ],
        lead=2,
        total=60809.0,
    )
    return msg, label, True


@message
def m032() -> Built:
    rid = rfq_id(1218)
    when = dt(12, 2, 10, 12)
    subj = rfq_subject(1218, 1)
    body = f"""Добрый день,

prices EXW Hamburg, EUR, net (без НДС):
- Danfoss TXV TEX2 068Z3209 — € 58,00 / шт
- Danfoss filter drier DML 083 023Z5041 — € 8 / шт
- Sight glass SGP 10s 014-0181 — € 21,50

Lead time 4-6 недель. Payment 100% prepayment.
Offer valid until 15.12.2026.

Best regards / С уважением
Jan Krüger
Klima Parts GmbH, Russia desk

Von: Ольга Кравец <o.kravets@broker.example>
Gesendet: {DE_WEEKDAY[when.weekday()]}, {when.day}. {DE_MONTH[when.month]} {when.year} {when:%H:%M}
An: russia@klimaparts.example
Betreff: {subj}

Добрый день! Просим цены:
1. ТРВ Danfoss TEX2 068Z3209 — 10 шт
2. Фильтр-осушитель Danfoss DML 083 023Z5041 — 40 шт
3. Смотровое стекло SGP 10s 014-0181 — 20 шт
"""
    msg = finish(
        text(body, cte="qp"),
        frm=("Klima Parts GmbH", "russia@klimaparts.example"),
        to=BROKER_BUYER[1],
        subject="AW: " + subj,
        date=dt(12, 3, 11, 40),
        in_reply_to=rid,
        references=rid,
    )
    label = quote(
        "EUR",
        False,
        [
            line("Danfoss TXV TEX2 068Z3209", 58.0, None, "шт"),
            line("Danfoss filter drier DML 083 023Z5041", 8.0, None, "шт"),
            line("Sight glass SGP 10s 014-0181", 21.5, None, None),
        ],
        lead=42,
        payment="100% prepayment",
        valid="2026-12-15",
    )
    return msg, label, False


# --------------------------------------------------------------------------- other


@message
def m033() -> Built:
    plain = """ДЕКАБРЬСКАЯ РАСПРОДАЖА В ПАК-МАРКЕТ!

Только до 20 декабря скидки до 30% на упаковочные материалы:
- Стретч-плёнка 500 мм 17 мкм — от 299 руб./рулон
- Скотч прозрачный 48 мм х 66 м — 36 шт в коробке, от 1 150 руб./коробка
- Воздушно-пузырьковая плёнка 1,2 х 100 м — 1 890 руб.

Закажите на сайте pak-market.example или по телефону 8 800 700-00-70.
Бесплатная доставка от 15 000 руб.

Вы получили это письмо, так как подписаны на рассылку Пак-Маркет.
Отписаться: https://pak-market.example/unsubscribe?id=88121
"""
    html = """<html><body style="font-family:Arial">
<h1 style="color:#c00">ДЕКАБРЬСКАЯ РАСПРОДАЖА В ПАК-МАРКЕТ!</h1>
<p>Только до 20 декабря скидки до 30% на упаковочные материалы:</p>
<table><tr><td>Стретч-плёнка 500 мм 17 мкм</td><td>от 299 руб./рулон</td></tr>
<tr><td>Скотч прозрачный 48 мм х 66 м (36 шт в коробке)</td><td>от 1 150 руб./коробка</td></tr>
<tr><td>Воздушно-пузырьковая плёнка 1,2 х 100 м</td><td>1 890 руб.</td></tr></table>
<p><a href="https://pak-market.example/sale">Заказать на сайте</a> или по телефону 8 800 700-00-70.</p>
<p style="font-size:9px">Вы получили это письмо, так как подписаны на рассылку Пак-Маркет.
<a href="https://pak-market.example/unsubscribe?id=88121">Отписаться</a></p>
</body></html>
"""
    msg = finish(
        alternative(text(plain, cte="qp"), text(html, "html", cte="base64")),
        frm=("Пак-Маркет", "news@pak-market.example"),
        to=BROKER_SALES,
        subject="🔥 Скидки до 30% на упаковку — только до 20 декабря!",
        date=dt(12, 8, 7, 0),
        extra={
            "List-Unsubscribe": "<https://pak-market.example/unsubscribe?id=88121>",
            "Precedence": "bulk",
        },
    )
    return msg, other("spam"), False


@message
def m034() -> Built:
    body = """Добрый день!

Напоминаем, что по счёту № 4512 от 20.11.2026 на сумму 48 600,00 руб. (в т.ч. НДС 20% — 8 100,00 руб.)
срок оплаты истёк 30.11.2026. Основание: поставка по договору № 17/2026 от 15.01.2026, УПД № 3310.

Просим произвести оплату до 07.12.2026 либо сообщить планируемую дату платежа.
Копию счёта прилагаем повторно по запросу.

С уважением,
бухгалтерия ООО «Сантех-Комплект»
тел. (831) 411-22-33
"""
    msg = finish(
        text(body, charset="windows-1251", cte="qp"),
        frm=("Бухгалтерия Сантех-Комплект", "buh@santeh-komplekt.example"),
        to="buh@broker.example",
        subject="Напоминание об оплате счёта № 4512",
        date=dt(12, 2, 10, 0),
        charset="windows-1251",
    )
    return msg, other("not_procurement"), False


@message
def m035() -> Built:
    body = """Здравствуйте!

Увидела вашу вакансию «Менеджер по закупкам» на hh. Меня зовут Анастасия Волкова, у меня \
5 лет опыта в снабжении (металлопрокат, крепёж, стройматериалы), работала с 1С:УТ и \
электронными торговыми площадками, веду переговоры с поставщиками, знаю 44-ФЗ и 223-ФЗ.

Резюме прикладываю. Буду рада ответить на вопросы по телефону +7 915 222-33-44.

С уважением,
Анастасия Волкова
"""
    pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    msg = finish(
        mixed(text(body), attachment(pdf, "application", "pdf", "Резюме_Волкова_А.pdf")),
        frm=("Анастасия Волкова", "a.volkova.hr@mailbox.example"),
        to="hr@broker.example",
        subject="Отклик на вакансию «Менеджер по закупкам»",
        date=dt(11, 18, 21, 14),
    )
    return msg, other("not_procurement"), False


@message
def m036() -> Built:
    body = """Уважаемый клиент!

Груз по накладной № 26-00451278 прибыл на терминал «Москва-Южный» и готов к выдаче.

Отправитель: ООО «СантехОпт НН», Нижний Новгород
Получатель: ООО «Брокер Снаб»
Мест: 3, вес 124 кг, объём 0,8 м3
Стоимость доставки: 2 340 руб. (оплачено отправителем)

Бесплатное хранение — 2 суток. Выдача: пн–пт 9:00–20:00, сб 10:00–16:00.
Отследить груз: https://tk-delovye-perevozki.example/track/2600451278

Это автоматическое уведомление, отвечать на него не нужно.
"""
    msg = finish(
        text(body, cte="base64"),
        frm=("ТК Деловые Перевозки", "noreply@tk-delovye-perevozki.example"),
        to="snab@broker.example",
        subject="Груз № 26-00451278 прибыл на терминал",
        date=dt(12, 7, 8, 15),
    )
    return msg, other("not_procurement"), False


@message
def m037() -> Built:
    rid = rfq_id(1221)
    body = """Thank you for your email.

I am out of the office until 14 December 2026 with limited access to email.
For urgent matters please contact our sales desk at sales@nordhydraulic.example or +7 (812) 400-12-12.

Kind regards,
Peter Lindqvist
Nord Hydraulic AB
"""
    msg = finish(
        text(body),
        frm=("Peter Lindqvist", "p.lindqvist@nordhydraulic.example"),
        to=BROKER_BUYER[1],
        subject="Automatic reply: " + rfq_subject(1221, 2),
        date=dt(12, 7, 9, 1),
        in_reply_to=rid,
        references=rid,
        extra={"X-Auto-Response-Suppress": "All"},
    )
    return msg, other("auto_reply"), False


@message
def m038() -> Built:
    html = """<html><body>
<p>Уважаемый пользователь!</p>
<p>Мы обнаружили подозрительную активность в вашем почтовом ящике <b>o.kravets@broker.example</b>.
Для сохранения доступа подтвердите учётную запись в течение 24 часов, иначе ящик будет заблокирован.</p>
<p><a href="http://broker-example.secure-login.example/verify?u=o.kravets">ПОДТВЕРДИТЬ УЧЁТНУЮ ЗАПИСЬ</a></p>
<p>Также во вложении счёт на оплату № 2231 от 07.12.2026 — просим оплатить сегодня.</p>
<p>Служба безопасности почты</p>
</body></html>
"""
    msg = finish(
        text(html, "html", cte="base64"),
        frm=("Администратор почты", "security@broker-example.secure-login.example"),
        to=BROKER_BUYER[1],
        subject="СРОЧНО: ваш почтовый ящик будет заблокирован",
        date=dt(12, 7, 3, 33),
    )
    return msg, other("spam"), False


@message
def m039() -> Built:
    plain = """Приглашение на совещание

Тема: Планирование закупок на 2027 год
Когда: четверг, 10 декабря 2026, 11:00–12:30 (Москва)
Где: переговорная «Волга», 3 этаж / ссылка на видеовстречу будет в календаре

Повестка:
1. Итоги 2026 года по поставщикам
2. Бюджет закупок на I квартал 2027
3. Новые категории: HVAC, лабораторное оборудование

Организатор: Игорь Савельев
"""
    ics = """BEGIN:VCALENDAR
PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN
VERSION:2.0
METHOD:REQUEST
BEGIN:VEVENT
UID:040000008200E00074C5B7101A82E0080000000010
DTSTART;TZID=Europe/Moscow:20261210T110000
DTEND;TZID=Europe/Moscow:20261210T123000
SUMMARY:Планирование закупок на 2027 год
LOCATION:Переговорная «Волга»
ORGANIZER;CN=Игорь Савельев:mailto:i.savelyev@broker.example
ATTENDEE;ROLE=REQ-PARTICIPANT;CN=Ольга Кравец:mailto:o.kravets@broker.example
END:VEVENT
END:VCALENDAR
"""
    cal = MIMEText(ics, "calendar", cs("utf-8", "base64"))  # type: ignore[arg-type]
    cal.set_param("method", "REQUEST")
    msg = finish(
        alternative(text(plain, cte="qp"), cal),
        frm=("Игорь Савельев", "i.savelyev@broker.example"),
        to=BROKER_BUYER[1],
        subject="Приглашение: Планирование закупок на 2027 год — чт 10 дек. 2026 11:00",
        date=dt(12, 4, 17, 25),
    )
    return msg, other("not_procurement"), True


@message
def m040() -> Built:
    body = """Ольга, добрый день!

Хотел поблагодарить вас за оперативную поставку. Кресла (12 шт.) и столы получили в пятницу, \
всё в целости, сборщики уже всё собрали. Шкафы тоже на месте.

Отдельное спасибо водителю — помог занести на 4 этаж.
Будем обращаться ещё!

Сергей Бондарь
ООО "Логистик Плюс"
"""
    msg = finish(
        text(body),
        frm=("Сергей Бондарь", "s.bondar@mail-office.example"),
        to=BROKER_BUYER[1],
        subject="Спасибо за поставку мебели",
        date=dt(12, 21, 10, 12),
    )
    return msg, other("not_procurement"), False


# --------------------------------------------------------------------------- main


def build_all() -> list[tuple[bytes, dict[str, Any]]]:
    """Every message as bytes with its label, in order (the generator is reseeded first)."""
    RNG.seed(SEED)
    pairs = []
    for build in MESSAGES:
        msg, label, crlf = build()
        policy = compat32.clone(linesep="\r\n" if crlf else "\n")
        pairs.append((msg.as_bytes(policy=policy), label))
    return pairs


def write(out: Path) -> int:
    """Write every message and label into ``out``; the same bytes on every run."""
    return write_pairs(out, build_all())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write (default: here)")
    args = parser.parse_args()
    count = write(args.out)
    print(f"wrote {count} messages to {args.out}")


if __name__ == "__main__":
    main()
