"""A supplier's quote: priced lines, stock, lead times, VAT, currency, total, payment, validity."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from rapidfuzz import fuzz, process

from snab_parser.attachments import AttachmentText
from snab_parser.result import Currency, QuoteLine, Unit
from snab_parser.rules.dates import DATE_RE, date_from_match, end_of_period
from snab_parser.rules.items import Item, find_article
from snab_parser.rules.lines import (
    LineItem,
    merge_continuations,
    parse_line,
    strip_bullet,
    valid_name,
)
from snab_parser.rules.numbers import NUMBER_PATTERN, parse_number
from snab_parser.rules.patterns import (
    IN_STOCK,
    LEAD_CONTEXT,
    NOT_AVAILABLE,
    currency_statement,
    dash_kopecks,
    find_prices,
    lead_time_days,
    vat_statement,
)
from snab_parser.rules.tables import (
    Table,
    TableRow,
    headerless_row_text,
    split_cells,
    split_mode,
    tables_in_lines,
    tables_in_rows,
)

_TOTAL_KEY: Final = re.compile(
    r"(?:итого|всего(?:\s+к\s+оплате)?|общая\s+(?:стоимость|сумма)|вс[её]\s+(?:\w+\s+)?за(?![а-яё])"
    r"|итогов\w{1,30}\s+(?:сумма|стоимость)|сумма\s+(?:заказа|кп|предложения"
    r"|поставки|сч[её]та)|стоимость\s+(?:поставки|заказа|всего|партии)|на\s+сумму|total)",
    re.IGNORECASE,
)
_STATEMENT_LINE: Final = re.compile(
    r"^\s*(?:итого|всего|общая|сумма|в\s*т\.?\s*ч|ндс|срок|доставк|оплат|услови|цен[аы]\b"
    r"|предложени|скидк|гаранти|примечани|отгрузк|поставк|наличи|предоплат|поз(?:иц|\.)"
    r"|в\s+том\s+числе|курс|рубл[её]в\w*\s+(?:цен|эквивалент)|справочн|вс[её]\s+цен|доставк)",
    re.IGNORECASE,
)
# "прайсовая 2 350 р., вам отдадим по 2 068 р.": a list price, then the price offered
_LIST_PRICE: Final = re.compile(
    r"(?<![а-яё])(?:прайсов\w{0,4}(?:\s+цена)?|по\s+прайсу|прайс(?:-лист\w{0,3})?|розничн\w{0,4}"
    r"(?:\s+цена)?|базов\w{0,4}\s+цена|цена\s+без\s+скидки|стар\w{0,4}\s+цена)(?![а-яё])",
    re.IGNORECASE,
)
_OFFERED_PRICE: Final = re.compile(
    r"(?<![а-яё])(?:ваша\s+цена|для\s+вас|вам\s+(?:отдадим|сделаем|дадим|будет)|отдадим"
    r"|со\s+скидкой(?:\s+\d{1,2}\s*+%)?(?:\s+(?:будет|получится|выйдет))?|цена\s+со\s+скидкой"
    r"|спеццена|по\s+акции)(?![а-яё])",
    re.IGNORECASE,
)


_LEADING_PO: Final = re.compile(r"^\s*+по\s++", re.IGNORECASE)
_LEADING_PO_ZA: Final = re.compile(r"^(?:по|за)\s++", re.IGNORECASE)
_LEADING_FILLER: Final = re.compile(r"^(?:по|у\s++нас|а)\s++", re.IGNORECASE)


def _offered_only(line: str) -> str:
    """A line stating a list price and the price offered, with the list price left out:
    "Грунт 10 л: по прайсу 890, для вас 783,20" -> "Грунт 10 л — 783,20"."""
    listed = _LIST_PRICE.search(line)
    if listed is None:
        return line
    offered = _OFFERED_PRICE.search(line, listed.end())
    if offered is None:
        return line
    name = line[: listed.start()].rstrip(" ,.:;—–-")
    name = _LEADING_PO.sub("", name)
    tail = line[offered.end() :].strip(" ,.:;—–-")
    tail = _LEADING_PO_ZA.sub("", tail)
    if not name or not tail:
        return line
    return f"{name} — {tail}"


# "по курсу 98,40 руб./EUR": an exchange rate, never a line
_EXCHANGE_RATE: Final = re.compile(
    r"по\s+курсу|(?:руб\.?|₽)\s*+/\s*+(?:usd|eur|cny|\$|€|¥)", re.IGNORECASE
)
# "12 400 за всё": a total written after its amount
_TOTAL_AFTER: Final = re.compile(
    r"(?<![\d.,])(?<!\d[ \u00a0])"
    r"(?P<n>\d{1,3}(?:[ \u00a0]\d{3})+(?:[.,]\d{1,2})?|\d{1,9}(?:[.,]\d{1,2})?)"
    r"(?:\s*+(?:руб\w{0,5}\.?|р\.?|₽))?\s++за\s++(?:вс[её](?![а-яё])|весь\s+объ[её]м|всю\s+партию)",
    re.IGNORECASE,
)
# the supplier can offer nothing of the request: a statement, never a line
_FULL_REFUSAL: Final = re.compile(
    r"ничего\s+(?:не\s+)?(?:можем\s+|сможем\s+)?(?:предложить|не\s+можем|поставить)"
    r"|(?:предложить|поставить)\s+нечего|не\s+(?:можем|сможем)\s+(?:ничего\s+)?(?:предложить|поставить)"
    r"(?:\s+по\s+(?:вашему\s+)?запросу)?\s*+[.:!]?\s*+$"
    r"|(?:не\s+поставляем|не\s+работаем)\b.{0,40}(?:предложить\s+нечего|ничего)",
    re.IGNORECASE,
)
# "Оплата: 50 % предоплата" (the terms after the label), else a line naming payment terms.
_PAYMENT_TERMS: Final = re.compile(r"(?:условия\s+)?оплат[аы]\s*+[:—–-]\s*(?P<t>.+)", re.IGNORECASE)
_PAYMENT_TERMS_LATER: Final = re.compile(
    r"\b(?:условия\s+)?оплат[аы]\s*+[:—–-]\s*(?P<t>.+)", re.IGNORECASE
)
_PAYMENT_WORDS: Final = re.compile(
    r"предоплат|постоплат|отсрочк|по\s+факту|оплат[аы]\s|оплата$|100\s*+%\s*+по\s+сч[её]ту"
    r"|по\s+сч[её]ту",
    re.IGNORECASE,
)
_VALIDITY: Final = re.compile(
    r"(?:действ[^\W\d]{0,30}+|актуальн[^\W\d]{0,30}+|valid|срок\s+действия\s+[^\W\d]{0,30}+)[^.\n]{0,40}?"
    r"(?:до|по|:|until|till|through)\s*+"
    r"(?=\d|[а-я]{3,30}\s+\d|(?!until|till|through)[a-z]{3,30}\.?\s+\d)",
    re.IGNORECASE,
)
_VALID_DAYS: Final = re.compile(
    r"(?:действ[^\W\d]{0,30}+|актуальн[^\W\d]{0,30}+|срок\s+действия\s+[^\W\d]{0,30}+)[^.\n]{0,30}?"
    r"(?P<n>\d{1,3})\s*+(?:(?:рабочих|календарных|банковских)\s+)?(?P<u>дн|недел|мес)",
    re.IGNORECASE,
)
_VALID_TO_END: Final = re.compile(
    r"(?:действ[^\W\d]{0,30}+|актуальн[^\W\d]{0,30}+)[^.\n]{0,40}?до\s+конц[аеу]", re.IGNORECASE
)
_POSITION_REF: Final = re.compile(
    r"поз(?:иции|иция|ицию|ициям|\.)?\s*+(?:№\s*+)?(?P<nums>\d{1,3}(?:\s*+(?:,|и|-|–)\s*+\d{1,3})*)",
    re.IGNORECASE,
)
_POSITION_LINE: Final = re.compile(
    r"^\s*+(?:по\s+)?(?:поз(?:иции|иция|\.)?|п\.)\s*+№?\s*+(?P<n>\d{1,3})"
    r"(?!\s*(?:,|и)\s*\d|[-–]\d)\s*[:—–\-.)]?\s*(?P<rest>.+)$",
    re.IGNORECASE,
)
_REST_AVAILABLE: Final = re.compile(
    r"остальн\w{0,30}(?:\s+позиции)?\s+(?:есть\s+)?в\s+наличии|остальное\s+есть", re.IGNORECASE
)
_PER_UNIT_STATEMENT: Final = re.compile(
    r"цен\w{0,30}\s+(?:указан\w{0,30}\s+)?за\s+(?:единицу|ед\.?|шт|1\s)|за\s+единицу\s+товара",
    re.IGNORECASE,
)
_LINE_TOTAL_STATEMENT: Final = re.compile(
    r"(?:цен\w{0,30}|стоимость)\s+(?:указан\w{0,30}\s+)?за\s+(?:весь\s+объ[её]м|вс[её]\s+количество"
    r"|партию|позицию\s+целиком)|сумм\w{0,30}\s+по\s+позици",
    re.IGNORECASE,
)
_GENERAL_STOCK: Final = re.compile(
    r"(?:вс[её]|все\s+позиции|весь\s+товар|товар)\s+(?:есть\s+)?в\s+наличии", re.IGNORECASE
)


# quantize to 4 decimals needs 4 + this many digits within the context's 28
_ROUNDABLE_DIGITS: Final = 20


@dataclass
class Draft:
    """One quote line while it is being read."""

    name: str
    quantity: Decimal | None = None
    unit: Unit | None = None
    price: Decimal | None = None
    line_total: Decimal | None = None
    ambiguous: Decimal | None = None  # a price that may be per unit or for the line
    available: bool | None = None
    lead_time_days: int | None = None
    position: int | None = None
    currency: Currency | None = None
    article: str | None = None
    analogue: str | None = None  # the name of an analogue offered instead of the item


@dataclass
class QuoteDraft:
    lines: list[Draft] = field(default_factory=list)
    currency: Currency = "RUB"
    currency_found: bool = False
    vat_included: bool | None = None
    lead_time_days: int | None = None
    payment_terms: str | None = None
    valid_until: date | None = None
    total: Decimal | None = None
    total_consistent: bool | None = None
    position_refs: bool = False
    # numbered lines restated without a price: positions a refusal may name ("позиции 2 и 4 нет")
    unpriced: list[Draft] = field(default_factory=list)

    def quote_lines(self) -> list[QuoteLine]:
        out: list[QuoteLine] = []
        for d in self.lines:
            out.append(
                QuoteLine(
                    name=d.name,
                    unit_price=d.price,
                    quantity=d.quantity,
                    unit=d.unit,
                    available=d.available,
                    lead_time_days=d.lead_time_days,
                    article=d.article,
                    line_total=d.line_total,
                    analogue=d.analogue,
                )
            )
        return out


def _money(value: Decimal) -> Decimal:
    """Four decimals at most, trailing zeros dropped, never in exponent notation.

    A number too long to round (hundreds of digits) is left as it is: no price has that
    many, and the result's boundary drops it (``domain.boundary.settle``).
    """
    if not value.is_finite() or value.adjusted() >= _ROUNDABLE_DIGITS:
        return value
    rounded = value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP).normalize()
    return Decimal(format(rounded, "f"))


def _draft_from_line(li: LineItem) -> Draft:
    d = Draft(
        name=li.name,
        quantity=li.quantity,
        unit=li.unit,
        available=li.available,
        lead_time_days=li.lead_time_days,
        position=li.position,
        article=find_article(li.name),
        analogue=li.analogue,
    )
    per_unit = [p for p in li.prices if p.per_unit]
    other = [p for p in li.prices if not p.per_unit]
    batch = next((p for p in other if p.for_quantity is not None), None)
    if not per_unit and batch is not None and batch.for_quantity is not None:
        # "15 680 руб. за 200 м": the line total of the stated quantity
        if d.quantity is None:
            d.quantity, d.unit = batch.for_quantity, d.unit or batch.for_unit
        d.currency = batch.currency
        d.line_total = batch.amount
        d.price = _money(batch.amount / batch.for_quantity)
        return d
    if li.prices:
        d.currency = next((p.currency for p in li.prices if p.currency), None)
    if not per_unit and len(other) == 1 and other[0].is_total and d.quantity:
        d.line_total = other[0].amount
        d.price = _money(other[0].amount / d.quantity)
        return d
    if per_unit:
        d.price = per_unit[0].amount
        if other:
            d.line_total = other[-1].amount
        if per_unit[0].per is not None and d.unit is None:
            d.unit = per_unit[0].per
    elif len(other) >= 2:
        d.price, d.line_total = other[0].amount, other[-1].amount
    elif len(other) == 1:
        d.ambiguous = other[0].amount
    elif len(li.bare_prices) >= 2:
        d.price, d.line_total = li.bare_prices[0], li.bare_prices[-1]
    elif len(li.bare_prices) == 1:
        d.ambiguous = li.bare_prices[0]
    return d


def _draft_from_row(row: TableRow, table: Table) -> Draft:
    d = Draft(
        name=row.name,
        quantity=row.quantity,
        unit=row.unit,
        price=row.price,
        line_total=row.line_total,
        position=row.position,
        currency=row.currency or table.currency,
        article=row.article or find_article(row.name),
    )
    status = " ".join(x for x in (row.availability, row.lead, row.note) if x)
    if d.price is None and d.line_total is not None and d.quantity:
        d.price = _money(d.line_total / d.quantity)
    if status:
        lowered = status.lower()
        if NOT_AVAILABLE.search(lowered) and d.price is None:
            d.available = False
        elif IN_STOCK.search(lowered):
            d.available = True
        days = lead_time_days(status)
        if days is not None:
            d.lead_time_days = days
        elif IN_STOCK.search(lowered) and not NOT_AVAILABLE.search(lowered):
            d.lead_time_days = 0
    return d


def _table_drafts(table: Table) -> list[Draft]:
    """Priced rows, rows marked unavailable, and unpriced rows of a priced table."""
    drafts = [_draft_from_row(row, table) for row in table.rows]
    priced_table = any(d.price is not None or d.line_total is not None for d in drafts)
    return [
        d
        for d in drafts
        if d.price is not None
        or d.line_total is not None
        or d.available is False
        or (priced_table and d.quantity is not None)
    ]


_WORD: Final = re.compile(r"[^\W_]+")


def _stem_tokens(text: str) -> set[str]:
    return {t[:5] for t in _WORD.findall(text.lower().replace("ё", "е")) if len(t) >= 2}


def _mark_named_unavailable(q: QuoteDraft, statements: list[str]) -> None:
    """ "Зажимы DN 123 не поставляем": an unpriced line named in a refusal is unavailable."""
    for statement in statements:
        if not NOT_AVAILABLE.search(statement) or _POSITION_REF.search(statement):
            continue
        words = _stem_tokens(statement)
        for d in q.lines:
            if d.price is not None or d.available is False:
                continue
            name_words = _stem_tokens(d.name)
            if name_words and len(name_words & words) >= min(2, len(name_words)):
                d.available = False


_REFUSAL_FILLER: Final = re.compile(
    r"^(?:к\s+сожалению|увы|но|а|однако)[\s,]+|(?<![\s,])[\s,]+(?:сейчас|пока|временно|уже|больше|тоже"
    r"|также|в\s+данный\s+момент|на\s+данный\s+момент|к\s+сожалению)$",
    re.IGNORECASE,
)


_LIST_SPLIT: Final = re.compile(r",\s*+|(?<!\s)\s++и\s+")


def _drafts_from_line(li: LineItem) -> list[Draft]:
    """A quote line; a refusal naming several goods ("Столы и доски не поставляем") gives one
    unavailable line per named item."""
    draft = _draft_from_line(li)
    if li.prices or li.bare_prices or li.quantity is not None or li.available is not False:
        return [draft]
    name = li.name
    prev = None
    while prev != name:
        prev = name
        name = _REFUSAL_FILLER.sub("", name).strip()
    parts = [p.strip() for p in _LIST_SPLIT.split(name) if p.strip()]
    if len(parts) < 2 or not all(valid_name(p) and len(p.split()) <= 6 for p in parts):
        draft.name = name if valid_name(name) else draft.name
        return [draft]
    return [
        Draft(name=p, available=False, position=li.position, article=find_article(p)) for p in parts
    ]


def _is_quote_line(li: LineItem | None) -> bool:
    if li is None:
        return False
    if li.prices or li.bare_prices or li.price_on_request:
        return True
    return li.available is False or (li.quantity is not None and li.available is not None)


# "Итого по 3 позициям: ...", "Итого: 12 500."
_COUNT_OF_LINES: Final = re.compile(
    r"(?<![\s\d])\s*+(?:по\s+)?\d++\s*+(?:позиц|наимен)", re.IGNORECASE
)
_COUNT_OF_LINES_WORD: Final = re.compile(r"^\s*+(?:по\s+)?\d++\s*+\w+")
_BARE_TOTAL: Final = re.compile(
    r"(?<!\s)\s*+[:—–-]?\s*+(?P<n>" + NUMBER_PATTERN + r")\s*+(?:$|[.,;]\s)"
)
_TOTAL_WORD: Final = re.compile(r"итого|всего", re.IGNORECASE)


def _find_total(lines: list[str]) -> Decimal | None:
    for raw in lines:
        line = dash_kopecks(raw)
        after = _TOTAL_AFTER.search(line)
        if after:
            value = parse_number(after.group("n"))
            if value is not None and value > 0:
                return value
        m = _TOTAL_KEY.search(line)
        if not m:
            continue
        tail = line[m.end() : m.end() + 120]
        if _COUNT_OF_LINES.match(tail):
            tail = _COUNT_OF_LINES_WORD.sub("", tail)
        prices = [p for p in find_prices(tail) if p.amount > 0]
        if not prices:
            bare = _BARE_TOTAL.match(tail)
            if bare and _TOTAL_WORD.search(line[: m.end()]):
                value = parse_number(bare.group("n"))
                if value is not None and value > 0:
                    return value
            continue
        # "в т.ч. НДС 22% — 9 452,07 руб." right after the total is not the total
        return prices[0].amount
    return None


_PAYMENT_LABEL: Final = re.compile(
    r"(?:^|[.;]\s+)(?:условия\s+оплаты|оплата|payment(?:\s+terms)?)\s*[:—–-]\s*(?P<t>[^.;\n]{3,200})",
    re.IGNORECASE,
)


_VAT_WORD: Final = re.compile(r"ндс|vat", re.IGNORECASE)
_NDS: Final = re.compile(r"ндс", re.IGNORECASE)
_SENTENCES: Final = re.compile(r"(?<=[.!?])\s++(?=[А-ЯЁ])")
_PAYMENT_LABEL_START: Final = re.compile(
    r"^(?:условия\s+)?оплат[аы]\s*(?:[:—–-]\s*|\s(?=\d))", re.IGNORECASE
)
_PAYMENT_KIND: Final = re.compile(r"предоплат|отсрочк|по\s+факту", re.IGNORECASE)


def _find_payment(lines: list[str]) -> str | None:
    for line in lines:
        labelled = _PAYMENT_LABEL.search(line.strip())
        if labelled and not _VAT_WORD.search(labelled.group("t")):
            return labelled.group("t").strip().rstrip(".;").strip()
    for line in lines:
        for sentence in _SENTENCES.split(line):
            for part in sentence.strip().splitlines():
                text = _payment_terms(part)
                if text is None:
                    continue
                text = _PAYMENT_LABEL_START.sub("", text.strip())
                text = text.strip().rstrip(".;").strip()
                if (3 <= len(text) <= 200 and not _NDS.search(text)) or (
                    text and _PAYMENT_KIND.search(text)
                ):
                    return text
                break  # the first line that names payment terms decides
    return None


def _payment_terms(line: str) -> str | None:
    """The terms after an "Оплата:" label at the start, else a line naming payment terms,
    else the terms after such a label later in the line."""
    m = _PAYMENT_TERMS.match(line)
    if m:
        return m.group("t")
    if _PAYMENT_WORDS.search(line):
        return line
    m = _PAYMENT_TERMS_LATER.search(line)
    return m.group("t") if m else None


def _find_validity(lines: list[str], ref: date | None) -> date | None:
    for line in lines:
        m = _VALIDITY.search(line)
        if m:
            dm = DATE_RE.search(line, m.end() - 1)
            if dm and dm.start() - m.end() < 5:
                value = date_from_match(dm, ref)
                if value is not None:
                    return value
        if _VALID_TO_END.search(line):
            end = end_of_period(line, ref)
            if end is not None:
                return end
        dm2 = _VALID_DAYS.search(line)
        if dm2 and ref is not None:
            n = int(dm2.group("n"))
            unit = dm2.group("u").lower()
            days = n * (7 if unit.startswith("недел") else 30 if unit.startswith("мес") else 1)
            return ref + timedelta(days=days)
    return None


_SINCE: Final = re.compile(r"с\s+момента", re.IGNORECASE)
_IN_STOCK_WORDS: Final = re.compile(r"в\s+наличии", re.IGNORECASE)


def _find_lead(lines: list[str]) -> int | None:
    for line in lines:
        if not (LEAD_CONTEXT.search(line) or _SINCE.search(line)):
            continue
        days = lead_time_days(line)
        if days is not None:
            return days
    for line in lines:
        if (
            (_GENERAL_STOCK.search(line) or IN_STOCK.search(line))
            and not NOT_AVAILABLE.search(line)
            and _IN_STOCK_WORDS.search(line)
        ):
            return 0
    return None


_NUMBERS_SPLIT: Final = re.compile(r"(?<!\s)\s*+(?:,|и)\s*+")
_NUMBER_RANGE: Final = re.compile(r"(?<!\d)(\d+)\s*+[-–]\s*+(\d+)")


def _position_numbers(nums: str) -> list[int]:
    out: list[int] = []
    for part in _NUMBERS_SPLIT.split(nums):
        rng = _NUMBER_RANGE.match(part)
        if rng:
            a, b = int(rng.group(1)), int(rng.group(2))
            if 0 < a <= b <= a + 50:
                out.extend(range(a, b + 1))
        elif part.strip().isdigit():
            out.append(int(part))
    return out


def _match_rfq(d: Draft, rfq: list[Item]) -> Item | None:
    if not rfq:
        return None
    if d.position is not None and 1 <= d.position <= len(rfq):
        candidate = rfq[d.position - 1]
        if fuzz.token_set_ratio(d.name.lower(), candidate.name.lower()) >= 50:
            return candidate
    best = process.extractOne(
        d.name.lower(), [i.name.lower() for i in rfq], scorer=fuzz.token_set_ratio
    )
    if best is not None and best[1] >= 70:
        return rfq[best[2]]
    return None


def _resolve_ambiguous(q: QuoteDraft, statements: str) -> None:
    """Decide whether lone prices are per unit or per line, from wording and the total."""
    amb = [d for d in q.lines if d.ambiguous is not None]
    if not amb:
        return
    as_total = False
    if _LINE_TOTAL_STATEMENT.search(statements):
        as_total = True
    elif _PER_UNIT_STATEMENT.search(statements):
        as_total = False
    elif q.total is not None and all(d.quantity for d in amb):
        known = sum(
            (d.price * d.quantity for d in q.lines if d.price is not None and d.quantity),
            Decimal(0),
        )
        known_totals = sum(
            (d.line_total for d in q.lines if d.price is None and d.line_total is not None),
            Decimal(0),
        )
        as_unit = (
            known
            + known_totals
            + sum(
                (d.ambiguous * d.quantity for d in amb if d.ambiguous is not None and d.quantity),
                Decimal(0),
            )
        )
        as_line = (
            known
            + known_totals
            + sum((d.ambiguous for d in amb if d.ambiguous is not None), Decimal(0))
        )
        tol = max(Decimal("0.01"), q.total * Decimal("0.005"))
        if abs(as_line - q.total) <= tol and abs(as_unit - q.total) > tol:
            as_total = True
    for d in amb:
        assert d.ambiguous is not None
        if as_total and d.quantity:
            d.line_total = d.ambiguous
            d.price = _money(d.ambiguous / d.quantity)
        else:
            d.price = d.ambiguous
        d.ambiguous = None


_ORDINALS: Final = (
    ("перв", 1), ("втор", 2), ("трет", 3), ("четв[её]рт", 4), ("пят", 5), ("шест", 6),
    ("седьм", 7), ("восьм", 8), ("девят", 9), ("десят", 10),
)  # fmt: skip
_ORDINAL_POSITION: Final = re.compile(
    r"(?:по\s+)?(?P<o>"
    + "|".join(stem for stem, _ in _ORDINALS)
    + r")[а-яё]{0,30}\s+позици[а-яё]*",
    re.IGNORECASE,
)
_ORDINAL_STEMS: Final = tuple((re.compile(stem.replace("[её]", "е")), n) for stem, n in _ORDINALS)


def _ordinal_positions(text: str) -> str:
    """'По второй позиции — 2 100 руб.' -> 'позиция 2 — 2 100 руб.'"""

    def number(m: re.Match[str]) -> str:
        stem = m.group("o").lower().replace("ё", "е")
        n = next(v for s, v in _ORDINAL_STEMS if s.fullmatch(stem))
        return f"позиция {n}"

    return _ORDINAL_POSITION.sub(number, text)


_ITEMS_SPLIT: Final = re.compile(r";\s*+|(?<=[^\d\s])\.\s++(?=[А-ЯЁA-Z])|,\s++(?=[А-ЯЁа-яёA-Za-z])")


def _split_items(text: str) -> list[str]:
    """A line naming several priced items ("Цемент — 430 р/мешок, песок — 1 200 р/куб")."""
    if len(find_prices(text)) < 2:
        return [text]
    parts = [p.strip() for p in _ITEMS_SPLIT.split(text) if p.strip()]
    priced = [p for p in parts if (li := parse_line(p, "quote")) is not None and li.prices]
    return parts if len(priced) >= 2 else [text]


def _position_draft(text: str, rfq: list[Item]) -> Draft | None:
    """'Позиция 2 — 2 100 руб./бухта': a line that names the requested item by its number."""
    pos_m = _POSITION_LINE.match(text)
    if not (pos_m and rfq and 1 <= int(pos_m.group("n")) <= len(rfq)):
        return None
    item = rfq[int(pos_m.group("n")) - 1]
    li = parse_line(f"{item.name} — {pos_m.group('rest')}", "quote")
    if li is None or not _is_quote_line(li):
        return None
    d = _draft_from_line(li)
    d.position = int(pos_m.group("n"))
    d.name = item.name
    return d


def _lines_from_text(
    lines: list[str],
    rfq: list[Item],
    leftovers: list[str] | None = None,
    unpriced: list[Draft] | None = None,
) -> tuple[list[tuple[int, Draft]], set[int]]:
    """Quote lines in text; parts of split lines that are not items go to ``leftovers``."""
    drafts: list[tuple[int, Draft]] = []
    used: set[int] = set()
    for idx, line in enumerate(lines):
        if not line.strip():
            continue
        line = _ordinal_positions(_offered_only(line))
        parts = _split_items(line)
        if len(parts) > 1:
            for part in parts:
                positioned = _position_draft(part.strip(), rfq)
                if positioned is not None:
                    drafts.append((idx, positioned))
                    used.add(idx)
                    continue
                li = parse_line(part, "quote")
                if li is not None and (li.prices or li.bare_prices or li.available is False):
                    drafts.extend((idx, d) for d in _drafts_from_line(li))
                    used.add(idx)
                elif leftovers is not None:
                    leftovers.append(part)
            if idx in used:
                continue
        text = line
        mode = split_mode(line)
        if mode in ("tab", "semi", "pipe"):
            text = headerless_row_text(split_cells(line, mode))
        positioned = _position_draft(text, rfq)
        if positioned is not None:
            drafts.append((idx, positioned))
            used.add(idx)
            continue
        if (
            _STATEMENT_LINE.match(strip_bullet(text)[1])
            or _TOTAL_KEY.match(text.strip())
            or _FULL_REFUSAL.search(text)
            or _EXCHANGE_RATE.search(text)
        ):
            continue
        li = parse_line(text, "quote")
        if (
            li is not None
            and unpriced is not None
            and not _is_quote_line(li)
            and li.position is not None
            and li.quantity is not None
        ):
            unpriced.append(_draft_from_line(li))
        if not _is_quote_line(li) or li is None:
            continue
        if _TOTAL_KEY.search(li.name) and not li.quantity:
            continue  # "Можем поставить всё за 125 400 руб.": the total, not a line
        drafts.extend((idx, d) for d in _drafts_from_line(li))
        used.add(idx)
    return drafts, used


def read_quote(
    body_lines: list[str],
    attachments: list[AttachmentText],
    rfq: list[Item],
    ref: date | None,
) -> QuoteDraft:
    """The supplier's answer, read in passes (see ``rules/README.md``).

    1. lines: tables and list lines of the body, then of the attachments; what is not a
       line is kept as a statement ("Цены с НДС", "Срок 5 дней", "позиции 3 и 5 нет").
    2. references: statements naming lines by number or by name mark them.
    3. the request: quantities, units and articles the supplier did not restate.
    4. settling: ambiguous prices, availability of priced lines, line totals.
    5. quote fields: total, currency, VAT, lead time, payment terms, validity.
    """
    q = QuoteDraft()
    read = _Reading()
    q.lines = _body_drafts(body_lines, rfq, read, q.unpriced)
    q.lines.extend(_attachment_drafts(attachments, rfq, read))
    statement_text = "\n".join(read.statements)
    header_text = " ".join(" ".join(t.header) for t in read.tables)

    table_total = next((t.total for t in read.tables if t.total is not None), None)
    q.total = table_total if table_total is not None else _find_total(read.statements)
    _apply_position_refs(q, read.statements, rfq)
    _mark_named_unavailable(q, read.statements)
    _refuse_everything(q, read.statements, rfq)
    _fill_from_rfq(q, rfq)
    q.lines = _merge_same_items(q.lines)
    _resolve_ambiguous(q, statement_text + "\n" + header_text)
    _settle_priced(q)
    _find_currency(q, read.tables, statement_text)
    vat = next((t.vat_included for t in read.tables if t.vat_included is not None), None)
    q.vat_included = vat if vat is not None else vat_statement(statement_text)
    if q.vat_included is None:
        q.vat_included = vat_statement("\n".join(body_lines))
    q.lead_time_days = _find_lead(read.statements)
    q.payment_terms = _find_payment(read.statements)
    q.valid_until = _find_validity(read.statements, ref)
    q.total_consistent = _total_consistent(q)
    return q


@dataclass
class _Reading:
    """What the line pass leaves for the later passes: the statements and the tables."""

    statements: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def _body_drafts(
    body_lines: list[str], rfq: list[Item], read: _Reading, unpriced: list[Draft] | None
) -> list[Draft]:
    """Lines of the body's tables and lists, in the order they stand."""
    placed: list[tuple[int, Draft]] = []
    used: set[int] = set()
    for t in tables_in_lines(body_lines):
        used |= t.used
        read.tables.append(t)
        first = min(t.used)
        placed.extend((first, d) for d in _table_drafts(t))
    free = merge_continuations([line if i not in used else "" for i, line in enumerate(body_lines)])
    leftovers: list[str] = []
    text_drafts, line_used = _lines_from_text(free, rfq, leftovers, unpriced)
    if rfq:
        text_drafts, line_used = _terse_answers(free, rfq, text_drafts, line_used)
    read.statements.extend(leftovers)
    placed.extend(text_drafts)
    read.statements.extend(
        line for i, line in enumerate(free) if i not in line_used and line.strip()
    )
    placed.sort(key=lambda pair: pair[0])
    return [d for _, d in placed]


