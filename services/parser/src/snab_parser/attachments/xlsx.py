"""Sheets of an xlsx as grids of cell texts, read row by row within the limits.

openpyxl's read-only mode streams the sheet XML, but its row iterator trusts the sheet's
declared dimension ("A1:XFD1048576" pads every row to 16 384 cells) and hides how many cells
a row really had. The rows are therefore taken from openpyxl's own sheet parser (the one its
read-only worksheets use), so that rows, columns and cells are counted as they stream by.
Dates, numbers and shared strings come out converted exactly as openpyxl converts them.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any, Final

from snab_parser.attachments.limits import Budget, TooLarge
from snab_parser.attachments.values import cell_text
from snab_parser.attachments.zipped import open_checked

_TYPES: Final = "[Content_Types].xml"
_SHARED_STRINGS_TYPE: Final = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)


def read_xlsx(data: bytes, budget: Budget) -> list[list[list[str]]]:
    from openpyxl import load_workbook

    with open_checked(data, budget.limits) as archive:
        _check_shared_strings(archive, budget.limits.max_shared_strings)
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    grids: list[list[list[str]]] = []
    try:
        for sheet in workbook.worksheets:
            if budget.spent:
                break
            grid = _read_sheet(workbook, sheet, budget)
            while grid and not any(grid[-1]):
                grid.pop()
            if grid:
                grids.append(grid)
    finally:
        workbook.close()
    return grids


def _read_sheet(workbook: Any, sheet: Any, budget: Budget) -> list[list[str]]:
    from openpyxl.worksheet._reader import WorkSheetParser

    limits = budget.limits
    # Rows are as wide as the declared dimension, like openpyxl's own rows (but a dimension
    # of a million rows or columns is not trusted to pad anything).
    declared = sheet.max_column
    width = min(declared, limits.max_columns) if declared else None
    grid: list[list[str]] = []
    with workbook._archive.open(sheet._worksheet_path) as source:
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=workbook.data_only,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        expected = 1
        for index, cells in parser.parse():
            while expected < index and len(grid) < limits.max_rows:
                grid.append([""] * (width or 0))  # a row the sheet leaves out
                expected += 1
            if len(grid) >= limits.max_rows:
                budget.stop("rows")
                break
            expected = index + 1
            # as wide as declared, or as its last cell when a writer declared too little
            # ("A1" for a whole sheet), never wider than the column limit
            last = min(cells[-1]["column"], limits.max_columns) if cells else 0
            row = [""] * max(width or 0, last)
            for cell in cells:
                column = cell["column"]
                if column <= len(row):
                    row[column - 1] = budget.cell(cell_text(cell["value"]))
                    continue
                budget.count_cell()  # read, and left out
                if column > limits.max_columns:
                    budget.stop("columns")
            grid.append(row)
            if budget.spent:
                break
    return grid


def _check_shared_strings(archive: zipfile.ZipFile, limit: int) -> None:
    """openpyxl loads the whole shared string table before the first row: count it first,
    streaming, in the part the package declares for it."""
    from lxml import etree

    names = set(archive.namelist())
    parts: list[str] = []
    if _TYPES in names:
        with archive.open(_TYPES) as types:
            for _, element in etree.iterparse(types, resolve_entities=False, no_network=True):
                if element.get("ContentType") == _SHARED_STRINGS_TYPE:
                    parts.append(str(element.get("PartName", "")).lstrip("/"))
                element.clear()
    for part in parts:
        if part not in names:
            continue
        count = 0
        with archive.open(part) as strings:
            for _, element in etree.iterparse(strings, resolve_entities=False, no_network=True):
                if isinstance(element.tag, str) and element.tag.endswith("}si"):
                    count += 1
                    if count > limit:
                        raise TooLarge(f"more than {limit} shared strings")
                    element.clear()
