"""rpc.orders.*: orders, supplier requests, quotes, comparison, proposals (answered by orders)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, ClassVar, Literal, Self
from uuid import UUID

from pydantic import EmailStr, Field, model_validator

from snab_contracts.base import Contract, RpcRequest, UtcDatetime
from snab_contracts.mail import ClassifiedReason, MailAddress, ThreadInfo
from snab_contracts.orders import OrderStatus, RequestStatus
from snab_contracts.parsing import QuoteLine
from snab_contracts.rpc.common import PagedRequest
from snab_contracts.values import (
    Currency,
    DecimalStr,
    ItemLine,
    Money,
    NonNegativeDecimal,
    OrderNumber,
    Percent,
    PositiveDecimal,
    ProposalNumber,
    RfqNumber,
    Unit,
)

OrderSort = Literal[
    "created_at",
    "-created_at",
    "updated_at",
    "-updated_at",
    "number",
    "-number",
    "deadline",
    "-deadline",
]


# --- views -------------------------------------------------------------------------------


class OrderSummary(Contract):
    order_id: UUID
    number: OrderNumber
    status: OrderStatus
    client_id: UUID | None = None
    client_name: str | None = None
    contact_email: str | None = None
    mail_subject: str = ""
    items_count: int = Field(ge=0)
    requests_count: int = Field(default=0, ge=0)
    quotes_count: int = Field(default=0, ge=0)
    needs_review: bool = False
    review_reasons: list[str] = Field(default_factory=list)
    deadline: date | None = None
    total: Money | None = Field(default=None, description="Total of the latest proposal.")
    possible_duplicate_of: UUID | None = None
    source_mail_id: UUID | None = None
    created_at: UtcDatetime
    updated_at: UtcDatetime


class OrderPage(Contract):
    items: list[OrderSummary]
    total: int = Field(ge=0)
    page: int = Field(ge=1)
    page_size: int = Field(ge=1)


class OrderItemView(ItemLine):
    item_id: UUID
    position: int = Field(ge=1)
    category_id: UUID | None = None


class SupplierRequestView(Contract):
    request_id: int = Field(ge=1)
    rfq_number: RfqNumber
    supplier_id: UUID
    supplier_name: str
    supplier_email: str | None = None
    status: RequestStatus
    item_ids: list[UUID] = Field(default_factory=list)
    created_at: UtcDatetime
    sent_at: UtcDatetime | None = None
    reminded_at: UtcDatetime | None = None
    answered_at: UtcDatetime | None = None
    message_id: str | None = None
    last_error: str | None = None


class QuoteLineView(QuoteLine):
    quote_line_id: UUID
    item_id: UUID | None = Field(default=None, description="The order item this line prices.")
    analogue: bool = Field(default=False, description="An analogue of the item, per a manager.")


class QuoteView(Contract):
    quote_id: UUID
    request_id: int | None = Field(default=None, ge=1)
    rfq_number: RfqNumber | None = None
    supplier_id: UUID | None = None
    supplier_name: str | None = None
    mail_id: UUID | None = None
    version: int = Field(default=1, ge=1)
    received_at: UtcDatetime
    currency: Currency = "RUB"
    vat_included: bool | None = None
    vat_label: str | None = Field(
        default=None, description="«с НДС», «без НДС» or «НДС не указан»."
    )
    lead_time_days: int | None = Field(default=None, ge=0)
    payment_terms: str | None = None
    valid_until: date | None = None
    total: NonNegativeDecimal | None = None
    needs_review: bool = False
    lines: list[QuoteLineView] = Field(default_factory=list)


class ExchangeRate(Contract):
    currency: Currency
    rate: PositiveDecimal = Field(description="Units of the comparison currency for one unit.")
    as_of: date | None = None
    source: Literal["manual", "cbr", "setting"] | None = Field(
        default=None,
        description="manual: a manager's override for that date; cbr: the Central Bank's rate "
        "of as_of; setting: the static CURRENCY_RATES (the CBR rate was not available).",
    )


class ComparisonCell(Contract):
    """One supplier's offer for one order item."""

    supplier_id: UUID
    supplier_name: str
    quote_id: UUID
    quote_line_id: UUID | None = None
    original_unit_price: Money | None = Field(
        default=None, description="As quoted: the quote's currency and VAT treatment."
    )
    vat_included: bool | None = None
    unit_price: NonNegativeDecimal | None = Field(
        default=None, description="Normalised: comparison currency, VAT included."
    )
    amount: NonNegativeDecimal | None = None
    lead_time_days: int | None = Field(default=None, ge=0)
    available: bool | None = None
    best_price: bool = False
    fastest: bool = False
    chosen: bool = False
    analogue: bool = Field(default=False, description="The supplier offers an analogue.")
    vat_rule: str | None = Field(
        default=None,
        description="How the price was brought to «with VAT», in Russian: e.g. «НДС не "
        "указан: цена принята как включающая НДС 22 %».",
    )