def _attachment_drafts(
    attachments: list[AttachmentText], rfq: list[Item], read: _Reading
) -> list[Draft]:
    """Lines of the attachments' sheets and texts; their other rows become statements."""
    drafts: list[Draft] = []
    for att in attachments:
        for grid in att.grids:
            found = tables_in_rows(grid)
            read.tables.extend(found)
            for t in found:
                drafts.extend(_table_drafts(t))
            taken = set().union(*(t.used for t in found)) if found else set()
            for i, row in enumerate(grid):
                if i not in taken and any(c.strip() for c in row):
                    read.statements.append(" ".join(c for c in row if c.strip()))
        if att.lines:
            found_l = tables_in_lines(att.lines)
            read.tables.extend(found_l)
            for t in found_l:
                drafts.extend(_table_drafts(t))
            taken_l = set().union(*(t.used for t in found_l)) if found_l else set()
            rest = [ln if i not in taken_l else "" for i, ln in enumerate(att.lines)]
            drafts_l, used_l = _lines_from_text(rest, rfq)
            drafts.extend(d for _, d in drafts_l)
            read.statements.extend(
                ln for i, ln in enumerate(rest) if i not in used_l and ln.strip()
            )
    return drafts


# "6205 - 1150, 6305 нет. С ндс": clauses of a short answer, each naming one requested item
_TERSE_CLAUSE: Final = re.compile(r"(?<=\S),\s++|(?<=\S)(?<![рк])[.;]\s++")
_ARTICLE_TOKEN: Final = re.compile(r"(?<![\w-])[\w-]*?\d[\w./-]*+")
_NAME_WORD: Final = re.compile(r"[а-яёa-z]{4,}", re.IGNORECASE)
_NOT_A_NAME: Final = re.compile(
    r"^(?:есть|нету|наличи\w*|склад\w*|заказ\w*|цена|цены|руб\w*|штук\w*|метр\w*|недел\w*"
    r"|дней|день|срок\w*|поставк\w*|будет|можем|только|всего|итого|привез\w*|добр\w+|здравств\w+"
    r"|спасибо|ваша?|ваши|могу|нужно|надо|сейчас|пока|завтра|ответ\w*|уточн\w*)$",
    re.IGNORECASE,
)


