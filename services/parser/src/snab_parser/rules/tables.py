"""Tables: HTML tables (rendered as tab-separated rows), aligned text, CSV in the body, sheets.

A table is found by its header row ("Наименование", "Кол-во", "Ед.", "Цена", "Сумма" ...);
rows are then read by column. Rows without a recognised header are left to the line reader.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final, Literal

from snab_parser.result import Currency, Unit
from snab_parser.rules.numbers import NUMBER_RE, parse_amount, parse_number
from snab_parser.rules.patterns import currency_of, currency_statement, vat_statement
from snab_parser.rules.units import UNIT_PATTERN, normalize_unit

Role = Literal[
    "num", "name", "qty", "unit", "price", "sum", "article", "avail", "lead", "note", "vat"
]  # fmt: skip
SplitMode = Literal["tab", "semi", "pipe", "space"]

_ROLE_RULES: Final[tuple[tuple[Role, re.Pattern[str]], ...]] = (
    ("num", re.compile(r"^(?:№|n|no\.?|#|№\s*п/п|п/п|№\s*поз\.?|поз\.?|npp|пп)$")),
    ("article", re.compile(
        r"артикул|^арт\b|^арт\.|каталожн|^код|part\s*n|p/n|обозначени|^модель|sku"
    )),
    ("price", re.compile(r"цен|price|за\s*ед|руб\.?\s*/\s*ед|unit\s*cost")),
    ("sum", re.compile(r"сумм|стоимост|amount|^total|итог|всего")),
    ("name", re.compile(
        r"наимен|товар|номенклатур|описани|продукци|материал|^позици|^name|^item|^description"
        r"|^product|^издели|^услуг|^работ|^марка|^тип"
    )),
    ("qty", re.compile(r"кол-?во|колич|^кол\.|^qty|quantity|^объ[её]м|^к-во|^pcs$")),
    ("unit", re.compile(r"^ед\b|^ед\.|единиц|^unit|^uom|изм\.?$|^ед$")),
    ("avail", re.compile(r"налич|остат|склад|stock|avail|статус")),
    ("lead", re.compile(r"срок|lead|поставк|отгруз")),
    ("note", re.compile(r"примеч|коммент|note|remark|описание\s+доп")),
    ("vat", re.compile(r"ндс|vat")),
)  # fmt: skip
_TOTAL_ROW: Final = re.compile(
    r"^\s*(?:итого|всего|total|сумма\s+итого|общая\s+сумма|итог)\b", re.IGNORECASE
)
_VAT_ROW: Final = re.compile(r"^\s*(?:в\s*т\.?\s*ч\.?|в\s+том\s+числе|ндс)", re.IGNORECASE)
# "1 500", "1,5 т", "2 тыс. шт": the number keeps its inner spaces (read by parse_number) and
# ends where a letter begins; every part is taken whole, so a long cell is read once.
_QTY_CELL: Final = re.compile(
    r"^\s*+(?P<n>[\d.,][\d\s\u00a0.,]*+)(?P<tys>тыс\.?\s*+)?(?P<u>" + UNIT_PATTERN + r")?\s*+$",
    re.IGNORECASE,
)
_UNIT_IN_HEADER: Final = re.compile(
    r"(?:кол-?во|количество|qty)\s*+[,(/]?\s*+(?P<u>" + UNIT_PATTERN + r")", re.IGNORECASE
)
_SPACES: Final = re.compile(r"\s+")
_ALIGNED_GAP: Final = re.compile(r"\S\s{2,}(?=\S)")
_GAP: Final = re.compile(r"\s{2,}")
_WORDS_RUN: Final = re.compile(r"\S+(?:\s\S+)*")
_NOT_NUMBER_CHAR: Final = re.compile(r"[^\d\s\u00a0.,-]")
_DIGIT: Final = re.compile(r"\d")
_UNIT_RE: Final = re.compile(UNIT_PATTERN, re.IGNORECASE)
_TWO_LETTERS: Final = re.compile(r"[A-Za-zА-Яа-яЁё]{2}")
_MONEY_CHARS: Final = re.compile(r"[\d\s.,]")
_VAT_INCLUDED_ROW: Final = re.compile(r"^\s*в\s*т", re.IGNORECASE)
_RULE_CELL: Final = re.compile(r"[-=:+_\s]*")
_CURRENCY_IN_HEADER: Final = re.compile(r"(руб|₽|usd|\$|eur|€|cny|юан)", re.IGNORECASE)
_COLUMN_START: Final = re.compile(r"(?:(?<=\s{2})|^)\S")
_POSITION_CELL: Final = re.compile(r"\d{1,3}\.?")


@dataclass
class TableRow:
    name: str
    quantity: Decimal | None = None
    unit: Unit | None = None
    price: Decimal | None = None
    line_total: Decimal | None = None
    article: str | None = None
    availability: str = ""
    lead: str = ""
    note: str = ""
    position: int | None = None
    currency: Currency | None = None


@dataclass
class Table:
    roles: dict[Role, int]
    header: list[str]
    rows: list[TableRow] = field(default_factory=list)
    total: Decimal | None = None
    currency: Currency | None = None
    vat_included: bool | None = None
    used: set[int] = field(default_factory=set)  # indices of the lines/rows it took


def cell_role(cell: str) -> Role | None:
    c = _SPACES.sub(" ", cell.lower().replace("ё", "е")).strip(" :*")
    if not c or len(c) > 60:
        return None
    for role, rx in _ROLE_RULES:
        if rx.search(c):
            return role
    return None


def header_roles(cells: list[str]) -> dict[Role, int] | None:
    roles: dict[Role, int] = {}
    for idx, cell in enumerate(cells):
        role = cell_role(cell)
        if role is not None and role not in roles:
            roles[role] = idx
    if "name" not in roles:
        return None
    # "Цена без НДС | Цена с НДС": the price the buyer pays is the one with VAT
    money_roles: tuple[Role, ...] = ("price", "sum")
    for role in money_roles:
        cols = [i for i, c in enumerate(cells) if cell_role(c) == role]
        with_vat = [i for i in cols if vat_statement(cells[i]) is True]
        if len(cols) > 1 and with_vat:
            roles[role] = with_vat[0]
    if not ({"qty", "price", "sum"} & roles.keys()):
        return None
    # a header is words, not data: no cell may be a plain number
    if any(NUMBER_RE.fullmatch(c.strip()) for c in cells if c.strip() and c.strip() != "№"):
        return None
    return roles


def split_mode(line: str) -> SplitMode | None:
    if "\t" in line:
        return "tab"
    if line.count(";") >= 2:
        return "semi"
    if line.count("|") >= 2:
        return "pipe"
    if _ALIGNED_GAP.search(line):
        return "space"
    return None


def split_cells(line: str, mode: SplitMode) -> list[str]:
    if mode == "tab":
        return [c.strip() for c in line.split("\t")]
    if mode == "semi":
        return [c.strip() for c in next(csv.reader([line], delimiter=";"))]
    if mode == "pipe":
        cells = [c.strip() for c in line.strip().split("|")]
        if cells and not cells[0]:
            cells = cells[1:]
        if cells and not cells[-1]:
            cells = cells[:-1]
        return cells
    return [c.strip() for c in _GAP.split(line.strip())]


def _spans(line: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in _WORDS_RUN.finditer(line)]


def _align(line: str, starts: list[int], header: list[str]) -> list[str]:
    """Cells of an aligned text row under the header's columns.

    With as many cells as the header they are taken in order; otherwise each goes to the
    column whose middle is nearest (numbers are often right-aligned, units centred).
    """
    spans = [(a, b, t) for a, b, t in _spans(line) if t]
    if len(spans) == len(starts):
        return [t for _, _, t in spans]
    ends = [s + len(h) for s, h in zip(starts, header, strict=False)]
    middles = [(s + e) / 2 for s, e in zip(starts, ends, strict=False)]
    cells = [""] * len(starts)
    last = 0
    for a, b, text in spans:
        centre = (a + b) / 2
        best = min(range(last, len(starts)), key=lambda j: abs(middles[j] - centre))
        cells[best] = f"{cells[best]} {text}".strip()
        last = best
    return cells


def _num(cell: str) -> Decimal | None:
    s = _NOT_NUMBER_CHAR.sub("", cell).strip()
    if not s or not _DIGIT.search(s):
        return None
    m = NUMBER_RE.search(s)
    return parse_number(m.group(0)) if m else None


def _quantity(cell: str) -> tuple[Decimal | None, Unit | None]:
    m = _QTY_CELL.match(cell)
    if m:
        amount = parse_number(m.group("n"))
        if amount is not None and m.group("tys"):
            amount *= 1000
        return amount, normalize_unit(m.group("u")) if m.group("u") else None
    amount = parse_amount(cell)
    unit_m = _UNIT_RE.search(cell)
    return amount, normalize_unit(unit_m.group(0)) if unit_m else None


def _cell(cells: list[str], roles: dict[Role, int], role: Role) -> str:
    idx = roles.get(role)
    if idx is None or idx >= len(cells):
        return ""
    return cells[idx].strip()


def _row(
    cells: list[str], roles: dict[Role, int], unit_hint: Unit | None, spec: tuple[int, ...] = ()
) -> TableRow | None:
    name = _cell(cells, roles, "name")
    if not _TWO_LETTERS.search(name):
        return None
    extra = [cells[i].strip() for i in spec if i < len(cells) and cells[i].strip(" -—–")]
    if extra:
        name = " ".join([name, *extra])
    qty, unit = _quantity(_cell(cells, roles, "qty")) if "qty" in roles else (None, None)
    unit_cell = _cell(cells, roles, "unit")
    if unit_cell:
        unit = normalize_unit(unit_cell) or unit
    unit = unit or unit_hint
    price_cell = _cell(cells, roles, "price")
    sum_cell = _cell(cells, roles, "sum")
    row = TableRow(
        name=_SPACES.sub(" ", name).strip(),
        quantity=qty,
        unit=unit or ("шт" if qty is not None else None),
        price=_num(price_cell),
        line_total=_num(sum_cell),
        article=_cell(cells, roles, "article") or None,
        availability=_cell(cells, roles, "avail"),
        lead=_cell(cells, roles, "lead"),
        note=" ".join(
            x
            for x in (
                _cell(cells, roles, "note"),
                price_cell if _num(price_cell) is None else "",
                sum_cell if _num(sum_cell) is None and not price_cell else "",
            )
            if x
        ),
        currency=currency_of(_MONEY_CHARS.sub("", price_cell or sum_cell)) or None,
    )
    num_cell = _cell(cells, roles, "num")
    if num_cell.isdigit() and len(num_cell) <= 6:
        row.position = int(num_cell)
    if (
        row.quantity is None
        and row.price is None
        and row.line_total is None
        and not (row.availability or row.lead)
    ):
        return None
    return row


def _total_of(cells: list[str]) -> Decimal | None:
    for cell in reversed(cells):
        value = _num(cell)
        if value is not None:
            return value
    return None


def _sub_header(cells: list[str]) -> bool:
    """A second header row under merged cells: "за ед. | всего", "кол-во | ед. изм."."""
    filled = [c.strip() for c in cells if c.strip()]
    return (
        bool(filled)
        and not any(_DIGIT.search(c) for c in filled)
        and all(len(c) <= 30 for c in filled)
        and any(cell_role(c) is not None for c in filled)
    )


def _merge_header(top: list[str], sub: list[str]) -> list[str]:
    width = max(len(top), len(sub))
    top = top + [""] * (width - len(top))
    sub = sub + [""] * (width - len(sub))
    merged: list[str] = []
    parent = ""
    for t, b in zip(top, sub, strict=True):
        # a merged parent cell (colspan) is written once, over its first column
        parent = t if t.strip() else (parent if b.strip() else "")
        if not b.strip():
            merged.append(t)
        elif cell_role(b) is not None:
            merged.append(b)  # "ед. изм." under "Количество" is the unit column
        else:
            merged.append(f"{parent} {b}".strip())
    return merged


# "Наименование | Тип, марка | ГОСТ": columns that describe the item further
_SPEC_HEADER: Final = re.compile(
    r"^(?:тип|марка|гост|ту\b|характеристик|типоразмер|размер|параметр|исполнени|модель|сорт)",
    re.IGNORECASE,
)


def _spec_columns(header: list[str], roles: dict[Role, int]) -> tuple[int, ...]:
    taken = set(roles.values())
    return tuple(
        i
        for i, cell in enumerate(header)
        if i not in taken and _SPEC_HEADER.match(cell.strip().lower().replace("ё", "е"))
    )


def _header_vat(header: list[str], roles: dict[Role, int], header_text: str) -> bool | None:
    """VAT as the header states it, the chosen price column's wording first."""
    if "price" in roles and roles["price"] < len(header):
        vat = vat_statement(header[roles["price"]])
        if vat is not None:
            return vat
    return vat_statement(header_text)


