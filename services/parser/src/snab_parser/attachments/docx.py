"""A docx's paragraphs and tables, streamed from word/document.xml within the limits.

python-docx parses the whole document into a tree (and finds each cell's grid position by
counting its preceding siblings, in time quadratic in the row's width), so a small file of
millions of paragraphs or cells takes gigabytes and minutes. This reader streams the XML with
iterparse, counts paragraphs, rows and cells as they pass, and stops at the first limit.

It reads what python-docx's ``Document.paragraphs`` and ``Document.tables`` read: paragraphs
and tables that are direct children of the body; a paragraph's text from its runs and
hyperlinks (tabs and line breaks as "\\t" and "\\n"); a cell's text as its paragraphs joined
by "\\n"; a cell spanning columns once (the spanned positions empty); a cell merged down
from the row above repeated with the text of the cell it continues.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from snab_parser.attachments.limits import Budget
from snab_parser.attachments.zipped import open_checked

_W: Final = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DOCUMENT: Final = "word/document.xml"
# run children that carry text, and their text when it is not their own
_RUN_TEXT: Final = {"t": None, "tab": "\t", "ptab": "\t", "cr": "\n", "noBreakHyphen": "-"}


class BrokenTable(ValueError):
    """A merged cell that continues nothing: python-docx refuses such a table too."""


@dataclass
class _Cell:
    paragraphs: list[str] = field(default_factory=list)
    span: int = 1
    merge: str | None = None  # vMerge: "restart", "continue" or None


@dataclass
class _Row:
    before: int = 0  # gridBefore: grid columns left empty at the start
    cells: list[_Cell] = field(default_factory=list)


def read_docx(data: bytes, budget: Budget) -> tuple[list[list[list[str]]], list[str]]:
    from lxml import etree

    archive = open_checked(data, budget.limits)
    reader = _Reader(budget)
    try:
        with archive.open(_DOCUMENT) as source:
            for event, element in etree.iterparse(
                source, events=("start", "end"), resolve_entities=False, no_network=True
            ):
                if not reader.feed(event, element):
                    break
    finally:
        archive.close()
    reader.finish()
    return reader.grids, reader.lines


class _Reader:
    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.lines: list[str] = []
        self.grids: list[list[list[str]]] = []
        self.path: list[str] = []  # local names from the root down to the current element
        self.text: list[str] | None = None  # the paragraph being read, if it counts
        self.paragraph_depth = -1
        self.rows: list[_Row] | None = None  # the body-level table being read
        self.paragraphs = 0

    def feed(self, event: str, element: Any) -> bool:
        """Take one iterparse event; False once a limit stops the reading."""
        tag = element.tag
        name = tag[len(_W) :] if isinstance(tag, str) and tag.startswith(_W) else ""
        if event == "start":
            self.path.append(name)
            self._start(name, len(self.path) - 1)
            return True
        depth = len(self.path) - 1
        self._end(name, element, depth)
        self.path.pop()
        # Done with: free it, and at the top levels drop it from its parent too.
        element.clear()
        if depth <= 3:
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
        limits = self.budget.limits
        if self.paragraphs >= limits.max_paragraphs:
            self.budget.stop("paragraphs")
            return False
        if self.rows is not None and len(self.rows) > limits.max_rows:
            self.budget.stop("rows")
            return False
        return not self.budget.spent

    def finish(self) -> None:
        """A table the limits stopped in the middle keeps the rows read."""
        if self.rows is not None:
            self.grids.append(self._grid(self.rows[: self.budget.limits.max_rows]))
            self.rows = None

    # -- where an element is: document/body/p, document/body/tbl/tr/tc/p

    def _body_child(self, depth: int) -> bool:
        return depth == 2 and self.path[:2] == ["document", "body"]

    def _start(self, name: str, depth: int) -> None:
        if name == "p":
            if self._body_child(depth) or (
                self.rows is not None and depth == 5 and self.path[2:5] == ["tbl", "tr", "tc"]
            ):
                self.text, self.paragraph_depth = [], depth
        elif name == "tbl" and self._body_child(depth):
            self.rows = []
        elif self.rows is not None and depth == 3 and name == "tr" and self.path[2] == "tbl":
            self.rows.append(_Row())
        elif self.rows is not None and depth == 4 and name == "tc" and self.path[3] == "tr":
            self.rows[-1].cells.append(_Cell())
            self.budget.count_cell()

    def _end(self, name: str, element: Any, depth: int) -> None:
        if self.text is not None and depth > self.paragraph_depth:
            self._run_content(name, element, depth)
            return
        if name == "p" and self.text is not None and depth == self.paragraph_depth:
            text = "".join(self.text)
            self.text, self.paragraph_depth = None, -1
            if depth == 2:
                self.paragraphs += 1
                self.lines.append(self.budget.line(text))
            elif self.rows is not None:
                self.rows[-1].cells[-1].paragraphs.append(text)
            return
        if self.rows is None:
            return
        if depth == 2 and name == "tbl":
            self.grids.append(self._grid(self.rows))
            self.rows = None
        elif depth == 6 and self.path[3:6] == ["tr", "tc", "tcPr"] and self.rows[-1].cells:
            cell = self.rows[-1].cells[-1]
            if name == "gridSpan":
                cell.span = _int(element.get(f"{_W}val"), 1)
            elif name == "vMerge":
                cell.merge = element.get(f"{_W}val") or "continue"
        elif depth == 5 and self.path[3:5] == ["tr", "trPr"] and name == "gridBefore":
            self.rows[-1].before = _int(element.get(f"{_W}val"), 0)

    def _run_content(self, name: str, element: Any, depth: int) -> None:
        """Text of a run directly in the paragraph, or in a hyperlink directly in it."""
        assert self.text is not None
        inner = self.path[self.paragraph_depth + 1 : depth]
        if inner not in (["r"], ["hyperlink", "r"]):
            return
        if name == "br":
            if element.get(f"{_W}type") in (None, "textWrapping"):
                self.text.append("\n")
        elif name in _RUN_TEXT:
            own = _RUN_TEXT[name]
            self.text.append(own if own is not None else (element.text or ""))

    def _grid(self, rows: list[_Row]) -> list[list[str]]:
        """Rows of cell texts as python-docx's ``row.cells`` gives them, merged cells included."""
        starts: list[dict[int, _Cell]] = []  # per row: grid offset -> the cell starting there
        for row in rows:
            at: dict[int, _Cell] = {}
            offset = row.before
            for cell in row.cells:
                at[offset] = cell
                offset += max(cell.span, 1)
            starts.append(at)
        limits = self.budget.limits
        grid: list[list[str]] = []
        for number, row in enumerate(rows):
            texts: list[str] = []
            previous: _Cell | None = None
            offset = row.before
            for cell in row.cells:
                shown = _origin(cell, number, offset, starts)
                for _ in range(max(shown.span, 1)):
                    if len(texts) == limits.max_columns:
                        self.budget.stop("columns")
                        break
                    text = "\n".join(shown.paragraphs).strip() if shown is not previous else ""
                    previous = shown
                    texts.append(self.budget.text(" ".join(text.split()), limits.max_cell_chars))
                offset += max(cell.span, 1)
            grid.append(texts)
        return grid


def _origin(cell: _Cell, row: int, offset: int, starts: list[dict[int, _Cell]]) -> _Cell:
    """The cell a vertically merged cell continues (itself when it continues nothing)."""
    while cell.merge == "continue":
        if row == 0 or offset not in starts[row - 1]:
            raise BrokenTable("a merged cell continues no cell above it")
        row -= 1
        cell = starts[row][offset]
    return cell


def _int(value: str | None, default: int) -> int:
    if value is None or not value.isdigit() or len(value) > 4:
        return default
    return int(value)
