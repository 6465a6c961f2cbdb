"""Text normalisation for matching names, and formatting of numbers and dates in Russian."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

MOSCOW = ZoneInfo("Europe/Moscow")

# Latin letters that suppliers type instead of Cyrillic look-alikes (М8 vs M8).
_LOOKALIKES = str.maketrans(
    {
        "a": "а",
        "c": "с",
        "e": "е",
        "o": "о",
        "p": "р",
        "x": "х",
        "k": "к",
        "m": "м",
        "t": "т",
        "y": "у",
        "b": "в",
        "h": "н",
        "ё": "е",
    }
)
_NOISE = re.compile(r"[^\w.,/]+", re.UNICODE)


def normalise_name(text: str) -> str:
    """Lower case, Cyrillic look-alikes, ё→е, punctuation folded to single spaces."""
    lowered = text.lower().translate(_LOOKALIKES)
    return " ".join(_NOISE.sub(" ", lowered).split())


def plain_number(value: Decimal) -> str:
    """``Decimal("100.000")`` → ``"100"``; ``Decimal("2.50")`` → ``"2.5"``; comma as separator."""
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


def rub(value: Decimal) -> str:
    """``Decimal("12345.6")`` → ``"12 345,60"``."""
    whole, _, frac = f"{value:.2f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    groups: list[str] = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return f"{sign}{' '.join(groups) or '0'},{frac}"


def ru_date(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def ru_datetime(value: datetime) -> str:
    return value.astimezone(MOSCOW).strftime("%d.%m.%Y %H:%M") + " (МСК)"


LIKE_ESCAPE = "\\"


def contains_pattern(query: str) -> str:
    """An ILIKE pattern for "contains ``query``" in which ``%`` and ``_`` are the
    characters themselves, not wildcards (use with ``escape=LIKE_ESCAPE``)."""
    escaped = (
        query.strip()
        .replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )
    return f"%{escaped}%"
