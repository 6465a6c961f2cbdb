"""Request items from text lines and grids: tables first, then list lines, then prose."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal

from rapidfuzz import fuzz

from snab_parser.attachments import AttachmentText
from snab_parser.result import Unit
from snab_parser.rules.lines import LineItem, find_quantities, merge_continuations, parse_line
from snab_parser.rules.numbers import WORDS_RE
from snab_parser.rules.prose import items_in_prose
from snab_parser.rules.tables import (
    Table,
    headerless_row_text,
    split_cells,
    split_mode,
    tables_in_lines,
    tables_in_rows,
)

Source = Literal["table", "list", "prose"]

_SKIP_LINE: Final = re.compile(
    r"\b(?:инн|кпп|огрн|бик|р/с|к/с|тел|моб|факс|e-?mail|www\.|https?://)|@[\w-]+\.|"
    r"^\s*(?:от|from|кому|to|тема|subject|отправлено|sent|дата|date)\s*:",
    re.IGNORECASE,
)
# The article is the whole token after the label, with a digit among its first 80 characters
# (looked for once per label: a long token without digits is not read again and again).
_ARTICLE_LABEL: Final = re.compile(
    r"(?:арт(?:икул)?\.?|код|кат\.\s*№|каталожный\s+номер|p/?n|part\s*(?:no|number)\.?)"
    r"\s*+[:№#]?\s*+(?P<a>[A-Za-zА-Яа-я0-9](?=[\w./-]{0,80}?\d)[\w./-]*+)",
    re.IGNORECASE,
)
_STANDARD: Final = re.compile(
    r"(?<![\w])(?P<a>(?:DIN|ISO|ГОСТ(?:\s+Р)?|ТУ|EN|ANSI|ОСТ)\s*+[\d][\d.\-–]*\d|(?:DIN|ISO)\s*+\d+)",
)
_MODEL_TOKEN: Final = re.compile(r"^[A-Z0-9][A-Z0-9./-]*$")
_SPACES: Final = re.compile(r"\s+")
_THREE_LETTERS: Final = re.compile(r"[А-Яа-яЁёA-Za-z]{3}")
_WORD: Final = re.compile(r"[^\W_]+")
_NOT_ARTICLE: Final = frozenset({"RAL", "SDS", "HSS", "NYM", "LS", "PE", "PVC", "LED", "USB", "IP"})


@dataclass
class Item:
    name: str
    quantity: Decimal | None
    unit: Unit | None
    article: str | None
    source: Source


def find_article(name: str) -> str | None:
    """'DIN 933', '6205-2RS', '3RV2011-1EA10', 'HR2470' from an item name; None when absent."""
    m = _ARTICLE_LABEL.search(name)
    if m:
        return m.group("a").rstrip(".,")
    m = _STANDARD.search(name)
    if m:
        return _SPACES.sub(" ", m.group("a")).strip()
    tokens = name.replace(",", " ").split()
    best: list[str] = []
    run: list[str] = []
    for tok in [*tokens, ""]:
        clean = tok.strip("()«»\"';:")
        if clean and _MODEL_TOKEN.match(clean) and clean not in _NOT_ARTICLE:
            run.append(clean)
            continue
        if run:
            joined = " ".join(run)
            has_digit = any(ch.isdigit() for ch in joined)
            has_alpha = any(ch.isalpha() for ch in joined)
            if has_digit and has_alpha and len(joined) >= 4 and len(joined) > len(" ".join(best)):
                best = list(run)
            run = []
    return " ".join(best) if best else None


def _from_table(table: Table) -> list[Item]:
    out: list[Item] = []
    for row in table.rows:
        if row.quantity is None:
            continue
        article = row.article or find_article(row.name)
        out.append(Item(row.name, row.quantity, row.unit, article, "table"))
    return out


def _is_multi(rest: str) -> bool:
    """More items after the first one on the line ("болты — 48 шт., гайки — 96 шт.")."""
    for q in find_quantities(rest[:400]):
        if not q.in_parens and not q.pack:
            return bool(_THREE_LETTERS.search(rest[: q.start]))
    return False


def _flush_prose(prose: list[str], found: list[Item]) -> None:
    """Read the free text gathered so far and clear it."""
    if prose:
        for li in items_in_prose(" ".join(prose)):
            if li.quantity is not None:
                found.append(Item(li.name, li.quantity, li.unit, find_article(li.name), "prose"))
        prose.clear()


def items_from_lines(lines: list[str]) -> list[Item]:
    """Items in text lines: tables, list lines, free text."""
    tables = tables_in_lines(lines)
    used: set[int] = set()
    items_at: list[tuple[int, list[Item]]] = []
    for table in tables:
        used |= table.used
        items_at.append((min(table.used), _from_table(table)))
    lines = merge_continuations([line if i not in used else "" for i, line in enumerate(lines)])
    for group_start, group in _indexed_paragraphs(lines, used):
        prose: list[str] = []
        found: list[Item] = []
        parsed: list[tuple[str, LineItem | None, bool]] = []
        for raw in group:
            skip = _SKIP_LINE.search(raw)
            line = raw[: skip.start()] if skip else raw
            if skip and not has_quantity(line):
                parsed.append((line, None, True))
                continue
            text = line
            mode = split_mode(line)
            if mode in ("tab", "semi", "pipe"):
                text = headerless_row_text(split_cells(line, mode))
            li = parse_line(text, "request")
            if li is not None and (
                li.quantity is None or _is_multi(li.rest) or _SENTENCE_BREAK.search(li.name)
            ):
                li = None  # not a list line: read the text as prose
            parsed.append((line, li, False))
        listed = _list_lines(parsed)
        for k, (line, li, skipped) in enumerate(parsed):
            if skipped:
                _flush_prose(prose, found)
            elif li is not None and k in listed:
                _flush_prose(prose, found)
                found.append(Item(li.name, li.quantity, li.unit, find_article(li.name), "list"))
            else:
                prose.append(line.replace("\t", " "))
        _flush_prose(prose, found)
        items_at.append((group_start, found))
    items_at.sort(key=lambda pair: pair[0])
    return [item for _, group_items in items_at for item in group_items]


_SENTENCE_INSIDE: Final = re.compile(r"[.!?]\s+[А-ЯЁA-Z]|[!?]")
# "Да, давайте оформим. На этот раз ...": a sentence ends inside (not "ст. Ст3", "г. Москва")
_SENTENCE_BREAK: Final = re.compile(r"[а-яё]{3}[.!?]\s+[А-ЯЁ][а-яё]")


def _list_lines(parsed: list[tuple[str, LineItem | None, bool]]) -> set[int]:
    """Which lines of a paragraph are list lines.

    A line with an explicit separator ("— 20 шт", "x 6 шт", a bullet) is one. A line that only
    ends with its quantity ("Шприц 5 мл 2000 шт") is one when a neighbouring line is an item
    too: a column of such lines is a list typed without separators, not a sentence.
    """
    strong = {k for k, (_, li, _) in enumerate(parsed) if li is not None and li.strong}
    weak = {
        k
        for k, (line, li, _) in enumerate(parsed)
        if li is not None
        and not li.strong
        and len(line.strip()) <= 120
        and not _SENTENCE_INSIDE.search(line.strip().rstrip(".!?"))
        and not WORDS_RE.search(line)  # numbers in words: a sentence
    }
    items = strong | weak
    return strong | {k for k in weak if k - 1 in items or k + 1 in items}


def _indexed_paragraphs(lines: list[str], used: set[int]) -> list[tuple[int, list[str]]]:
    out: list[tuple[int, list[str]]] = []
    start = -1
    current: list[str] = []
    for idx, line in enumerate(lines):
        if idx in used or not line.strip():
            if current:
                out.append((start, current))
                current = []
            continue
        if not current:
            start = idx
        current.append(line)
    if current:
        out.append((start, current))
    return out


def items_from_attachment(att: AttachmentText) -> list[Item]:
    items: list[Item] = []
    for grid in att.grids:
        tables = tables_in_rows(grid)
        if tables:
            for table in tables:
                items.extend(_from_table(table))
        else:
            rows = ["\t".join(r) for r in grid if any(c.strip() for c in r)]
            items.extend(items_from_lines(rows))
    if att.lines:
        items.extend(items_from_lines(att.lines))
    return items


def _norm_name(name: str) -> str:
    return " ".join(_WORD.findall(name.lower().replace("ё", "е")))


def merge_items(first: list[Item], second: list[Item]) -> list[Item]:
    """``first`` plus the items of ``second`` it does not already hold (body + attachment)."""
    out = list(first)
    for item in second:
        if any(
            o.quantity == item.quantity
            and o.unit == item.unit
            and fuzz.ratio(_norm_name(o.name), _norm_name(item.name)) >= 92
            for o in first
        ):
            continue
        out.append(item)
    return out


def has_quantity(text: str) -> bool:
    return any(not q.in_parens and not q.pack for q in find_quantities(text))
