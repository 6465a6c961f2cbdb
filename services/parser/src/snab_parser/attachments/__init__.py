"""Attachments as rows and lines the rule extractor reads like a body.

xlsx (openpyxl's sheet parser), csv (any delimiter, utf-8 or windows-1251), pdf (text layer,
pypdf), docx (paragraphs and tables, streamed), txt and html. Anything else is skipped. A
file that cannot be read is skipped too: a broken attachment must not fail the parse.

Every reader works within ``AttachmentLimits`` (see ``limits``): a file over a size limit is
refused before it is unpacked, and one that reaches a count limit (rows, columns, cells,
paragraphs, pages, characters) is read up to it. Either way the ``AttachmentText`` says so
(``skipped``, ``cut``), and the parse goes to a manager for review.
"""

from __future__ import annotations

import contextlib
import csv
import io
import logging
import zipfile
from dataclasses import dataclass, field

from snab_mailparse import Attachment
from snab_parser.attachments.limits import DEFAULT_LIMITS, AttachmentLimits, Budget, TooLarge
from snab_parser.attachments.values import cell_text, decode_text

__all__ = [
    "DEFAULT_LIMITS",
    "AttachmentLimits",
    "AttachmentText",
    "cell_text",
    "decode_text",
    "read_attachment",
    "read_attachments",
    "read_csv",
]

log = logging.getLogger(__name__)

# The sniffer reads this much of a csv file to guess its delimiter.
_CSV_SAMPLE = 4096


@dataclass
class AttachmentText:
    """What an attachment says: grids of cells (sheets, CSV, docx tables) and text lines."""

    filename: str
    grids: list[list[list[str]]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    #: the limits reached while reading ("rows", "cells", ...): more was there
    cut: list[str] = field(default_factory=list)
    #: why the file was not read at all, when a size limit refused it
    skipped: str | None = None

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


def read_csv(data: bytes, budget: Budget | None = None) -> list[list[str]]:
    budget = budget or Budget(DEFAULT_LIMITS)
    text = decode_text(data)
    sample = text[:_CSV_SAMPLE]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    with contextlib.suppress(csv.Error):
        delimiter = csv.Sniffer().sniff(sample, delimiters=";,\t|").delimiter
    rows: list[list[str]] = []
    limits = budget.limits
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        if len(rows) == limits.max_rows:
            budget.stop("rows")
            break
        if len(row) > limits.max_columns:
            budget.stop("columns")
            budget.cells += len(row) - limits.max_columns
            del row[limits.max_columns :]
        rows.append([budget.cell(c.strip()) for c in row])
        if budget.spent:
            break
    return rows


def _read_lines(text: str, budget: Budget) -> list[str]:
    lines: list[str] = []
    for line in text.splitlines():
        if len(lines) == budget.limits.max_rows:
            budget.stop("rows")
            break
        lines.append(budget.line(line))
        if budget.spent:
            break
    return lines


def _read_html(data: bytes, budget: Budget) -> list[str]:
    from snab_parser.rules.html import html_to_text

    text = decode_text(data)
    if len(text) > budget.limits.max_chars:
        budget.stop("characters")
        text = text[: budget.limits.max_chars]
    return _read_lines(html_to_text(text), budget)


def read_attachment(
    att: Attachment, limits: AttachmentLimits = DEFAULT_LIMITS
) -> AttachmentText | None:
    """Rows and lines of a supported attachment; None when there is nothing to read."""
    kind = _kind(att)
    if not kind or not att.data:
        return None
    out = AttachmentText(filename=att.filename)
    if len(att.data) > limits.max_bytes:
        out.skipped = f"{len(att.data)} bytes"
        return out
    budget = Budget(limits)
    try:
        if kind == "xlsx":
            from snab_parser.attachments.xlsx import read_xlsx

            out.grids = read_xlsx(att.data, budget)
        elif kind == "csv":
            out.grids = [read_csv(att.data, budget)]
        elif kind == "pdf":
            from snab_parser.attachments.pdf import read_pdf

            out.lines = read_pdf(att.data, budget)
        elif kind == "docx":
            from snab_parser.attachments.docx import read_docx

            out.grids, out.lines = read_docx(att.data, budget)
        elif kind == "html":
            out.lines = _read_html(att.data, budget)
        else:
            out.lines = _read_lines(decode_text(att.data), budget)
    except TooLarge as exc:
        log.warning("attachment_too_large", extra={"file": att.filename, "reason": str(exc)})
        return AttachmentText(filename=att.filename, skipped=str(exc))
    except (zipfile.BadZipFile, ValueError, KeyError, OSError, csv.Error) as exc:
        log.warning("attachment_unreadable", extra={"file": att.filename, "error": str(exc)})
        return None
    except Exception as exc:
        log.warning("attachment_unreadable", extra={"file": att.filename, "error": repr(exc)})
        return None
    out.cut = budget.cut
    return None if out.empty and not out.cut else out


def read_attachments(
    attachments: list[Attachment], limits: AttachmentLimits = DEFAULT_LIMITS
) -> list[AttachmentText]:
    return [t for t in (read_attachment(a, limits) for a in attachments) if t is not None]
