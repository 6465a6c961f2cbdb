"""Attachments read into rows and lines: xlsx, csv, docx, pdf."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from snab_mailparse import Attachment
from snab_parser.attachments import read_attachment, read_csv
from snab_parser.rules.items import items_from_attachment

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _xlsx(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_with_title_rows_before_the_header() -> None:
    data = _xlsx(
        [
            ["Заявка на материалы", None, None],
            [None, None, None],
            ["Наименование", "Ед. изм.", "Кол-во"],
            ["Арматура А500С d10", "т", 1.6],
            ["Саморез кровельный 5,5х32", "шт", 1500],
        ]
    )
    att = read_attachment(Attachment("z.xlsx", XLSX, data))
    assert att is not None
    items = items_from_attachment(att)
    assert [(i.name, i.quantity, i.unit) for i in items] == [
        ("Арматура А500С d10", Decimal("1.6"), "т"),
        ("Саморез кровельный 5,5х32", Decimal(1500), "шт"),
    ]


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("№;Наименование;Ед. изм.;Кол-во\n1;Кабель NYM 3х1,5;м;500\n", "cp1251"),
        ("Наименование,Кол-во,Ед.\nКабель NYM 3х1.5,500,м\n", "utf-8"),
        ("Наименование\tКол-во\tЕд.\nКабель NYM 3х1,5\t500\tм\n", "utf-8-sig"),
    ],
)
def test_csv_any_delimiter_and_encoding(text: str, encoding: str) -> None:
    att = read_attachment(Attachment("z.csv", "text/csv", text.encode(encoding)))
    assert att is not None
    items = items_from_attachment(att)
    assert [(i.quantity, i.unit) for i in items] == [(Decimal(500), "м")]
    assert items[0].name.startswith("Кабель NYM 3х1")


def test_csv_keeps_quoted_semicolons() -> None:
    rows = read_csv('Наименование;Кол-во\n"Болт; оцинк.";10\n'.encode())
    assert rows[1] == ["Болт; оцинк.", "10"]


def test_docx_paragraphs_and_table() -> None:
    from docx import Document

    doc = Document()
    doc.add_paragraph("Заявка на СИЗ")
    table = doc.add_table(rows=3, cols=3)
    for r, row in enumerate(
        [
            ["Наименование", "Ед.", "Количество"],
            ["Каска белая", "шт", "150"],
            ["Перчатки нитриловые", "пар", "10 тыс."],
        ]
    ):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    buf = io.BytesIO()
    doc.save(buf)
    att = read_attachment(Attachment("z.docx", DOCX, buf.getvalue()))
    assert att is not None
    assert "Заявка на СИЗ" in att.lines
    items = items_from_attachment(att)
    assert [(i.name, i.quantity, i.unit) for i in items] == [
        ("Каска белая", Decimal(150), "шт"),
        ("Перчатки нитриловые", Decimal(10000), "пар"),
    ]


def test_pdf_text_layer() -> None:
    weasyprint = pytest.importorskip("weasyprint")
    pdf = weasyprint.HTML(
        string="<style>td,th{padding:4px 20px}</style><table>"
        "<tr><th>Наименование</th><th>Ед.</th><th>Кол-во</th></tr>"
        "<tr><td>Краска фасадная белая</td><td>кг</td><td>450</td></tr></table>"
    ).write_pdf()
    att = read_attachment(Attachment("z.pdf", "application/pdf", pdf))
    assert att is not None
    items = items_from_attachment(att)
    assert [(i.name, i.quantity, i.unit) for i in items] == [
        ("Краска фасадная белая", Decimal(450), "кг")
    ]


def test_broken_and_unknown_files_are_skipped() -> None:
    assert read_attachment(Attachment("z.xlsx", XLSX, b"not a zip")) is None
    assert read_attachment(Attachment("photo.jpg", "image/jpeg", b"\xff\xd8\xff")) is None
    assert read_attachment(Attachment("z.pdf", "application/pdf", b"%PDF-broken")) is None
