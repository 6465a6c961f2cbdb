"""rpc.orders.*_rate(s): exchange rates by date — the Central Bank's, and a manager's
override (answered by orders)."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Literal

from pydantic import Field

from snab_contracts.base import Contract, RpcRequest, UtcDatetime
from snab_contracts.values import Currency, PositiveDecimal


class RateView(Contract):
    currency: Currency
    on_date: date
    rate: PositiveDecimal = Field(description="Roubles for one unit.")
    source: Literal["manual", "cbr"]
    updated_by: str | None = None
    updated_at: UtcDatetime | None = None


class OrdersSetRate(RpcRequest[RateView]):
    """A manager's rate for one currency and date: it wins over the CBR's for quotes of
    that date."""

    SUBJECT: ClassVar[str] = "rpc.orders.set_rate"

    currency: Currency
    on_date: date
    rate: PositiveDecimal


class RatesRefreshed(Contract):
    ok: bool
    on_date: date | None = Field(default=None, description="The date the file gives rates for.")
    currencies: int = Field(default=0, ge=0)
    error: str | None = Field(default=None, description="Why nothing was stored.")


class OrdersRefreshRates(RpcRequest[RatesRefreshed]):
    """Fetch the CBR daily rates now (the daily job does the same)."""

    SUBJECT: ClassVar[str] = "rpc.orders.refresh_rates"

    on_date: date | None = Field(default=None, description="None: the latest published.")


REQUESTS: tuple[type[RpcRequest[Any]], ...] = (OrdersSetRate, OrdersRefreshRates)