class ComparisonRow(Contract):
    item_id: UUID
    position: int = Field(ge=1)
    name: str
    quantity: PositiveDecimal
    unit: Unit
    cells: list[ComparisonCell] = Field(default_factory=list)


class ComparisonView(Contract):
    currency: Currency = "RUB"
    vat_rate: Percent
    exchange_rates: list[ExchangeRate] = Field(default_factory=list)
    rows: list[ComparisonRow] = Field(default_factory=list)


class ProposalStatus(StrEnum):
    GENERATING = "generating"
    READY = "ready"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SUPERSEDED = "superseded"


class ProposalLineView(Contract):
    position: int = Field(ge=1)
    item_id: UUID
    quote_line_id: UUID | None = None
    supplier_id: UUID | None = None
    name: str
    article: str | None = None
    quantity: PositiveDecimal
    unit: Unit
    cost_price: NonNegativeDecimal = Field(description="Purchase price of one unit, normalised.")
    markup_percent: DecimalStr
    unit_price: NonNegativeDecimal
    amount: NonNegativeDecimal


class ProposalView(Contract):
    proposal_id: UUID
    order_id: UUID
    number: ProposalNumber
    status: ProposalStatus
    currency: Currency = "RUB"
    lines: list[ProposalLineView] = Field(default_factory=list)
    subtotal: NonNegativeDecimal
    vat_rate: Percent
    vat_amount: NonNegativeDecimal
    total: NonNegativeDecimal
    cost_total: NonNegativeDecimal
    margin_amount: DecimalStr
    margin_percent: DecimalStr | None = None
    warnings: list[str] = Field(
        default_factory=list, description="E.g. lines under the minimum margin (Russian)."
    )
    valid_until: date | None = None
    lead_time_days: int | None = Field(default=None, ge=0)
    payment_terms: str | None = None
    document_id: UUID | None = None
    document_version: int | None = Field(default=None, ge=1)
    document_filename: str | None = None
    last_error: str | None = Field(
        default=None,
        description="Why the proposal failed (its document or its email), for a manager.",
    )
    created_at: UtcDatetime
    sent_at: UtcDatetime | None = None


class AuditEntry(Contract):
    at: UtcDatetime
    actor: str
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    source_event_id: UUID | None = None


class OrderDetail(Contract):
    order: OrderSummary
    company: str | None = None
    inn: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    text_excerpt: str = ""
    items: list[OrderItemView] = Field(default_factory=list)
    requests: list[SupplierRequestView] = Field(default_factory=list)
    quotes: list[QuoteView] = Field(default_factory=list)
    comparison: ComparisonView | None = None
    proposals: list[ProposalView] = Field(default_factory=list)
    audit: list[AuditEntry] = Field(default_factory=list)


class SupplierSuggestion(Contract):
    supplier_id: UUID
    name: str
    rank: int = Field(ge=1)
    score: float = Field(ge=0)
    reasons: list[str] = Field(default_factory=list, description="Why, in Russian.")
    emails: list[str] = Field(default_factory=list)
    category_names: list[str] = Field(default_factory=list)
    matched_item_ids: list[UUID] = Field(default_factory=list)
    response_rate: float | None = Field(default=None, ge=0, le=1)
    median_response_seconds: int | None = Field(default=None, ge=0)
    already_requested: bool = False


class SupplierSuggestions(Contract):
    order_id: UUID
    suggestions: list[SupplierSuggestion] = Field(default_factory=list)


class SentRequests(Contract):
    order_id: UUID
    requests: list[SupplierRequestView]


class LinkedMail(Contract):
    mail_id: UUID
    request_id: int = Field(ge=1)
    order_id: UUID
    order_number: OrderNumber
    quote_id: UUID | None = Field(default=None, description="The quote read from the mail.")


class UnmatchedMail(Contract):
    mail_id: UUID
    received_at: UtcDatetime | None = None
    from_: MailAddress | None = Field(default=None, alias="from")
    mail_subject: str = ""
    reason: ClassifiedReason
    text_excerpt: str = ""
    thread: ThreadInfo = Field(default_factory=ThreadInfo)
    linked_request_id: int | None = Field(default=None, ge=1)


class UnmatchedMailPage(Contract):
    items: list[UnmatchedMail]
    total: int = Field(ge=0)
    page: int = Field(ge=1)
    page_size: int = Field(ge=1)


MarkupScope = Literal["global", "category", "client"]


class MarkupRule(Contract):
    rule_id: UUID
    scope: MarkupScope
    category_id: UUID | None = None
    client_id: UUID | None = None
    percent: Percent
    min_margin_percent: Percent | None = None
    updated_at: UtcDatetime


