"""One line of a list: "1. Болт М8х30 DIN 933 — 400 шт. — 6,80 руб./шт. — в наличии".

The quantity is the "number + unit" that follows a separator (dash, colon, tab, "x",
"кол-во") after the name, or stands first ("100 шт — Болт"), or ends the line. Sizes inside a
name ("Гофра 20 мм с зондом", "мешок 50 кг", "(по 100 м)") are not quantities.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final, Literal

from snab_parser.result import Unit
from snab_parser.rules.numbers import (
    AMOUNT_PATTERN,
    NUMBER_PATTERN,
    NUMBER_RE,
    parse_amount,
    parse_number,
)
from snab_parser.rules.patterns import (
    IN_STOCK,
    LEAD_RE,
    NOT_AVAILABLE,
    PRICE_ON_REQUEST,
    TO_ORDER,
    Price,
    dash_kopecks,
    find_prices,
    lead_time_days,
)
from snab_parser.rules.units import MEASURE_UNITS, UNIT_PATTERN, normalize_unit

Mode = Literal["request", "quote"]

QTY_RE: Final = re.compile(
    r"(?P<amount>" + AMOUNT_PATTERN + r")\s*(?P<unit>" + UNIT_PATTERN + ")", re.IGNORECASE
)
_BULLET: Final = re.compile(
    r"^\s*(?:"
    r"(?:№\s*|п\.\s*|поз(?:иция|\.)?\s*)?(?P<n1>\d{1,3})\s*[.):]\s*(?=\S)(?!\d)"
    r"|\((?P<n2>\d{1,3})\)\s*"
    r"|(?P<n3>\d{1,3})(?:\t|\s{2,})\s*"
    r"|[-–—•*·▪●○◦►✓✔]+\s*"
    r")",
    re.IGNORECASE,
)
# A separator, then nothing but spaces. A tab or two spaces count from the start of their run.
_SEP_BEFORE: Final = re.compile(
    r"(?:[—–:;]|\s-|кол-?во\.?|количеств[оа]|в\s+количестве|в\s+объ[её]ме|объ[её]м)\s*+$"
    r"|(?<!\s)(?>\s*\t|\s{2})\s*+$",
    re.IGNORECASE,
)
_VERB_BEFORE: Final = re.compile(
    r"(?<![а-яё])(?:нужн[оаы]|нужен|надо|необходим[оаы]?|требу(?:ется|ются)|потребуется|прошу"
    r"|просим)[\s:,]*+$",
    re.IGNORECASE,
)
_TIMES_BEFORE: Final = re.compile(r"(?:\s[xх*×]|×)\s*+$", re.IGNORECASE)
# "48 мм х 66 м", "1,2 х 100 м": a size, not "name x quantity"
_SIZE_BEFORE_TIMES: Final = re.compile(
    r"\d(?:[.,]\d+)?\s*+(?:мм|см|м|л|кг|г|мкм|\")?\s*+[xх*×]\s*+$", re.IGNORECASE
)
_WEAK_SEP_BEFORE: Final = re.compile(r"[,(=*]\s*+$")
_LEADING_FILLER: Final = re.compile(
    r"^(?:(?:нужн[оаы]|нужен|надо|необходим[оаы]?|требу(?:ется|ются)|потребу(?:ется|ются)"
    r"|понадоб(?:ится|ятся)|прошу|просим"
    r"|хотим|хотели\s+бы|интересу(?:ет|ют)|купить|заказать|приобрести|поставить|привезти"
    r"|рассчитать|посчитать|также|ещ[её]|и|а|плюс|примерно|около|порядка|ориентировочно|нам"
    r"|мне|бы|ну|вот|далее|кроме\s+того|наименование\s*:|позиция\s*:|товар\s*:|закаж(?:ем|у)"
    r"|возьм[её]м|у\s+вас|пришлите|дайте|подскажите|сообщите|(?:цен[уы]|стоимость)\s+на)"
    r"(?![а-яё])[\s,:]*)+",
    re.IGNORECASE,
)
# One piece of what may trail a name ("— кол-во:", " x", " по"). Names are stripped of these
# piece by piece from the end (see ``_strip_trailing_junk``): a single pattern repeating them up
# to the end of the text reads a long tail again from every position, in quadratic time.
_TRAILING_JUNK: Final = re.compile(
    r"(?:[\s,;:—–\-=*×(]|\s[xх]|\sпо|кол-?во\.?|количеств[оа]|в\s+количестве|в\s+объ[её]ме"
    r"|объ[её]м|цена|стоимость|нужно|надо|требуется)$",
    re.IGNORECASE,
)
# the longest piece above, in a name whose spaces are single
_JUNK_PIECE_CHARS: Final = 16
# cleaning repeats until nothing changes; real names settle in two or three passes
_CLEAN_PASSES: Final = 12
_EMPTYISH_WORDS: Final = re.compile(
    r"(?:по\s++" + AMOUNT_PATTERN + r"(?:\s*+(?:" + UNIT_PATTERN + r"))?|отгрузим|есть|нужно|надо"
    r"|пожалуйста|примерно|ориентировочно|около|шт\.?|итого|всего|(?<![а-яё])по(?![а-яё]))",
    re.IGNORECASE,
)
_STOP_NAME: Final = re.compile(
    r"^(?:итого|всего|в\s+т\.?\s*ч|ндс|сумма|срок|доставк|оплат|услови|цен[аы]|стоимост"
    r"|скидк|предоплат|общая|total|оплата|примечани|гарантия|от\s|до\s|с\s+уважением"
    r"|тел|моб|факс|e-?mail|инн|кпп|огрн|адрес|г\.\s|ул\.|страница|ip:|спасибо|добрый|здравствуйте"
    r"|уважаем|просьба|прошу|просим|направля|высылаю|во\s+вложении|см\.|итог|р/с|к/с|бик|окпо"
    r"|расч[её]тный|корр?\.?\s*сч[её]т|банк|вес(?![а-яё])|масса(?![а-яё])|габарит)",
    re.IGNORECASE,
)
_LETTERS: Final = re.compile(r"[A-Za-zА-Яа-яЁё]")


def has_letters(text: str, n: int = 2) -> bool:
    return len(_LETTERS.findall(text)) >= n


@dataclass(frozen=True, slots=True)
class Quantity:
    start: int
    end: int
    amount: Decimal
    unit: Unit
    in_parens: bool
    pack: bool  # "по 100 м": a pack size, not an amount ordered


@dataclass
class LineItem:
    """What one line says about one item."""

    name: str
    quantity: Decimal | None = None
    unit: Unit | None = None
    position: int | None = None
    prices: list[Price] = field(default_factory=list)
    bare_prices: list[Decimal] = field(default_factory=list)
    available: bool | None = None
    to_order: bool = False
    lead_time_days: int | None = None
    strong: bool = False  # explicit list form: bullet or separator before the quantity
    qty_first: bool = False
    rest: str = ""
    price_on_request: bool = False  # "цена договорная": a line answered without a price
    analogue: str | None = None  # "FAG нет, можем дать аналог NSK 6206-2RS по 980 р."


def strip_bullet(line: str) -> tuple[int | None, str, bool]:
    m = _BULLET.match(line)
    if not m:
        return None, line.strip(), False
    num = m.group("n1") or m.group("n2") or m.group("n3")
    rest = line[m.end() :].strip()
    if num and not has_letters(rest[:40], 1):
        # "10 000 шт ..." or "1.5 т" is not a numbered line
        return None, line.strip(), False
    return (int(num) if num else None), rest, True


def paren_spans(text: str, *, unclosed_to_end: bool = True) -> list[tuple[int, int]]:
    """The outermost "(...)" groups as (start, end) spans; an unclosed "(" runs to the end
    unless ``unclosed_to_end`` is false (then it is no group)."""
    spans: list[tuple[int, int]] = []
    depth = 0
    start = 0
    for i, ch in enumerate(text):
        if ch == "(":
            if depth == 0:
                start = i
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, i + 1))
    if depth and unclosed_to_end:
        spans.append((start, len(text)))
    return spans


def in_spans(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


_PER_SLASH: Final = re.compile(r"(?<!\s)\s*+/\s*+\S")
_CAPITAL_AFTER: Final = re.compile(r"(?<!\s)\s++[А-ЯЁ]")
_T_CH: Final = re.compile(r"(?<!\s)\s*+\.?\s*+[чеп]\.")
_PACK_PO: Final = re.compile(r"(?:^|\s)по\s*+$")
_PACK_WORD: Final = re.compile(r"(?:уп|упак|пачк\w{0,30})\.?\s*+$")


def find_quantities(text: str) -> list[Quantity]:
    """Every "number + unit" in the text, flagged when it is in parentheses or a pack size."""
    spans = paren_spans(text)
    out: list[Quantity] = []
    for m in QTY_RE.finditer(text):
        unit = normalize_unit(m.group("unit"))
        if unit is None:
            continue
        amount = parse_amount(m.group("amount"))
        if amount is None or amount <= 0:
            continue
        after = text[m.end() : m.end() + 3]
        if after.startswith("/") or (_PER_SLASH.match(after) and unit in ("кг", "г", "т")):
            continue  # "35 кг/м3", "руб/кг"
        if unit == "г" and (
            (1900 <= amount <= 2100 and amount == amount.to_integral_value())
            or _CAPITAL_AFTER.match(text[m.end() : m.end() + 2])
        ):
            continue  # "2026 г.", "г. Москва"
        if unit == "т" and _T_CH.match(text[m.end() - 1 : m.end() + 3]):
            continue  # "т.ч.", "т.е."
        before = text[max(0, m.start() - 4) : m.start()].lower()
        pack = bool(_PACK_PO.search(before)) or bool(_PACK_WORD.search(before))
        out.append(
            Quantity(
                start=m.start(),
                end=m.end(),
                amount=amount,
                unit=unit,
                in_parens=in_spans(m.start(), spans),
                pack=pack,
            )
        )
    return out


def _status_start(text: str) -> int | None:
    """Where the first stock / lead-time phrase starts, if any."""
    starts: list[int] = []
    for rx in (NOT_AVAILABLE, IN_STOCK, TO_ORDER, PRICE_ON_REQUEST):
        m = rx.search(text)
        if m:
            starts.append(m.start())
    for m in LEAD_RE.finditer(text):
        if m.group("b") is not None:
            starts.append(m.start())
            break
    m2 = _TERM_WORD.search(text)
    if m2:
        starts.append(m2.start())
    return min(starts) if starts else None


_TERM_WORD: Final = re.compile(r"(?<![а-яё])срок\w*", re.IGNORECASE)
_PARENS_OR_OPEN: Final = re.compile(r"\([^)]*\)?")
_SPACES: Final = re.compile(r"\s+")


def _emptyish(text: str) -> bool:
    t = _PARENS_OR_OPEN.sub(" ", text)
    t = _EMPTYISH_WORDS.sub(" ", t)
    return not has_letters(t, 2)


def _strip_trailing_junk(name: str) -> str:
    """The name without the separators and filler words it ends with (spaces are single)."""
    while m := _TRAILING_JUNK.search(name, max(0, len(name) - _JUNK_PIECE_CHARS)):
        name = name[: m.start()]
    return name


def clean_name(name: str) -> str:
    name = _SPACES.sub(" ", name).strip()
    prev = None
    for _ in range(_CLEAN_PASSES):
        if prev == name:
            break
        prev = name
        name = _strip_trailing_junk(name).strip()
        name = _LEADING_FILLER.sub("", name).strip()
        name = name.strip("'«»“”„ ").strip()
        if name.startswith('"') and name.count('"') % 2 == 1:
            name = name[1:].strip()
        if name.endswith('"') and name.count('"') % 2 == 0 and name.startswith('"'):
            name = name[1:-1].strip()
        if name.endswith(")") and name.count("(") < name.count(")"):
            name = name[:-1].strip()
        if name.count("(") > name.count(")"):
            name = name[: name.rfind("(")].strip() if name.rfind("(") > 0 else name + ")"
    return name


def valid_name(name: str) -> bool:
    return has_letters(name, 2) and len(name) <= 200 and not _STOP_NAME.match(name)


_SEGMENT_SPLIT: Final = re.compile(r"\s+[—–-]\s+|\s*[—–]\s*|\t+|\s{2,}|\s*;\s*|\s*\|\s*")
_BARE_PRICE: Final = re.compile(
    r"^\s*+(?:(?:цена|по)\s*+:?\s*+)?(?P<n>"
    + NUMBER_PATTERN
    + r")\s*+(?:/\s*+\S+|за\s+(?:1\s+)?[а-яё]+\.?)?"
    r"\s*+[.,]?\s*+$",
    re.IGNORECASE,
)


# "Кабель ВВГ 3х2,5 — 78,40", "... 200 м по 78,40": an unmarked price ending a quote line
_TRAILING_PRICE: Final = re.compile(
    r"(?:\s[—–-]|\s(?:по|цена:?|=|:))\s*+(?P<n>" + NUMBER_PATTERN + r")\s*+"
    r"(?:(?:за\s+(?:1\s+)?[а-яё]+|/\s*+[а-яё]+)\.?)?\s*+[.,;]?\s*+$",
    re.IGNORECASE,
)


_NUMBERS_ONLY: Final = re.compile(r"\A\s*+(?:" + NUMBER_PATTERN + r"\s*+){2,3}\Z")


# "Кабель ВВГ 3х2,5 200 м 78.40 15680.00": numbers after a quantity, no separators
_AFTER_QTY_NUMBERS: Final = re.compile(
    r"(?:"
    + UNIT_PATTERN
    + r")\s++(?P<n>"
    + NUMBER_PATTERN
    + r")(?:\s++"
    + NUMBER_PATTERN
    + r")?\s*+$",
    re.IGNORECASE,
)


# "есть, 2,15", "ЕСТЬ 310", "под заказ 2 недели, 1,60": status words and a lead time around a
# bare price; a comma followed by a space separates clauses (a decimal comma has none)
_STATUS_WORDS: Final = re.compile(
    r"(?<![а-яё])(?:есть|в\s+наличии|на\s+складе|под\s+заказ|на\s+заказ|со\s+склада)(?![а-яё])"
    r"|(?:срок\s*+:?\s*+|поставка\s++|отгрузка\s++)?(?:через\s+)?"
    r"(?:\d{1,3}\s*+[-–]\s*+)?\d{1,3}\s*+(?:раб\.?\s*+|рабочих\s+)?"
    r"(?:дн(?:я|ей|\.)?|день|недел[ьяи]|нед\.?)(?![а-яё])",
    re.IGNORECASE,
)
_CLAUSE_COMMA: Final = re.compile(r"(?<=\S),\s++")


# "40 шт x 1 260,00 = 50 400,00": the unit price times the quantity, then the line total
_TIMES_EQUALS: Final = re.compile(
    r"^\s*+[xх×*]\s*+(?P<p>"
    + NUMBER_PATTERN
    + r")\s*+(?:руб\.?|р\.?|₽)?\s*+=\s*+(?P<t>"
    + NUMBER_PATTERN
    + r")",
    re.IGNORECASE,
)


def _bare_prices(rest: str) -> list[Decimal]:
    times = _TIMES_EQUALS.match(rest)
    if times:
        price, total = parse_number(times.group("p")), parse_number(times.group("t"))
        if price is not None and total is not None:
            return [price, total]
    out: list[Decimal] = []
    for seg in _SEGMENT_SPLIT.split(rest):
        if not _BARE_PRICE.match(seg) and _STATUS_WORDS.search(seg):
            pieces = [_STATUS_WORDS.sub(" ", piece) for piece in _CLAUSE_COMMA.split(seg)]
            pieces = [piece for piece in pieces if piece.strip(" ,.")]
            if len(pieces) == 1:
                seg = pieces[0]
        m = _BARE_PRICE.match(seg)
        if m:
            value = parse_number(m.group("n"))
            if value is not None:
                out.append(value)
        elif _NUMBERS_ONLY.match(seg):
            # "78.40 15680.00": a price and a line total in a row without separators
            out.extend(v for n in NUMBER_RE.findall(seg) if (v := parse_number(n)) is not None)
    return out


_NO_DOUBT: Final = re.compile(r"нет\s+(?:ли|проблем)")
_OPEN_PAREN_BEFORE: Final = re.compile(r"\(\s*+$")
_CLOSE_PAREN_AFTER: Final = re.compile(r"(?<!\s)\s*+\)")
# where the name ends after a leading quantity ("100 шт — Болт М8 — ...")
_NAME_AFTER_QTY_END: Final = re.compile(r"(?<!\s)\s++[—–-]\s+|\t|\s{2,}|[—–]")
_EDGE_PUNCTUATION: Final = " .,:;—–-"
# "Болт М8 — 100", "Болт М8: 100": a count without a unit ending a request line. A tab counts
# from the start of its run of spaces.
_UNITLESS: Final = re.compile(
    r"(?:[—–:]|\s-|\s[xх×*]|кол-?во\.?:?|количество:?|(?<!\s)(?=[^\S\t]*+\t))\s*+(?P<n>"
    + NUMBER_PATTERN
    + r")\s*+[.;]?\s*+$",
    re.IGNORECASE,
)
_SEPARATED: Final = re.compile(r"[—–:\t]|\s-\s")


def _status(rest: str, item: LineItem) -> None:
    lowered = rest.lower()
    item.price_on_request = bool(PRICE_ON_REQUEST.search(lowered))
    negative = NOT_AVAILABLE.search(lowered)
    if negative and not _NO_DOUBT.search(lowered):
        item.available = False
    elif IN_STOCK.search(lowered):
        item.available = True
    if TO_ORDER.search(lowered):
        item.to_order = True
    days = lead_time_days(rest)
    if days is not None:
        item.lead_time_days = days
    elif item.available is True and IN_STOCK.search(lowered) and not item.to_order:
        item.lead_time_days = 0


def parse_line(line: str, mode: Mode = "request") -> LineItem | None:
    """Read one list line; None when it holds no item.

    Passes: the bullet; where the name part ends (the first price or status word, in a
    quote); which quantity is the line's (``_choose_quantity``); then the name and the rest
    (``_name_and_rest``), and in a quote the prices and the status after the quantity.
    """
    position, text, bullet = strip_bullet(line)
    if not has_letters(text, 2):
        return None
    if mode == "quote":
        text = dash_kopecks(text)
    quantities = find_quantities(text)
    prices = find_prices(text) if mode == "quote" else []
    stops = _name_stops(text, prices, mode)
    first_stop = min(stops) if stops else len(text)
    choice = _choose_quantity(text, quantities, first_stop, bullet)
    if mode == "quote" and choice.chosen is not None and not choice.separated:
        size = choice.chosen
        if size.unit in MEASURE_UNITS:
            # "Ацетонитрил 2,5 л — 14 200 р/шт", "Чашки Петри 90мм — 1150 р/уп": a size
            per_units = {p.per for p in prices if p.per_unit and p.per and p.start >= size.end}
            if size.unit == "мм" or (per_units and size.unit not in per_units):
                choice.chosen = None
    chosen = choice.chosen
    if chosen is not None and _VERB_BEFORE.search(text[max(0, chosen.start - 40) : chosen.start]):
        # "... нужно сто двадцать килограммов эмали": a sentence, read as prose
        choice.strong = False
        if has_letters(_LEADING_FILLER.sub("", text[: chosen.start]).strip()):
            return None
    if chosen is None and mode == "request":
        return _unitless_item(text, position)
    if chosen is None and not stops:
        return None
    name, rest = _name_and_rest(text, choice, first_stop)
    if chosen is None:
        choice.strong = choice.strong or bool(_SEPARATED.search(text))
    name = clean_name(name)
    if not valid_name(name):
        return None
    late_qty = False
    if chosen is None and mode == "quote":
        chosen = _late_quantity(quantities, prices, first_stop)
        late_qty = chosen is not None
    item = LineItem(
        name=name,
        quantity=chosen.amount if chosen else None,
        unit=chosen.unit if chosen else None,
        position=position,
        strong=choice.strong,
        qty_first=choice.qty_first,
        rest=rest,
    )
    if mode == "quote":
        price_from = chosen.end if chosen is not None and not late_qty else 0
        item.prices = [p for p in prices if p.start >= price_from]
        if not item.prices:
            item.bare_prices = _bare_prices(rest)
        _status(text[first_stop:] if late_qty or chosen is None else rest, item)
        _analogue(rest, item)
    return item


# "аналог NSK 6206-2RS по 980 р.", "замена — Optibelt A-1250 - 410 р.": another make offered
_ANALOGUE: Final = re.compile(
    r"(?<![а-яё])(?:аналог\w{0,3}|замен[аыу]|взамен)(?![а-яё])\s*+[:—–-]?\s*+", re.IGNORECASE
)
_ANALOGUE_NAME_TAIL: Final = frozenset({"по", "за", "цена", "-", "—", "–", "="})


def _analogue_name(text: str) -> str:
    """The analogue's name without the words that lead to its price ("по", "за", "-")."""
    words = text.replace("\t", " ").split()
    while words and (
        words[-1].lower().strip(",:;") in _ANALOGUE_NAME_TAIL or not words[-1].strip(",:;")
    ):
        words.pop()
    return " ".join(words).strip(" ,.:;—–-")


