"""Dates in Russian business mail: "15.12.2026", "30.11", "до 15 декабря", "10 декабря 2026 г."."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from typing import Final

_MONTHS: Final[dict[str, int]] = {
    "январ": 1, "феврал": 2, "март": 3, "апрел": 4, "ма": 5, "июн": 6, "июл": 7, "август": 8,
    "сентябр": 9, "октябр": 10, "ноябр": 11, "декабр": 12,
    "янв": 1, "фев": 2, "мар": 3, "апр": 4, "авг": 8, "сен": 9, "сент": 9, "окт": 10,
    "ноя": 11, "дек": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip

MONTH_WORD: Final = (
    r"(?:января|январь|февраля|февраль|марта|март|апреля|апрель|мая|май|июня|июнь|июля|июль"
    r"|августа|август|сентября|сентябрь|октября|октябрь|ноября|ноябрь|декабря|декабрь"
    r"|янв|фев|мар|апр|авг|сент|сен|окт|ноя|дек"
    r"|january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?(?![a-zа-яё])"
)
# "до двадцатого декабря", "к двадцать пятому декабря": a day written as an ordinal word
_ORDINAL_DAYS: Final[dict[str, int]] = {
    "перв": 1, "втор": 2, "треть": 3, "четверт": 4, "пят": 5, "шест": 6, "седьм": 7,
    "восьм": 8, "девят": 9, "десят": 10, "одиннадцат": 11, "двенадцат": 12, "тринадцат": 13,
    "четырнадцат": 14, "пятнадцат": 15, "шестнадцат": 16, "семнадцат": 17, "восемнадцат": 18,
    "девятнадцат": 19, "двадцат": 20, "тридцат": 30,
}  # fmt: skip
_ORDINAL_WORD: Final = (
    r"(?:(?:двадцать|тридцать)\s+)?(?:"
    + "|".join(sorted(_ORDINAL_DAYS, key=len, reverse=True))
    + r")(?:ого|его|ое|ье|ьего|ому|ему|ьему)"
)
DATE_PATTERN: Final = (
    r"(?:(?P<d1>\d{1,2})[./](?P<m1>\d{1,2})(?:[./](?P<y1>\d{4}|\d{2}))?(?![\d.,]\d)"
    r"|(?P<iso_y>\d{4})-(?P<iso_m>\d{2})-(?P<iso_d>\d{2})"
    r"|(?P<d2>\d{1,2})(?:-?(?:го|е|ое)|st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>" + MONTH_WORD + r")"
    r"(?:\s+(?P<y2>\d{4})(?:\s*(?:г\.|года|г(?![а-яё])))?)?"
    r"|(?P<m3>" + MONTH_WORD + r")\s+(?P<d3>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y3>\d{4})"
    r"|(?P<dw>" + _ORDINAL_WORD + r")\s+(?P<m4>" + MONTH_WORD + r"))"
)
DATE_RE: Final = re.compile(DATE_PATTERN, re.IGNORECASE)


def _month(word: str) -> int | None:
    w = word.lower().rstrip(".")
    if w in ("мая", "май"):
        return 5
    for stem in sorted(_MONTHS, key=len, reverse=True):
        if stem != "ма" and w.startswith(stem):
            return _MONTHS[stem]
    return None


def resolve(day: int, month: int, year: int | None, ref: date | None) -> date | None:
    """A day and month, with the year taken from the reference date when not written.

    A yearless date well before the reference (e.g. "до 15 января" written in December)
    is taken in the following year.
    """
    base = ref or date.today()
    y = year if year is not None else base.year
    if y < 100:
        y += 2000
    try:
        result = date(y, month, day)
    except ValueError:
        return None
    if year is None and result < base - timedelta(days=60):
        try:
            result = date(y + 1, month, day)
        except ValueError:
            return None
    return result


def date_from_match(m: re.Match[str], ref: date | None) -> date | None:
    if m.group("iso_y"):
        try:
            return date(int(m.group("iso_y")), int(m.group("iso_m")), int(m.group("iso_d")))
        except ValueError:
            return None
    if m.group("d1"):
        day, month = int(m.group("d1")), int(m.group("m1"))
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None
        y1 = m.group("y1")
        return resolve(day, month, int(y1) if y1 else None, ref)
    if m.group("m3"):  # "Dec 20, 2026"
        month_num = _month(m.group("m3"))
        if month_num is None:
            return None
        return resolve(int(m.group("d3")), month_num, int(m.group("y3")), ref)
    if m.group("dw"):
        month_num = _month(m.group("m4"))
        ordinal = _ordinal_day(m.group("dw"))
        if month_num is None or ordinal is None:
            return None
        return resolve(ordinal, month_num, None, ref)
    month_num = _month(m.group("m2") or "")
    if month_num is None:
        return None
    y2 = m.group("y2")
    return resolve(int(m.group("d2")), month_num, int(y2) if y2 else None, ref)


def _ordinal_day(words: str) -> int | None:
    """'двадцатого' -> 20, 'двадцать пятого' -> 25, 'первого' -> 1."""
    day = 0
    for word in words.lower().replace("ё", "е").split():
        if word == "двадцать":
            day += 20
            continue
        if word == "тридцать":
            day += 30
            continue
        stem = next(
            (s for s in sorted(_ORDINAL_DAYS, key=len, reverse=True) if word.startswith(s)), None
        )
        if stem is None:
            return None
        day += _ORDINAL_DAYS[stem]
    return day if 1 <= day <= 31 else None


def find_date(text: str, ref: date | None) -> date | None:
    m = DATE_RE.search(text)
    return date_from_match(m, ref) if m else None


_END_OF: Final = re.compile(
    r"(?:до\s+)?конц[аеу]\s+(?P<what>недели|месяца|года|этого месяца|текущего месяца|года)",
    re.IGNORECASE,
)


def end_of_period(text: str, ref: date | None) -> date | None:
    """'до конца месяца' / 'до конца года' / 'до конца недели' relative to the reference date."""
    m = _END_OF.search(text)
    if not m:
        return None
    base = ref or date.today()
    what = m.group("what").lower()
    if "недел" in what:
        return base + timedelta(days=6 - base.weekday())
    if "месяц" in what:
        return date(base.year, base.month, calendar.monthrange(base.year, base.month)[1])
    return date(base.year, 12, 31)
