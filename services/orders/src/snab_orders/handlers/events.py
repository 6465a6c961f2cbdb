"""Events the orders service consumes."""

from __future__ import annotations

from snab_contracts.documents import DocumentFailed, DocumentGenerated
from snab_contracts.mail import MailClassified, MailFailed, MailSent
from snab_contracts.parsing import OrderParsed, QuoteParsed
from snab_kit.consume import Tx
from snab_kit.service import Service
from snab_orders.services import (
    clarifications,
    orders,
    proposal_documents,
    proposal_sending,
    quotes,
    requests,
    unmatched,
)
from snab_orders.settings import OrdersSettings


def register(service: Service, settings: OrdersSettings) -> None:
    async def on_order_parsed_batch(events: list[OrderParsed], tx: Tx) -> None:
        await orders.create_many_from_parsed(tx=tx, events=events, settings=settings)

    # A burst of requests is created set-based (one numbering update, one insert per table
    # per batch); a failed batch is replayed one by one through ``on_order_parsed``.
    @service.on(
        OrderParsed,
        batch=settings.order_batch_size,
        batch_handler=on_order_parsed_batch if settings.order_batch_size > 0 else None,
    )
    async def on_order_parsed(event: OrderParsed, tx: Tx) -> None:
        await orders.create_from_parsed(tx=tx, event=event, settings=settings)

    @service.on(QuoteParsed)
    async def on_quote_parsed(event: QuoteParsed, tx: Tx) -> None:
        await quotes.on_quote_parsed(tx=tx, event=event, settings=settings)

    @service.on(MailClassified)
    async def on_mail_classified(event: MailClassified, tx: Tx) -> None:
        await unmatched.on_mail_classified(tx=tx, event=event)

    @service.on(MailSent)
    async def on_mail_sent(event: MailSent, tx: Tx) -> None:
        if event.purpose in ("rfq", "reminder") and event.request_id is not None:
            await requests.on_rfq_sent(tx=tx, event=event)
        elif event.purpose == "proposal" and event.proposal_id is not None:
            await proposal_sending.on_proposal_sent(tx=tx, event=event)
        elif event.purpose == "clarification":
            await clarifications.on_clarification_mail(tx=tx, event=event)

    @service.on(MailFailed)
    async def on_mail_failed(event: MailFailed, tx: Tx) -> None:
        if event.purpose in ("rfq", "reminder") and event.request_id is not None:
            await requests.on_rfq_failed(tx=tx, event=event)
        elif event.purpose == "proposal" and event.proposal_id is not None:
            await proposal_sending.on_proposal_failed(tx=tx, event=event)
        elif event.purpose == "clarification":
            await clarifications.on_clarification_mail(tx=tx, event=event)

    @service.on(DocumentGenerated)
    async def on_document_generated(event: DocumentGenerated, tx: Tx) -> None:
        await proposal_documents.on_document_generated(tx=tx, event=event)

    @service.on(DocumentFailed)
    async def on_document_failed(event: DocumentFailed, tx: Tx) -> None:
        await proposal_documents.on_document_failed(tx=tx, event=event)
