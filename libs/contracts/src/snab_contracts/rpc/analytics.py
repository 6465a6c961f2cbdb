"""rpc.analytics.*: figures for managers (answered by orders).

Durations are whole seconds; rates are ratios in [0, 1]; amounts are decimals in the
report's currency.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import Field

from snab_contracts.base import Contract, UtcDatetime
from snab_contracts.orders import OrderStatus
from snab_contracts.rpc.common import PeriodRequest
from snab_contracts.values import Currency, DecimalStr, Money, NonNegativeDecimal, OrderNumber, Unit

Granularity = Literal["day", "week", "month"]


class StatusCount(Contract):
    status: OrderStatus
    count: int = Field(ge=0)


class PeriodStats(Contract):
    period_start: date
    orders: int = Field(ge=0)
    won: int = Field(default=0, ge=0)
    lost: int = Field(default=0, ge=0)
    conversion_to_won: float | None = Field(default=None, ge=0, le=1)
    revenue: NonNegativeDecimal = Field(default=Decimal(0))
    margin: DecimalStr = Field(default=Decimal(0))
    margin_percent: DecimalStr | None = None
    median_seconds_to_first_rfq: int | None = Field(default=None, ge=0)
    median_seconds_to_proposal: int | None = Field(default=None, ge=0)


class SummaryReport(Contract):
    period_from: date
    period_to: date
    granularity: Granularity
    currency: Currency = "RUB"
    by_status: list[StatusCount] = Field(default_factory=list)
    periods: list[PeriodStats] = Field(default_factory=list)
    orders_total: int = Field(default=0, ge=0)
    won: int = Field(default=0, ge=0)
    lost: int = Field(default=0, ge=0)
    conversion_to_won: float | None = Field(
        default=None, ge=0, le=1, description="Won among orders that reached won or lost."
    )
    median_seconds_to_first_rfq: int | None = Field(
        default=None, ge=0, description="From the client's email to the first request sent."
    )
    median_seconds_to_proposal: int | None = Field(
        default=None, ge=0, description="From the client's email to the proposal sent."
    )
    revenue: NonNegativeDecimal = Field(default=Decimal(0))
    margin: DecimalStr = Field(default=Decimal(0))


class SupplierStats(Contract):
    supplier_id: UUID
    name: str
    requests_sent: int = Field(default=0, ge=0)
    answered: int = Field(default=0, ge=0)
    declined: int = Field(default=0, ge=0)
    timed_out: int = Field(default=0, ge=0)
    response_rate: float | None = Field(default=None, ge=0, le=1)
    median_response_seconds: int | None = Field(default=None, ge=0)
    quotes_chosen: int = Field(default=0, ge=0, description="Quotes used in a sent proposal.")
    win_rate: float | None = Field(
        default=None, ge=0, le=1, description="Chosen quotes in orders that were won."
    )


class SupplierStatsReport(Contract):
    period_from: date | None = None
    period_to: date | None = None
    rows: list[SupplierStats] = Field(default_factory=list)


class PricePoint(Contract):
    at: UtcDatetime
    item_name: str
    article: str | None = None
    unit: Unit | None = None
    quantity: DecimalStr | None = None
    unit_price: Money
    vat_included: bool | None = None
    supplier_id: UUID | None = None
    supplier_name: str | None = None
    quote_id: UUID
    order_id: UUID | None = None
    order_number: OrderNumber | None = None


class PriceHistory(Contract):
    query: str
    points: list[PricePoint] = Field(default_factory=list)


class AnalyticsSummary(PeriodRequest[SummaryReport]):
    """Orders by status and period, conversion, speed and margin."""

    SUBJECT: ClassVar[str] = "rpc.analytics.summary"

    granularity: Granularity = "month"


class AnalyticsSuppliers(PeriodRequest[SupplierStatsReport]):
    """Response rate, response time and win rate per supplier."""

    SUBJECT: ClassVar[str] = "rpc.analytics.suppliers"

    supplier_ids: list[UUID] | None = None


class AnalyticsPriceHistory(PeriodRequest[PriceHistory]):
    """Quoted prices of items whose name or article matches ``query``."""

    SUBJECT: ClassVar[str] = "rpc.analytics.price_history"

    query: str = Field(min_length=2, max_length=200)
    limit: int = Field(default=200, ge=1, le=1000)


REQUESTS = (AnalyticsSummary, AnalyticsSuppliers, AnalyticsPriceHistory)
