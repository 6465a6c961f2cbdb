"""Bodies, charsets, transfer encodings, MIME structure, attachments and forwarded messages."""

from __future__ import annotations

import base64
import quopri

import pytest

from snab_mailparse import FORWARD_SEPARATOR, decode_text, parse_message

REQUEST = (
    "Добрый день!\n\nПросим выставить счёт на следующие позиции:\n"
    "1. Болт М8х30 DIN 933 оцинкованный - 400 шт.\n"
    '2. Гайка М8 DIN 934 - 400 шт.\n\nС уважением, Андрей Кузнецов\nООО "Стройсервис"\n'
)


def mime(headers: list[str], body: bytes | str = b"") -> bytes:
    """A raw part or message: header lines (ASCII), a blank line, the body."""
    if isinstance(body, str):
        body = body.encode("ascii")
    return ("\r\n".join(headers) + "\r\n\r\n").encode("ascii") + body


def multipart(subtype: str, parts: list[bytes], boundary: str) -> tuple[str, bytes]:
    """A Content-Type value and the body of a multipart holding ``parts``."""
    body = b"".join(b"--" + boundary.encode() + b"\r\n" + p + b"\r\n" for p in parts)
    body += b"--" + boundary.encode() + b"--\r\n"
    return f'multipart/{subtype}; boundary="{boundary}"', body


def letter(content_type: str, body: bytes, encoding: str = "8bit", subject: str = "test") -> bytes:
    return mime(
        [
            "From: =?utf-8?B?0JDQvdC00YDQtdC5INCa0YPQt9C90LXRhtC+0LI=?= <ak@stroyservis.example>",
            "To: zakupki@broker.example",
            f"Subject: {subject}",
            "Date: Mon, 16 Nov 2026 09:12:37 +0300",
            "Message-ID: <req-1@stroyservis.example>",
            "MIME-Version: 1.0",
            f"Content-Type: {content_type}",
            f"Content-Transfer-Encoding: {encoding}",
        ],
        body,
    )


@pytest.mark.parametrize(
    ("content_type", "charset", "defect_part"),
    [
        ('text/plain; charset="utf-8"', "utf-8", None),
        ('text/plain; charset="windows-1251"', "cp1251", None),
        ("text/plain", "cp1251", "no charset declared"),
        ('text/plain; charset="koi8-r"', "koi8-r", None),
        ("text/plain", "koi8-r", "no charset declared"),
        ('text/plain; charset="iso-8859-1"', "koi8-r", "looks wrong"),
        ('text/plain; charset="iso-8859-1"', "cp1251", "looks wrong"),
        ('text/plain; charset="us-ascii"', "koi8-r", "not valid us-ascii"),
        ('text/plain; charset="utf-8"', "cp1251", "not valid utf-8"),
        ('text/plain; charset="windows-1251"', "utf-8", "looks wrong"),
        ('text/plain; charset="windows-1251"', "koi8-r", "looks wrong"),
    ],
)
def test_plain_bodies_in_russian_charsets(
    content_type: str, charset: str, defect_part: str | None
) -> None:
    parsed = parse_message(letter(content_type, REQUEST.encode(charset)))
    assert parsed.text == REQUEST.strip()
    assert not parsed.unparseable
    if defect_part is None:
        assert parsed.defects == []
    else:
        assert any(defect_part in d for d in parsed.defects), parsed.defects


def test_quoted_printable_with_soft_line_breaks() -> None:
    encoded = quopri.encodestring(REQUEST.encode("utf-8").replace(b"\n", b"\r\n"))
    assert b"=\n" in encoded or b"=\r\n" in encoded
    parsed = parse_message(letter('text/plain; charset="utf-8"', encoded, "quoted-printable"))
    assert parsed.text == REQUEST.strip()


def test_base64_cp1251_body() -> None:
    encoded = base64.encodebytes(REQUEST.encode("cp1251"))
    parsed = parse_message(letter('text/plain; charset="windows-1251"', encoded, "base64"))
    assert parsed.text == REQUEST.strip()
    assert parsed.defects == []


def test_format_flowed_lines_are_joined() -> None:
    body = "Прошу выставить счёт на болты М8х30 \r\nв количестве 400 шт.\r\n\r\n-- \r\nИван\r\n"
    parsed = parse_message(
        letter('text/plain; charset="utf-8"; format=flowed', body.encode("utf-8"))
    )
    assert "Прошу выставить счёт на болты М8х30 в количестве 400 шт." in parsed.text.splitlines()
    assert "Иван" in parsed.text.splitlines()


