"""Parsing: what the parser read out of a client request or a supplier quote."""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from pydantic import Field

from snab_contracts.base import Contract, Event, UtcDatetime
from snab_contracts.mail import MailAddress, ThreadInfo
from snab_contracts.values import (
    Confidence,
    Currency,
    Extractor,
    Inn,
    ItemLine,
    Kpp,
    NonNegativeDecimal,
    Phone,
    PositiveDecimal,
    Unit,
)


class RequestItem(ItemLine):
    """One item of a client request."""

    source_line: str | None = Field(
        default=None, max_length=1000, description="The text the item was read from."
    )
    quantity_stated: bool = Field(
        default=True, description="False when the email gave no quantity (1 is a placeholder)."
    )
    unit_stated: bool = Field(
        default=True, description="False when the email gave no unit (шт is a placeholder)."
    )


class OrderParsed(Event):
    """A message was read as a client request (заявка)."""

    subject: Literal["order.parsed"] = "order.parsed"
    version: Literal[1] = 1

    mail_id: UUID
    from_: MailAddress | None = Field(default=None, alias="from")
    mail_subject: str = Field(default="", description="Subject header of the message.")
    received_at: UtcDatetime
    items: list[RequestItem] = Field(default_factory=list)
    deadline: date | None = None
    company: str | None = Field(default=None, max_length=500)
    inn: Inn | None = None
    kpp: Kpp | None = None
    contact_name: str | None = Field(default=None, max_length=200)
    contact_phone: Phone | None = None
    contact_email: str | None = Field(default=None, max_length=320)
    confidence: Confidence
    extractor: Extractor
    needs_review: bool = False
    review_reasons: list[str] = Field(default_factory=list)
    text_excerpt: str = Field(default="", max_length=2000)
    message_id: str | None = Field(default=None, description="Message-ID of the client's email.")
    in_reply_to: str | None = None
    references: list[str] = Field(
        default_factory=list, description="References header of the client's email."
    )


class QuoteLine(Contract):
    """One line of a supplier's answer; prices are in the quote's currency."""

    position: int | None = Field(default=None, ge=1)
    name: str = Field(max_length=500)
    article: str | None = Field(default=None, max_length=100)
    quantity: PositiveDecimal | None = None
    unit: Unit | None = None
    unit_price: NonNegativeDecimal | None = Field(
        default=None, description="Price of one unit; none when not priced or not available."
    )
    line_total: NonNegativeDecimal | None = None
    available: bool | None = None
    lead_time_days: int | None = Field(default=None, ge=0)
    analogue_name: str | None = Field(
        default=None,
        max_length=500,
        description="What the supplier offers instead of the item named, when it is an analogue.",
    )


class QuoteParsed(Event):
    """A message was read as a supplier's quote (котировка)."""

    subject: Literal["quote.parsed"] = "quote.parsed"
    version: Literal[1] = 1

    mail_id: UUID
    from_: MailAddress | None = Field(default=None, alias="from")
    mail_subject: str = Field(default="", description="Subject header of the message.")
    received_at: UtcDatetime
    thread: ThreadInfo = Field(default_factory=ThreadInfo)
    currency: Currency = "RUB"
    vat_included: bool | None = None
    lines: list[QuoteLine] = Field(default_factory=list)
    lead_time_days: int | None = Field(default=None, ge=0)
    payment_terms: str | None = Field(default=None, max_length=1000)
    valid_until: date | None = None
    total: NonNegativeDecimal | None = None
    confidence: Confidence
    extractor: Extractor
    needs_review: bool = False
    review_reasons: list[str] = Field(default_factory=list)
    text_excerpt: str = Field(default="", max_length=2000)
