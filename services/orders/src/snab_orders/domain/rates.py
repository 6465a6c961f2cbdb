"""Exchange rates: the Central Bank of Russia's daily file, and which rate a quote uses.

The CBR file (``XML_daily``) is ``ValCurs Date="dd.mm.yyyy"`` with ``Valute`` entries
(``CharCode``, ``Nominal``, ``Value`` with a decimal comma), in windows-1251: the rate of
one unit is Value / Nominal roubles. A quote is converted at the rate of its own date:
a manager's override for that currency and date wins, then the CBR rate of that date
(or of the last date before it: the CBR publishes no rates on holidays), then the static
``CURRENCY_RATES`` setting. The comparison names the rate, its source and its date.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Literal

RateSource = Literal["manual", "cbr", "setting"]
CBR_PUBLIC_URL = "https://www.cbr.ru/scripts/XML_daily.asp"


class RatesFormatError(ValueError):
    """The file is not a CBR daily rates file."""


@dataclass(frozen=True, slots=True)
class DailyRates:
    on_date: date
    rates: dict[str, Decimal]
    """Roubles for one unit of each currency."""


def _decimal(text: str | None, what: str) -> Decimal:
    try:
        value = Decimal((text or "").strip().replace(",", ".").replace("\xa0", ""))
    except InvalidOperation as exc:
        raise RatesFormatError(f"{what}: не число {text!r}") from exc
    if not value.is_finite() or value <= 0:
        raise RatesFormatError(f"{what}: {text!r} не положительное число")
    return value


def parse_cbr_daily(raw: bytes) -> DailyRates:
    """The rates of a CBR ``XML_daily`` file; RatesFormatError for anything else."""
    if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        # The CBR file has no DTD; without one expat expands no entities, so the parse
        # below cannot be made to blow up or to read local files.
        raise RatesFormatError("файл с DTD не принимается")
    try:
        root = ET.fromstring(raw)  # noqa: S314 - no DTD, checked above
    except ET.ParseError as exc:
        raise RatesFormatError(f"не XML: {exc}") from exc
    if root.tag != "ValCurs":
        raise RatesFormatError(f"ожидался ValCurs, получен {root.tag}")
    try:
        on_date = datetime.strptime(root.get("Date", ""), "%d.%m.%Y").date()
    except ValueError as exc:
        raise RatesFormatError(f"дата курсов не прочитана: {root.get('Date')!r}") from exc
    rates: dict[str, Decimal] = {}
    for valute in root.iter("Valute"):
        code = (valute.findtext("CharCode") or "").strip().upper()
        if len(code) != 3 or not code.isalpha():
            raise RatesFormatError(f"код валюты {code!r}")
        nominal = _decimal(valute.findtext("Nominal"), f"{code} Nominal")
        value = _decimal(valute.findtext("Value"), f"{code} Value")
        rates[code] = value / nominal
    if not rates:
        raise RatesFormatError("в файле нет ни одной валюты")
    return DailyRates(on_date, rates)


@dataclass(frozen=True, slots=True)
class RateUsed:
    currency: str
    rate: Decimal
    source: RateSource
    as_of: date | None


@dataclass(frozen=True, slots=True)
class RateBook:
    """Every rate known for the currencies in question."""

    fallback: Mapping[str, Decimal] = field(default_factory=dict)
    """The ``CURRENCY_RATES`` setting."""
    manual: Mapping[tuple[str, date], Decimal] = field(default_factory=dict)
    cbr: Mapping[str, Sequence[tuple[date, Decimal]]] = field(default_factory=dict)
    """Per currency, (date, rate) in date order."""

    def pick(self, currency: str, on: date) -> RateUsed | None:
        code = currency.upper()
        if code == "RUB":
            return RateUsed(code, Decimal(1), "setting", None)
        if (code, on) in self.manual:
            return RateUsed(code, self.manual[(code, on)], "manual", on)
        dated = self.cbr.get(code, ())
        at = bisect_right([d for d, _ in dated], on)
        if at:
            day, rate = dated[at - 1]
            return RateUsed(code, rate, "cbr", day)
        if code in self.fallback:
            return RateUsed(code, self.fallback[code], "setting", None)
        return None
