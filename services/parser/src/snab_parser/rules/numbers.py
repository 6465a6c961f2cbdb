"""Numbers as Russian business mail writes them.

Digits: "1 250,00", "61 500", "$1,151.00", "1.250,00 €", "0,74", "2.4".
Words: "двести", "сто пятьдесят", "полторы тонны", "две тысячи", "две с половиной".
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Final

_SPACES: Final = "\u00a0\u202f\u2009 "

# A number in digits: spaced thousands, "1,151.00", "1.250,00", plain "12,5" / "12.5".
# Every group after a space may also start a number of its own, so the groups are bounded
# (five: up to 10^18): unbounded, a run of "123 123 123 ..." followed by anything but a unit
# is read again from each group, in time quadratic in its length.
NUMBER_PATTERN: Final[str] = (
    r"(?<![\w.,/])(?<![\w.,/]-)(?:"
    r"\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3}){1,5}(?:[.,]\d+)?(?![\d])"
    r"|\d{1,3}(?:,\d{3})+\.\d+"
    r"|\d{1,3}(?:\.\d{3})+,\d+"
    r"|\d+(?:[.,]\d+)?"
    r")(?![\d]|[.,]\d)"
)
NUMBER_RE: Final[re.Pattern[str]] = re.compile(NUMBER_PATTERN)
_COMMA_THOUSANDS: Final = re.compile(r"\d{1,3}(?:,\d{3}){2,}")


def parse_number(text: str) -> Decimal | None:
    """'1 250,00' -> 1250.00; '$1,151.00' -> 1151.00; '1.250,00' -> 1250.00; '0,74' -> 0.74."""
    s = text.strip().strip("$€¥₽")
    for ch in _SPACES:
        s = s.replace(ch, "")
    if not s:
        return None
    if "," in s and "." in s:
        if s.rfind(",") > s.rfind("."):
            s = s.replace(".", "").replace(",", ".")
        else:
            s = s.replace(",", "")
    elif "," in s:
        s = s.replace(",", "") if _COMMA_THOUSANDS.fullmatch(s) else s.replace(",", ".")
    elif s.count(".") > 1:
        s = s.replace(".", "")
    try:
        value = Decimal(s)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


_ONES: Final[dict[str, int]] = {}
_TEENS: Final[dict[str, int]] = {}
_TENS: Final[dict[str, int]] = {}
_HUNDREDS: Final[dict[str, int]] = {}


def _add(table: dict[str, int], value: int, *forms: str) -> None:
    for form in forms:
        table[form] = value


_add(_ONES, 0, "ноль", "нуль")
_add(_ONES, 1, "один", "одна", "одно", "одну", "одного", "одной", "одним", "одном")
_add(_ONES, 2, "два", "две", "двух", "двум", "двумя", "пару")  # "пару рулонов"
_add(_ONES, 3, "три", "трех", "трем", "тремя")
_add(_ONES, 4, "четыре", "четырех", "четырем", "четырьмя")
_add(_ONES, 5, "пять", "пяти", "пятью")
_add(_ONES, 6, "шесть", "шести", "шестью")
_add(_ONES, 7, "семь", "семи", "семью")
_add(_ONES, 8, "восемь", "восьми", "восемью")
_add(_ONES, 9, "девять", "девяти", "девятью")
_add(_TEENS, 10, "десять", "десяти", "десятью", "десяток", "десятка")
_add(_TEENS, 11, "одиннадцать", "одиннадцати")
_add(_TEENS, 12, "двенадцать", "двенадцати")
_add(_TEENS, 13, "тринадцать", "тринадцати")
_add(_TEENS, 14, "четырнадцать", "четырнадцати")
_add(_TEENS, 15, "пятнадцать", "пятнадцати")
_add(_TEENS, 16, "шестнадцать", "шестнадцати")
_add(_TEENS, 17, "семнадцать", "семнадцати")
_add(_TEENS, 18, "восемнадцать", "восемнадцати")
_add(_TEENS, 19, "девятнадцать", "девятнадцати")
_add(_TENS, 20, "двадцать", "двадцати")
_add(_TENS, 30, "тридцать", "тридцати")
_add(_TENS, 40, "сорок", "сорока")
_add(_TENS, 50, "пятьдесят", "пятидесяти")
_add(_TENS, 60, "шестьдесят", "шестидесяти")
_add(_TENS, 70, "семьдесят", "семидесяти")
_add(_TENS, 80, "восемьдесят", "восьмидесяти")
_add(_TENS, 90, "девяносто", "девяноста")
_add(_HUNDREDS, 100, "сто", "ста", "сотня", "сотни", "сотню")
_add(_HUNDREDS, 200, "двести", "двухсот")
_add(_HUNDREDS, 300, "триста", "трехсот")
_add(_HUNDREDS, 400, "четыреста", "четырехсот")
_add(_HUNDREDS, 500, "пятьсот", "пятисот")
_add(_HUNDREDS, 600, "шестьсот", "шестисот")
_add(_HUNDREDS, 700, "семьсот", "семисот")
_add(_HUNDREDS, 800, "восемьсот", "восьмисот")
_add(_HUNDREDS, 900, "девятьсот", "девятисот")

_SCALES: Final[dict[str, int]] = {}
_add(_SCALES, 1000, "тысяча", "тысячи", "тысяч", "тысячу", "тысячей", "тыс")
_add(_SCALES, 1_000_000, "миллион", "миллиона", "миллионов", "млн")
_HALF_AND: Final = {"полтора", "полторы", "полутора"}

_ALL_WORDS: Final = {**_ONES, **_TEENS, **_TENS, **_HUNDREDS}


def _norm(word: str) -> str:
    return word.lower().replace("ё", "е").rstrip(".")


def _word_alternation() -> str:
    words = sorted({*_ALL_WORDS, *_SCALES, *_HALF_AND}, key=len, reverse=True)
    return "|".join(w.replace("е", "[её]") for w in words)


_W: Final = _word_alternation()
# a run of number words, e.g. "две тысячи триста", "полторы", "две с половиной"
WORDS_PATTERN: Final[str] = (
    rf"(?<![а-яё])(?:{_W})(?:\s+(?:{_W})){{0,6}}(?:\s+с\s+половиной)?(?![а-яё])"
)
WORDS_RE: Final[re.Pattern[str]] = re.compile(WORDS_PATTERN, re.IGNORECASE)


def words_to_number(text: str) -> Decimal | None:
    """'двести' -> 200, 'сто пятьдесят' -> 150, 'полторы тысячи' -> 1500, 'две с половиной' -> 2.5.

    Returns None when the text is not entirely a number written in words.
    """
    tokens = [_norm(t) for t in text.split()]
    if not tokens:
        return None
    half = False
    if len(tokens) >= 2 and tokens[-2:] == ["с", "половиной"]:
        half = True
        tokens = tokens[:-2]
    total = Decimal(0)
    current = Decimal(0)
    seen = False
    last_rank = 10**9  # the size of the last group added, to refuse "пять два"
    for tok in tokens:
        if tok in _HALF_AND:
            if current:
                return None
            current = Decimal("1.5")
            last_rank = 1
        elif tok in _HUNDREDS:
            if last_rank <= 100 and current:
                return None
            current += _HUNDREDS[tok]
            last_rank = 100
        elif tok in _TENS:
            if last_rank <= 10 and current % 100:
                return None
            current += _TENS[tok]
            last_rank = 10
        elif tok in _TEENS:
            if current % 100:
                return None
            current += _TEENS[tok]
            last_rank = 1
        elif tok in _ONES:
            if current % 10 or (last_rank == 1 and current):
                return None
            current += _ONES[tok]
            last_rank = 1
        elif tok in _SCALES:
            scale = _SCALES[tok]
            total += (current or Decimal(1)) * scale
            current = Decimal(0)
            last_rank = 10**9
        else:
            return None
        seen = True
    if not seen:
        return None
    value = total + current
    if half:
        value += Decimal("0.5")
    return value


# "10 тыс." / "1,5 тысячи" after a number in digits (never from inside a run of spaces)
SCALE_SUFFIX_PATTERN: Final[str] = r"(?:(?<!\s)\s*+(?:тыс(?:яч[аи]?|\.)?|млн\.?)(?![а-яё]))"
_SCALE_SUFFIX_RE: Final = re.compile(SCALE_SUFFIX_PATTERN, re.IGNORECASE)

# a quantity in digits (optionally scaled) or in words
AMOUNT_PATTERN: Final[str] = rf"(?:{NUMBER_PATTERN}{SCALE_SUFFIX_PATTERN}?|{WORDS_PATTERN})"


def parse_amount(text: str) -> Decimal | None:
    """A number in digits or words, with an optional 'тыс.'/'млн' multiplier."""
    s = text.strip()
    m = NUMBER_RE.match(s)
    if m:
        value = parse_number(m.group(0))
        if value is None:
            return None
        rest = s[m.end() :]
        sm = _SCALE_SUFFIX_RE.match(rest)
        if sm:
            word = _norm(sm.group(0).strip())
            value *= _SCALES.get(word, 1000)
        return value
    return words_to_number(s)
