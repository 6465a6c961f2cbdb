"""Attachments as rows and lines the rule extractor reads like a body.

xlsx (openpyxl), csv (any delimiter, utf-8 or windows-1251), pdf (text layer, pypdf),
docx (python-docx, paragraphs and tables), txt and html. Anything else is skipped.
A file that cannot be read is skipped too: a broken attachment must not fail the parse.
"""

from __future__ import annotations

import contextlib
import csv
import io
import logging
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Final

from snab_mailparse import Attachment

log = logging.getLogger(__name__)

MAX_ROWS: Final = 2000
MAX_BYTES: Final = 10 * 1024 * 1024
MAX_PDF_PAGES: Final = 30


@dataclass
class AttachmentText:
    """What an attachment says: grids of cells (sheets, CSV, docx tables) and text lines."""

    filename: str
    grids: list[list[list[str]]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(self.grids) and not any(line.strip() for line in self.lines)


def _kind(att: Attachment) -> str:
    name = att.filename.lower()
    ctype = att.content_type.lower()
    if name.endswith((".xlsx", ".xlsm")) or "spreadsheetml" in ctype:
        return "xlsx"
    if name.endswith(".csv") or ctype in ("text/csv", "application/csv"):
        return "csv"
    if name.endswith(".pdf") or ctype == "application/pdf":
        return "pdf"
    if name.endswith(".docx") or "wordprocessingml" in ctype:
        return "docx"
    if name.endswith((".txt", ".tsv")) or ctype == "text/plain":
        return "txt"
    if name.endswith((".htm", ".html")) or ctype == "text/html":
        return "html"
    return ""


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)).normalize(), "f")
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def decode_text(data: bytes) -> str:
    """utf-8 (with or without BOM), else windows-1251, the usual encodings of Russian files."""
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def read_xlsx(data: bytes) -> list[list[list[str]]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    grids: list[list[list[str]]] = []
    try:
        for sheet in workbook.worksheets:
            grid: list[list[str]] = []
            for row in sheet.iter_rows(values_only=True):
                grid.append([_cell_text(v) for v in row])
                if len(grid) >= MAX_ROWS:
                    break
            while grid and not any(grid[-1]):
                grid.pop()
            if grid:
                grids.append(grid)
    finally:
        workbook.close()
    return grids


def read_csv(data: bytes) -> list[list[str]]:
    text = decode_text(data)
    sample = text[:4096]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    with contextlib.suppress(csv.Error):
        delimiter = csv.Sniffer().sniff(sample, delimiters=";,\t|").delimiter
    rows: list[list[str]] = []
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        rows.append([c.strip() for c in row])
        if len(rows) >= MAX_ROWS:
            break
    return rows


def read_pdf(data: bytes) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    lines: list[str] = []
    for page in reader.pages[:MAX_PDF_PAGES]:
        try:
            text = page.extract_text(extraction_mode="layout")
        except Exception:
            text = page.extract_text()
        lines.extend(line.rstrip() for line in (text or "").splitlines())
    return lines


def read_docx(data: bytes) -> tuple[list[list[list[str]]], list[str]]:
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
                # merged cells repeat the same object: keep their position, not their text
                text = cell.text.strip() if cell._tc is not previous else ""
                previous = cell._tc
                cells.append(" ".join(text.split()))
            grid.append(cells)
        grids.append(grid)
    return grids, lines


def read_attachment(att: Attachment) -> AttachmentText | None:
    """Rows and lines of a supported attachment, or None."""
    kind = _kind(att)
    if not kind or not att.data or len(att.data) > MAX_BYTES:
        return None
    out = AttachmentText(filename=att.filename)
    try:
        if kind == "xlsx":
            out.grids = read_xlsx(att.data)
        elif kind == "csv":
            out.grids = [read_csv(att.data)]
        elif kind == "pdf":
            out.lines = read_pdf(att.data)
        elif kind == "docx":
            out.grids, out.lines = read_docx(att.data)
        elif kind == "html":
            from snab_parser.rules.html import html_to_text

            out.lines = html_to_text(decode_text(att.data)).splitlines()
        else:
            out.lines = decode_text(att.data).splitlines()[:MAX_ROWS]
    except (zipfile.BadZipFile, ValueError, KeyError, OSError, csv.Error) as exc:
        log.warning("attachment_unreadable", extra={"file": att.filename, "error": str(exc)})
        return None
    except Exception as exc:
        log.warning("attachment_unreadable", extra={"file": att.filename, "error": repr(exc)})
        return None
    return None if out.empty else out


def read_attachments(attachments: list[Attachment]) -> list[AttachmentText]:
    return [t for t in (read_attachment(a) for a in attachments) if t is not None]