def _analogue(rest: str, item: LineItem) -> None:
    """An analogue offered for the item: its name, and the line is priced by it."""
    m = _ANALOGUE.search(rest)
    if m is None:
        return
    prices = find_prices(rest[m.end() :])
    end = prices[0].start if prices else None
    if end is None:
        bare = NUMBER_RE.search(rest[m.end() :])
        end = bare.start() if bare else None
    if end is None:
        return
    name = rest[m.end() : m.end() + end]
    name = _analogue_name(name)
    if not has_letters(name, 2):
        return
    item.analogue = name
    item.available = True


def _name_stops(text: str, prices: list[Price], mode: Mode) -> list[int]:
    """Where the name part of a quote line may end: prices, a status word, a bare number."""
    stops = [p.start for p in prices]
    if mode != "quote":
        return stops
    status = _status_start(text)
    if status is not None:
        stops.append(status)
        # "3RV2011-1EA10 - 4850 в наличии": a bare price before the status word
        before = _TRAILING_PRICE.search(text[:status])
        if not prices and before and has_letters(text[: before.start()]):
            stops.append(before.start("n"))
    if not stops:
        trailing = _TRAILING_PRICE.search(text) or _AFTER_QTY_NUMBERS.search(text)
        value = parse_number(trailing.group("n")) if trailing else None
        if trailing and has_letters(text[: trailing.start()]) and value and value < 10**8:
            stops.append(trailing.start("n"))
    return stops


