"""Exchange rates: a manual override for a date, the CBR's fetched now (admins only)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from snab_contracts.rpc.rates import RatesRefreshed, RateView
from snab_gateway.api.deps import AdminUser, RpcDep, current_user, require_admin
from snab_gateway.api.errors import responses
from snab_gateway.api.respond import ok
from snab_gateway.api.schemas import RateBody, RefreshRatesBody
from snab_gateway.desk import rates

router = APIRouter(
    prefix="/rates",
    tags=["rates"],
    dependencies=[Depends(current_user), Depends(require_admin)],
    responses=responses(401, 403, 422, 503),
)


@router.put("", response_model=RateView, summary="Set a currency's rate for a date")
async def set_rate(body: RateBody, admin: AdminUser, rpc: RpcDep) -> Response:
    """A manual rate wins over the CBR's for quotes of that date; the comparison names it
    «вручную»."""
    rate = await rates.set_rate(
        rpc=rpc, user=admin, currency=body.currency, on_date=body.on_date, rate=body.rate
    )
    return ok(rate)


@router.post("/refresh", response_model=RatesRefreshed, summary="Fetch the CBR's daily rates now")
async def refresh(body: RefreshRatesBody, admin: AdminUser, rpc: RpcDep) -> Response:
    """``ok`` false with ``error`` when the CBR could not be reached (nothing stored)."""
    return ok(await rates.refresh(rpc=rpc, user=admin, on_date=body.on_date))
