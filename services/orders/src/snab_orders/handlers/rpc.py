"""Rpc subjects answered by the orders service: rpc.orders.*, rpc.clients.*,
rpc.suppliers.*, rpc.categories.*, rpc.analytics.*."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select

from snab_contracts.rpc.analytics import (
    AnalyticsPriceHistory,
    AnalyticsSummary,
    AnalyticsSuppliers,
    PriceHistory,
    SummaryReport,
    SupplierStatsReport,
)
from snab_contracts.rpc.common import Deleted
from snab_contracts.rpc.directory import (
    CategoriesCreate,
    CategoriesList,
    CategoryList,
    CategoryView,
    ClientPage,
    ClientsCreate,
    ClientsDelete,
    ClientsGet,
    ClientsList,
    ClientsUpdate,
    ClientView,
    SupplierPage,
    SuppliersCreate,
    SuppliersDelete,
    SuppliersGet,
    SuppliersList,
    SuppliersUpdate,
    SupplierView,
)
from snab_contracts.rpc.mail import MailGet, MailView
from snab_contracts.rpc.orders import (
    LinkedMail,
    MarkupRule,
    MarkupRules,
    OrderDetail,
    OrderPage,
    OrdersBuildProposal,
    OrdersGet,
    OrdersLinkMail,
    OrdersList,
    OrdersListMarkups,
    OrdersMarkOutcome,
    OrdersSendProposal,
    OrdersSendRequests,
    OrdersSetMarkup,
    OrdersSuggestSuppliers,
    OrderSummary,
    OrdersUnmatchedMail,
    OrdersUpdate,
    ProposalView,
    SentRequests,
    SupplierSuggestions,
    UnmatchedMailPage,
)
from snab_kit.logging import get_logger
from snab_kit.rpc import RpcFailure
from snab_kit.service import Service
from snab_orders.db.tables import orders as orders_table
from snab_orders.db.tables import proposals as proposals_table
from snab_orders.handlers.errors import rpc_errors
from snab_orders.services import analytics, directory, orders, proposals, quotes, requests
from snab_orders.settings import OrdersSettings

log = get_logger(__name__)


def _actor(actor: str | None) -> str:
    return actor or "user:unknown"


def register(service: Service, settings: OrdersSettings) -> None:
    # -- orders ------------------------------------------------------------------------

    @service.rpc(OrdersList)
    @rpc_errors
    async def list_orders(req: OrdersList) -> OrderPage:
        async with service.transaction() as tx:
            return await orders.list_orders(session=tx.session, req=req)

    @service.rpc(OrdersGet)
    @rpc_errors
    async def get_order(req: OrdersGet) -> OrderDetail:
        async with service.transaction() as tx:
            return await orders.get_detail(
                session=tx.session,
                settings=settings,
                order_id=req.order_id,
                number=req.number,
                audit_limit=req.audit_limit,
            )

    @service.rpc(OrdersUpdate)
    @rpc_errors
    async def update_order(req: OrdersUpdate) -> OrderDetail:
        async with service.transaction() as tx:
            return await orders.update_order(tx=tx, req=req, settings=settings)

    @service.rpc(OrdersSuggestSuppliers)
    @rpc_errors
    async def suggest(req: OrdersSuggestSuppliers) -> SupplierSuggestions:
        async with service.transaction() as tx:
            return await requests.suggest_suppliers(session=tx.session, req=req)

    @service.rpc(OrdersSendRequests)
    @rpc_errors
    async def send_requests(req: OrdersSendRequests) -> SentRequests:
        async with service.transaction() as tx:
            return await requests.send_requests(tx=tx, req=req, settings=settings)

    @service.rpc(OrdersLinkMail)
    @rpc_errors
    async def link_mail(req: OrdersLinkMail) -> LinkedMail:
        async with service.transaction() as tx:
            return await quotes.link_mail(tx=tx, req=req, settings=settings)

    @service.rpc(OrdersUnmatchedMail)
    @rpc_errors
    async def unmatched(req: OrdersUnmatchedMail) -> UnmatchedMailPage:
        async with service.transaction() as tx:
            return await quotes.list_unmatched(session=tx.session, req=req)

    @service.rpc(OrdersSetMarkup)
    @rpc_errors
    async def set_markup(req: OrdersSetMarkup) -> MarkupRule:
        async with service.transaction() as tx:
            return await proposals.set_markup(session=tx.session, req=req)

    @service.rpc(OrdersListMarkups)
    @rpc_errors
    async def list_markups(req: OrdersListMarkups) -> MarkupRules:
        async with service.transaction() as tx:
            return await proposals.list_markups(session=tx.session)

    @service.rpc(OrdersBuildProposal)
    @rpc_errors
    async def build_proposal(req: OrdersBuildProposal) -> ProposalView:
        async with service.transaction() as tx:
            return await proposals.build_proposal(tx=tx, req=req, settings=settings)

    @service.rpc(OrdersSendProposal)
    @rpc_errors
    async def send_proposal(req: OrdersSendProposal) -> ProposalView:
        message_id = await _original_message_id(service, req.proposal_id)
        async with service.transaction() as tx:
            return await proposals.send_proposal(
                tx=tx, req=req, settings=settings, original_message_id=message_id
            )

    @service.rpc(OrdersMarkOutcome)
    @rpc_errors
    async def mark_outcome(req: OrdersMarkOutcome) -> OrderSummary:
        async with service.transaction() as tx:
            return await orders.mark_outcome(tx=tx, req=req)

    # -- categories, clients, suppliers --------------------------------------------------

    @service.rpc(CategoriesList)
    @rpc_errors
    async def list_categories(req: CategoriesList) -> CategoryList:
        async with service.transaction() as tx:
            return await directory.list_categories(session=tx.session)

    @service.rpc(CategoriesCreate)
    @rpc_errors
    async def create_category(req: CategoriesCreate) -> CategoryView:
        async with service.transaction() as tx:
            return await directory.create_category(
                session=tx.session, name=req.name, parent_id=req.parent_id, actor=_actor(req.actor)
            )

    @service.rpc(ClientsList)
    @rpc_errors
    async def list_clients(req: ClientsList) -> ClientPage:
        async with service.transaction() as tx:
            return await directory.list_clients(
                session=tx.session, query=req.query, page=req.page, page_size=req.page_size
            )

    @service.rpc(ClientsGet)
    @rpc_errors
    async def get_client(req: ClientsGet) -> ClientView:
        async with service.transaction() as tx:
            return await directory.get_client(session=tx.session, client_id=req.client_id)

    @service.rpc(ClientsCreate)
    @rpc_errors
    async def create_client(req: ClientsCreate) -> ClientView:
        async with service.transaction() as tx:
            return await directory.create_client(
                session=tx.session, data=req.client, actor=_actor(req.actor)
            )

    @service.rpc(ClientsUpdate)
    @rpc_errors
    async def update_client(req: ClientsUpdate) -> ClientView:
        async with service.transaction() as tx:
            return await directory.update_client(
                session=tx.session,
                client_id=req.client_id,
                data=req.client,
                actor=_actor(req.actor),
            )

    @service.rpc(ClientsDelete)
    @rpc_errors
    async def delete_client(req: ClientsDelete) -> Deleted:
        async with service.transaction() as tx:
            return await directory.delete_client(
                session=tx.session, client_id=req.client_id, actor=_actor(req.actor)
            )

    @service.rpc(SuppliersList)
    @rpc_errors
    async def list_suppliers(req: SuppliersList) -> SupplierPage:
        async with service.transaction() as tx:
            return await directory.list_suppliers(
                session=tx.session,
                query=req.query,
                category_id=req.category_id,
                active=req.active,
                page=req.page,
                page_size=req.page_size,
            )

    @service.rpc(SuppliersGet)
    @rpc_errors
    async def get_supplier(req: SuppliersGet) -> SupplierView:
        async with service.transaction() as tx:
            return await directory.get_supplier(session=tx.session, supplier_id=req.supplier_id)

    @service.rpc(SuppliersCreate)
    @rpc_errors
    async def create_supplier(req: SuppliersCreate) -> SupplierView:
        async with service.transaction() as tx:
            return await directory.create_supplier(
                session=tx.session, data=req.supplier, actor=_actor(req.actor)
            )

    @service.rpc(SuppliersUpdate)
    @rpc_errors
    async def update_supplier(req: SuppliersUpdate) -> SupplierView:
        async with service.transaction() as tx:
            return await directory.update_supplier(
                session=tx.session,
                supplier_id=req.supplier_id,
                data=req.supplier,
                actor=_actor(req.actor),
            )

    @service.rpc(SuppliersDelete)
    @rpc_errors
    async def delete_supplier(req: SuppliersDelete) -> Deleted:
        async with service.transaction() as tx:
            return await directory.delete_supplier(
                session=tx.session, supplier_id=req.supplier_id, actor=_actor(req.actor)
            )

    # -- analytics -----------------------------------------------------------------------

    @service.rpc(AnalyticsSummary)
    @rpc_errors
    async def analytics_summary(req: AnalyticsSummary) -> SummaryReport:
        async with service.transaction() as tx:
            return await analytics.summary(session=tx.session, req=req)

    @service.rpc(AnalyticsSuppliers)
    @rpc_errors
    async def analytics_suppliers(req: AnalyticsSuppliers) -> SupplierStatsReport:
        async with service.transaction() as tx:
            return await analytics.supplier_stats(session=tx.session, req=req)

    @service.rpc(AnalyticsPriceHistory)
    @rpc_errors
    async def analytics_prices(req: AnalyticsPriceHistory) -> PriceHistory:
        async with service.transaction() as tx:
            return await analytics.price_history(session=tx.session, req=req)


async def _original_message_id(service: Service, proposal_id: UUID) -> str | None:
    """Message-ID of the client's request, so the proposal goes in its thread.
    Best effort: without an answer from mail-gateway the proposal starts a new thread."""
    async with service.sessions() as session:
        mail_id = await session.scalar(
            select(orders_table.c.source_mail_id)
            .join(proposals_table, proposals_table.c.order_id == orders_table.c.id)
            .where(proposals_table.c.id == proposal_id)
        )
    if mail_id is None:
        return None
    try:
        view = await service.rpc_client.call(MailGet(mail_id=mail_id), MailView, timeout=3.0)
    except RpcFailure as exc:
        log.warning("original_message_unknown", mail_id=str(mail_id), error=exc.message)
        return None
    return view.message_id