_ALNUM_RUN: Final = re.compile(r"[^\W_]+")


def _norm_article(text: str) -> str:
    return text.lower().replace("х", "x").replace("ё", "е")


def _named_item(clause: str, rfq: list[Item]) -> tuple[Item, str] | None:
    """The one requested item a short clause names by an article or a word of its name, and
    the clause without that name."""
    names = [_norm_article(i.name + " " + (i.article or "")) for i in rfq]
    runs = [set(_ALNUM_RUN.findall(name)) for name in names]
    for m in _ARTICLE_TOKEN.finditer(clause):
        token = _norm_article(m.group(0)).strip(".,-/")
        if sum(ch.isdigit() for ch in token) < 3:
            continue
        # "18215" is a whole run of the name ("5004" does not answer "500"); "3rv2011-1ea10"
        # with its separators is a part of the name
        whole = _ALNUM_RUN.fullmatch(token) is not None
        hits = [k for k, name in enumerate(names) if (token in runs[k] if whole else token in name)]
        if len(hits) == 1:
            return rfq[hits[0]], clause[: m.start()] + " " + clause[m.end() :]
    stems = [[w[:5] for w in _NAME_WORD.findall(name)] for name in names]
    for m in _NAME_WORD.finditer(clause):
        word = m.group(0)
        if _NOT_A_NAME.match(word):
            continue
        stem = _norm_article(word)[:5]
        hits = [k for k, item_stems in enumerate(stems) if stem in item_stems[:3]]
        if len(hits) == 1:
            return rfq[hits[0]], clause[m.end() :]
    return None