@dataclass
class _Choice:
    """The line's quantity, and how sure the reading is that this is a list line."""

    chosen: Quantity | None = None
    strong: bool = False
    qty_first: bool = False
    separated: bool = False  # after a separator or "x": never a size in the name


def _choose_quantity(
    text: str, quantities: list[Quantity], first_stop: int, bullet: bool
) -> _Choice:
    """The quantity that belongs to the line, from the candidates before the name stops.

    In order: one after a separator ("— 100 шт"), one after "x"/"×", one after a weak
    separator followed by nothing, one leading the line ("100 шт болтов М8"), the last one
    followed by nothing; else one alone in parentheses.
    """
    candidates = [q for q in quantities if not q.in_parens and not q.pack and q.start < first_stop]
    choice = _Choice(strong=bullet)
    letters = [m.start() for m in itertools.islice(_LETTERS.finditer(text), 2)]

    def named_before(q: Quantity) -> bool:
        return len(letters) == 2 and letters[1] < q.start

    def before(q: Quantity) -> str:
        return text[max(0, q.start - 24) : q.start]

    with_sep = [q for q in candidates if named_before(q) and _SEP_BEFORE.search(before(q))]
    with_times = [
        q
        for q in candidates
        if named_before(q)
        and _TIMES_BEFORE.search(before(q))
        and not (q.unit in MEASURE_UNITS and _SIZE_BEFORE_TIMES.search(before(q)))
    ]
    with_weak_sep = [
        q for q in candidates if named_before(q) and _WEAK_SEP_BEFORE.search(before(q))
    ]
    if with_sep:
        choice.chosen = with_sep[0]
        choice.strong = choice.separated = True
        counted = [q for q in with_sep[1:] if q.unit not in MEASURE_UNITS]
        if choice.chosen.unit in MEASURE_UNITS and counted:
            choice.chosen = counted[0]  # "Труба 40х20х2 - 6 м - 20 шт": twenty 6-metre pieces
    elif with_times:
        choice.chosen = with_times[-1]
        choice.strong = choice.separated = True
    elif (
        with_weak_sep
        and first_stop - with_weak_sep[-1].end <= 120
        and _emptyish(text[with_weak_sep[-1].end : first_stop])
    ):
        choice.chosen = with_weak_sep[-1]
    elif (
        candidates
        and not text[: candidates[0].start].strip()
        and has_letters(text[candidates[0].end : first_stop])
    ):
        choice.chosen = candidates[0]
        choice.qty_first = choice.strong = True
    else:
        for q in reversed(candidates):
            if first_stop - q.end > 120:
                break  # a long tail is never empty
            if q.unit in MEASURE_UNITS and _SIZE_BEFORE_TIMES.search(before(q)):
                break  # "48 мм х 66 м": the end of a size
            if _emptyish(text[q.end : first_stop]) and named_before(q):
                choice.chosen = q
                break
    if choice.chosen is None and not candidates:
        # "Кабель ВВГ 3х2,5 (200 м) — 15 680 руб.": the quantity alone in parentheses
        for q in quantities:
            if (
                q.in_parens
                and not q.pack
                and q.start < first_stop
                and _OPEN_PAREN_BEFORE.search(text[: q.start])
                and _CLOSE_PAREN_AFTER.match(text[q.end :])
            ):
                choice.chosen = q
                break
    return choice


