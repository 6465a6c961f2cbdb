"""Orders: list and search, detail, edits, supplier requests, escalation, clarifications,
outcome, comparison."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from snab_contracts.rpc.clarifications import ClarificationView
from snab_contracts.rpc.documents import DocumentList
from snab_contracts.rpc.orders import (
    ComparisonView,
    OrderDetail,
    OrderSlice,
    OrderSummary,
    SentRequests,
    SupplierSuggestions,
)
from snab_contracts.values import OrderNumber
from snab_gateway.api.deps import CurrentUser, RpcDep, current_user
from snab_gateway.api.errors import responses
from snab_gateway.api.examples import ORDER_SLICE, example
from snab_gateway.api.respond import ok
from snab_gateway.api.schemas import (
    AuditQuery,
    ClarificationBody,
    EscalateBody,
    ItemsBody,
    OrderEditBody,
    OrderQuery,
    OutcomeBody,
    ReasonBody,
    SendRequestsBody,
)
from snab_gateway.desk import clarifications, documents, orders

router = APIRouter(
    prefix="/orders",
    tags=["orders"],
    dependencies=[Depends(current_user)],
    responses=responses(401, 422, 503),
)


@router.get(
    "",
    response_model=OrderSlice,
    summary="Orders: filters, search, pages",
    responses=example(ORDER_SLICE),
)
async def list_orders(
    query: Annotated[OrderQuery, Query()], user: CurrentUser, rpc: RpcDep
) -> Response:
    """Newest first by default. Pages are cursor based: pass ``next_cursor`` as ``cursor``
    for the next one (stable while new orders arrive); the last page has none."""
    found = await orders.browse(
        rpc=rpc,
        user=user,
        statuses=query.status,
        client_id=query.client_id,
        query=query.q,
        created_from=query.created_from,
        created_to=query.created_to,
        needs_review=query.needs_review,
        sort=query.sort,
        after=query.cursor,
        limit=query.limit,
        with_total=query.with_total,
    )
    return ok(found)


@router.get(
    "/by-number/{number}",
    response_model=OrderDetail,
    summary="An order by its number",
    responses=responses(404),
)
async def order_by_number(
    number: Annotated[OrderNumber, Path()],
    query: Annotated[AuditQuery, Query()],
    user: CurrentUser,
    rpc: RpcDep,
) -> Response:
    return ok(await orders.get(rpc=rpc, user=user, number=number, audit_limit=query.audit_limit))


@router.get(
    "/{order_id}",
    response_model=OrderDetail,
    summary="An order: items, requests, quotes, comparison, proposals, audit",
    responses=responses(404),
)
async def get_order(
    order_id: UUID, query: Annotated[AuditQuery, Query()], user: CurrentUser, rpc: RpcDep
) -> Response:
    return ok(
        await orders.get(rpc=rpc, user=user, order_id=order_id, audit_limit=query.audit_limit)
    )


@router.patch(
    "/{order_id}",
    response_model=OrderDetail,
    summary="Edit an order: client, deadline, review done",
    responses=responses(404, 409),
)
async def edit_order(
    order_id: UUID, body: OrderEditBody, user: CurrentUser, rpc: RpcDep
) -> Response:
    detail = await orders.edit(
        rpc=rpc,
        user=user,
        order_id=order_id,
        client_id=body.client_id,
        deadline=body.deadline,
        resolve_review=body.resolve_review,
        reason=body.reason,
    )
    return ok(detail)


@router.put(
    "/{order_id}/items",
    response_model=OrderDetail,
    summary="Replace the items of an order",
    responses=responses(404, 409),
)
async def replace_items(
    order_id: UUID, body: ItemsBody, user: CurrentUser, rpc: RpcDep
) -> Response:
    detail = await orders.replace_items(
        rpc=rpc, user=user, order_id=order_id, items=body.items, reason=body.reason
    )
    return ok(detail)


@router.post(
    "/{order_id}/cancel",
    response_model=OrderDetail,
    summary="Cancel an order",
    responses=responses(404, 409),
)
async def cancel_order(
    order_id: UUID, body: ReasonBody, user: CurrentUser, rpc: RpcDep
) -> Response:
    return ok(await orders.cancel(rpc=rpc, user=user, order_id=order_id, reason=body.reason))


@router.get(
    "/{order_id}/supplier-suggestions",
    response_model=SupplierSuggestions,
    summary="Suppliers to ask, best first",
    responses=responses(404),
)
async def suggest_suppliers(
    order_id: UUID,
    user: CurrentUser,
    rpc: RpcDep,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> Response:
    return ok(await orders.suggest_suppliers(rpc=rpc, user=user, order_id=order_id, limit=limit))


@router.post(
    "/{order_id}/requests",
    response_model=SentRequests,
    status_code=201,
    summary="Send requests for prices (RFQs) to suppliers",
    responses=responses(404, 409),
)
async def send_requests(
    order_id: UUID, body: SendRequestsBody, user: CurrentUser, rpc: RpcDep
) -> Response:
    """One email per supplier, sent by mail-gateway; the requests start ``queued``."""
    sent = await orders.send_requests(
        rpc=rpc,
        user=user,
        order_id=order_id,
        supplier_ids=body.supplier_ids,
        item_ids=body.item_ids,
        message=body.message,
    )
    return ok(sent, status_code=201)


@router.post(
    "/{order_id}/escalation",
    response_model=SentRequests,
    status_code=201,
    summary="Ask more suppliers when too few answered",
    responses=responses(404, 409),
)
async def escalate(order_id: UUID, body: EscalateBody, user: CurrentUser, rpc: RpcDep) -> Response:
    """The one action on a ``request.escalation``: without ``supplier_ids``, the next
    suppliers not asked yet (as ranked now). 422 when nobody is left to ask."""
    sent = await orders.escalate(
        rpc=rpc, user=user, order_id=order_id, supplier_ids=body.supplier_ids
    )
    return ok(sent, status_code=201)


@router.get(
    "/{order_id}/clarification",
    response_model=ClarificationView,
    summary="The clarification email a client would get now",
    responses=responses(404),
)
async def draft_clarification(order_id: UUID, user: CurrentUser, rpc: RpcDep) -> Response:
    """What each line lacks (quantity, unit, a too vague name, a doubtful reading) and the
    drafted email; ``lines`` is empty when nothing is missing. Nothing is sent or stored."""
    return ok(await clarifications.draft(rpc=rpc, user=user, order_id=order_id))


@router.post(
    "/{order_id}/clarification",
    response_model=ClarificationView,
    status_code=202,
    summary="Send the clarification email to the client",
    responses=responses(404, 409),
)
async def send_clarification(
    order_id: UUID, body: ClarificationBody, user: CurrentUser, rpc: RpcDep
) -> Response:
    """In the client's thread, as drafted or with ``text``; the answer fills the missing
    values of the same order. 202: the mail gateway sends it (``status`` ``sending``);
    409 when nothing is missing and no text was given, or the order is closed."""
    sent = await clarifications.send(
        rpc=rpc,
        user=user,
        order_id=order_id,
        text=body.text,
        to=[str(a) for a in body.to] if body.to is not None else None,
    )
    return ok(sent, status_code=202)


@router.post(
    "/{order_id}/outcome",
    response_model=OrderSummary,
    summary="Mark an order won or lost",
    responses=responses(404, 409),
)
async def mark_outcome(
    order_id: UUID, body: OutcomeBody, user: CurrentUser, rpc: RpcDep
) -> Response:
    summary = await orders.mark_outcome(
        rpc=rpc, user=user, order_id=order_id, outcome=body.outcome, reason=body.reason
    )
    return ok(summary)


@router.get(
    "/{order_id}/comparison",
    response_model=ComparisonView,
    summary="The quotes side by side",
    responses=responses(404),
)
async def comparison(order_id: UUID, user: CurrentUser, rpc: RpcDep) -> Response:
    """Per item, every supplier's offer in roubles with VAT; best price and fastest
    marked. 404 while no supplier has answered."""
    return ok(await orders.comparison(rpc=rpc, user=user, order_id=order_id))


@router.get(
    "/{order_id}/documents",
    response_model=DocumentList,
    summary="The documents of an order",
    responses=responses(404),
)
async def order_documents(order_id: UUID, user: CurrentUser, rpc: RpcDep) -> Response:
    return ok(await documents.for_order(rpc=rpc, user=user, order_id=order_id))
