"""What the routes take: query parameters and bodies. Results are the contract models
themselves (libs/contracts) or the desk's composite views."""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from snab_contracts.mail import ClassifiedReason
from snab_contracts.orders import OrderStatus
from snab_contracts.rpc.analytics import Granularity
from snab_contracts.rpc.directory import ClientInput, SupplierInput
from snab_contracts.rpc.orders import BrowseSort, MarkupScope, OrderItemInput
from snab_contracts.values import CheckedInn, Percent, PositiveDecimal

MAX_PAGE = 10_000
MAX_REQUEST_ID = 2**63 - 1


class ApiInput(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- queries ------------------------------------------------------------------------------------


class OrderQuery(ApiInput):
    status: list[OrderStatus] = Field(
        default_factory=list, max_length=20, description="Any of these statuses."
    )
    client_id: UUID | None = None
    created_from: date | None = Field(default=None, description="Moscow calendar day.")
    created_to: date | None = Field(default=None, description="Moscow calendar day, included.")
    needs_review: bool | None = None
    q: str | None = Field(
        default=None,
        max_length=200,
        description="Full-text search: every word must start a word of the number, the "
        "subject, the client, the sender or an item, in any form («болты» finds «Болт»).",
        examples=["болт м8"],
    )
    sort: BrowseSort = "-created_at"
    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = Field(
        default=None, max_length=200, description="``next_cursor`` of the previous page."
    )
    with_total: bool = Field(default=False, description="Also count all matching orders.")


class SliceQuery(ApiInput):
    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = Field(default=None, max_length=200)
    with_total: bool = False


class PageQuery(ApiInput):
    page: int = Field(default=1, ge=1, le=MAX_PAGE)
    page_size: int = Field(default=50, ge=1, le=200)


class SupplierQuery(PageQuery):
    q: str | None = Field(default=None, max_length=200, description="Company, email or INN.")
    category_id: UUID | None = None
    active: bool | None = None


class ClientQuery(PageQuery):
    q: str | None = Field(default=None, max_length=200, description="Name, INN or email.")


class MailQuery(PageQuery):
    q: str | None = Field(default=None, max_length=200, description="Sender or subject.")
    source: Literal["imap", "upload"] | None = None


class UnmatchedQuery(PageQuery):
    reason: list[ClassifiedReason] = Field(default_factory=list, max_length=10)
    include_linked: bool = False


class PeriodQuery(ApiInput):
    period_from: date | None = None
    period_to: date | None = None


class SummaryQuery(PeriodQuery):
    granularity: Granularity = "month"


class SupplierStatsQuery(PeriodQuery):
    supplier_id: list[UUID] = Field(default_factory=list, max_length=100)


class PriceQuery(PeriodQuery):
    q: str = Field(min_length=2, max_length=200, examples=["болт м8"])
    limit: int = Field(default=200, ge=1, le=1000)


class AuditQuery(ApiInput):
    audit_limit: int = Field(default=100, ge=0, le=1000)


# -- bodies -------------------------------------------------------------------------------------


class SupplierBody(SupplierInput):
    """A supplier as a manager enters it; the INN's control digits are checked."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "company": "ООО «Метиз»",
                    "emails": ["sales@metiz.example"],
                    "inn": "7707083893",
                    "contact_name": "Анна",
                    "phone": "+7 495 123-45-67",
                }
            ]
        },
    )

    inn: CheckedInn | None = None


class ClientBody(ClientInput):
    """A client as a manager enters it; the INN's control digits are checked."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "ООО «Ромашка»",
                    "inn": "7707083893",
                    "emails": ["zakupki@romashka.example"],
                    "contact_name": "Иван Петров",
                }
            ]
        },
    )

    inn: CheckedInn | None = None


class CategoryBody(ApiInput):
    name: str = Field(min_length=1, max_length=200, examples=["Крепёж"])
    parent_id: UUID | None = None


