"""rpc.orders.*_clarification: asking the client what an incomplete request left out
(answered by orders)."""

from __future__ import annotations

from typing import Any, ClassVar, Literal
from uuid import UUID

from pydantic import EmailStr, Field

from snab_contracts.base import Contract, RpcRequest, UtcDatetime
from snab_contracts.values import OrderNumber

ClarificationGap = Literal["quantity", "unit", "spec", "confirm"]
ClarificationStatus = Literal["draft", "sending", "sent", "failed", "answered"]


class ClarificationLine(Contract):
    """One line of the request and what it lacks."""

    item_id: UUID
    position: int = Field(ge=1)
    name: str
    gaps: list[ClarificationGap] = Field(
        description="quantity or unit not stated, spec: too vague a name, confirm: read "
        "with low confidence."
    )
    questions: list[str] = Field(description="What the email asks, in Russian.")


class ClarificationView(Contract):
    clarification_id: UUID | None = Field(
        default=None, description="None for a draft not stored yet."
    )
    order_id: UUID
    order_number: OrderNumber
    status: ClarificationStatus
    to: list[str] = Field(default_factory=list)
    mail_subject: str
    text: str
    in_reply_to: str | None = Field(
        default=None, description="The client's Message-ID: the email goes in that thread."
    )
    lines: list[ClarificationLine] = Field(
        default_factory=list, description="What is still missing, line by line."
    )
    message_id: str | None = None
    sent_at: UtcDatetime | None = None
    answered_at: UtcDatetime | None = None


class OrdersDraftClarification(RpcRequest[ClarificationView]):
    """The clarification email orders would send for what the order still lacks."""

    SUBJECT: ClassVar[str] = "rpc.orders.draft_clarification"

    order_id: UUID


class OrdersSendClarification(RpcRequest[ClarificationView]):
    """Send the clarification email, as drafted or with the manager's text."""

    SUBJECT: ClassVar[str] = "rpc.orders.send_clarification"

    order_id: UUID
    text: str | None = Field(
        default=None, max_length=20000, description="None: the drafted text as is."
    )
    to: list[EmailStr] | None = Field(default=None, description="None: the order's contact.")


REQUESTS: tuple[type[RpcRequest[Any]], ...] = (OrdersDraftClarification, OrdersSendClarification)
