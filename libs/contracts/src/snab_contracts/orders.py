"""Orders: order and supplier-request states, and the facts the orders service publishes."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal
from uuid import UUID

from pydantic import Field

from snab_contracts.base import Contract, Event, UtcDatetime
from snab_contracts.values import Money, OrderNumber, RfqNumber


class OrderStatus(StrEnum):
    """new → needs_review? → rfq_sent → quoting → proposal_ready → proposal_sent →
    won | lost | cancelled."""

    NEW = "new"
    NEEDS_REVIEW = "needs_review"
    RFQ_SENT = "rfq_sent"
    QUOTING = "quoting"
    PROPOSAL_READY = "proposal_ready"
    PROPOSAL_SENT = "proposal_sent"
    WON = "won"
    LOST = "lost"
    CANCELLED = "cancelled"


class RequestStatus(StrEnum):
    """A supplier request: queued → sent → reminded → answered | timeout | failed | declined."""

    QUEUED = "queued"
    SENT = "sent"
    REMINDED = "reminded"
    ANSWERED = "answered"
    TIMEOUT = "timeout"
    FAILED = "failed"
    DECLINED = "declined"


class OrderCreated(Event):
    subject: Literal["order.created"] = "order.created"
    version: Literal[1] = 1

    order_id: UUID
    number: OrderNumber
    client_id: UUID | None = None
    client_name: str | None = None
    items_count: int = Field(ge=0)
    deadline: date | None = None
    needs_review: bool = False
    review_reasons: list[str] = Field(default_factory=list)
    possible_duplicate_of: UUID | None = Field(
        default=None, description="An earlier order that looks like the same request."
    )
    possible_duplicate_number: OrderNumber | None = None
    source_mail_id: UUID | None = None


class OrderUpdated(Event):
    """An order changed status."""

    subject: Literal["order.updated"] = "order.updated"
    version: Literal[1] = 1

    order_id: UUID
    number: OrderNumber
    status_before: OrderStatus
    status_after: OrderStatus
    actor: str = Field(description="'system', 'user:<id>' or 'bot:<tg id>'.")
    reason: str | None = None


class QuoteReceived(Event):
    """A supplier's quote was matched to a request and stored."""

    subject: Literal["quote.received"] = "quote.received"
    version: Literal[1] = 1

    order_id: UUID
    order_number: OrderNumber
    request_id: int = Field(ge=1)
    rfq_number: RfqNumber
    supplier_id: UUID
    supplier_name: str
    quote_id: UUID
    quote_version: int = Field(default=1, ge=1, description="Grows when a supplier re-quotes.")
    lines_count: int = Field(ge=0)
    total: Money | None = None
    needs_review: bool = False
    requests_answered: int | None = Field(default=None, ge=0)
    requests_total: int | None = Field(default=None, ge=0)


class _RequestEvent(Event):
    request_id: int = Field(ge=1)
    rfq_number: RfqNumber
    order_id: UUID
    order_number: OrderNumber
    supplier_id: UUID
    supplier_name: str
    supplier_email: str | None = None
    sent_at: UtcDatetime
    rfq_message_id: str | None = Field(
        default=None, description="Message-ID of the request email, to thread a reminder."
    )


class RequestReminder(_RequestEvent):
    """A supplier request reached the reminder age without an answer."""

    subject: Literal["request.reminder"] = "request.reminder"
    version: Literal[1] = 1


class RequestTimeout(_RequestEvent):
    """A supplier request reached the timeout age without an answer."""

    subject: Literal["request.timeout"] = "request.timeout"
    version: Literal[1] = 1


class EscalationSupplier(Contract):
    supplier_id: UUID
    name: str
    score: float
    reasons: list[str] = Field(default_factory=list)


class RequestEscalation(Event):
    """A request timed out and the order has fewer answered quotes than MIN_QUOTES: the
    next suppliers to ask (ranked by ``suggest_suppliers``, none of them asked yet for
    this order). ``auto_requested``: AUTO_ESCALATE sent them requests already; otherwise
    a manager asks them with ``rpc.orders.escalate``."""

    subject: Literal["request.escalation"] = "request.escalation"
    version: Literal[1] = 1

    order_id: UUID
    order_number: OrderNumber
    request_id: int = Field(ge=1, description="The request that timed out.")
    rfq_number: RfqNumber
    quotes_answered: int = Field(ge=0)
    min_quotes: int = Field(ge=1)
    suppliers: list[EscalationSupplier] = Field(
        default_factory=list, description="Best first; empty when nobody is left to ask."
    )
    auto_requested: bool = False


class RequestFailed(Event):
    """A supplier request could not be delivered: the mail server refused it, or it
    bounced. Managers are told; when no request of the order got through, the order goes
    back to ``new`` (``order_status``), where a manager picks other suppliers."""

    subject: Literal["request.failed"] = "request.failed"
    version: Literal[1] = 1

    request_id: int = Field(ge=1)
    rfq_number: RfqNumber
    order_id: UUID
    order_number: OrderNumber
    supplier_id: UUID
    supplier_name: str
    supplier_email: str | None = None
    reason: str = Field(max_length=2000, description="What the mail server said, or a bounce.")
    requests_delivered: int = Field(
        ge=0, description="Requests of the order that did get through (sent or later)."
    )
    order_status: OrderStatus = Field(description="The order's status after this failure.")
