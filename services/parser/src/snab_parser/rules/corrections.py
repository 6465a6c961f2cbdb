"""Corrections a client writes after the list: "P.S. болтов М12х60 не 100, а 150",
"UPD: по 3х1,5 не 200, а 250 м. И гофру надо 25 мм, а не 20", "уголка нужно 60 м, а не 6".

A correction names its item by an article-like token ("М12х60", "3х1,5") or by the start of a
word of the item's name ("болтов" → "Болт", "гофру" → "Гофра"), and gives the old and the new
number. The old number is the item's quantity (the quantity changes) or a number in its name
(the name changes). A correction line is never an item itself.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Final

from snab_parser.rules.items import Item
from snab_parser.rules.numbers import parse_number
from snab_parser.rules.units import normalize_unit

_NUM: Final = r"\d{1,7}(?:[.,]\d{1,3})?"
_UNIT: Final = r"(?:\s*+(?P<{0}>[а-яёa-z]{{1,6}}\.?))?"
# "не 100, а 150" / "150, а не 100": the old and the new number of one correction
_CORRECTION: Final = re.compile(
    r"(?<![а-яё])не\s++(?P<old1>" + _NUM + r")" + _UNIT.format("u1") + r"\s*+,?\s*+а\s++(?P<new1>"
    + _NUM + r")" + _UNIT.format("u2")
    + r"|(?P<new2>" + _NUM + r")" + _UNIT.format("u3") + r"\s*+,\s*+а\s++не\s++(?P<old2>" + _NUM
    + r")",
    re.IGNORECASE,
)  # fmt: skip
_CLAUSE: Final = re.compile(r"(?<=\S)[.;!]\s++|(?<!\s)\s++и\s++(?=[а-яё])", re.IGNORECASE)
# a run of word characters and separators; it names an item when it holds a digit
_TOKEN: Final = re.compile(r"(?<![\w,./-])[\w,./-]++")
_WORD: Final = re.compile(r"[а-яёa-z]{4,}", re.IGNORECASE)
_NUMBER_IN_NAME: Final = re.compile(r"(?<![\d,.])\d++(?:[.,]\d++)?+(?![\d,])")
_FILLER: Final = re.compile(
    r"^(?:нужно|надо|нужен|нужна|нужны|поправка|одна|остальное|прошу|исправ\w*|уточн\w*|ошиб\w*)$",
    re.IGNORECASE,
)


def is_correction(line: str) -> bool:
    return bool(_CORRECTION.search(line))


def _norm(text: str) -> str:
    return text.lower().replace("х", "x").replace("ё", "е")


def _named(subject: str, items: list[Item]) -> Item | None:
    """The one item the words before a correction name."""
    names = [_norm(i.name) for i in items]
    for m in _TOKEN.finditer(subject):
        token = _norm(m.group(0)).strip(".,-/")
        if len(token) < 2 or not any(ch.isdigit() for ch in token):
            continue
        hits = [k for k, name in enumerate(names) if token in name]
        if len(hits) == 1:
            return items[hits[0]]
    for m in reversed(list(_WORD.finditer(subject))):
        if _FILLER.match(m.group(0)):
            continue
        stem = _norm(m.group(0))[:4]
        hits = [k for k, name in enumerate(names) if any(w.startswith(stem) for w in name.split())]
        if len(hits) == 1:
            return items[hits[0]]
    return None


def apply_corrections(items: list[Item], lines: list[str]) -> None:
    """Change the quantities and names the correction lines correct, in place."""
    for line in lines:
        for clause in _CLAUSE.split(line):
            for m in _CORRECTION.finditer(clause):
                old_s = m.group("old1") or m.group("old2")
                new_s = m.group("new1") or m.group("new2")
                unit = normalize_unit(m.group("u2") or m.group("u1") or m.group("u3") or "")
                old, new = parse_number(old_s), parse_number(new_s)
                item = _named(clause[: m.start()], items)
                if item is None or old is None or new is None:
                    continue
                _correct(item, old, new, old_s, new_s, unit)


def _correct(
    item: Item, old: Decimal, new: Decimal, old_s: str, new_s: str, unit: str | None
) -> None:
    if item.quantity == old and (unit is None or unit == item.unit):
        item.quantity = new
        return
    in_name = next((m for m in _NUMBER_IN_NAME.finditer(item.name) if m.group(0) == old_s), None)
    if in_name:
        item.name = item.name[: in_name.start()] + new_s + item.name[in_name.end() :]
    elif item.quantity == old:
        item.quantity = new