def _terse_clauses(line: str) -> list[str]:
    """Clauses of a short answer; "Гофру и коробки не возим" is one clause per item."""
    out: list[str] = []
    for clause in _TERSE_CLAUSE.split(line):
        refusal = NOT_AVAILABLE.search(clause)
        parts = _AND.split(clause[: refusal.start()]) if refusal else [clause]
        if refusal and len(parts) > 1:
            out.extend(f"{part} {clause[refusal.start() :]}" for part in parts)
        else:
            out.append(clause)
    return out


_AND: Final = re.compile(r"(?<!\s)\s++и\s++", re.IGNORECASE)


def _terse_line(line: str, rfq: list[Item]) -> list[Draft]:
    """Lines of a short answer naming requested items by an article or a fragment."""
    drafts: list[Draft] = []
    for clause in _terse_clauses(line):
        if _TOTAL_AFTER.search(clause):
            continue  # "31 500 за всё": the total
        named = _named_item(clause, rfq)
        if named is None:
            continue
        item, rest = named
        if PENDING.search(rest) and not find_prices(rest):
            drafts.append(
                Draft(name=item.name, quantity=item.quantity, unit=item.unit, article=item.article)
            )
            continue
        rest = rest.strip(" .,:;—–-")
        rest = _LEADING_FILLER.sub("", rest)
        if not rest:
            continue
        li = parse_line(f"{item.name} — {rest}", "quote")
        if li is None or not _is_quote_line(li):
            continue
        d = _draft_from_line(li)
        d.name = item.name
        d.quantity, d.unit, d.article = item.quantity, item.unit, item.article
        drafts.append(d)
    return drafts


