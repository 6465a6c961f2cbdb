"""Builders shared by the corpus generators (``corpus*/make_*.py``).

Labels in the shape of ``CORPUS_FORMAT.md`` (``item``, ``request``, ``line``, ``quote``,
``other``), office attachments that rebuild byte for byte (``xlsx``, ``docx``: fixed zip
member times and document timestamps), and ``write_pairs``, which writes ``NNN.eml`` +
``NNN.json`` with stable numbering. A generator imports this module by putting its parent
folder on ``sys.path``; every generator is deterministic, so a rerun changes no byte and the
numbers (``001`` …) stay the ids of the same cases.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

# --------------------------------------------------------------------------- labels


def item(name: str, qty: float, unit: str, article: str | None = None) -> dict[str, Any]:
    """One request item."""
    return {"name": name, "quantity": qty, "unit": unit, "article": article}


def request(
    items: list[dict[str, Any]],
    deadline: str | None = None,
    company: str | None = None,
    inn: str | None = None,
    phone: str | None = None,
) -> dict[str, Any]:
    """A request label."""
    return {
        "kind": "request",
        "request": {
            "items": items,
            "deadline": deadline,
            "company": company,
            "inn": inn,
            "contact_phone": phone,
        },
    }


def line(
    name: str,
    price: float | None,
    qty: float | None,
    unit: str | None,
    available: bool | None = True,
    lead: int | None = None,
) -> dict[str, Any]:
    """One quote line; ``price`` is the unit price."""
    return {
        "name": name,
        "unit_price": price,
        "quantity": qty,
        "unit": unit,
        "available": available,
        "lead_time_days": lead,
    }


def quote(
    currency: str = "RUB",
    vat: bool | None = None,
    lines: list[dict[str, Any]] | None = None,
    lead: int | None = None,
    payment: str | None = None,
    valid: str | None = None,
    total: float | None = None,
) -> dict[str, Any]:
    """A quote label."""
    return {
        "kind": "quote",
        "quote": {
            "currency": currency,
            "vat_included": vat,
            "lines": lines or [],
            "lead_time_days": lead,
            "payment_terms": payment,
            "valid_until": valid,
            "total": total,
        },
    }


def other(reason: str) -> dict[str, Any]:
    """A label for mail that is neither a request nor a quote."""
    return {"kind": "other", "other_reason": reason}


# --------------------------------------------------------------------------- attachments

_STAMP = re.compile(rb"(<dcterms:(?:modified|created)[^>]*>)[^<]*")


def fixed_zip(data: bytes, when: datetime) -> bytes:
    """An OOXML package with every member time and the document's save time set to ``when``."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # the writers stamp the save time here
                body = _STAMP.sub(rb"\g<1>" + stamp, body)
            dst.writestr(member, body)
    return out.getvalue()


def xlsx(rows: Iterable[list[Any]], when: datetime, title: str | None = None) -> bytes:
    """An .xlsx with one sheet of ``rows``, the same bytes on every run."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    if title:
        ws.title = title
    for row in rows:
        ws.append(row)
    wb.properties.created = when
    wb.properties.modified = when
    buf = io.BytesIO()
    wb.save(buf)
    return fixed_zip(buf.getvalue(), when)


def docx(paragraphs: list[str], table: list[list[str]], when: datetime) -> bytes:
    """A .docx with paragraphs and then one table, the same bytes on every run."""
    from docx import Document

    doc = Document()
    doc.core_properties.created = when
    doc.core_properties.modified = when
    doc.core_properties.last_modified_by = ""
    for p in paragraphs:
        doc.add_paragraph(p)
    if table:
        t = doc.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    buf = io.BytesIO()
    doc.save(buf)
    return fixed_zip(buf.getvalue(), when)


# --------------------------------------------------------------------------- output


def write_pairs(out: Path, pairs: Iterable[tuple[bytes, dict[str, Any]]]) -> int:
    """Write ``NNN.eml`` + ``NNN.json`` into ``out`` (old pairs removed); the count written."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("[0-9][0-9][0-9].*"):
        old.unlink()
    n = 0
    for n, (raw, label) in enumerate(pairs, start=1):
        (out / f"{n:03d}.eml").write_bytes(raw)
        (out / f"{n:03d}.json").write_text(
            json.dumps(label, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    return n
