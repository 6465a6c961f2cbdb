"""Quotes: a supplier's line mapped to an order item by hand."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from snab_contracts.rpc.orders import QuoteView
from snab_gateway.api.deps import CurrentUser, RpcDep, current_user
from snab_gateway.api.errors import responses
from snab_gateway.api.respond import ok
from snab_gateway.api.schemas import MapLineBody
from snab_gateway.desk import quotes

router = APIRouter(
    tags=["quotes"], dependencies=[Depends(current_user)], responses=responses(401, 422, 503)
)


@router.put(
    "/quote-lines/{quote_line_id}/item",
    response_model=QuoteView,
    summary="Say which order item a quote line prices",
    responses=responses(404, 409),
)
async def map_quote_line(
    quote_line_id: UUID, body: MapLineBody, user: CurrentUser, rpc: RpcDep
) -> Response:
    """Fixes the automatic matching; the comparison follows. An item is priced by one
    line per quote (409: free it first); closed orders and older quote versions stay as
    they are (409). ``analogue`` marks the offer as an analogue of the item (shown so in the
    comparison)."""
    quote = await quotes.map_line(
        rpc=rpc,
        user=user,
        quote_line_id=quote_line_id,
        item_id=body.item_id,
        analogue=body.analogue,
    )
    return ok(quote)
