"""HTML bodies as text lines: table rows become tab-separated cells, quotes get "> "."""

from __future__ import annotations

import logging
import re
from html.parser import HTMLParser
from typing import Final

log = logging.getLogger(__name__)

_BLOCK: Final = frozenset(
    {
        "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table",
        "tr", "pre", "hr", "section", "article", "header", "footer", "dl", "dt", "dd",
        "address", "center", "blockquote", "tbody", "thead",
    }
)  # fmt: skip
_SKIP: Final = frozenset({"script", "style", "head", "title", "template", "noscript"})
_WS = re.compile(r"[ \t\r\n\f\u00a0\u200b]+")
_TABLE_CELL: Final = re.compile(r"<t[dh][\s>]", re.IGNORECASE)


def _span(value: str | None) -> int:
    """A colspan/rowspan attribute as a small positive number (1 when absent or odd)."""
    v = (value or "1").strip()
    return int(v) if v.isdigit() and 0 < int(v) < 50 else 1


class _TableScan(HTMLParser):
    """Rows per table and each table's parent, in the order the tables open."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[int] = []
        self.parent: list[int] = []
        self._open: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.parent.append(self._open[-1] if self._open else -1)
            self._open.append(len(self.rows))
            self.rows.append(0)
        elif tag == "tr" and self._open:
            self.rows[self._open[-1]] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self._open:
            self._open.pop()


def layout_tables(html: str) -> list[bool]:
    """Per table (in opening order): True when it only lays out others.

    A table holding another table of two or more rows is page layout (mail clients wrap
    content in such frames); the inner table carries the data.
    """
    scan = _TableScan()
    try:
        scan.feed(html)
        scan.close()
    except Exception:  # malformed markup: no layout detection
        return []
    layout = [False] * len(scan.rows)
    for idx, rows in enumerate(scan.rows):
        if rows < 2:
            continue
        p = scan.parent[idx]
        while p != -1 and not layout[p]:
            layout[p] = True
            p = scan.parent[p]
    return layout


class _TextRenderer(HTMLParser):
    def __init__(self, layout: list[bool] | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self._layout = layout or []
        self._tables_seen = 0
        self._open_tables: list[bool] = []  # per open table: True for a layout frame
        self.lines: list[str] = []
        self._buf: list[str] = []
        self._skip = 0
        self._quote = 0
        self._pre = 0
        self._cells: list[str] | None = None  # cells of the current table row
        self._cell: list[str] | None = None
        self._cell_span = 1
        self._cell_rows = 1
        self._table_depth = 0
        # rowspan: column -> rows still covered below; the columns covered in this row
        self._span_left: dict[int, int] = {}
        self._span_new: dict[int, int] = {}
        self._span_filled: set[int] = set()

    # -- line handling
    def _flush(self) -> None:
        text = "".join(self._buf)
        self._buf = []
        parts = text.split("\n") if self._pre else [_WS.sub(" ", text).strip()]
        prefix = "> " * self._quote
        for part in parts:
            self.lines.append((prefix + part).rstrip())

    def _fill_spanned(self) -> None:
        """Empty cells where a cell of a row above reaches down (rowspan)."""
        if self._cells is None:
            return
        while self._span_left.get(len(self._cells), 0) > 0:
            self._span_filled.add(len(self._cells))
            self._cells.append("")

    def _end_cell(self) -> None:
        if self._cell is not None and self._cells is not None:
            text = _WS.sub(" ", "".join(self._cell)).strip()
            col = len(self._cells)
            self._cells.append(text)
            self._cells.extend([""] * (self._cell_span - 1))
            if self._cell_rows > 1:
                for c in range(col, col + self._cell_span):
                    self._span_new[c] = self._cell_rows - 1
        self._cell = None

    def _next_row_spans(self) -> None:
        width = len(self._cells) if self._cells is not None else 0
        for c in list(self._span_left):
            if c in self._span_filled or c >= width:
                self._span_left[c] -= 1
            if self._span_left[c] <= 0:
                del self._span_left[c]
        self._span_left.update(self._span_new)
        self._span_new = {}
        self._span_filled = set()

    def _end_row(self) -> None:
        self._end_cell()
        if self._cells is not None:
            self._fill_spanned()
            self._next_row_spans()
        if self._cells is not None and any(c for c in self._cells):
            while self._cells and not self._cells[-1]:
                self._cells.pop()
            if "".join(self._buf).strip():
                self._flush()
            self._buf = []
            self.lines.append("> " * self._quote + "\t".join(self._cells))
        self._cells = None

    # -- parser callbacks
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip += 1
            return
        if self._skip:
            return
        if tag == "table":
            idx = self._tables_seen
            self._tables_seen += 1
            layout = self._table_depth == 0 and idx < len(self._layout) and self._layout[idx]
            self._open_tables.append(layout)
            if layout:
                self._flush_if_any()
                return
            self._table_depth += 1
            if self._table_depth == 1:
                self._span_left, self._span_new, self._span_filled = {}, {}, set()
                if self._buf:
                    self._flush()
            return
        if self._table_depth and tag in {"tr", "td", "th"}:
            if self._table_depth > 1:  # nested tables: flatten into the outer cell
                if self._cell is not None:
                    self._cell.append(" ")
                return
            if tag == "tr":
                self._end_row()
                self._cells = []
            else:
                if self._cells is None:
                    self._cells = []
                self._end_cell()
                self._fill_spanned()
                self._cell = []
                self._cell_span = _span(dict(attrs).get("colspan"))
                self._cell_rows = _span(dict(attrs).get("rowspan"))
            return
        if not self._table_depth and tag in {"tr", "td", "th"}:
            self._flush_if_any()  # a cell of a layout frame: a block of its own
            return
        if self._cell is not None:
            if tag in _BLOCK:
                self._cell.append(" ")
            return
        if tag == "blockquote":
            self._flush_if_any()
            self._quote += 1
            return
        if tag == "pre":
            self._flush_if_any()
            self._pre += 1
            return
        if tag == "li":
            self._flush_if_any()
            self._buf.append("- ")
            return
        if tag in _BLOCK:
            if tag == "br":
                self._flush()
            else:
                self._flush_if_any()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
            return
        if self._skip:
            return
        if tag == "table":
            if self._open_tables and self._open_tables.pop():
                self._flush_if_any()
                return
            if self._table_depth == 1:
                self._end_row()
            self._table_depth = max(0, self._table_depth - 1)
            return
        if self._table_depth and tag in {"tr", "td", "th"}:
            if self._table_depth > 1:
                return
            if tag == "tr":
                self._end_row()
            else:
                self._end_cell()
            return
        if not self._table_depth and tag in {"tr", "td", "th"}:
            self._flush_if_any()
            return
        if self._cell is not None:
            return
        if tag == "blockquote":
            self._flush_if_any()
            self._quote = max(0, self._quote - 1)
            return
        if tag == "pre":
            self._flush_if_any()
            self._pre = max(0, self._pre - 1)
            return
        if tag in _BLOCK and tag != "br":
            self._flush_if_any()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._cell is not None:
            self._cell.append(data)
        elif self._cells is not None:
            return  # text between cells
        else:
            self._buf.append(data)

    def _flush_if_any(self) -> None:
        if "".join(self._buf).strip():
            self._flush()
        else:
            self._buf = []
            if self.lines and self.lines[-1] != "":
                self.lines.append("")

    def close(self) -> None:
        super().close()
        self._end_row()
        if self._buf:
            self._flush()


def html_to_text(html: str) -> str:
    """Readable text of an HTML body; never raises on malformed markup."""
    renderer = _TextRenderer(layout_tables(html) if "<table" in html.lower() else None)
    try:
        renderer.feed(html)
        renderer.close()
    except Exception as exc:  # malformed markup: keep what was read
        log.debug("html_render_failed", extra={"error": repr(exc)})
    out: list[str] = []
    for line in renderer.lines:
        if not line.strip(">").strip() and out and not out[-1].strip(">").strip():
            continue
        out.append(line)
    return "\n".join(out).strip("\n")


def has_table(html: str | None) -> bool:
    return bool(html) and _TABLE_CELL.search(html or "") is not None
