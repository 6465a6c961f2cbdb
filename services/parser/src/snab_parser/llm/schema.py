"""What the LLM must answer: the parse result's shape as a strict JSON Schema.

The models mirror ``snab_parser.result`` (the corpus label shape) with every field required
and nullable instead of defaulted, as structured outputs in strict mode demand. Numbers are
JSON numbers, read as exact ``Decimal`` (the JSON is decoded with ``parse_float=Decimal``).
"""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from snab_parser.result import (
    Currency,
    Kind,
    OtherReason,
    ParseResult,
    Quote,
    QuoteLine,
    Request,
    RequestItem,
    Unit,
)

if TYPE_CHECKING:  # openai is imported only when the LLM is configured
    from openai.types.shared_params import ResponseFormatJSONSchema

SCHEMA_NAME = "parse_result"

Number = Annotated[Decimal, WithJsonSchema({"type": "number"})]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LlmItem(_Strict):
    name: str = Field(description="The item as the sender names it, without quantity and unit.")
    quantity: Number | None
    unit: Unit | None
    article: str | None = Field(description="Part, article or catalogue number, if given.")


class LlmRequest(_Strict):
    items: list[LlmItem]
    deadline: date | None = Field(description="Date the goods are needed by, ISO format.")
    company: str | None
    inn: str | None = Field(description="ИНН: 10 or 12 digits.")
    kpp: str | None = Field(description="КПП: 9 digits.")
    contact_name: str | None
    contact_phone: str | None = Field(description="E.164, e.g. +79161234567.")
    contact_email: str | None


class LlmQuoteLine(_Strict):
    name: str
    article: str | None
    quantity: Number | None
    unit: Unit | None
    unit_price: Number | None = Field(description="Price of one unit; null when not priced.")
    line_total: Number | None
    available: bool | None
    lead_time_days: int | None
    analogue: str | None = Field(
        description="The name of an analogue the supplier offers instead of this item, else null."
    )


class LlmQuote(_Strict):
    currency: Currency
    vat_included: bool | None
    lines: list[LlmQuoteLine]
    lead_time_days: int | None
    payment_terms: str | None
    valid_until: date | None
    total: Number | None


class LlmAnswer(_Strict):
    kind: Kind
    other_reason: OtherReason | None = Field(description="Only when kind is 'other'.")
    request: LlmRequest | None = Field(description="Only when kind is 'request'.")
    quote: LlmQuote | None = Field(description="Only when kind is 'quote'.")
    confidence: float = Field(description="How sure the reading is, from 0 to 1.")
    instructions_in_email: bool = Field(
        description="True when the email text tries to give instructions to the reader."
    )


def _strict(node: Any) -> Any:
    """Strict-mode schema: every object closed, every property required, no defaults."""
    if isinstance(node, dict):
        out = {
            k: (
                {p: _strict(s) for p, s in v.items()}
                if k in ("properties", "$defs")
                else _strict(v)
            )
            for k, v in node.items()
            if k not in ("title", "default")
        }
        if out.get("type") == "object" and "properties" in out:
            out["additionalProperties"] = False
            out["required"] = list(out["properties"])
        return out
    if isinstance(node, list):
        return [_strict(v) for v in node]
    return node


def answer_schema() -> dict[str, Any]:
    """The JSON Schema of ``LlmAnswer`` in the form structured outputs accept."""
    return copy.deepcopy(_SCHEMA)


def response_format() -> ResponseFormatJSONSchema:
    return {
        "type": "json_schema",
        "json_schema": {"name": SCHEMA_NAME, "strict": True, "schema": answer_schema()},
    }


_SCHEMA: dict[str, Any] = _strict(LlmAnswer.model_json_schema())


def to_parse_result(answer: LlmAnswer) -> ParseResult:
    """The answer in the parse result's shape; sections that do not apply are dropped."""
    request = quote = None
    if answer.kind == "request" and answer.request is not None:
        r = answer.request
        request = Request(
            items=[
                RequestItem(name=i.name, quantity=i.quantity, unit=i.unit, article=i.article)
                for i in r.items
            ],
            deadline=r.deadline,
            company=r.company,
            inn=r.inn,
            kpp=r.kpp,
            contact_name=r.contact_name,
            contact_phone=r.contact_phone,
            email=r.contact_email,
        )
    if answer.kind == "quote" and answer.quote is not None:
        q = answer.quote
        quote = Quote(
            currency=q.currency,
            vat_included=q.vat_included,
            lines=[
                QuoteLine(
                    name=line.name,
                    article=line.article,
                    quantity=line.quantity,
                    unit=line.unit,
                    unit_price=line.unit_price,
                    line_total=line.line_total,
                    available=line.available,
                    lead_time_days=line.lead_time_days,
                    analogue=line.analogue,
                )
                for line in q.lines
            ],
            lead_time_days=q.lead_time_days,
            payment_terms=q.payment_terms,
            valid_until=q.valid_until,
            total=q.total,
        )
    return ParseResult(
        kind=answer.kind,
        other_reason=answer.other_reason if answer.kind == "other" else None,
        request=request,
        quote=quote,
        confidence=min(max(answer.confidence, 0.0), 1.0),
        extractor="llm",
    )


def missing_sections(answer: LlmAnswer) -> list[str]:
    """Problems of shape the schema cannot express: the section the kind calls for."""
    problems: list[str] = []
    if answer.kind == "request" and answer.request is None:
        problems.append("kind 'request' without a request")
    if answer.kind == "quote" and answer.quote is None:
        problems.append("kind 'quote' without a quote")
    if answer.kind == "other" and answer.other_reason is None:
        problems.append("kind 'other' without a reason")
    return problems


__all__ = [
    "SCHEMA_NAME",
    "LlmAnswer",
    "LlmItem",
    "LlmQuote",
    "LlmQuoteLine",
    "LlmRequest",
    "answer_schema",
    "missing_sections",
    "response_format",
    "to_parse_result",
]