class MarkupRules(Contract):
    items: list[MarkupRule]


# --- requests ----------------------------------------------------------------------------


class OrderItemInput(ItemLine):
    """An item as edited by a manager; ``item_id`` is empty for a new item."""

    item_id: UUID | None = None
    category_id: UUID | None = None


class OrdersList(PagedRequest[OrderPage]):
    """List or search orders; ``query`` matches number, client, subject and item names."""

    SUBJECT: ClassVar[str] = "rpc.orders.list"

    statuses: list[OrderStatus] = Field(default_factory=list)
    client_id: UUID | None = None
    query: str | None = Field(default=None, max_length=200)
    created_from: date | None = None
    created_to: date | None = None
    needs_review: bool | None = None
    sort: OrderSort = "-created_at"


class OrdersGet(RpcRequest[OrderDetail]):
    """One order by id or by number (exactly one of them)."""

    SUBJECT: ClassVar[str] = "rpc.orders.get"

    order_id: UUID | None = None
    number: OrderNumber | None = None
    audit_limit: int = Field(default=100, ge=0, le=1000)

    @model_validator(mode="after")
    def _one_key(self) -> Self:
        if (self.order_id is None) == (self.number is None):
            raise ValueError("give exactly one of order_id and number")
        return self


class OrdersUpdate(RpcRequest[OrderDetail]):
    """Edit an order: replace its items, cancel it, or mark its review resolved."""

    SUBJECT: ClassVar[str] = "rpc.orders.update"

    order_id: UUID
    items: list[OrderItemInput] | None = Field(
        default=None, description="The full new list of items; none keeps the items."
    )
    client_id: UUID | None = None
    deadline: date | None = None
    cancel: bool = False
    resolve_review: bool = False
    reason: str | None = Field(default=None, max_length=1000)


class OrdersSuggestSuppliers(RpcRequest[SupplierSuggestions]):
    SUBJECT: ClassVar[str] = "rpc.orders.suggest_suppliers"

    order_id: UUID
    item_ids: list[UUID] | None = None
    limit: int = Field(default=10, ge=1, le=50)


class OrdersSendRequests(RpcRequest[SentRequests]):
    """Create supplier requests (RFQs) and send them by email."""

    SUBJECT: ClassVar[str] = "rpc.orders.send_requests"

    order_id: UUID
    supplier_ids: list[UUID] = Field(min_length=1)
    item_ids: list[UUID] | None = Field(default=None, description="None: every item.")
    message: str | None = Field(default=None, max_length=5000)


class OrdersLinkMail(RpcRequest[LinkedMail]):
    """Attach an unmatched message to a supplier request and read it as its quote."""

    SUBJECT: ClassVar[str] = "rpc.orders.link_mail"

    mail_id: UUID
    request_id: int = Field(ge=1)


class OrdersUnmatchedMail(PagedRequest[UnmatchedMailPage]):
    """Messages that matched no request (and other mail that needs a human)."""

    SUBJECT: ClassVar[str] = "rpc.orders.unmatched_mail"

    reasons: list[ClassifiedReason] = Field(default_factory=list)
    include_linked: bool = False


class OrdersSetMarkup(RpcRequest[MarkupRule]):
    SUBJECT: ClassVar[str] = "rpc.orders.set_markup"

    scope: MarkupScope
    category_id: UUID | None = None
    client_id: UUID | None = None
    percent: Percent
    min_margin_percent: Percent | None = None

    @model_validator(mode="after")
    def _scope_target(self) -> Self:
        wants = {"global": (False, False), "category": (True, False), "client": (False, True)}
        if wants[self.scope] != (self.category_id is not None, self.client_id is not None):
            raise ValueError(f"scope {self.scope!r} does not fit category_id/client_id")
        return self


class OrdersListMarkups(RpcRequest[MarkupRules]):
    SUBJECT: ClassVar[str] = "rpc.orders.list_markups"


class OrdersBuildProposal(RpcRequest[ProposalView]):
    SUBJECT: ClassVar[str] = "rpc.orders.build_proposal"

    order_id: UUID
    choices: dict[UUID, UUID] | None = Field(
        default=None, description="item_id → quote_line_id; none: the best price per item."
    )
    markup_percent: Percent | None = Field(default=None, description="Overrides the rules.")
    valid_days: int | None = Field(default=None, ge=1, le=365)
    payment_terms: str | None = Field(default=None, max_length=1000)
    notes: str | None = Field(default=None, max_length=5000)


class OrdersSendProposal(RpcRequest[ProposalView]):
    SUBJECT: ClassVar[str] = "rpc.orders.send_proposal"

    proposal_id: UUID
    to: list[EmailStr] | None = Field(default=None, description="None: the order's contact.")
    message: str | None = Field(default=None, max_length=5000)


