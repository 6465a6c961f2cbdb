"""Proposals (КП): build with markup, the PDF, send; markup rules."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel

from snab_contracts.rpc.orders import MarkupRule, MarkupRules, ProposalView
from snab_gateway.api.deps import CurrentUser, RpcDep, current_user
from snab_gateway.api.errors import responses
from snab_gateway.api.respond import file_response, ok
from snab_gateway.api.schemas import BuildProposalBody, MarkupBody, SendProposalBody
from snab_gateway.desk import proposals

router = APIRouter(
    tags=["proposals"], dependencies=[Depends(current_user)], responses=responses(401, 422, 503)
)

PDF_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        "description": "The PDF (Content-Disposition names the file).",
    },
    307: {"description": "A time-limited link to the file in object storage."},
}


class ProposalList(BaseModel):
    items: list[ProposalView]


@router.get(
    "/orders/{order_id}/proposals",
    response_model=ProposalList,
    summary="The proposals of an order, oldest first",
    responses=responses(404),
)
async def list_proposals(order_id: UUID, user: CurrentUser, rpc: RpcDep) -> Response:
    found = await proposals.for_order(rpc=rpc, user=user, order_id=order_id)
    return ok(ProposalList(items=found))


@router.post(
    "/orders/{order_id}/proposals",
    response_model=ProposalView,
    status_code=201,
    summary="Build a proposal with markup",
    responses=responses(404, 409),
)
async def build_proposal(
    order_id: UUID, body: BuildProposalBody, user: CurrentUser, rpc: RpcDep
) -> Response:
    """One offer per item (``choices``, else the best price), priced with the markup
    rules or ``markup_percent``. The PDF is rendered by the documents service: the
    proposal is ``generating`` until it is there (a ``document.generated`` event)."""
    built = await proposals.build(
        rpc=rpc,
        user=user,
        order_id=order_id,
        choices=body.choices,
        markup_percent=body.markup_percent,
        valid_days=body.valid_days,
        payment_terms=body.payment_terms,
        notes=body.notes,
    )
    return ok(built, status_code=201)


@router.get(
    "/orders/{order_id}/proposals/{proposal_id}",
    response_model=ProposalView,
    summary="A proposal",
    responses=responses(404),
)
async def get_proposal(
    order_id: UUID, proposal_id: UUID, user: CurrentUser, rpc: RpcDep
) -> Response:
    return ok(
        await proposals.proposal(rpc=rpc, user=user, order_id=order_id, proposal_id=proposal_id)
    )


@router.get(
    "/orders/{order_id}/proposals/{proposal_id}/pdf",
    response_class=Response,
    summary="The proposal's PDF (preview or download)",
    responses={**PDF_RESPONSE, **responses(404, 409)},
)
async def proposal_pdf(
    order_id: UUID,
    proposal_id: UUID,
    user: CurrentUser,
    rpc: RpcDep,
    download: Annotated[bool, Query(description="attachment rather than inline")] = False,
) -> Response:
    """409 while the PDF is still being made; 503 when the documents service does not
    answer."""
    found = await proposals.pdf(rpc=rpc, user=user, order_id=order_id, proposal_id=proposal_id)
    return file_response(found, inline=not download)


@router.post(
    "/orders/{order_id}/proposals/{proposal_id}/send",
    response_model=ProposalView,
    summary="Send the proposal to the client",
    responses=responses(404, 409),
)
async def send_proposal(
    order_id: UUID,
    proposal_id: UUID,
    body: SendProposalBody,
    user: CurrentUser,
    rpc: RpcDep,
) -> Response:
    """The PDF goes to the client (``to``, else the order's contact) in the thread of
    their request. Needs the PDF (409 before)."""
    sent = await proposals.send(
        rpc=rpc,
        user=user,
        order_id=order_id,
        proposal_id=proposal_id,
        to=[str(a) for a in body.to] if body.to is not None else None,
        message=body.message,
    )
    return ok(sent)


@router.get("/markup-rules", response_model=MarkupRules, summary="Markup rules")
async def markup_rules(user: CurrentUser, rpc: RpcDep) -> Response:
    return ok(await proposals.markups(rpc=rpc, user=user))


@router.put(
    "/markup-rules",
    response_model=MarkupRule,
    summary="Set a markup rule (global, per category or per client)",
    responses=responses(404),
)
async def set_markup_rule(body: MarkupBody, user: CurrentUser, rpc: RpcDep) -> Response:
    rule = await proposals.set_markup(
        rpc=rpc,
        user=user,
        scope=body.scope,
        percent=body.percent,
        category_id=body.category_id,
        client_id=body.client_id,
        min_margin_percent=body.min_margin_percent,
    )
    return ok(rule)