def _terse_answers(
    lines: list[str],
    rfq: list[Item],
    drafts: list[tuple[int, Draft]],
    used: set[int],
) -> tuple[list[tuple[int, Draft]], set[int]]:
    """Short answers ("Кабель есть 95р метр. Автоматов нету") read against the request:
    a line whose reading names no requested item is read again clause by clause."""
    by_line: dict[int, list[Draft]] = {}
    for idx, d in drafts:
        by_line.setdefault(idx, []).append(d)
    out = list(drafts)
    used = set(used)
    for idx, line in enumerate(lines):
        if not line.strip():
            continue
        read = by_line.get(idx, [])
        terse = _terse_line(_offered_only(line), rfq)
        if not terse or len(terse) < len(read):
            continue
        if read and all(_match_rfq(d, rfq) for d in read):
            continue
        out = [(i, d) for i, d in out if i != idx]
        out.extend((idx, d) for d in terse)
        used.add(idx)
    return out, used


def _merge_same_items(lines: list[Draft]) -> list[Draft]:
    """One line per item: a short answer in the body and a row of the attached offer that
    name the same requested item become one line (the priced one first, the other filling
    gaps)."""
    seen: dict[str, Draft] = {}
    out: list[Draft] = []
    for d in lines:
        key = " ".join(d.name.lower().split())
        first = seen.get(key)
        if first is None:
            seen[key] = d
            out.append(d)
            continue
        first_price, price = _offered(first), _offered(d)
        if first_price is not None and price is not None and first_price != price:
            out.append(d)  # two prices for one name: both are kept for a manager
            continue
        kept, other = (d, first) if first_price is None and price is not None else (first, d)
        if kept.available is None and kept.price is None and kept.ambiguous is None:
            kept.available = other.available
        if kept.lead_time_days is None:
            kept.lead_time_days = other.lead_time_days
        kept.analogue = kept.analogue or other.analogue
        if kept is not first:
            out[out.index(first)] = kept
            seen[key] = kept
    return out


