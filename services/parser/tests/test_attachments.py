"""Attachments read into rows and lines: xlsx, csv, docx, pdf."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from snab_mailparse import Attachment
from snab_parser.attachments import AttachmentLimits, read_attachment, read_csv
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


# -- the streamed readers read what openpyxl's and python-docx's full readers read ------------


def _docx_reference(data: bytes) -> tuple[list[list[list[str]]], list[str]]:
    """A docx read whole with python-docx, the way attachments were read before streaming."""
    from docx import Document

    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    grids: list[list[list[str]]] = []
    for table in document.tables:
        grid: list[list[str]] = []
        for row in table.rows:
            cells: list[str] = []
            previous = None
            for cell in row.cells:
                text = cell.text.strip() if cell._tc is not previous else ""
                previous = cell._tc
                cells.append(" ".join(text.split()))
            grid.append(cells)
        grids.append(grid)
    return grids, lines


def _rich_docx() -> bytes:
    from docx import Document
    from docx.enum.text import WD_BREAK

    doc = Document()
    doc.add_paragraph("Заявка на СИЗ\tот 07.12")
    p = doc.add_paragraph("Строка один")
    p.add_run().add_break()
    p.add_run("строка два")
    p.add_run().add_break(WD_BREAK.PAGE)
    doc.add_paragraph("")
    table = doc.add_table(rows=4, cols=4)
    values = [
        ["№", "Наименование", "Ед.", "Кол-во"],
        ["1", "Каска белая", "шт", "150"],
        ["2", "Перчатки нитриловые", "пар", "10 тыс."],
        ["3", "Очки", "шт", "20"],
    ]
    for r, row in enumerate(values):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.cell(1, 2).merge(table.cell(2, 2))  # merged down
    table.cell(3, 1).merge(table.cell(3, 2))  # merged across
    inner = table.cell(0, 1).add_table(rows=1, cols=1)  # nested tables are not read
    inner.cell(0, 0).text = "вложенная"
    table.cell(1, 1).add_paragraph("вторая строка ячейки")
    doc.add_paragraph("После таблицы")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def test_docx_reads_as_python_docx_does() -> None:
    data = _rich_docx()
    att = read_attachment(Attachment("z.docx", DOCX, data))
    assert att is not None and not att.cut
    assert (att.grids, att.lines) == _docx_reference(data)
    # merged down: both rows show the merged text; merged across: one text, then empty
    assert att.grids[0][1][2] == att.grids[0][2][2] == "шт пар"
    assert att.grids[0][3][1:3] == ["Очки шт", ""]


def _xlsx_reference(data: bytes) -> list[list[list[str]]]:
    """An xlsx read with openpyxl's row iterator, as attachments were read before."""
    from openpyxl import load_workbook

    from snab_parser.attachments import cell_text

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    grids = []
    for sheet in workbook.worksheets:
        grid = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        while grid and not any(grid[-1]):
            grid.pop()
        if grid:
            grids.append(grid)
    workbook.close()
    return grids


def test_xlsx_reads_as_openpyxl_does() -> None:
    from datetime import date, datetime

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Заявка", None, None, None])
    ws.append([])
    ws.append(["Наименование", "Кол-во", "Цена", "Срок"])
    ws.append(["Болт М8", 100, 12.5, date(2026, 12, 15)])
    ws.append(["Гайка М8", 200.0, True, datetime(2026, 12, 20, 10, 30)])
    ws["B9"] = 7  # rows 7 and 8 left out
    ws.merge_cells("A4:A5")
    second = wb.create_sheet("Лист2")
    second["C3"] = "только здесь"
    buf = io.BytesIO()
    wb.save(buf)
    att = read_attachment(Attachment("z.xlsx", XLSX, buf.getvalue()))
    assert att is not None and not att.cut
    assert att.grids == _xlsx_reference(buf.getvalue())


# -- limits --------------------------------------------------------------------------------


def _limits(**values: int) -> AttachmentLimits:
    return AttachmentLimits(**values)


def test_a_wide_sheet_is_read_up_to_the_column_and_cell_limits() -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Наименование", "Кол-во", *["x"] * 200])
    for n in range(50):
        ws.append([f"Болт М{n}", n + 1, *range(200)])
    buf = io.BytesIO()
    wb.save(buf)
    limits = _limits(max_columns=10, max_cells=300)
    att = read_attachment(Attachment("z.xlsx", XLSX, buf.getvalue()), limits)
    assert att is not None
    assert {len(row) for row in att.grids[0]} == {10}
    assert att.cut == ["columns", "cells"]
    assert len(att.grids[0]) < 51  # stopped at the cell limit, the rows read are kept
    assert att.grids[0][1][:2] == ["Болт М0", "1"]


def test_a_zip_declaring_too_much_is_refused_unread() -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Наименование", "Кол-во"])
    wb.active.append(["x" * 5000, 1])
    buf = io.BytesIO()
    wb.save(buf)
    att = read_attachment(
        Attachment("z.xlsx", XLSX, buf.getvalue()), _limits(max_inflated_bytes=4000)
    )
    assert att is not None and att.skipped is not None and "unpacked" in att.skipped
    assert att.grids == [] and att.lines == []


def test_a_long_docx_stops_at_the_paragraph_limit() -> None:
    from docx import Document

    doc = Document()
    for n in range(300):
        doc.add_paragraph(f"Строка {n}")
    buf = io.BytesIO()
    doc.save(buf)
    att = read_attachment(Attachment("z.docx", DOCX, buf.getvalue()), _limits(max_paragraphs=100))
    assert att is not None and att.cut == ["paragraphs"]
    assert att.lines == [f"Строка {n}" for n in range(100)]


def test_long_cells_and_lines_are_cut() -> None:
    text = "Наименование;Кол-во\n" + "Болт М8" * 1000 + ";1\n"
    att = read_attachment(
        Attachment("z.csv", "text/csv", text.encode()), _limits(max_cell_chars=21)
    )
    assert att is not None and att.cut == ["long_text"]
    assert att.grids[0][1] == ["Болт М8Болт М8Болт М8", "1"]
    lines = read_attachment(
        Attachment("z.txt", "text/plain", text.encode()), _limits(max_line_chars=7)
    )
    assert lines is not None and lines.lines == ["Наимено", "Болт М8"]


def test_a_sheet_declaring_too_small_a_dimension_is_read_whole() -> None:
    import re
    import zipfile

    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Наименование", "Кол-во", "Ед."])
    wb.active.append(["Болт М8", 100, "шт"])
    written = io.BytesIO()
    wb.save(written)
    # some writers declare "A1" whatever the sheet holds; openpyxl's rows then stop at A1
    fixed = io.BytesIO()
    with zipfile.ZipFile(written) as src, zipfile.ZipFile(fixed, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', data)
            dst.writestr(info, data)
    att = read_attachment(Attachment("z.xlsx", XLSX, fixed.getvalue()))
    assert att is not None
    assert att.grids == [[["Наименование", "Кол-во", "Ед."], ["Болт М8", "100", "шт"]]]
