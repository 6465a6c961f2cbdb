"""Phrases shared by request and quote reading: prices, currencies, VAT, stock, lead times."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from snab_parser.result import Currency, Unit
from snab_parser.rules.numbers import AMOUNT_PATTERN, parse_amount, words_to_number
from snab_parser.rules.units import UNIT_PATTERN, normalize_unit

# ---------------------------------------------------------------------------- currency

CURRENCY_WORD: Final = (
    r"(?:т\.\s?р\.?(?![а-яё])|тыс\.?\s*руб(?:лей|\.)?|руб(?:лей|ля|ль|\.)?|р\.|р(?![а-яёa-z])|₽|rub\b|rur\b|usd\b|eur\b|cny\b|rmb\b|\$|€|¥"
    r"|долл(?:ар(?:ов|а|ы)?)?\.?(?:\s*сша)?|у\.\s?е\.|евро(?![а-яё])|юан(?:ей|я|ь|и)?)"
)
_CURRENCY_MAP: Final[tuple[tuple[re.Pattern[str], Currency], ...]] = (
    (re.compile(r"^(?:руб|р\.?$|₽|rub|rur|т\.\s?р|тыс)"), "RUB"),
    (re.compile(r"^(?:usd|\$|долл|у\.\s?е)"), "USD"),
    (re.compile(r"^(?:eur|€|евро)"), "EUR"),
    (re.compile(r"^(?:cny|rmb|¥|юан)"), "CNY"),
)


def currency_of(token: str | None) -> Currency | None:
    if not token:
        return None
    t = token.strip().lower()
    for pattern, code in _CURRENCY_MAP:
        if pattern.match(t):
            return code
    return None


_CURRENCY_STATEMENT: Final = re.compile(
    r"(?:в\s+)?(?P<w>долларах|доллар(?:ы|ов)\s+сша|usd|евро|eur|юанях|юаней|cny|рублях|rub)",
    re.IGNORECASE,
)


def currency_statement(text: str) -> Currency | None:
    """'цены в евро', 'в долларах США', 'Цена, EUR' -> currency."""
    m = _CURRENCY_STATEMENT.search(text)
    if not m:
        return None
    w = m.group("w").lower()
    if w.startswith(("доллар", "usd")):
        return "USD"
    if w.startswith(("евро", "eur")):
        return "EUR"
    if w.startswith(("юан", "cny")):
        return "CNY"
    return "RUB"


# ---------------------------------------------------------------------------- prices

_PER: Final = (
    r"(?:\s*(?:/\s?|за\s+(?:одн[уона]\s+)?|per\s+|в\s+)(?P<per_n>(?:1000|100|10|1)\s*)?(?P<per>"
    + UNIT_PATTERN
    + r"|ед(?:иницу|\.)?|единица|шт\.?|штуку))"
)
PRICE_RE: Final = re.compile(
    r"(?:(?P<pre>\$|€|¥|usd|eur)\s?)?(?P<amount>" + AMOUNT_PATTERN + r")"
    r"(?:\s*(?P<cur>" + CURRENCY_WORD + r"))?" + _PER + "?",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Price:
    start: int
    end: int
    amount: Decimal
    currency: Currency | None
    per_unit: bool  # "руб./шт", "за кг"
    per: Unit | None
    for_quantity: Decimal | None = None  # "15 680 руб. за 200 м": the price of that many
    for_unit: Unit | None = None
    is_total: bool = False  # "— итого 1 850,00 EUR", "сумма 49 200": the whole line's cost


_KOPECKS: Final = re.compile(
    r"(?<!\d)(?P<r>\d{1,3}(?:[ \u00a0]\d{3}){0,5}|\d+)\s*+(?:руб(?:лей|ля|ль)?\.?|р\.)"
    r"\s*+(?P<k>\d{1,2})\s*+коп\.?",
    re.IGNORECASE,
)


def _kopecks(text: str) -> str:
    """'6 руб. 80 коп.' -> '6,80 руб.'"""
    return _KOPECKS.sub(
        lambda m: (
            f"{m.group('r')},{int(m.group('k')):02d} руб."
            + " " * max(0, len(m.group(0)) - len(m.group("r")) - 8)
        ),
        text,
    )


# A tab opens the amount from the start of its run of spaces (a match tried from each tab of a
# long run would read the rest of the run each time).
_DASH_KOPECKS: Final = re.compile(
    r"(?P<pre>(?:^|[—–:|=]|\s-)\s*+|(?<!\s)(?=[^\S\t]*+\t)\s++)"
    r"(?P<r>\d{1,3}(?:[ \u00a0.]\d{3}){1,5}|\d{1,7})[-=](?P<k>\d{2}|-)"
    r"(?=\s*(?:$|руб|р\.|р(?![а-яё])|₽|за\s|/|[,;]\s|\.\s|\.$|\s[—–-]\s))",
    re.IGNORECASE,
)
# "1250,-": whole roubles; "45р.50к.", "38 р. 50 к.": roubles and kopecks
_WHOLE_ROUBLES: Final = re.compile(r"(?<=\d),-(?![\d-])")
_ROUBLES_KOPECKS: Final = re.compile(
    r"(?<![\d.,])(?P<r>\d{1,3}(?:[ \u00a0]\d{3}){1,5}|\d{1,7})\s?(?:р|руб)\.?\s?(?P<k>\d{2})\s?"
    r"(?:к|коп)\.?(?![а-яё])",
    re.IGNORECASE,
)


def _dashed(m: re.Match[str]) -> str:
    kopecks = "00" if m.group("k") == "-" else m.group("k")
    return f"{m.group('pre')}{m.group('r')},{kopecks}".ljust(len(m.group(0)))


def _roubles_kopecks(m: re.Match[str]) -> str:
    value = f"{m.group('r')},{m.group('k')} р."
    return value + " " * (len(m.group(0)) - len(value))


def dash_kopecks(text: str) -> str:
    """Kopecks as suppliers type them, rewritten in place (same length, so positions hold):
    '— 289-00 за пачку', 'Итого: 59 597-60', '640=50', '1250,-', '45р.50к.' ->
    '289,00', '59 597,60', '640,50', '1250,0', '45,50 р.'."""
    if "-" in text or "=" in text:
        text = _DASH_KOPECKS.sub(_dashed, text)
        if ",-" in text:
            text = _WHOLE_ROUBLES.sub(",0", text)
    if "к" in text or "К" in text:
        text = _ROUBLES_KOPECKS.sub(_roubles_kopecks, text)
    return text


def find_prices(text: str, *, bare: bool = False) -> list[Price]:
    """Amounts marked as money ("6,80 руб./шт", "$1.85", "сто девяносто рублей за кг").

    ``bare`` also accepts unmarked numbers (a price column or a price segment of a line).
    """
    if "коп" in text:
        text = _kopecks(text)
    out: list[Price] = []
    for m in PRICE_RE.finditer(text):
        pre, cur, per = m.group("pre"), m.group("cur"), m.group("per")
        if not (pre or cur or bare):
            continue
        if not (pre or cur) and per is None and bare is False:
            continue
        amount = parse_amount(m.group("amount"))
        if amount is None:
            continue
        # "НДС 22%" and percentages are not prices
        tail = text[m.end("amount") : m.end("amount") + 2]
        if tail.startswith("%") or tail.startswith(" %"):
            continue
        if cur and _THOUSANDS.match(cur):
            amount *= 1000  # "685 т.р.", "12 тыс. руб.": thousands of roubles
        per_n = m.group("per_n")
        if per_n and int(per_n) > 1:
            amount = amount / int(per_n)  # "850 руб. за 1000 шт": the price of one
        per_unit = per is not None
        per_norm = normalize_unit(per) if per else None
        if per and _PER_PIECE.match(per):
            per_norm = "шт"
        for_m = _FOR_QUANTITY.match(text, m.end()) if not per_unit else None
        for_qty = parse_amount(for_m.group("n")) if for_m else None
        is_total = not per_unit and bool(
            _TOTAL_BEFORE.search(text[max(0, m.start() - 20) : m.start()])
        )
        out.append(
            Price(
                is_total=is_total,
                start=m.start(),
                end=m.end(),
                amount=amount,
                currency=currency_of(pre or cur),
                per_unit=per_unit,
                per=per_norm,
                for_quantity=for_qty if for_qty is not None and for_qty > 1 else None,
                for_unit=normalize_unit(for_m.group("u")) if for_m else None,
            )
        )
    return out


_THOUSANDS: Final = re.compile(r"т\.|тыс", re.IGNORECASE)
_PER_PIECE: Final = re.compile(r"ед|единиц|штук", re.IGNORECASE)
_TOTAL_BEFORE: Final = re.compile(
    r"(?<![а-яё])(?:итого|сумма|всего|на\s+сумму)\s*+[:=—–-]?\s*+$", re.IGNORECASE
)
_FOR_QUANTITY: Final = re.compile(
    r"(?<!\s)\s*+за\s+(?P<n>" + AMOUNT_PATTERN + r")\s*+(?P<u>" + UNIT_PATTERN + r")",
    re.IGNORECASE,
)


# ---------------------------------------------------------------------------- VAT

_VAT_TRUE: Final = re.compile(
    r"(?:с\s+ндс|в\s*т\.?\s*ч\.?\s*(?:и\s+)?ндс|включая\s+ндс|с\s+уч[её]том\s+ндс|ндс\s+включ[её]н"
    r"|включ(?:ен|ён|ая|ают|ает|ены)\s+ндс|вкл\.?\s*ндс|в\s+том\s+числе\s+ндс|цены?\s+с\s+ндс|with\s+vat"
    r"|incl\.?\s+vat|including\s+vat|ндс\s+вкл\w*)",
    re.IGNORECASE,
)
_VAT_FALSE: Final = re.compile(
    r"(?:без\s+(?:уч[её]та\s+)?ндс|ндс\s+не\s+облага\w*|не\s+облага\w{0,30}\s+ндс|\+\s*ндс"
    r"|плюс\s+ндс|ндс\s+сверху|не\s+плательщик\w{0,30}\s+ндс|без\s+налога|ндс\s+не\s+предусмотрен"
    r"|ндс\s+не\s+(?:применя|начисля|взима)\w*|ндс\s+0\s*%|освобожд\w{0,30}\s+от\s+(?:уплаты\s+)?ндс"
    r"|\+\s*\d{1,2}\s*%\s*ндс|ндс\s+\d{1,2}\s*%\s+сверху"
    r"|ндс\s+нет|ндс\s+не\s+плат\w*|не\s+плат\w{0,30}\s+ндс|начисля\w{0,30}\s+сверху|excl\.?\s+vat|excluding\s+vat|without\s+vat|vat\s+not\s+included|\+\s*vat"
    r"|plus\s+vat)",
    re.IGNORECASE,
)
_USN: Final = re.compile(r"\b(?:усн|упрощ[её]нн\w{0,30}\s+систем\w*)", re.IGNORECASE)


def vat_statement(text: str) -> bool | None:
    """True for "с НДС"/"в т.ч. НДС", False for "без НДС"/"НДС не облагается"/"+ НДС"."""
    t = _VAT_FALSE.search(text)
    f = _VAT_TRUE.search(text)
    if t and f:
        return f.start() < t.start()
    if t:
        return False
    if f:
        return True
    if _USN.search(text):
        return False
    return None


# ---------------------------------------------------------------------------- stock

NOT_AVAILABLE: Final = re.compile(
    r"(?:нет\s+в\s+наличии|нет\s+на\s+складе|не\s+в\s+наличии|отсутству\w*|в\s+наличии\s+нет"
    r"|не\s+(?:поставляем|поставим|держим|производим|продаём|продаем|торгуем|можем|сможем"
    r"|работаем|занимаемся|имеем|предлагаем|возим|производится|поставляется|выпускается)"
    r"|сняты?\w{0,30}\s+с\s+производства|поставить\s+не\s+(?:сможем|можем)|недоступ\w*|нет\s+возможности"
    r"|к\s+сожалению,?\s+нет|out\s+of\s+stock|not\s+available|n/a"
    r"|(?<![а-яё])нету?(?![а-яё]))",
    re.IGNORECASE,
)
IN_STOCK: Final = re.compile(
    r"(?:(?<!не\s)в\s+наличии|есть\s+на\s+складе|на\s+складе|имеется(?:\s+в\s+наличии)?"
    r"|(?<![а-яё])есть(?![а-яё])|in\s+stock|со\s+склада)",
    re.IGNORECASE,
)
PRICE_ON_REQUEST: Final = re.compile(
    r"(?:цен\w{0,30}\s+(?:договорн\w*|по\s+запросу|по\s+договор[её]нности|уточня\w*)"
    r"|договорн\w{1,30}\s+цен\w*|цен\w{0,30}\s+уточним|уточним\s+цен\w*|price\s+on\s+request)",
    re.IGNORECASE,
)
TO_ORDER: Final = re.compile(r"(?:под\s+заказ|на\s+заказ|по\s+запросу|ожидается)", re.IGNORECASE)


# ---------------------------------------------------------------------------- lead time

# A period may come without a number ("через неделю"): its spaces are then read from the start
# of their run only, and numbers from their first digit.
LEAD_RE: Final = re.compile(
    r"(?:(?<!\d)(?P<a>\d+)\s*+(?:[-–—]|до)\s*+)?"
    r"(?P<b>(?<!\d)\d+(?:-(?:х|ти|ми|ух|[её]х)(?![а-яё]))?|одн[уа]|одна|один|две|два|три|четыре"
    r"|пять|шесть|семь|восемь|девять|десять|полтора|полторы|одной|одного|двух|тр[её]х|четыр[её]х"
    r"|пяти|шести|семи|восьми|девяти|десяти|пару)?(?:(?<!\s)\s++)?"
    r"(?:(?:раб(?:очих|очие|очий|\.)?|календарных|кал\.|банковских|working|business|calendar)"
    r"\s*+)?"
    r"(?P<unit>дн(?:я|ей|\.)?(?![а-яё])|день|сут(?:ок|ки)?|недел[ьяиюе]|нед\.?(?![а-яё])"
    r"|месяц(?:а|ев)?|мес\.?(?![а-яё])|[рк]\.\s?д\.?|р/д(?![а-яё])"
    r"|days?(?![a-z])|weeks?(?![a-z])|months?(?![a-z]))",
    re.IGNORECASE,
)
_LEAD_EXCLUDE: Final = re.compile(
    r"отсрочк|действ|банковск|гаранти|возврат|рассмотр|^\s*(?:условия\s+)?оплат"
    r"|оплат\w{0,30}\s+(?:в\s+течени|через|до)|срок\w{0,30}\s+оплат",
    re.IGNORECASE,
)
_BARE_PERIOD_CONTEXT: Final = re.compile(
    r"(?:через|течение|срок\w{0,30}:?|[-—–:])\s*+$", re.IGNORECASE
)
_NEXT_DAY: Final = re.compile(
    r"(?:на\s+)?следующ\w{1,30}\s+(?:рабочий\s+)?день|(?<![а-яё])завтра(?![а-яё])", re.IGNORECASE
)
_SAME_DAY: Final = re.compile(
    r"день\s+в\s+день|в\s+день\s+(?:оплаты|заказа|обращения|поступления)|сегодня", re.IGNORECASE
)
_WEEK_OR_MONTH: Final = re.compile(r"недел|месяц", re.IGNORECASE)
_CLAUSE_SPLIT: Final = re.compile(r"[;\n]|\.\s++(?=[А-ЯЁA-Z])|,\s++(?=[а-яё])")
# the first letter of the unit: дни, сутки, недели, месяцы, "р.д."/"к.д.", days, weeks, months
_UNIT_DAYS: Final = {"д": 1, "с": 1, "н": 7, "м": 30, "р": 1, "к": 1, "d": 1, "w": 7, "m": 30}


def _lead_value(m: re.Match[str]) -> int | None:
    unit = m.group("unit").lower()
    b = m.group("b")
    if b is None:
        if unit.startswith(("недел", "нед")) or unit.startswith(("месяц", "мес")):
            value = Decimal(1)
        else:
            return None
    elif b[0].isdigit():
        value = Decimal(b.split("-")[0])  # "2-х недель", "5-ти дней"
    else:
        w = b.lower()
        if w in ("одну", "одна", "один", "одной", "одного"):
            value = Decimal(1)
        else:
            wv = words_to_number(w)
            if wv is None:
                return None
            value = wv
    if "банковск" in m.group(0).lower():
        return None
    days = value * _UNIT_DAYS[unit[0]]
    return int(days.to_integral_value(rounding="ROUND_CEILING"))


def lead_time_days(text: str) -> int | None:
    """'3-5 дней' -> 5, '2 недели' -> 14, '4–6 недель' -> 42, 'через 2 дня' -> 2.

    The upper bound of the first stated period, ignoring payment delays and validity.
    """
    for clause in _CLAUSE_SPLIT.split(text):
        if _LEAD_EXCLUDE.search(clause):
            continue
        if _NEXT_DAY.search(clause):
            return 1
        if _SAME_DAY.search(clause):
            return 0
        for m in LEAD_RE.finditer(clause):
            if m.group("b") is None and not (
                _WEEK_OR_MONTH.match(m.group("unit"))
                and _BARE_PERIOD_CONTEXT.search(clause[: m.start()])
            ):
                continue
            value = _lead_value(m)
            if value is not None and 0 <= value <= 400:
                return value
    return None


LEAD_CONTEXT: Final = re.compile(
    r"срок|поставк|отгруз|изготовл|производств|доставк|под\s+заказ|через|в\s+течени|готовност"
    r"|привез|ожида|lead\s*time|delivery",
    re.IGNORECASE,
)


_AMOUNT_RE: Final = re.compile(AMOUNT_PATTERN, re.IGNORECASE)