def _offered(d: Draft) -> Decimal | None:
    return d.price if d.price is not None else d.ambiguous


def _fill_from_rfq(q: QuoteDraft, rfq: list[Item]) -> None:
    """Quantity, unit and article from the request when the supplier did not restate them."""
    for d in q.lines:
        match = _match_rfq(d, rfq)
        if match is not None:
            if d.quantity is None:
                d.quantity = match.quantity
            if d.unit is None:
                d.unit = match.unit
            if d.article is None:
                d.article = match.article


def _settle_priced(q: QuoteDraft) -> None:
    """A priced line is available; its total is price × quantity unless stated."""
    for d in q.lines:
        if d.price is not None:
            d.available = True
            if d.line_total is None and d.quantity:
                d.line_total = _money(d.price * d.quantity)


def _find_currency(q: QuoteDraft, tables: list[Table], statement_text: str) -> None:
    """The lines' most common currency, else one stated or marked in the text, else RUB."""
    currencies = [d.currency for d in q.lines if d.currency]
    currencies.extend(t.currency for t in tables if t.currency)
    stated = currency_statement(statement_text)
    if currencies:
        q.currency = max(set(currencies), key=currencies.count)
        q.currency_found = True
    elif stated:
        q.currency = stated
        q.currency_found = True
    else:
        marked = [p.currency for p in find_prices(statement_text) if p.currency]
        if marked:
            q.currency = marked[0]
            q.currency_found = True


