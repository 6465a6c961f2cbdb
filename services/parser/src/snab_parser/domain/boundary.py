"""What leaves the parser: text without invisible controls, numbers within sane ranges.

Everything the parser emits (item names, contacts, terms, review reasons, the subject and
the excerpt of an event) comes from a stranger's email. ``clean_text`` is the one function
every such string passes through: it drops NUL and the other control characters (PostgreSQL
refuses NUL in text and JSON), the bidi controls that reorder what a reader sees (an item
name that displays as something else in the commercial proposal, the bot or the admin) and
the zero-width characters that hide inside words.

``settle`` applies it to a whole parse result (noting for review that bidi controls or stray
control characters such as NUL were removed) and holds its numbers to sane ranges: a
quantity or a price of hundreds of digits is not a quantity or a price. Such a number is
dropped with a review reason, so that it never becomes part of an order or a quote unseen,
and never reaches arithmetic, JSON or the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any, Final

from snab_parser.domain.validation import reason
from snab_parser.result import ParseResult

#: marks, embeddings, overrides and isolates (U+061C, U+200E-F, U+202A-E, U+2066-9)
BIDI_CONTROLS: Final = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
ZERO_WIDTH: Final = frozenset("\u200b\u200c\u200d\u2060\ufeff")
_C0: Final = [c for c in range(0x20) if chr(c) not in "\t\n\r"]
_C1: Final = list(range(0x7F, 0xA0))
_SURROGATES: Final = list(range(0xD800, 0xE000))
_TAGS: Final = list(range(0xE0000, 0xE0080))  # invisible "tag" letters
_NONCHARACTERS: Final = [0xFFFE, 0xFFFF]
_DROP: Final[dict[int, None]] = dict.fromkeys(
    [*_C0, *_C1, *_SURROGATES, *_TAGS, *_NONCHARACTERS, *map(ord, BIDI_CONTROLS | ZERO_WIDTH)]
)
_LINE_SEPARATORS: Final = {0x2028: "\n", 0x2029: "\n"}
_TABLE: Final = {**_DROP, **_LINE_SEPARATORS}

# Sane ranges: a requested or quoted quantity, the price of one unit, a line or quote total.
MAX_QUANTITY: Final = Decimal(10) ** 9
MAX_PRICE: Final = Decimal(10) ** 9
MAX_TOTAL: Final = Decimal(10) ** 12
MAX_SIGNIFICANT_DIGITS: Final = 15

BIDI_REASON: Final = "bidi_controls_removed"
CONTROL_REASON: Final = "control_characters_removed"
# controls no business text carries (tabs, line and page breaks aside): NUL and the like
_STRAY_CONTROLS: Final = frozenset(chr(c) for c in [*_C0, *_C1] if chr(c) not in "\x0b\x0c")


_UNSTORABLE: Final[dict[int, None]] = dict.fromkeys([0, *_SURROGATES, *_NONCHARACTERS])


def storable_text(value: str) -> str:
    """The text without what PostgreSQL and JSON refuse (NUL, lone surrogates), as the mail
    gateway stores it; everything else is kept for the rules to read."""
    return value.translate(_UNSTORABLE)


def clean_text(value: str) -> str:
    """The text without control, bidi and zero-width characters (tabs and newlines kept)."""
    return value.translate(_TABLE)


def has_bidi(value: str) -> bool:
    return not BIDI_CONTROLS.isdisjoint(value)


def has_stray_controls(value: str) -> bool:
    return not _STRAY_CONTROLS.isdisjoint(value)


def sane(value: Decimal | None, limit: Decimal) -> bool:
    """A finite number of at most 15 significant digits whose size is within the limit."""
    if value is None:
        return True
    if not value.is_finite():
        return False
    if len(value.normalize().as_tuple().digits) > MAX_SIGNIFICANT_DIGITS:
        return False
    return abs(value) <= limit


def settle(result: ParseResult) -> ParseResult:
    """The result with every string cleaned and every number out of range dropped.

    Each dropped number and any bidi control found adds a review reason.
    """
    reasons: list[str] = []
    data = result.model_dump()
    strings = list(_strings(data))
    if any(has_bidi(s) for s in strings):
        reasons.append(BIDI_REASON)
    if any(has_stray_controls(s) for s in strings):
        reasons.append(CONTROL_REASON)
    data = _clean(data)
    request, quote = data.get("request"), data.get("quote")
    if request:
        for item in request["items"]:
            if not sane(item["quantity"], MAX_QUANTITY):
                item["quantity"] = None
                reasons.append(reason("quantity_out_of_range", item["name"]))
    if quote:
        for line in quote["lines"]:
            for key, limit in (
                ("quantity", MAX_QUANTITY),
                ("unit_price", MAX_PRICE),
                ("line_total", MAX_TOTAL),
            ):
                if not sane(line[key], limit):
                    line[key] = None
                    reasons.append(reason(f"{key}_out_of_range", line["name"]))
        if not sane(quote["total"], MAX_TOTAL):
            quote["total"] = None
            reasons.append("total_out_of_range")
    if reasons:
        data["review_reasons"] = list(dict.fromkeys([*data["review_reasons"], *reasons]))
        data["needs_review"] = True
    return ParseResult.model_validate(data)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value
