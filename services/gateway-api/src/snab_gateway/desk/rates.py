"""Exchange rates: a manager's override for a date, and the CBR's fetched now."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from snab_contracts.rpc.rates import OrdersRefreshRates, OrdersSetRate, RatesRefreshed, RateView
from snab_contracts.values import Currency
from snab_gateway.auth.models import User
from snab_kit.rpc import RpcClient


async def set_rate(
    *, rpc: RpcClient, user: User, currency: Currency, on_date: date, rate: Decimal
) -> RateView:
    return await rpc.call(
        OrdersSetRate(currency=currency, on_date=on_date, rate=rate, actor=user.actor)
    )


async def refresh(*, rpc: RpcClient, user: User, on_date: date | None = None) -> RatesRefreshed:
    return await rpc.call(OrdersRefreshRates(on_date=on_date, actor=user.actor))