def _total_consistent(q: QuoteDraft) -> bool | None:
    """Whether the stated total agrees with the priced lines (None: nothing to compare)."""
    if q.total is None:
        return None
    priced = [d for d in q.lines if d.price is not None and d.quantity]
    if not priced:
        return None
    s = sum((d.price * d.quantity for d in priced if d.price and d.quantity), Decimal(0))
    return abs(s - q.total) <= max(Decimal("1"), q.total * Decimal("0.01"))


# "ответим завтра", "цену сообщу позже", "уточняем": a line answered later (availability unknown)
PENDING: Final = re.compile(
    r"(?:ответ\w{0,6}|сообщ\w{1,6}|уточн\w{1,6}|дадим\s+ответ|ответ\s+дадим|пришл\w{1,4}|напиш\w{1,4})"
    r"(?:\s++\w+){0,3}?\s++(?:завтра|позже|позднее|после\s+\w+|в\s+течени\w+\s+\w+|на\s+неделе)"
    r"|(?:завтра|позже)\s++(?:ответим|сообщим|уточним|напишем|пришлём|пришлем)",
    re.IGNORECASE,
)


def _add_pending(q: QuoteDraft, positions: list[int], rfq: list[Item]) -> None:
    """Requested positions the supplier will answer later: lines with nothing known yet."""
    for n in positions:
        if not 1 <= n <= len(rfq) or any(d.position == n for d in q.lines):
            continue
        item = rfq[n - 1]
        if any(d.name == item.name for d in q.lines):
            continue
        q.lines.append(
            Draft(
                name=item.name,
                quantity=item.quantity,
                unit=item.unit,
                position=n,
                article=item.article,
            )
        )


