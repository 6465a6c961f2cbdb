"""Events the notifier tells the managers of: one table, event → notice.

Each event is consumed by a durable consumer (inbox dedupe); its notice is queued for
every allowed chat in the handler's transaction (``Sender.queue``), and the send loop
takes it from there. An event whose notice is None (an auto-reply classified, a failed
RFQ already told as ``request.failed``) is only recorded in the inbox.

To tell of one more event (``document.failed``, say): add a row here with a function in
``snab_notifier.domain.notices``, its text in ``messages``, its screen in
``services.render``, and the subject to ``ACCESS["notifier"]`` in ``snab_kit.access``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from snab_contracts.base import Event
from snab_contracts.documents import DocumentFailed, DocumentGenerated
from snab_contracts.mail import MailClassified, MailFailed
from snab_contracts.orders import (
    OrderCreated,
    QuoteReceived,
    RequestEscalation,
    RequestFailed,
    RequestReminder,
    RequestTimeout,
)
from snab_kit.consume import Tx
from snab_kit.service import Service
from snab_notifier.domain import notices
from snab_notifier.services.sender import Sender

NoticeOf = Callable[[Any], notices.Notice | None]

NOTICE_OF: dict[type[Event], NoticeOf] = {
    OrderCreated: notices.order_created,
    QuoteReceived: notices.quote_received,
    RequestReminder: notices.request_reminder,
    RequestTimeout: notices.request_timeout,
    RequestFailed: notices.request_failed,
    RequestEscalation: notices.request_escalation,
    DocumentGenerated: notices.document_generated,
    DocumentFailed: notices.document_failed,
    MailFailed: notices.mail_failed,
    MailClassified: notices.mail_classified,
}


def register(service: Service, sender: Sender, chats: Sequence[int], *, batch: int = 0) -> None:
    """A consumer per event; ``batch`` events per transaction (queueing only writes to the
    database, so a failed batch may be replayed one by one)."""
    for event_type, notice_of in NOTICE_OF.items():
        _consume(service, sender, chats, event_type, notice_of, batch)


def _consume(
    service: Service,
    sender: Sender,
    chats: Sequence[int],
    event_type: type[Event],
    notice_of: NoticeOf,
    batch: int,
) -> None:
    async def handle(event: Event, tx: Tx) -> None:
        notice = notice_of(event)
        if notice is not None and chats:
            await sender.queue(tx, notice, event_id=event.id, chats=chats)

    async def handle_batch(batch: list[Event], tx: Tx) -> None:
        found = [(event.id, notice_of(event)) for event in batch]
        notices = [(event_id, notice) for event_id, notice in found if notice is not None]
        if notices and chats:
            await sender.queue_many(tx, notices, chats=chats)

    handle.__name__ = f"on_{event_type.SUBJECT.replace('.', '_')}"
    service.on(event_type, batch=batch, batch_handler=handle_batch if batch else None)(handle)
