"""Value types shared by several domains: money, quantities, units, item lines."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, PlainSerializer

from snab_contracts.base import Contract

# Decimals travel as strings so no precision is lost in JSON.
DecimalStr = Annotated[
    Decimal, PlainSerializer(lambda v: format(v, "f"), return_type=str, when_used="json")
]
PositiveDecimal = Annotated[DecimalStr, Field(gt=0)]
NonNegativeDecimal = Annotated[DecimalStr, Field(ge=0)]

Currency = Literal["RUB", "USD", "EUR", "CNY"]


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
