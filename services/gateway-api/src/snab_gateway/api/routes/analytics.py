"""Analytics: orders, suppliers, prices."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from snab_contracts.rpc.analytics import PriceHistory, SummaryReport, SupplierStatsReport
from snab_gateway.api.deps import CurrentUser, RpcDep, current_user
from snab_gateway.api.errors import responses
from snab_gateway.api.respond import ok
from snab_gateway.api.schemas import PriceQuery, SummaryQuery, SupplierStatsQuery
from snab_gateway.desk import analytics

router = APIRouter(
    prefix="/analytics",
    tags=["analytics"],
    dependencies=[Depends(current_user)],
    responses=responses(401, 422, 503),
)


@router.get(
    "/summary",
    response_model=SummaryReport,
    summary="Orders by status and period, conversion, speed, margin",
)
async def summary(
    query: Annotated[SummaryQuery, Query()], user: CurrentUser, rpc: RpcDep
) -> Response:
    report = await analytics.summary(
        rpc=rpc,
        user=user,
        period_from=query.period_from,
        period_to=query.period_to,
        granularity=query.granularity,
    )
    return ok(report)


@router.get(
    "/suppliers",
    response_model=SupplierStatsReport,
    summary="Response rate, response time and win rate per supplier",
)
async def suppliers(
    query: Annotated[SupplierStatsQuery, Query()], user: CurrentUser, rpc: RpcDep
) -> Response:
    report = await analytics.suppliers(
        rpc=rpc,
        user=user,
        period_from=query.period_from,
        period_to=query.period_to,
        supplier_ids=query.supplier_id or None,
    )
    return ok(report)


@router.get(
    "/price-history",
    response_model=PriceHistory,
    summary="Quoted prices of items matching a name or article",
)
async def price_history(
    query: Annotated[PriceQuery, Query()], user: CurrentUser, rpc: RpcDep
) -> Response:
    history = await analytics.price_history(
        rpc=rpc,
        user=user,
        query=query.q,
        period_from=query.period_from,
        period_to=query.period_to,
        limit=query.limit,
    )
    return ok(history)