class OrdersMarkOutcome(RpcRequest[OrderSummary]):
    SUBJECT: ClassVar[str] = "rpc.orders.mark_outcome"

    order_id: UUID
    outcome: Literal["won", "lost"]
    reason: str | None = Field(default=None, max_length=1000)


# --- browsing, manual quote mapping, what became of a message ------------------------------

BrowseSort = Literal["created_at", "-created_at", "updated_at", "-updated_at"]


class OrderSlice(Contract):
    """One slice of a browse: the next slice starts after ``next_cursor``."""

    items: list[OrderSummary]
    next_cursor: str | None = Field(
        default=None, description="Pass as ``after`` for the next slice; none on the last one."
    )
    total: int | None = Field(
        default=None, ge=0, description="Orders matching the filters, when asked for."
    )


class OrdersBrowse(RpcRequest[OrderSlice]):
    """Orders slice by slice (keyset: stable while new orders arrive), with full-text
    search: ``query`` matches words (and word beginnings) of the number, the subject, the
    client, the sender and the item names, in any form (Russian stemming)."""

    SUBJECT: ClassVar[str] = "rpc.orders.browse"

    statuses: list[OrderStatus] = Field(default_factory=list, max_length=20)
    client_id: UUID | None = None
    query: str | None = Field(default=None, max_length=200)
    created_from: date | None = None
    created_to: date | None = None
    needs_review: bool | None = None
    sort: BrowseSort = "-created_at"
    after: str | None = Field(
        default=None, max_length=200, description="``next_cursor`` of the previous slice."
    )
    limit: int = Field(default=50, ge=1, le=200)
    with_total: bool = Field(default=False, description="Also count every matching order.")


class OrdersMapQuoteLine(RpcRequest[QuoteView]):
    """A manager says which order item a quote line prices (or none of them)."""

    SUBJECT: ClassVar[str] = "rpc.orders.map_quote_line"

    quote_line_id: UUID
    item_id: UUID | None = Field(description="None: the line prices no item of the order.")
    analogue: bool | None = Field(
        default=None, description="True: an analogue of the item, not the item; None: as is."
    )


MailOutcomeKind = Literal["order", "quote", "unmatched"]


class MailOutcome(Contract):
    """What orders made of a received message: an order, a quote, or a place in the
    unmatched queue (with the parser's reason)."""

    mail_id: UUID
    kind: MailOutcomeKind
    order_id: UUID | None = None
    order_number: OrderNumber | None = None
    quote_id: UUID | None = None
    request_id: int | None = Field(default=None, ge=1)
    rfq_number: RfqNumber | None = None
    reason: ClassifiedReason | None = Field(default=None, description="For unmatched mail.")
    linked_request_id: int | None = Field(default=None, ge=1)
    needs_review: bool = False
    review_reasons: list[str] = Field(default_factory=list)
    confidence: float | None = Field(default=None, ge=0, le=1)
    extractor: str | None = None
    lines_count: int | None = Field(
        default=None, ge=0, description="Items of the order, or priced lines of the quote."
    )


class MailOutcomes(Contract):
    items: list[MailOutcome] = Field(default_factory=list)


class OrdersMailOutcomes(RpcRequest[MailOutcomes]):
    """What became of these messages; a message orders has not heard of is left out."""

    SUBJECT: ClassVar[str] = "rpc.orders.mail_outcomes"

    mail_ids: list[UUID] = Field(min_length=1, max_length=500)


class DeskCounters(Contract):
    """What waits for a manager, counted over every order (the web admin's header)."""

    new: int = Field(ge=0, description="Orders not yet sent to suppliers.")
    needs_review: int = Field(ge=0, description="Orders whose reading needs a look.")
    quotes_in: int = Field(ge=0, description="Orders with quotes and no proposal yet.")
    timed_out: int = Field(ge=0, description="Open orders with a supplier request that timed out.")


class OrdersDeskCounters(RpcRequest[DeskCounters]):
    SUBJECT: ClassVar[str] = "rpc.orders.desk_counters"


REQUESTS: tuple[type[RpcRequest[Any]], ...] = (
    OrdersList,
    OrdersGet,
    OrdersUpdate,
    OrdersSuggestSuppliers,
    OrdersSendRequests,
    OrdersLinkMail,
    OrdersUnmatchedMail,
    OrdersSetMarkup,
    OrdersListMarkups,
    OrdersBuildProposal,
    OrdersSendProposal,
    OrdersMarkOutcome,
    OrdersBrowse,
    OrdersMapQuoteLine,
    OrdersMailOutcomes,
    OrdersDeskCounters,
)