class ItemsBody(ApiInput):
    """The full new list of items: an item with ``item_id`` is kept (and edited), one
    without is new, an item left out is removed."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {"name": "Болт М8х30 DIN 933", "quantity": "100", "unit": "шт"},
                        {"name": "Гайка М8 DIN 934", "quantity": "100", "unit": "шт"},
                    ],
                    "reason": "клиент уточнил количество",
                }
            ]
        },
    )

    items: list[OrderItemInput] = Field(max_length=500)
    reason: str | None = Field(default=None, max_length=1000)


class OrderEditBody(ApiInput):
    client_id: UUID | None = None
    deadline: date | None = None
    resolve_review: bool = Field(default=False, description="Mark the review done.")
    reason: str | None = Field(default=None, max_length=1000)


class ReasonBody(ApiInput):
    reason: str | None = Field(default=None, max_length=1000, examples=["клиент отказался"])


class SendRequestsBody(ApiInput):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "supplier_ids": ["6b3f2c1e-8d4a-4e5b-9c7d-2a1b0c9d8e7f"],
                    "message": "Интересует оцинкованный крепёж.",
                }
            ]
        },
    )

    supplier_ids: list[UUID] = Field(min_length=1, max_length=50)
    item_ids: list[UUID] | None = Field(default=None, max_length=500, description="None: all.")
    message: str | None = Field(default=None, max_length=5000)


class OutcomeBody(ApiInput):
    outcome: Literal["won", "lost"]
    reason: str | None = Field(default=None, max_length=1000)


class BuildProposalBody(ApiInput):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"markup_percent": "15", "valid_days": 10}]},
    )

    choices: dict[UUID, UUID] | None = Field(
        default=None, description="item_id → quote_line_id; none: the best price per item."
    )
    markup_percent: Percent | None = Field(default=None, description="Overrides the rules.")
    valid_days: int | None = Field(default=None, ge=1, le=365)
    payment_terms: str | None = Field(default=None, max_length=1000)
    notes: str | None = Field(default=None, max_length=5000)


class SendProposalBody(ApiInput):
    to: list[EmailStr] | None = Field(
        default=None, max_length=20, description="None: the order's contact."
    )
    message: str | None = Field(default=None, max_length=5000)


class MapLineBody(ApiInput):
    item_id: UUID | None = Field(description="The order item the line prices; null: none.")
    analogue: bool | None = Field(
        default=None,
        description="true: the supplier offers an analogue of the item; false: the item "
        "itself; absent: as it is.",
    )


class ClarificationBody(ApiInput):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"text": "Добрый день! Уточните, пожалуйста, количество болтов М8."}]
        },
    )

    text: str | None = Field(
        default=None, min_length=1, max_length=20000, description="None: the draft as is."
    )
    to: list[EmailStr] | None = Field(
        default=None, max_length=20, description="None: the order's contact."
    )


class EscalateBody(ApiInput):
    supplier_ids: list[UUID] | None = Field(
        default=None,
        min_length=1,
        max_length=50,
        description="None: the next suppliers not asked yet, as the orders service suggests.",
    )


class RateBody(ApiInput):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"currency": "USD", "on_date": "2026-12-07", "rate": "92.5"}]
        },
    )

    currency: Literal["USD", "EUR", "CNY"]
    on_date: date
    rate: PositiveDecimal = Field(description="Roubles for one unit.")


class RefreshRatesBody(ApiInput):
    on_date: date | None = Field(default=None, description="None: the latest published.")


class LinkMailBody(ApiInput):
    request_id: int = Field(ge=1, le=MAX_REQUEST_ID, description="The supplier request.")


class PastedMail(ApiInput):
    """Text pasted from somewhere else (a messenger, a phone call's notes)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "text": "Нужны болты М8х30 — 100 шт, гайки М8 — 100 шт.",
                    "from_email": "petrov@romashka.example",
                    "from_name": "Иван Петров",
                    "subject": "Заявка по телефону",
                }
            ]
        },
    )

    text: str = Field(min_length=1, max_length=200_000)
    from_email: EmailStr
    from_name: str = Field(default="", max_length=500)
    subject: str = Field(default="", max_length=998)


class MarkupBody(ApiInput):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"scope": "global", "percent": "15"}]}
    )

    scope: MarkupScope
    category_id: UUID | None = None
    client_id: UUID | None = None
    percent: Percent
    min_margin_percent: Percent | None = None
