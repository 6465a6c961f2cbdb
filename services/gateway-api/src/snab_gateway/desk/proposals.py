"""Proposals (КП): build with markup, the PDF, send; markup rules."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from snab_contracts.rpc.orders import (
    MarkupRule,
    MarkupRules,
    MarkupScope,
    OrdersBuildProposal,
    OrdersListMarkups,
    OrdersSendProposal,
    OrdersSetMarkup,
    ProposalView,
)
from snab_gateway.auth.models import User
from snab_gateway.desk import documents, orders
from snab_gateway.desk.checks import checked
from snab_gateway.desk.models import FileResult
from snab_kit.rpc import InvalidTransition, NotFound, RpcClient


async def build(
    *,
    rpc: RpcClient,
    user: User,
    order_id: UUID,
    choices: dict[UUID, UUID] | None = None,
    markup_percent: Decimal | None = None,
    valid_days: int | None = None,
    payment_terms: str | None = None,
    notes: str | None = None,
) -> ProposalView:
    return await rpc.call(
        OrdersBuildProposal(
            order_id=order_id,
            choices=choices,
            markup_percent=markup_percent,
            valid_days=valid_days,
            payment_terms=payment_terms,
            notes=notes,
            actor=user.actor,
        )
    )


async def for_order(*, rpc: RpcClient, user: User, order_id: UUID) -> list[ProposalView]:
    detail = await orders.get(rpc=rpc, user=user, order_id=order_id, audit_limit=0)
    return detail.proposals


async def proposal(
    *, rpc: RpcClient, user: User, order_id: UUID, proposal_id: UUID
) -> ProposalView:
    for found in await for_order(rpc=rpc, user=user, order_id=order_id):
        if found.proposal_id == proposal_id:
            return found
    raise NotFound("КП не найдено в этой заявке", proposal_id=str(proposal_id))


async def pdf(*, rpc: RpcClient, user: User, order_id: UUID, proposal_id: UUID) -> FileResult:
    """The proposal's PDF, once the documents service has made it."""
    view = await proposal(rpc=rpc, user=user, order_id=order_id, proposal_id=proposal_id)
    if view.document_id is None:
        raise InvalidTransition(
            f"{view.number}: PDF ещё не готов, повторите через несколько секунд",
            status=view.status.value,
        )
    return await documents.document(rpc=rpc, user=user, document_id=view.document_id)


async def send(
    *,
    rpc: RpcClient,
    user: User,
    order_id: UUID,
    proposal_id: UUID,
    to: list[str] | None = None,
    message: str | None = None,
) -> ProposalView:
    await proposal(rpc=rpc, user=user, order_id=order_id, proposal_id=proposal_id)
    return await rpc.call(
        OrdersSendProposal(proposal_id=proposal_id, to=to, message=message, actor=user.actor)
    )


async def markups(*, rpc: RpcClient, user: User) -> MarkupRules:
    return await rpc.call(OrdersListMarkups(actor=user.actor))


async def set_markup(
    *,
    rpc: RpcClient,
    user: User,
    scope: MarkupScope,
    percent: Decimal,
    category_id: UUID | None = None,
    client_id: UUID | None = None,
    min_margin_percent: Decimal | None = None,
) -> MarkupRule:
    with checked():
        request = OrdersSetMarkup(
            scope=scope,
            percent=percent,
            category_id=category_id,
            client_id=client_id,
            min_margin_percent=min_margin_percent,
            actor=user.actor,
        )
    return await rpc.call(request)
