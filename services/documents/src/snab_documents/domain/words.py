"""The total in words, as Russian documents print it: «Сто двадцать шесть тысяч рублей
00 копеек». Whole units in words, the fraction in digits, both with the right plural."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from num2words import num2words


class CurrencyWords(NamedTuple):
    """Plural forms (one, few, many) of a currency's unit and of its hundredth."""

    unit: tuple[str, str, str]
    cent: tuple[str, str, str]


CURRENCY_WORDS: dict[str, CurrencyWords] = {
    "RUB": CurrencyWords(("рубль", "рубля", "рублей"), ("копейка", "копейки", "копеек")),
    "USD": CurrencyWords(
        ("доллар США", "доллара США", "долларов США"), ("цент", "цента", "центов")
    ),
    "EUR": CurrencyWords(("евро", "евро", "евро"), ("евроцент", "евроцента", "евроцентов")),
    "CNY": CurrencyWords(("юань", "юаня", "юаней"), ("фэнь", "фэня", "фэней")),
}

CENT = Decimal("0.01")


def plural(n: int, forms: tuple[str, str, str]) -> str:
    """The Russian plural form for ``n``: 1 рубль, 2 рубля, 5 рублей, 11 рублей, 21 рубль."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return forms[0]
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return forms[1]
    return forms[2]


def amount_in_words(amount: Decimal, currency: str = "RUB") -> str:
    """``Decimal("126000")`` → «Сто двадцать шесть тысяч рублей 00 копеек».

    The amount is rounded half up to hundredths (amounts on a proposal already are).
    Every currency of the contracts has its own words; KeyError names an unknown one.
    """
    words = CURRENCY_WORDS[currency]
    if amount < 0:
        raise ValueError("a negative amount has no words on a proposal")
    rounded = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    whole = int(rounded)
    cents = int((rounded - whole) * 100)
    text = f"{num2words(whole, lang='ru')} {plural(whole, words.unit)} {cents:02d} "
    text += plural(cents, words.cent)
    return text[:1].upper() + text[1:]