@pytest.mark.parametrize(
    ("raw_subject", "expected"),
    [
        ("=?utf-8?B?0JfQsNC/0YDQvtGBINGG0LXQvQ==?=", "Запрос цен"),
        ("=?windows-1251?Q?=C7=E0=EF=F0=EE=F1_=F6=E5=ED?=", "Запрос цен"),
        # one character split over two encoded words, with folding between them
        ("=?utf-8?Q?=D0=97=D0?=\r\n =?utf-8?Q?=B0=D0=BF=D1=80=D0=BE=D1=81?=", "Запрос"),
        ("Re: =?koi8-r?B?+sHQ0s/T?= [RFQ-2026-0042-3]", "Re: Запрос [RFQ-2026-0042-3]"),
        # koi8-r bytes labelled as latin-1, and an unknown charset name
        ("=?iso-8859-1?Q?=FA=C1=D0=D2=CF=D3_=C3=C5=CE?=", "Запрос цен"),
        ("=?x-cyrillic-unknown?B?x+Dv8O7xIPbl7Q==?=", "Запрос цен"),
        ("=?utf-8?B?0JfQsNC/0YDQvtGB?= =?windows-1251?B?IPbl7Q==?=", "Запрос цен"),
    ],
)
def test_encoded_word_subjects(raw_subject: str, expected: str) -> None:
    parsed = parse_message(letter("text/plain", b"x", subject=raw_subject))
    assert parsed.subject == expected


@pytest.mark.parametrize("charset", ["cp1251", "utf-8", "koi8-r"])
def test_raw_8bit_headers(charset: str) -> None:
    raw = letter("text/plain", b"x").replace(
        b"Subject: test", "Subject: Заявка на крепёж для объекта".encode(charset)
    )
    raw = raw.replace(
        b"To: zakupki@broker.example",
        "To: Ольга Миронова <zakupki@broker.example>".encode(charset),
    )
    parsed = parse_message(raw)
    assert parsed.subject == "Заявка на крепёж для объекта"
    assert parsed.to[0].name == "Ольга Миронова"
    assert parsed.to[0].email == "zakupki@broker.example"


def test_top_level_headers() -> None:
    raw = letter("text/plain", b"x").replace(
        b"MIME-Version: 1.0",
        b"In-Reply-To: <rfq.42.abc@broker.example>\r\n"
        b"References: <a@x.example>\r\n <rfq.42.abc@broker.example>\r\n"
        b'Cc: "Petrov, Ivan" <petrov@x.example>, =?utf-8?B?0JjQstCw0L0=?= <ivan@x.example>\r\n'
        b"MIME-Version: 1.0",
    )
    parsed = parse_message(raw)
    assert parsed.from_addr is not None
    assert parsed.from_addr.name == "Андрей Кузнецов"
    assert parsed.from_addr.email == "ak@stroyservis.example"
    assert parsed.message_id == "<req-1@stroyservis.example>"
    assert parsed.in_reply_to == "<rfq.42.abc@broker.example>"
    assert parsed.references == ["<a@x.example>", "<rfq.42.abc@broker.example>"]
    assert [(a.name, a.email) for a in parsed.cc] == [
        ("Petrov, Ivan", "petrov@x.example"),
        ("Иван", "ivan@x.example"),
    ]
    assert parsed.date is not None
    assert parsed.date.isoformat() == "2026-11-16T09:12:37+03:00"
    assert len(parsed.raw_sha256) == 64


TABLE_HTML = """<html><head><style>td {font-size: 10pt}</style></head><body>
<p>Добрый день!</p><p>Просим КП по позициям:</p>
<table border="1">
<tr><th>№</th><th>Наименование</th><th>Кол-во</th><th>Ед.</th></tr>
<tr><td>1</td><td><p>Болт М8х30</p><p>DIN 933 оцинкованный</p></td><td>400</td><td>шт</td></tr>
<tr><td>2</td><td>Кабель ВВГнг(А)-LS<br>3х2,5</td><td>200</td><td>м</td></tr>
<tr><td>3</td><td><span>Цемент</span> <b>М500</b> Д0</td><td>120</td><td>меш.</td></tr>
</table>
<p>С уважением,<br>Татьяна Воронина</p></body></html>"""


def _row(text: str, start: str) -> list[str]:
    lines = [line for line in text.splitlines() if line.lstrip().startswith(start)]
    assert len(lines) == 1, text
    return [cell.strip() for cell in lines[0].split("|")]


