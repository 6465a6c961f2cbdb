"""Value types shared by several domains: money, quantities, units, numbers, item lines."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, PlainSerializer, WithJsonSchema

from snab_contracts.base import Contract, UtcDatetime

__all__ = [
    "CheckedInn",
    "Confidence",
    "Currency",
    "DecimalStr",
    "Extractor",
    "Inn",
    "ItemLine",
    "Kpp",
    "Money",
    "NonNegativeDecimal",
    "OrderNumber",
    "Percent",
    "Phone",
    "PositiveDecimal",
    "ProposalNumber",
    "Quantity",
    "RfqNumber",
    "Sha256Hex",
    "Unit",
    "UtcDatetime",
    "inn_checksum_ok",
]


# Decimals travel as strings so no precision is lost in JSON ("0.10" stays "0.10"), always
# in plain notation ("100", never "1E+2"). Reading also accepts a JSON number; NaN and
# infinities are rejected. The JSON Schema says "a string of digits" (with a pattern for
# the sign and zero) rather than pydantic's default, so it does not change with pydantic.
def _plain(value: Decimal) -> str:
    return format(value.copy_abs() if value.is_zero() else value, "f")


_as_plain_string = PlainSerializer(_plain, return_type=str, when_used="json")


def _decimal_schema(pattern: str) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "pattern": pattern})


DecimalStr = Annotated[Decimal, _as_plain_string, _decimal_schema(r"^-?\d+(\.\d+)?$")]
NonNegativeDecimal = Annotated[
    Decimal, Field(ge=0), _as_plain_string, _decimal_schema(r"^\d+(\.\d+)?$")
]
PositiveDecimal = Annotated[
    Decimal,
    Field(gt=0),
    _as_plain_string,
    _decimal_schema(r"^(?!0+(\.0+)?$)\d+(\.\d+)?$"),
]
# A percentage as a number of percent: "22" is 22 %.
Percent = Annotated[
    Decimal, Field(ge=0, le=1000), _as_plain_string, _decimal_schema(r"^\d+(\.\d+)?$")
]

Currency = Literal["RUB", "USD", "EUR", "CNY"]

# How a parse result was obtained.
Extractor = Literal["rules", "llm", "combined"]

# A score in [0, 1]; a ratio, not an amount, so float is fine.
Confidence = Annotated[float, Field(ge=0, le=1)]

OrderNumber = Annotated[str, Field(pattern=r"^ORD-\d{4}-\d{4,}$", examples=["ORD-2026-0052"])]
RfqNumber = Annotated[str, Field(pattern=r"^RFQ-\d{4}-\d{4,}-\d+$", examples=["RFQ-2026-0042-3"])]
ProposalNumber = Annotated[
    str, Field(pattern=r"^KP-\d{4}-\d{4,}-\d+$", examples=["KP-2026-0052-1"])
]

Inn = Annotated[str, Field(pattern=r"^(\d{10}|\d{12})$", examples=["7701234567"])]
Kpp = Annotated[str, Field(pattern=r"^\d{9}$", examples=["770101001"])]
# E.164: a plus and digits only.
Phone = Annotated[str, Field(pattern=r"^\+\d{10,15}$", examples=["+79161234567"])]
Sha256Hex = Annotated[
    str,
    Field(
        pattern=r"^[0-9a-f]{64}$",
        examples=["e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    ),
]


class Unit(StrEnum):
    """The closed list of units; synonyms are mapped by the parser."""

    PCS = "шт"
    KG = "кг"
    G = "г"
    T = "т"
    M = "м"
    MM = "мм"
    M2 = "м2"
    M3 = "м3"
    L = "л"
    PACK = "уп"
    SET = "компл"
    ROLL = "рул"
    PAIR = "пар"
    SHEET = "лист"
    BAG = "меш"
    BOX = "кор"
    COIL = "бух"


class Money(Contract):
    amount: DecimalStr
    currency: Currency = "RUB"


class Quantity(Contract):
    value: PositiveDecimal
    unit: Unit = Unit.PCS


class ItemLine(Contract):
    """One requested item: what, how many, in what unit."""

    name: str = Field(min_length=1, max_length=500)
    quantity: PositiveDecimal
    unit: Unit = Unit.PCS
    article: str | None = Field(default=None, max_length=100)
    note: str | None = None


# --- INN checksum ------------------------------------------------------------------------

_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN11_WEIGHTS = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _inn_digit(digits: list[int], weights: tuple[int, ...]) -> int:
    return sum(w * d for w, d in zip(weights, digits, strict=False)) % 11 % 10


def inn_checksum_ok(inn: str) -> bool:
    """The control digits of an INN (10 digits: a company, 12: a person) are right."""
    if not inn.isascii() or not inn.isdigit() or len(inn) not in (10, 12):
        return False
    d = [int(c) for c in inn]
    if len(d) == 10:
        return _inn_digit(d, _INN10_WEIGHTS) == d[9]
    return _inn_digit(d, _INN11_WEIGHTS) == d[10] and _inn_digit(d, _INN12_WEIGHTS) == d[11]


def _checked_inn(value: str) -> str:
    if not inn_checksum_ok(value):
        raise ValueError("ИНН с неверной контрольной цифрой")
    return value


CheckedInn = Annotated[
    str,
    Field(pattern=r"^(\d{10}|\d{12})$", examples=["7707083893"]),
    AfterValidator(_checked_inn),
]
"""An INN as a person types it into a form: the pattern and the control digits. (Parsed
mail keeps the plain ``Inn``: a typo in a client's letter must not lose the letter.)"""
