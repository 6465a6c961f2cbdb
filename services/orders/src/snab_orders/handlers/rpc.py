"""Rpc subjects answered by the orders service: rpc.orders.*, rpc.clients.*,
rpc.suppliers.*, rpc.categories.*, rpc.analytics.*.

One row per subject: the request and the use case that answers it, run in a unit of
work. Use cases raise domain errors only; the kit maps them to rpc codes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import text

from snab_contracts.base import Contract, RpcRequest
from snab_contracts.rpc import analytics as a
from snab_contracts.rpc import clarifications as c
from snab_contracts.rpc import directory as d
from snab_contracts.rpc import escalation as e
from snab_contracts.rpc import orders as o
from snab_contracts.rpc import rates as fx
from snab_kit.consume import Tx
from snab_kit.service import Service
from snab_orders.services import (
    analytics,
    browse,
    categories,
    clarifications,
    clients,
    desk_counters,
    escalation,
    line_mapping,
    mail_outcomes,
    markups,
    order_edits,
    orders,
    proposal_sending,
    proposals,
    rates,
    requests,
    suggestions,
    suppliers,
    unmatched,
)
from snab_orders.settings import OrdersSettings

UseCase = Callable[[Any, Tx], Awaitable[Contract]]


def actor(req: RpcRequest[Any]) -> str:
    return req.actor or "user:unknown"


def routes(settings: OrdersSettings) -> dict[type[RpcRequest[Any]], UseCase]:
    s = settings
    return {
        # orders
        o.OrdersList: lambda r, tx: orders.list_orders(session=tx.session, req=r),
        o.OrdersGet: snapshot(
            lambda r, tx: orders.get_detail(
                session=tx.session,
                settings=s,
                order_id=r.order_id,
                number=r.number,
                audit_limit=r.audit_limit,
            )
        ),
        o.OrdersUpdate: lambda r, tx: order_edits.update_order(tx=tx, req=r, settings=s),
        o.OrdersMarkOutcome: lambda r, tx: order_edits.mark_outcome(tx=tx, req=r),
        o.OrdersBrowse: lambda r, tx: browse.browse_orders(session=tx.session, req=r),
        o.OrdersDeskCounters: lambda r, tx: desk_counters.desk_counters(session=tx.session),
        o.OrdersMailOutcomes: lambda r, tx: mail_outcomes.mail_outcomes(session=tx.session, req=r),
        # supplier requests and quotes
        o.OrdersSuggestSuppliers: lambda r, tx: suggestions.suggest_suppliers(
            session=tx.session, req=r, settings=s
        ),
        o.OrdersSendRequests: lambda r, tx: requests.send_requests(tx=tx, req=r, settings=s),
        o.OrdersLinkMail: lambda r, tx: unmatched.link_mail(tx=tx, req=r, settings=s),
        o.OrdersUnmatchedMail: lambda r, tx: unmatched.list_unmatched(session=tx.session, req=r),
        o.OrdersMapQuoteLine: lambda r, tx: line_mapping.map_quote_line(tx=tx, req=r),
        # proposals
        o.OrdersSetMarkup: lambda r, tx: markups.set_markup(session=tx.session, req=r),
        o.OrdersListMarkups: lambda r, tx: markups.list_markups(session=tx.session),
        o.OrdersBuildProposal: lambda r, tx: proposals.build_proposal(tx=tx, req=r, settings=s),
        o.OrdersSendProposal: lambda r, tx: proposal_sending.send_proposal(
            tx=tx, req=r, settings=s
        ),
        # clarifications
        c.OrdersDraftClarification: lambda r, tx: clarifications.draft_clarification(
            session=tx.session, req=r, settings=s
        ),
        c.OrdersSendClarification: lambda r, tx: clarifications.send_clarification(
            tx=tx, req=r, settings=s
        ),
        # escalation
        e.OrdersEscalate: lambda r, tx: escalation.escalate(tx=tx, req=r, settings=s),
        # exchange rates
        fx.OrdersSetRate: lambda r, tx: rates.set_rate(session=tx.session, req=r),
        fx.OrdersRefreshRates: lambda r, tx: rates.refresh_rates(tx=tx, req=r, settings=s),
        # directory
        d.CategoriesList: lambda r, tx: categories.list_categories(session=tx.session),
        d.CategoriesCreate: lambda r, tx: categories.create_category(
            session=tx.session, name=r.name, parent_id=r.parent_id, actor=actor(r)
        ),
        d.ClientsList: lambda r, tx: clients.list_clients(
            session=tx.session, query=r.query, page=r.page, page_size=r.page_size
        ),
        d.ClientsGet: lambda r, tx: clients.get_client(session=tx.session, client_id=r.client_id),
        d.ClientsCreate: lambda r, tx: clients.create_client(
            session=tx.session, data=r.client, actor=actor(r)
        ),
        d.ClientsUpdate: lambda r, tx: clients.update_client(
            session=tx.session, client_id=r.client_id, data=r.client, actor=actor(r)
        ),
        d.ClientsDelete: lambda r, tx: clients.delete_client(
            session=tx.session, client_id=r.client_id, actor=actor(r)
        ),
        d.SuppliersList: lambda r, tx: suppliers.list_suppliers(
            session=tx.session,
            query=r.query,
            category_id=r.category_id,
            active=r.active,
            page=r.page,
            page_size=r.page_size,
        ),
        d.SuppliersGet: lambda r, tx: suppliers.get_supplier(
            session=tx.session, supplier_id=r.supplier_id
        ),
        d.SuppliersCreate: lambda r, tx: suppliers.create_supplier(
            session=tx.session, data=r.supplier, actor=actor(r)
        ),
        d.SuppliersUpdate: lambda r, tx: suppliers.update_supplier(
            session=tx.session, supplier_id=r.supplier_id, data=r.supplier, actor=actor(r)
        ),
        d.SuppliersDelete: lambda r, tx: suppliers.delete_supplier(
            session=tx.session, supplier_id=r.supplier_id, actor=actor(r)
        ),
        # analytics
        a.AnalyticsSummary: lambda r, tx: analytics.summary(session=tx.session, req=r),
        a.AnalyticsSuppliers: lambda r, tx: analytics.supplier_stats(session=tx.session, req=r),
        a.AnalyticsPriceHistory: lambda r, tx: analytics.price_history(session=tx.session, req=r),
    }


def register(service: Service, settings: OrdersSettings) -> None:
    for request, use_case in routes(settings).items():
        service.rpc(request)(_in_transaction(service, use_case))


def snapshot(use_case: UseCase) -> UseCase:
    """A read of several statements that must agree with each other (an order with its
    requests and quotes): one snapshot of the database, not one per statement."""

    async def read(req: Any, tx: Tx) -> Contract:
        await tx.session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
        return await use_case(req, tx)

    return read


def _in_transaction(
    service: Service, use_case: UseCase
) -> Callable[[RpcRequest[Any]], Awaitable[Contract]]:
    async def handle(req: RpcRequest[Any]) -> Contract:
        async with service.transaction() as tx:
            return await use_case(req, tx)

    return handle