def _name_and_rest(text: str, choice: _Choice, first_stop: int) -> tuple[str, str]:
    """The name part and what follows the quantity (or the name, without a quantity)."""
    chosen = choice.chosen
    if chosen is not None and choice.qty_first:
        after = text[chosen.end : first_stop].strip(_EDGE_PUNCTUATION)
        end = _NAME_AFTER_QTY_END.search(after)
        name = after[: end.start()] if end else after
        tail = text[chosen.end :]
        rest = tail[len(tail) - len(tail.lstrip(" .,:;—–-")) :]
        return name, rest[len(name) :] if rest.startswith(name) else rest
    if chosen is not None:
        return text[: chosen.start], text[chosen.end :]
    return text[:first_stop], text[first_stop:]


def _unitless_item(text: str, position: int | None) -> LineItem | None:
    """A request line ending in a bare count: "Болт М8 — 100" (a count of pieces)."""
    unitless = _UNITLESS.search(text)
    if not unitless or not has_letters(text[: unitless.start()]):
        return None
    amount = parse_number(unitless.group("n"))
    if amount is None or amount <= 0:
        return None
    name = clean_name(text[: unitless.start()])
    if not valid_name(name):
        return None
    return LineItem(name=name, quantity=amount, unit="шт", position=position, strong=True)


