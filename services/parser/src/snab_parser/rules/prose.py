"""Items in running text: "Нужно двести метров кабеля ВВГнг 3х2,5, сто пятьдесят метров
ВВГнг 3х1,5 и три бухты провода ПВС. Ещё гофра 20 мм с зондом, триста метров."

The text is cut into clauses (commas, "и", sentence ends); a clause with a quantity names its
item before the quantity ("цемент М500 пятьдесят мешков") or after it, in the genitive
("двести метров кабеля"); a clause that is only a quantity takes the name from the clauses
just before it in the same sentence.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Final

from snab_parser.result import Unit
from snab_parser.rules.lines import (
    _LEADING_FILLER,
    LineItem,
    clean_name,
    find_quantities,
    has_letters,
    in_spans,
    paren_spans,
    parse_line,
    valid_name,
)
from snab_parser.rules.morph import counted_noun, nominative_head
from snab_parser.rules.numbers import AMOUNT_PATTERN, parse_amount
from snab_parser.rules.units import MEASURE_UNITS, UNIT_PATTERN, normalize_unit

# Words joining clauses ("и", "а также", "плюс") are looked for from the start of the spaces
# before them only: tried from each space of a long run, they read the run again each time.
_BOUNDARY: Final = re.compile(
    r",\s+|;\s*|(?<=[.!?])\s+(?=(?-i:[А-ЯЁA-Z«\"]))|[!?]+\s*|\.\s*+$"
    r"|(?<!\s)\s++(?:и|а\s+также|также|плюс)\s+|:\s+|\n"
    r"|(?<![а-яё])(?:нужн[оаы]|нужен|надо|необходим[оаы]?|требу(?:ется|ются)|потребу(?:ется|ются)"
    r"|понадоб(?:ится|ятся))(?![а-яё])",
    re.IGNORECASE,
)
_SENTENCE_END: Final = re.compile(r"[.!?]")
_NOT_A_NAME: Final = re.compile(
    r"^(?:добрый|здравствуйте|привет|доброе|спасибо|пожалуйста|сообщение|коллеги|уважаем"
    r"|подскажите|сможете|можете|сколько|когда|если|срок|доставк|оплат|прошу|просим|нужна\s+доставка"
    r"|цены?|стоимость|счет|сч[её]т|кп|заявк|объект|на\s+объект|адрес)",
    re.IGNORECASE,
)
_COUNT_FIRST: Final = re.compile(
    r"^(?P<amount>" + AMOUNT_PATTERN + r")\s+(?P<name>(?P<word>[а-яё]+)(?:\s.*)?)$", re.IGNORECASE
)
_PACK_PARENS: Final = re.compile(r"(?<!\s)\s*+\([^()]*\bпо\s+\d[^()]*\)\s*+$", re.IGNORECASE)
_WORD_DOT_END: Final = re.compile(r"(?<=[а-яёa-z]{4})\.$")


def _without_parens(text: str) -> str:
    """The text without its "(...)" groups, each from a "(" to the first ")" after it.

    A regex would try every "(" of a long run of them and read to the end from each.
    """
    kept: list[str] = []
    at = 0
    while (start := text.find("(", at)) >= 0 and (end := text.find(")", start)) >= 0:
        kept.append(text[at:start])
        at = end + 1
    kept.append(text[at:])
    return "".join(kept)


def _clauses(text: str) -> list[tuple[str, bool]]:
    """(clause, starts_sentence) pairs; boundaries inside parentheses are ignored."""
    spans = paren_spans(text, unclosed_to_end=False)
    out: list[tuple[str, bool]] = []
    pos = 0
    new_sentence = True
    for m in _BOUNDARY.finditer(text):
        if in_spans(m.start(), spans):
            continue
        chunk = text[pos : m.start()]
        if chunk.strip():
            out.append((chunk.strip(), new_sentence))
            new_sentence = False
        if (
            _SENTENCE_END.search(m.group(0))
            or m.group(0) == "\n"
            or (m.start() > 0 and text[m.start() - 1] in ".!?")
        ):
            new_sentence = True
        pos = m.end()
    tail = text[pos:]
    if tail.strip():
        out.append((tail.strip(), new_sentence))
    return out


def _prose_name(name: str, *, genitive: bool = False) -> str:
    name = _PACK_PARENS.sub("", name)
    name = _WORD_DOT_END.sub("", name.strip())
    name = clean_name(name)
    return nominative_head(name, genitive=genitive)


def _pending_name(body: str) -> str | None:
    candidate = clean_name(body)
    if valid_name(candidate) and not _NOT_A_NAME.match(candidate) and len(candidate) < 90:
        return candidate
    return None


_UNIT_FIRST: Final = re.compile(
    r"^(?P<unit>" + UNIT_PATTERN + r")\s+(?P<amount>" + AMOUNT_PATTERN + r")\s*[.!]?$",
    re.IGNORECASE,
)


# "... - килограмм 5", "... метров двести": a unit and a number ending the clause, after a name.
# Searched for from the start of the spaces before it; the name is what stands before.
_UNIT_FIRST_TAIL: Final = re.compile(
    r"(?<!\s)(?:\s++[—–-]\s+(?P<q>(?:" + UNIT_PATTERN + r")\s+\S+)"
    r"|\s++(?P<w>(?=[а-яё]{3})(?:" + UNIT_PATTERN + r")\s+\S+))\s*+\.?$",
    re.IGNORECASE,
)
_HAS_LETTER: Final = re.compile(r"[А-ЯЁа-яёA-Za-z]")


def _unit_first(body: str) -> tuple[Decimal, Unit] | None:
    """'штук 500', 'метров двести': the colloquial order, the unit before the number."""
    m = _UNIT_FIRST.match(body)
    if not m:
        return None
    unit = normalize_unit(m.group("unit"))
    amount = parse_amount(m.group("amount"))
    if unit is None or amount is None or amount <= 0:
        return None
    return amount, unit


def _bare_quantity(clause: str) -> bool:
    body = _LEADING_FILLER.sub("", clause).strip()
    if _unit_first(body) is not None:
        return True
    quantities = [q for q in find_quantities(body) if not q.in_parens and not q.pack]
    if len(quantities) != 1:
        return False
    q = quantities[0]
    return not has_letters(body[: q.start]) and not has_letters(body[q.end :])


def items_in_prose(text: str) -> list[LineItem]:
    """Items named in free text; each one with a quantity and a unit."""
    items: list[LineItem] = []
    pending: list[str] = []
    clauses = _clauses(text)
    for index, (clause, starts_sentence) in enumerate(clauses):
        if starts_sentence:
            pending = []
        body = _LEADING_FILLER.sub("", clause).strip()
        quantities = [q for q in find_quantities(body) if not q.in_parens and not q.pack]
        leading_qty = bool(quantities) and not has_letters(body[: quantities[0].start])
        following = clauses[index + 1] if index + 1 < len(clauses) else None
        if (
            quantities
            and quantities[-1].unit in MEASURE_UNITS
            and not has_letters(body[quantities[-1].end :])
            and has_letters(body[: quantities[-1].start])
            and (
                quantities[-1].unit == "мм"
                or (following is not None and not following[1] and _bare_quantity(following[0]))
            )
        ):
            # "валики малярные 250 мм, тридцать штук": the size belongs to the name
            quantities = quantities[:-1]
        counted = _COUNT_FIRST.match(body) if not leading_qty else None
        if counted and counted_noun(counted.group("name").split()):
            amount = parse_amount(counted.group("amount"))
            name = _prose_name(counted.group("name"), genitive=True)
            if amount and valid_name(name):
                items.append(LineItem(name=name, quantity=amount, unit="шт", strong=False))
                pending = []
                continue
        tail = _UNIT_FIRST_TAIL.search(body) if not quantities else None
        if tail is not None and not _HAS_LETTER.search(body, 0, tail.start()):
            tail = None
        if tail is not None and (found := _unit_first(tail.group("q") or tail.group("w"))):
            # "саморезы по дереву 3,5х35 - килограмм 5"
            name = _prose_name(body[: tail.start()])
            if valid_name(name) and not _NOT_A_NAME.match(name):
                items.append(LineItem(name=name, quantity=found[0], unit=found[1], strong=False))
                pending = []
                continue
        reversed_qty = _unit_first(body) if not quantities else None
        if reversed_qty is not None:
            if pending:
                name = _prose_name(", ".join(pending))
                if valid_name(name):
                    amount, unit = reversed_qty
                    items.append(LineItem(name=name, quantity=amount, unit=unit, strong=False))
            pending = []
            continue
        if not quantities:
            candidate = _pending_name(body)
            pending = [*pending, candidate] if candidate else []
            continue
        only = quantities[0]
        if (
            len(quantities) == 1
            and not has_letters(body[: only.start])
            and not has_letters(_without_parens(body[only.end :]))
        ):
            # "..., триста метров": the name was given just before
            if pending:
                name = _prose_name(", ".join(pending))
                if valid_name(name):
                    items.append(
                        LineItem(name=name, quantity=only.amount, unit=only.unit, strong=False)
                    )
            pending = []
            continue
        item = parse_line(body, "request")
        if item is None or item.quantity is None:
            candidate = _pending_name(body)
            pending = [*pending, candidate] if candidate else []
            continue
        pending = []
        item.name = _prose_name(item.name, genitive=item.qty_first)
        if valid_name(item.name):
            item.strong = False
            items.append(item)
    return items