def test_html_only_table_rows_stay_on_one_line() -> None:
    raw = letter('text/html; charset="windows-1251"', TABLE_HTML.encode("cp1251"))
    parsed = parse_message(raw)
    assert parsed.html is not None
    assert "<table" in parsed.html
    assert _row(parsed.text, "1 ") == ["1", "Болт М8х30 DIN 933 оцинкованный", "400", "шт"]
    assert _row(parsed.text, "2 ") == ["2", "Кабель ВВГнг(А)-LS 3х2,5", "200", "м"]
    assert _row(parsed.text, "3 ") == ["3", "Цемент М500 Д0", "120", "меш."]
    assert "Татьяна Воронина" in parsed.text
    assert "font-size" not in parsed.text


def test_html_charset_from_meta_tag() -> None:
    html = '<html><head><meta charset="koi8-r"></head><body>Запрос цен на кабель</body></html>'
    parsed = parse_message(letter("text/html", html.encode("koi8-r")))
    assert parsed.text == "Запрос цен на кабель"


def test_alternative_prefers_plain_text() -> None:
    plain = mime(['Content-Type: text/plain; charset="utf-8"'], REQUEST.encode("utf-8"))
    html = mime(
        ['Content-Type: text/html; charset="utf-8"', "Content-Transfer-Encoding: base64"],
        base64.encodebytes(TABLE_HTML.encode("utf-8")),
    )
    content_type, body = multipart("alternative", [plain, html], "alt-1")
    parsed = parse_message(letter(content_type, body))
    assert parsed.text == REQUEST.strip()
    assert parsed.html is not None
    assert "Болт М8х30" in parsed.html


def test_alternative_with_empty_plain_part_uses_html() -> None:
    plain = mime(['Content-Type: text/plain; charset="utf-8"'], b"\r\n")
    html = mime(['Content-Type: text/html; charset="utf-8"'], TABLE_HTML.encode("utf-8"))
    content_type, body = multipart("alternative", [plain, html], "alt-2")
    parsed = parse_message(letter(content_type, body))
    assert _row(parsed.text, "2 ")[1] == "Кабель ВВГнг(А)-LS 3х2,5"


def test_nested_mixed_alternative_related_with_attachments() -> None:
    plain = mime(['Content-Type: text/plain; charset="koi8-r"'], REQUEST.encode("koi8-r"))
    html = mime(['Content-Type: text/html; charset="utf-8"'], TABLE_HTML.encode("utf-8"))
    logo = mime(
        ["Content-Type: image/png", "Content-ID: <logo1>", "Content-Transfer-Encoding: base64"],
        base64.encodebytes(b"\x89PNG fake logo"),
    )
    related_type, related_body = multipart("related", [html, logo], "rel-1")
    related = mime([f"Content-Type: {related_type}"], related_body)
    alt_type, alt_body = multipart("alternative", [plain, related], "alt-3")
    alternative = mime([f"Content-Type: {alt_type}"], alt_body)
    csv_text = "Наименование;Кол-во;Ед.\r\nБолт М8х30;400;шт\r\n"
    csv_part = mime(
        [
            'Content-Type: text/csv; charset="windows-1251"',
            "Content-Disposition: attachment;\r\n"
            " filename*=UTF-8''%D0%97%D0%B0%D1%8F%D0%B2%D0%BA%D0%B0.csv",
            "Content-Transfer-Encoding: base64",
        ],
        base64.encodebytes(csv_text.encode("cp1251")),
    )
    xlsx_bytes = b"PK\x03\x04" + bytes(range(256)) * 4
    xlsx_part = mime(
        [
            "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;"
            ' name="=?utf-8?B?0KHQv9C10YbQuNGE0LjQutCw0YbQuNGPLnhsc3g=?="',
            "Content-Disposition: attachment;"
            ' filename="=?utf-8?B?0KHQv9C10YbQuNGE0LjQutCw0YbQuNGPLnhsc3g=?="',
            "Content-Transfer-Encoding: base64",
        ],
        base64.encodebytes(xlsx_bytes),
    )
    pdf_part = mime(
        [
            "Content-Type: application/pdf",
            "Content-Disposition: attachment;\r\n"
            " filename*0*=windows-1251''%D0%E5%EA%E2%E8%E7%E8%F2%FB;\r\n"
            " filename*1=.pdf",
            "Content-Transfer-Encoding: base64",
        ],
        base64.encodebytes(b"%PDF-1.4 fake"),
    )
    content_type, body = multipart("mixed", [alternative, csv_part, xlsx_part, pdf_part], "mix-1")
    parsed = parse_message(letter(content_type, body))
    assert parsed.text == REQUEST.strip()
    assert parsed.html is not None
    names = [a.filename for a in parsed.attachments]
    assert names == ["Заявка.csv", "Спецификация.xlsx", "Реквизиты.pdf"]
    csv_attachment, xlsx_attachment, pdf_attachment = parsed.attachments
    assert csv_attachment.content_type == "text/csv"
    assert csv_attachment.charset == "windows-1251"
    assert decode_text(csv_attachment.data, csv_attachment.charset).text == csv_text
    assert xlsx_attachment.data == xlsx_bytes
    assert xlsx_attachment.content_type.endswith("spreadsheetml.sheet")
    assert pdf_attachment.data == b"%PDF-1.4 fake"
    assert not parsed.defects


