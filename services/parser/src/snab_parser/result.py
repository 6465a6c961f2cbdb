"""The parse result of one email, in the shape of the labelled corpus, and the extractor seam.

Numbers are ``Decimal`` inside the service; the JSON form writes them as JSON numbers.
The JSON object carries the label keys (``kind``, ``other_reason``, ``request``, ``quote``)
plus ``confidence``, ``extractor``, ``needs_review`` and ``review_reasons``.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from snab_mailparse import ParsedMail

Unit = Literal[
    "шт", "кг", "г", "т", "м", "мм", "м2", "м3", "л", "уп", "компл", "рул", "пар", "лист",
    "меш", "кор", "бух",
]  # fmt: skip
Currency = Literal["RUB", "USD", "EUR", "CNY"]
Kind = Literal["request", "quote", "other"]
OtherReason = Literal["auto_reply", "bounce", "spam", "not_procurement"]
ExtractorName = Literal["rules", "llm"]

UNITS: tuple[Unit, ...] = (
    "шт", "кг", "г", "т", "м", "мм", "м2", "м3", "л", "уп", "компл", "рул", "пар", "лист",
    "меш", "кор", "бух",
)  # fmt: skip


def _json_number(value: Decimal) -> int | float | str:
    """A Decimal as a JSON number: integral values without a fraction.

    Results are settled (``domain.boundary``) before they are written, so numbers are never
    huge here; if one were, it is written as a string rather than as an integer of thousands
    of digits (which JSON encoding refuses) or as an infinite float (which JSON cannot hold).
    """
    if not value.is_finite() or abs(value.adjusted()) > _JSON_DIGITS:
        return str(value)
    if value == value.to_integral_value():
        return int(value)
    return float(value)


_JSON_DIGITS = 30
Num = Annotated[Decimal, PlainSerializer(_json_number, when_used="json")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class RequestItem(_Model):
    name: str
    quantity: Num | None = None
    unit: Unit | None = None
    article: str | None = None


class Request(_Model):
    items: list[RequestItem] = Field(default_factory=list)
    deadline: date | None = None
    company: str | None = None
    inn: str | None = None
    contact_phone: str | None = None
    contact_name: str | None = None
    kpp: str | None = None
    email: str | None = None


class QuoteLine(_Model):
    name: str
    unit_price: Num | None = None
    quantity: Num | None = None
    unit: Unit | None = None
    available: bool | None = None
    lead_time_days: int | None = None
    article: str | None = None
    line_total: Num | None = None
    #: the supplier offers this analogue instead of the item the line names
    analogue: str | None = None


class Quote(_Model):
    currency: Currency = "RUB"
    vat_included: bool | None = None
    lines: list[QuoteLine] = Field(default_factory=list)
    lead_time_days: int | None = None
    payment_terms: str | None = None
    valid_until: date | None = None
    total: Num | None = None
    rfq_tag: str | None = None
    rfq_message_id: str | None = None


class ParseResult(_Model):
    kind: Kind
    other_reason: OtherReason | None = None
    request: Request | None = None
    quote: Quote | None = None
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    extractor: ExtractorName = "rules"
    needs_review: bool = False
    review_reasons: list[str] = Field(default_factory=list)

    def to_json_dict(self) -> dict[str, Any]:
        """The label-shaped object: sections that do not apply to the kind are left out."""
        data = self.model_dump(mode="json")
        if self.kind != "other":
            data.pop("other_reason", None)
        if self.kind != "request":
            data.pop("request", None)
        if self.kind != "quote":
            data.pop("quote", None)
        return data

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_json_dict(), ensure_ascii=False, indent=indent)


class Extractor(Protocol):
    """Anything that turns a parsed email into a ``ParseResult`` (rules, an LLM, ...)."""

    name: ExtractorName

    def extract(self, mail: ParsedMail) -> ParseResult: ...