def read_table(rows: list[list[str]], start: int) -> Table | None:
    """Read a table whose header is rows[start]; rows until the first row that does not fit."""
    header = rows[start]
    roles = header_roles(header)
    if roles is None:
        return None
    sub_used = False
    header_text = " ".join(header)
    if start + 1 < len(rows) and _sub_header(rows[start + 1]):
        merged = _merge_header(header, rows[start + 1])
        merged_roles = header_roles(merged)
        if merged_roles is not None:
            header_text = f"{header_text} {' '.join(rows[start + 1])}"
            header, roles, sub_used = merged, merged_roles, True
    unit_m = _UNIT_IN_HEADER.search(header_text)
    unit_hint = normalize_unit(unit_m.group("u")) if unit_m else None
    table = Table(
        roles=roles,
        header=header,
        currency=currency_statement(header_text) or _header_currency(header_text),
        vat_included=_header_vat(header, roles, header_text),
    )
    table.used.add(start)
    spec = _spec_columns(header, roles)
    i = start + 1
    if sub_used:
        table.used.add(i)
        i += 1
    blank_run = 0
    while i < len(rows):
        cells = rows[i]
        if not any(c.strip() for c in cells):
            blank_run += 1
            if table.rows:
                break  # one blank row may separate the header from the data, not rows
            i += 1
            continue
        blank_run = 0
        first = next((c for c in cells if c.strip()), "")
        if _TOTAL_ROW.match(first) or any(_TOTAL_ROW.match(c) for c in cells[:3]):
            value = _total_of(cells)
            if value is not None and table.total is None:
                table.total = value
            table.used.add(i)
            i += 1
            continue
        if _VAT_ROW.match(first):
            vat = vat_statement(" ".join(cells))
            table.vat_included = table.vat_included if vat is None else vat
            if _VAT_INCLUDED_ROW.match(first):
                table.vat_included = True
            table.used.add(i)
            i += 1
            continue
        if all(_RULE_CELL.fullmatch(c) for c in cells):
            table.used.add(i)
            i += 1
            continue  # a rule under the header: |---|---|
        if len([c for c in cells if c.strip()]) < 2:
            break
        row = _row(cells, roles, unit_hint, spec)
        if row is None:
            break
        table.rows.append(row)
        table.used.add(i)
        i += 1
    return table if table.rows or table.total is not None else None