def test_named_inline_image_is_kept_and_marked() -> None:
    text = mime(['Content-Type: text/plain; charset="utf-8"'], "Схема во вложении".encode())
    image = mime(
        [
            "Content-Type: image/jpeg",
            'Content-Disposition: inline; filename="scheme.jpg"',
            "Content-Transfer-Encoding: base64",
        ],
        base64.encodebytes(b"\xff\xd8\xff fake jpeg"),
    )
    content_type, body = multipart("mixed", [text, image], "mix-2")
    parsed = parse_message(letter(content_type, body))
    assert [(a.filename, a.inline) for a in parsed.attachments] == [("scheme.jpg", True)]


def test_forwarded_message_text_and_attachments_are_included() -> None:
    inner_csv = mime(
        [
            'Content-Type: text/csv; charset="windows-1251"; name="items.csv"',
            'Content-Disposition: attachment; filename="items.csv"',
        ],
        "Болт М8х30;400;шт\r\n".encode("cp1251"),
    )
    inner_text = mime(
        ['Content-Type: text/plain; charset="windows-1251"', "Content-Transfer-Encoding: 8bit"],
        REQUEST.encode("cp1251"),
    )
    inner_type, inner_body = multipart("mixed", [inner_text, inner_csv], "inner-1")
    inner = mime(
        [
            "From: =?utf-8?B?0KHQsNCx0LjQvdCwINCQ0LvQuNC10LLQsA==?= <s.alieva@technodom.example>",
            "To: d.kravtsov@broker.example",
            "Subject: =?utf-8?B?0KHRh9GR0YIg0L3QsCDQsdC+0LvRgtGL?=",
            "Date: Wed, 25 Nov 2026 11:52:00 +0300",
            "Message-ID: <client-77@technodom.example>",
            f"Content-Type: {inner_type}",
        ],
        inner_body,
    )
    cover = mime(
        ['Content-Type: text/plain; charset="utf-8"'],
        "Коллеги, заведите заявку клиента.".encode(),
    )
    forwarded = mime(
        ["Content-Type: message/rfc822", "Content-Disposition: inline"],
        inner,
    )
    content_type, body = multipart("mixed", [cover, forwarded], "fwd-1")
    parsed = parse_message(letter(content_type, body, subject="Fwd: test"))
    text = parsed.text
    assert text.startswith("Коллеги, заведите заявку клиента.")
    assert FORWARD_SEPARATOR in text
    after = text.split(FORWARD_SEPARATOR, 1)[1]
    assert "От: Сабина Алиева <s.alieva@technodom.example>" in after
    assert "Тема: Счёт на болты" in after
    assert "1. Болт М8х30 DIN 933 оцинкованный - 400 шт." in after
    assert [a.filename for a in parsed.attachments] == ["items.csv"]
    assert len(parsed.forwarded) == 1
    assert parsed.forwarded[0].message_id == "<client-77@technodom.example>"
    assert parsed.forwarded[0].from_addr is not None
    assert parsed.forwarded[0].from_addr.email == "s.alieva@technodom.example"
    assert not parsed.bounce
    assert not parsed.auto_reply


def test_decode_text_helper() -> None:
    assert decode_text("Цена 12,50 руб.".encode("cp1251")).text == "Цена 12,50 руб."
    assert decode_text("Цена".encode("koi8-r"), "windows-1251").text != "Цена"  # too short
    long_koi8 = "Цена указана за штуку с учётом доставки".encode("koi8-r")
    fixed = decode_text(long_koi8, "windows-1251")
    assert fixed.text == "Цена указана за штуку с учётом доставки"
    assert fixed.defect is not None
    assert decode_text(b"plain ascii", "no-such-charset").defect is not None
    german = "Größe für Kabelschuh".encode("latin-1")
    assert decode_text(german, "iso-8859-1").text == "Größe für Kabelschuh"
