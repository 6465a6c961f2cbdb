"""Figures for managers: orders, suppliers, prices."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from snab_contracts.rpc.analytics import (
    AnalyticsPriceHistory,
    AnalyticsSummary,
    AnalyticsSuppliers,
    Granularity,
    PriceHistory,
    SummaryReport,
    SupplierStatsReport,
)
from snab_gateway.auth.models import User
from snab_gateway.desk.checks import checked
from snab_kit.rpc import RpcClient


async def summary(
    *,
    rpc: RpcClient,
    user: User,
    period_from: date | None = None,
    period_to: date | None = None,
    granularity: Granularity = "month",
) -> SummaryReport:
    with checked():
        request = AnalyticsSummary(
            period_from=period_from,
            period_to=period_to,
            granularity=granularity,
            actor=user.actor,
        )
    return await rpc.call(request)


async def suppliers(
    *,
    rpc: RpcClient,
    user: User,
    period_from: date | None = None,
    period_to: date | None = None,
    supplier_ids: list[UUID] | None = None,
) -> SupplierStatsReport:
    with checked():
        request = AnalyticsSuppliers(
            period_from=period_from,
            period_to=period_to,
            supplier_ids=supplier_ids,
            actor=user.actor,
        )
    return await rpc.call(request)


async def price_history(
    *,
    rpc: RpcClient,
    user: User,
    query: str,
    period_from: date | None = None,
    period_to: date | None = None,
    limit: int = 200,
) -> PriceHistory:
    with checked():
        request = AnalyticsPriceHistory(
            query=query,
            period_from=period_from,
            period_to=period_to,
            limit=limit,
            actor=user.actor,
        )
    return await rpc.call(request)
