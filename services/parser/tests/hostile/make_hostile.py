"""Writes the hostile corpus: emails crafted to make the parser slow, huge or wrong.

    .venv/bin/python services/parser/tests/hostile/make_hostile.py

Deterministic (fixed dates, ids, boundaries and compression), so the committed files change
only when this script does. Each case names what it attacks; the tests run every one through
the CLI and through the running service.

- ReDoS shapes in bodies, attachment rows and headers: runs of spaces, tabs, digits, spaced
  thousands, dots, letters and separators that drove rule regexes into quadratic time;
- xlsx and docx bombs: rows, columns, shared strings, a declared dimension, one inflated
  cell, paragraphs and table cells, all small on the wire and huge once unpacked;
- a pdf page whose content stream inflates to tens of megabytes;
- values: numbers of hundreds and thousands of digits, NUL characters in an attachment,
  bidi and zero-width controls inside item names.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES_DIR = HERE / "cases"

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_EPOCH = (2026, 12, 7, 10, 0, 0)  # every zip member's timestamp


@dataclass(frozen=True)
class Case:
    name: str
    attack: str
    build: Callable[[], bytes]


# -- mail ------------------------------------------------------------------------------


def _mail(
    name: str,
    body: str,
    *,
    subject: str = "Заявка",
    attachments: list[tuple[str, str, bytes]] | None = None,
) -> bytes:
    msg = MIMEMultipart("mixed", boundary=f"=={name}==")
    msg["From"] = formataddr(("Иван Петров", "snab@client.example"))
    msg["To"] = "zakupki@broker.example"
    msg["Subject"] = subject
    msg["Date"] = "Mon, 07 Dec 2026 10:00:00 +0300"
    msg["Message-ID"] = f"<hostile.{name}@client.example>"
    msg.attach(MIMEText(body, "plain", "utf-8"))
    for filename, ctype, data in attachments or []:
        part = MIMEApplication(data, _subtype=ctype.split("/", 1)[1])
        part.replace_header("Content-Type", ctype)
        part.add_header("Content-Disposition", "attachment", filename=filename)
        msg.attach(part)
    return msg.as_bytes()


def _zip(members: Iterator[tuple[str, Iterator[bytes]]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, chunks in members:
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(info, "w", force_zip64=True) as out:
                for chunk in chunks:
                    out.write(chunk)
    return buf.getvalue()


def _once(text: str) -> Iterator[bytes]:
    yield text.encode("utf-8")


def _repeat(head: str, unit: str, count: int, tail: str) -> Iterator[bytes]:
    yield head.encode("utf-8")
    block = (unit * 4096).encode("utf-8")
    whole, rest = divmod(count, 4096)
    for _ in range(whole):
        yield block
    yield (unit * rest + tail).encode("utf-8")


# -- xlsx ------------------------------------------------------------------------------

_OOXML = "application/vnd.openxmlformats-officedocument."
_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def _types(*parts: tuple[str, str]) -> str:
    """[Content_Types].xml declaring each (part, content type)."""
    overrides = "".join(
        f'<Override PartName="{part}" ContentType="{_OOXML}{kind}"/>' for part, kind in parts
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f"{overrides}</Types>"
    )


def _relationships(*targets: tuple[str, str, str]) -> str:
    """A .rels part: each (id, type, target)."""
    items = "".join(
        f'<Relationship Id="{rid}" Type="{_RELATIONSHIP}{kind}" Target="{target}"/>'
        for rid, kind, target in targets
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f"{items}</Relationships>"
    )


_XLSX_TYPES = _types(
    ("/xl/workbook.xml", "spreadsheetml.sheet.main+xml"),
    ("/xl/worksheets/sheet1.xml", "spreadsheetml.worksheet+xml"),
    ("/xl/sharedStrings.xml", "spreadsheetml.sharedStrings+xml"),
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Заявка" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = _relationships(
    ("rId1", "worksheet", "worksheets/sheet1.xml"),
    ("rId2", "sharedStrings", "sharedStrings.xml"),
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "{dimension}<sheetData>"
)
_SHEET_TAIL = "</sheetData></worksheet>"
_HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>Наименование</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>Кол-во</t></is></c>'
    '<c r="C1" t="inlineStr"><is><t>Ед.</t></is></c></row>'
)


def _xlsx(sheet: Iterator[bytes], shared: Iterator[bytes] | None = None) -> bytes:
    strings = shared or _once(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" '
        'uniqueCount="0"></sst>'
    )
    return _zip(
        iter(
            [
                ("[Content_Types].xml", _once(_XLSX_TYPES)),
                (
                    "_rels/.rels",
                    _once(_relationships(("rId1", "officeDocument", "xl/workbook.xml"))),
                ),
                ("xl/workbook.xml", _once(_WORKBOOK)),
                ("xl/_rels/workbook.xml.rels", _once(_WORKBOOK_RELS)),
                ("xl/worksheets/sheet1.xml", sheet),
                ("xl/sharedStrings.xml", strings),
            ]
        )
    )


def _wide_rows(rows: int, columns: int) -> Iterator[bytes]:
    yield _SHEET_HEAD.format(dimension="").encode()
    yield _HEADER_ROW.encode()
    row = ("<row>" + "<c><v>1</v></c>" * columns + "</row>").encode()
    for _ in range(rows):
        yield row
    yield _SHEET_TAIL.encode()


def xlsx_columns() -> bytes:
    data = _xlsx(_wide_rows(100, 16384))
    return _mail(
        "xlsx_columns",
        "Добрый день! Заявка во вложении.",
        attachments=[("заявка.xlsx", XLSX, data)],
    )


def xlsx_wide() -> bytes:
    data = _xlsx(_wide_rows(1000, 16384))
    return _mail(
        "xlsx_wide", "Добрый день! Заявка во вложении.", attachments=[("заявка.xlsx", XLSX, data)]
    )


def xlsx_rows() -> bytes:
    row = '<row><c t="inlineStr"><is><t>Болт М8х30</t></is></c><c><v>100</v></c></row>'
    sheet = _repeat(_SHEET_HEAD.format(dimension="") + _HEADER_ROW, row, 300_000, _SHEET_TAIL)
    data = _xlsx(sheet)
    return _mail(
        "xlsx_rows", "Добрый день! Заявка во вложении.", attachments=[("заявка.xlsx", XLSX, data)]
    )


def xlsx_shared_strings() -> bytes:
    count = 1_000_000
    shared = _repeat(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{count}" '
        f'uniqueCount="{count}">',
        "<si><t>Болт</t></si>",
        count,
        "</sst>",
    )
    sheet = _once(
        _SHEET_HEAD.format(dimension="") + _HEADER_ROW
        + '<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2"><v>5</v></c></row>' + _SHEET_TAIL
    )  # fmt: skip
    data = _xlsx(sheet, shared)
    return _mail(
        "xlsx_shared_strings", "Добрый день! Заявка во вложении.",
        attachments=[("заявка.xlsx", XLSX, data)],
    )  # fmt: skip


def xlsx_dimension() -> bytes:
    sheet = _once(
        _SHEET_HEAD.format(dimension='<dimension ref="A1:XFD1048576"/>') + _HEADER_ROW
        + '<row r="2"><c r="A2" t="inlineStr"><is><t>Болт М8</t></is></c><c r="B2"><v>5</v></c>'
        '</row><row r="1999"><c r="C1999" t="inlineStr"><is><t>конец</t></is></c></row>'
        + _SHEET_TAIL
    )  # fmt: skip
    data = _xlsx(sheet)
    return _mail(
        "xlsx_dimension",
        "Добрый день! Заявка во вложении.",
        attachments=[("заявка.xlsx", XLSX, data)],
    )


def xlsx_inflated_cell() -> bytes:
    sheet = _repeat(
        _SHEET_HEAD.format(dimension="")
        + _HEADER_ROW
        + '<row r="2"><c r="A2" t="inlineStr"><is><t>',
        "a ",
        100_000_000,
        '</t></is></c><c r="B2"><v>5</v></c></row>' + _SHEET_TAIL,
    )
    data = _xlsx(sheet)
    return _mail(
        "xlsx_inflated_cell", "Добрый день! Заявка во вложении.",
        attachments=[("заявка.xlsx", XLSX, data)],
    )  # fmt: skip


def xlsx_redos_cells() -> bytes:
    """Quantity and name cells made of the shapes the table readers choked on."""
    cells = [
        ("Болт М8" + " " * 3000 + "x", "1 " * 1500 + "\x01"),
        ("123 " * 800, " " * 3000 + "!"),
        ("Гайка" + "\t" * 3000, "1" * 3000 + "шт"),
        ("Шайба " + "цена" * 700, "1." * 1500),
    ]
    rows = "".join(
        f'<row><c t="inlineStr"><is><t xml:space="preserve">{_xml(a)}</t></is></c>'
        f'<c t="inlineStr"><is><t xml:space="preserve">{_xml(b)}</t></is></c></row>'
        for _ in range(150)
        for a, b in cells
    )
    data = _xlsx(_once(_SHEET_HEAD.format(dimension="") + _HEADER_ROW + rows + _SHEET_TAIL))
    return _mail(
        "xlsx_redos_cells", "Заявка во вложении.", attachments=[("заявка.xlsx", XLSX, data)]
    )


def _xml(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "".join(ch if ch >= " " or ch in "\t\n" else f"_x{ord(ch):04X}_" for ch in text)


# -- docx ------------------------------------------------------------------------------

_DOCX_TYPES = _types(("/word/document.xml", "wordprocessingml.document.main+xml"))
_DOC_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
)
_DOC_TAIL = "</w:body></w:document>"


def _docx(document: Iterator[bytes]) -> bytes:
    return _zip(
        iter(
            [
                ("[Content_Types].xml", _once(_DOCX_TYPES)),
                (
                    "_rels/.rels",
                    _once(_relationships(("rId1", "officeDocument", "word/document.xml"))),
                ),
                ("word/document.xml", document),
            ]
        )
    )


def docx_paragraphs() -> bytes:
    doc = _repeat(_DOC_HEAD, "<w:p><w:r><w:t>Болт М8 — 1 шт</w:t></w:r></w:p>", 500_000, _DOC_TAIL)
    return _mail(
        "docx_paragraphs", "Заявка во вложении.", attachments=[("заявка.docx", DOCX, _docx(doc))]
    )


def docx_table() -> bytes:
    cell = "<w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>"
    header = (
        "<w:tr>"
        + "".join(
            f"<w:tc><w:p><w:r><w:t>{h}</w:t></w:r></w:p></w:tc>" for h in ("Наименование", "Кол-во")
        )
        + cell * 48
        + "</w:tr>"
    )
    row = "<w:tr>" + cell * 50 + "</w:tr>"
    doc = _repeat(_DOC_HEAD + "<w:tbl>" + header, row, 10_000, "</w:tbl>" + _DOC_TAIL)
    return _mail(
        "docx_table", "Заявка во вложении.", attachments=[("заявка.docx", DOCX, _docx(doc))]
    )


# -- pdf -------------------------------------------------------------------------------


def pdf_stream() -> bytes:
    content = zlib.compress(b"BT /F1 12 Tf 72 712 Td " + b"(1 1 1 1 ) Tj " * 5_000_000 + b"ET", 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content)
        + content
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return _mail(
        "pdf_stream",
        "Заявка во вложении.",
        attachments=[("заявка.pdf", "application/pdf", out.getvalue())],
    )


# -- ReDoS shapes ----------------------------------------------------------------------


# Lines of just under 5 000 characters: longer ones were cut to 5 000 before the rules ran.
_LONG = 4900


def _long_lines(first: str, line: str, count: int = 9) -> str:
    return "\n".join([first, *([line] * count)])


def body_spaces() -> bytes:
    body = _long_lines(
        "Добрый день! Прошу счёт:\nБолт М8х30 — 100 шт", "Гайка М8" + " " * _LONG + "x"
    )
    return _mail("body_spaces", body)


def body_tabs() -> bytes:
    body = _long_lines(
        "Добрый день! Прошу счёт:\nШайба М8\t200 шт", "Гайка" + "\t " * (_LONG // 2) + "1x"
    )
    return _mail("body_tabs", body)


def body_spaced_digits() -> bytes:
    body = _long_lines(
        "Прошу выставить счёт:\nГайка М10 — 50 шт", "Болт М10 " + "123 " * (_LONG // 4) + "!"
    )
    return _mail("body_spaced_digits", body)


def body_digits() -> bytes:
    body = _long_lines(
        "Прошу выставить счёт:\nДюбель 6х40 — 100 шт", "Саморез 4,2х16 — " + "1" * _LONG + "x"
    )
    return _mail("body_digits", body)


def body_words() -> bytes:
    """Long words made of the stems the rule regexes look for, with nothing after them."""
    lines = [
        "Прошу выставить счёт:",
        *["Кабель ВВГ " + "цена" * 1200 + " !"] * 3,
        *["Провод ПВС " + "перв" * 1200] * 3,
        *["Оплата " + "оплат" * 950] * 3,
        *["Срок " + "действ" * 800 + " 12"] * 3,
    ]
    return _mail("body_words", "\n".join(lines))


def body_separators() -> bytes:
    lines = [
        "Заявка:",
        "Болт М6 — 10 шт",
        *["Кабель " + " - " * 1600 + "x"] * 2,
        *["Гвозди " + ", " * 2400 + "!"] * 2,
        *["Скобы" + " — , ;" * 800 + " 5"] * 2,
        *["Лента " + "1." * 2400] * 2,
        "Имя:" + "\n" * 4000 + "x",
    ]
    return _mail("body_separators", "\n".join(lines))


def body_huge() -> bytes:
    line = "Болт М8 " + " " * 200 + "1 000 " * 30 + "шт\n"
    return _mail("body_huge", "Заявка:\n" + line * 400)


def header_subject() -> bytes:
    return _mail(
        "header_subject",
        "Добрый день! Нужен болт М8 — 100 шт.",
        subject="Re: " * 300 + "Заявка" + " " * 3000 + "x",
    )


def attachment_rows_csv() -> bytes:
    rows = ["Наименование;Кол-во;Ед."]
    for _ in range(60):
        rows.append("Болт М8" + " " * 2000 + ";" + "1 " * 800 + ";шт")
        rows.append("Гайка " + "123 " * 500 + ";" + " " * 1500 + "x;шт")
    data = "\n".join(rows).encode("utf-8")
    return _mail(
        "attachment_rows_csv", "Заявка во вложении.", attachments=[("заявка.csv", "text/csv", data)]
    )


def attachment_rows_txt() -> bytes:
    rows = []
    for _ in range(60):
        rows.append("Болт М8\t" + "\t" * 3000 + "1")
        rows.append("Кабель " + "1 " * 1500 + "м")
    data = "\n".join(rows).encode("utf-8")
    return _mail(
        "attachment_rows_txt",
        "Заявка во вложении.",
        attachments=[("заявка.txt", "text/plain", data)],
    )


# -- values ----------------------------------------------------------------------------


def giant_number() -> bytes:
    lines = ["Прошу выставить счёт:", "Болт М8х30 — " + "9" * 5000 + " шт", "Гайка М8 — 100 шт"]
    return _mail("giant_number", "\n".join(lines))


def long_quantity() -> bytes:
    lines = ["Прошу выставить счёт:", "Болт М8х30 — 1" + "0" * 500 + " шт"]
    return _mail("long_quantity", "\n".join(lines))


def giant_price() -> bytes:
    lines = [
        "Добрый день! По вашему запросу предлагаем:",
        "Болт М8х30 — 100 шт — " + "7" * 600 + " руб./шт",
        "Гайка М8 — 100 шт — 2,50 руб./шт",
        "Цены с НДС.",
    ]
    return _mail("giant_price", "\n".join(lines), subject="Re: Запрос цен RFQ-2026-0042-1")


def nul_attachment() -> bytes:
    csv_data = "Наименование;Кол-во;Ед.\nБолт\x00 М8;100;шт\nГайка М8\x00\x00;200;шт\n".encode()
    return _mail(
        "nul_attachment", "Заявка во вложении.\x00",
        attachments=[("заявка\x00.csv", "text/csv", csv_data)],
    )  # fmt: skip


def bidi_names() -> bytes:
    lines = [
        "Прошу выставить счёт:",
        "1. Болт М8\u202e03х\u202c — 100 шт",
        "2. Гайка\u200b М8\u2066 DIN\u2069 934 — 200 шт",
        "3. \ufeffШайба\u200d М8\u061c\u200e — 300 шт",
    ]
    return _mail("bidi_names", "\n".join(lines), subject="Заявка \u202eвонаворк\u202c")


CASES: tuple[Case, ...] = (
    Case("body_spaces", "body lines of 4 900 spaces and a stray letter", body_spaces),
    Case("body_tabs", "body lines of 4 900 tabs and spaces", body_tabs),
    Case("body_spaced_digits", "body lines of spaced thousands, no unit", body_spaced_digits),
    Case("body_digits", "body lines of 4 900 digits", body_digits),
    Case("body_words", "long words made of regex stems (цена, перв, оплат, действ)", body_words),
    Case("body_separators", "runs of dashes, commas, dots and blank lines", body_separators),
    Case("body_huge", "400 long table-like lines", body_huge),
    Case("header_subject", "a subject of 300 Re: prefixes and 3 000 spaces", header_subject),
    Case("attachment_rows_csv", "csv rows of space and spaced-digit runs", attachment_rows_csv),
    Case("attachment_rows_txt", "text attachment rows of tab and digit runs", attachment_rows_txt),
    Case("xlsx_redos_cells", "xlsx cells of space, digit, tab and stem runs", xlsx_redos_cells),
    Case("xlsx_columns", "xlsx of 100 rows by 16 384 columns", xlsx_columns),
    Case("xlsx_wide", "xlsx of 1 000 rows by 16 384 columns (245 MB unpacked)", xlsx_wide),
    Case("xlsx_rows", "xlsx of 300 000 rows", xlsx_rows),
    Case("xlsx_shared_strings", "xlsx with a million shared strings", xlsx_shared_strings),
    Case("xlsx_dimension", "xlsx declaring A1:XFD1048576, a cell on row 1 999", xlsx_dimension),
    Case("xlsx_inflated_cell", "xlsx with one cell of 200 MB", xlsx_inflated_cell),
    Case("docx_paragraphs", "docx of 500 000 paragraphs", docx_paragraphs),
    Case("docx_table", "docx table of 10 000 rows by 50 cells", docx_table),
    Case("pdf_stream", "pdf page whose content stream inflates to 70 MB", pdf_stream),
    Case("giant_number", "a quantity of 5 000 digits", giant_number),
    Case("long_quantity", "a quantity of 501 digits", long_quantity),
    Case("giant_price", "a quoted price of 600 digits", giant_price),
    Case("nul_attachment", "NUL in a csv attachment, its name and the body", nul_attachment),
    Case("bidi_names", "bidi and zero-width controls in item names and the subject", bidi_names),
)  # fmt: skip


def main() -> None:
    CASES_DIR.mkdir(exist_ok=True)
    for case in CASES:
        data = case.build()
        (CASES_DIR / f"{case.name}.eml").write_bytes(data)
        print(f"{case.name}.eml {len(data):>9,} bytes  {case.attack}")


if __name__ == "__main__":
    main()