def _refuse_everything(q: QuoteDraft, statements: list[str], rfq: list[Item]) -> None:
    """ "Ничего предложить не можем": every requested line unavailable, without a price."""
    if not rfq or any(_offered(d) is not None for d in q.lines):
        return
    if not any(_FULL_REFUSAL.search(line) for line in statements):
        return
    q.lines = [
        Draft(
            name=item.name,
            quantity=item.quantity,
            unit=item.unit,
            available=False,
            position=idx,
            article=item.article,
        )
        for idx, item in enumerate(rfq, start=1)
    ]


def _apply_position_refs(q: QuoteDraft, statements: list[str], rfq: list[Item]) -> None:
    unavailable: list[int] = []
    pending: list[int] = []
    rest_available = False
    for line in statements:
        if _REST_AVAILABLE.search(line):
            rest_available = True
        for m in _POSITION_REF.finditer(line):
            after = line[m.end() : m.end() + 60]
            if NOT_AVAILABLE.search(after) or NOT_AVAILABLE.search(line[: m.start()][-25:]):
                unavailable.extend(_position_numbers(m.group("nums")))
            elif PENDING.search(after):
                pending.extend(_position_numbers(m.group("nums")))
    _add_pending(q, pending, rfq)
    if not unavailable:
        return
    q.position_refs = True
    if q.lines:
        for n in unavailable:
            target = next((d for d in q.lines if d.position == n), None)
            if (
                target is None
                and 1 <= n <= len(q.lines)
                and all(d.position is None for d in q.lines)
            ):
                target = q.lines[n - 1]
            restated = next((d for d in q.unpriced if d.position == n), None)
            if target is not None and target.price is None:
                target.available = False
            elif target is None and restated is not None:
                restated.available = False
                q.lines.append(restated)
            elif target is None and 1 <= n <= len(rfq):
                item = rfq[n - 1]
                q.lines.append(
                    Draft(
                        name=item.name,
                        quantity=item.quantity,
                        unit=item.unit,
                        available=False,
                        position=n,
                        article=item.article,
                    )
                )
        if all(d.position is not None for d in q.lines):
            q.lines.sort(key=lambda d: d.position if d.position is not None else 0)
        return
    for idx, item in enumerate(rfq, start=1):
        q.lines.append(
            Draft(
                name=item.name,
                quantity=item.quantity,
                unit=item.unit,
                available=False if idx in unavailable else (True if rest_available else None),
                position=idx,
                article=item.article,
            )
        )