def _late_quantity(
    quantities: list[Quantity], prices: list[Price], first_stop: int
) -> Quantity | None:
    """In a quote line without a quantity before the price, the first one after it."""
    price_spans = [(p.start, p.end) for p in prices]
    for q in quantities:
        if (
            q.start >= first_stop
            and not q.in_parens
            and not q.pack
            and not any(a <= q.start < b for a, b in price_spans)
        ):
            return q
    return None


_CONTINUATION: Final = re.compile(
    r"^\s*+(?P<label>цена(?:\s+за\s+(?:ед\.?|единицу|шт\.?))?|стоимость|кол-?во|количество|наличие"
    r"|ед\.?\s*изм\.?|единица)\s*+[:—–-]\s*+(?P<value>\S.*)$",
    re.IGNORECASE,
)


def merge_continuations(lines: list[str]) -> list[str]:
    """Join "Цена: …", "Количество: …", "Наличие: …" lines to the item line above them.

    "1. Насос Wilo Star-RS 25/6" + "Количество: 3 шт" + "Цена: 12 400 руб./шт" become one
    list line. Merged lines are left empty so that line numbers keep their meaning.
    """
    out = list(lines)
    target: int | None = None
    for i, line in enumerate(lines):
        m = _CONTINUATION.match(line)
        if m and target is not None:
            label = m.group("label").lower()
            value = m.group("value").strip()
            if label.startswith(("ед", "единица")):
                out[target] = f"{out[target]} {value}"
            elif label.startswith(("кол", "колич")) and NUMBER_RE.fullmatch(value):
                out[target] = f"{out[target]} — {value} шт"
            else:
                out[target] = f"{out[target]} — {value}"
            out[i] = ""
            continue
        if line.strip() and has_letters(line) and not m:
            target = i
        elif not line.strip():
            target = None
    return out