def _header_currency(text: str) -> Currency | None:
    m = _CURRENCY_IN_HEADER.search(text)
    return currency_of(m.group(1)) if m else None


def tables_in_rows(rows: list[list[str]]) -> list[Table]:
    """Tables in a grid of cells (a sheet, a CSV file, rows of a text table)."""
    tables: list[Table] = []
    i = 0
    while i < len(rows):
        if header_roles(rows[i]) is not None:
            table = read_table(rows, i)
            if table is not None:
                tables.append(table)
                i = max(table.used) + 1
                continue
        i += 1
    return tables


def tables_in_lines(lines: list[str]) -> list[Table]:
    """Tables in text lines: tab/semicolon/pipe separated or aligned with spaces."""
    tables: list[Table] = []
    i = 0
    n = len(lines)
    while i < n:
        mode = split_mode(lines[i])
        if mode is None:
            i += 1
            continue
        header = split_cells(lines[i], mode)
        if header_roles(header) is None:
            i += 1
            continue
        starts = [m.start() for m in _COLUMN_START.finditer(lines[i])]
        grid: list[list[str]] = [header]
        index: list[int] = [i]
        j = i + 1
        while j < n:
            line = lines[j]
            if not line.strip():
                if j + 1 < n and split_mode(lines[j + 1]) == mode and len(grid) == 1:
                    j += 1
                    continue
                break
            if mode == "space":
                if split_mode(line) is None and not _TOTAL_ROW.match(line):
                    break
                cells = (
                    _align(line, starts, header)
                    if len(starts) == len(header)
                    else split_cells(line, mode)
                )
            else:
                if split_mode(line) != mode and not (mode == "semi" and ";" in line):
                    break
                cells = split_cells(line, mode)
            grid.append(cells)
            index.append(j)
            j += 1
        table = read_table(grid, 0)
        if table is not None:
            table.used = {index[k] for k in table.used}
            tables.append(table)
            i = j
            continue
        i += 1
    return tables


def headerless_row_text(cells: list[str]) -> str:
    """A row without a header, as one list line: "Болт М8 — 100 шт — 6,80"."""
    parts: list[str] = []
    for cell in cells:
        c = cell.strip()
        if not c:
            continue
        if parts and normalize_unit(c) and NUMBER_RE.fullmatch(parts[-1].strip()):
            parts[-1] = f"{parts[-1]} {c}"
            continue
        parts.append(c)
    if parts and _POSITION_CELL.fullmatch(parts[0]) and len(parts) > 2:
        parts = [f"{parts[0].rstrip('.')}.", " — ".join(parts[1:])]
        return " ".join(parts)
    return " — ".join(parts)
