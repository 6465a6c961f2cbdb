"""HTML bodies as readable text, with table rows kept on one line each.

inscriptis lays tables out as text columns, but a cell holding several paragraphs or line
breaks spreads one row over several lines. Cells without nested tables are flattened to a
single line first, and cells are separated by " | ", so an item row from a client's table
stays one line: ``1 | Болт М8х30 DIN 933 | 100 | шт``.
"""

from __future__ import annotations

import re

from inscriptis import Inscriptis
from inscriptis.model.config import ParserConfig
from lxml import etree
from lxml import html as lxml_html

CELL_SEPARATOR = " | "
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_SKIP_TAGS = ("script", "style", "head", "title")
_BREAKING_TAGS = ("br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)


def _flatten_cells(tree: lxml_html.HtmlElement) -> None:
    for cell in tree.iter("td", "th"):
        if cell.find(".//table") is not None:
            continue
        for inner in cell.iter(*_BREAKING_TAGS):
            inner.tail = " " + (inner.tail or "")
        text = _SPACES.sub(" ", " ".join(cell.text_content().split())).strip()
        tail = cell.tail
        for child in list(cell):
            cell.remove(child)
        cell.text = text
        cell.tail = tail


def html_to_text(html: str) -> str:
    """Readable text of an HTML document; '' when there is nothing to read. May raise."""
    if not html.strip():
        return ""
    html = _XML_DECLARATION.sub("", html, count=1)
    try:
        tree = lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return ""
    for bad in list(tree.iter(*_SKIP_TAGS)):
        parent = bad.getparent()
        if parent is not None:
            bad.drop_tree()
    _flatten_cells(tree)
    text = Inscriptis(tree, ParserConfig(table_cell_separator=CELL_SEPARATOR)).get_text()
    lines = [line.rstrip() for line in text.splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
