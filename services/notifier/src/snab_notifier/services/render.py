"""A stored notice → what the chat shows (text, buttons, maybe a PDF), at send time.

Rendering asks the orders service for what the event did not carry (the items of a new
order, the lead times of quotes, the proposal's figures) and the documents service for a
proposal's PDF. Those answers make the message better but never hold it back: without
them the notice is written from its own payload. Only the PDF is worth waiting for
(``DocumentPending``: the send loop retries, ``TELEGRAM_DOCUMENT_ATTEMPTS`` times).
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from snab_contracts.rpc.documents import DocumentsGet
from snab_contracts.rpc.orders import OrderDetail, OrdersGet, ProposalView
from snab_kit.logging import get_logger
from snab_kit.rpc import RpcClient, RpcFailure
from snab_notifier import messages as m
from snab_notifier.bot import keyboards as kb
from snab_notifier.bot.keyboards import Keyboard
from snab_notifier.domain.notices import (
    DigestNotice,
    EscalationNotice,
    Kind,
    MailFailedNotice,
    OrderNotice,
    Payload,
    ProposalFailedNotice,
    ProposalNotice,
    QuotesNotice,
    RequestNotice,
    UnmatchedNotice,
)

log = get_logger(__name__)

ENRICH_TIMEOUT = 3.0
DOCUMENT_TIMEOUT = 10.0
CACHE_SECONDS = 5.0


@dataclass(frozen=True)
class Screen:
    text: str
    markup: Keyboard | None = None
    document: tuple[str, bytes] | None = None
    """(filename, content): sent as a document with ``text`` as its caption."""


class DocumentPending(Exception):
    """The PDF could not be fetched yet."""


class Renderer:
    def __init__(self, rpc: Callable[[], RpcClient] | None) -> None:
        self._rpc = rpc
        self._details: dict[UUID, tuple[float, OrderDetail]] = {}

    async def detail(self, order_id: UUID | None) -> OrderDetail | None:
        """The order as the orders service has it now; None when it cannot tell."""
        if order_id is None or self._rpc is None:
            return None
        cached = self._details.get(order_id)
        if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
        try:
            detail = await self._rpc().call(
                OrdersGet(order_id=order_id, audit_limit=0, actor="bot:notifier"),
                timeout=ENRICH_TIMEOUT,
            )
        except (RpcFailure, OSError, TimeoutError) as exc:
            log.info("notice_without_order_detail", order_id=str(order_id), error=str(exc))
            return None
        if len(self._details) > 256:
            self._details.clear()
        self._details[order_id] = (time.monotonic(), detail)
        return detail

    async def render(self, kind: Kind, payload: Payload, *, last_attempt: bool = False) -> Screen:
        if isinstance(payload, OrderNotice):
            detail = await self.detail(payload.order_id)
            return Screen(
                m.order_notice(payload, detail),
                kb.new_order(payload.order_id, payload.duplicate_of, payload.duplicate_number),
            )
        if isinstance(payload, QuotesNotice):
            self._details.pop(payload.order_id, None)  # answered counts change with each quote
            detail = await self.detail(payload.order_id)
            return Screen(
                m.quotes_notice(payload, detail),
                kb.quotes(payload.order_id, m.all_answered(payload, detail)),
            )
        if isinstance(payload, RequestNotice):
            return Screen(
                m.request_notice(kind, payload),
                kb.ask_others(payload.order_id, compare=kind is Kind.REQUEST_TIMEOUT),
            )
        if isinstance(payload, EscalationNotice):
            return Screen(
                m.escalation_notice(payload),
                None
                if payload.auto
                else kb.escalation(
                    payload.order_id, payload.request_id, propose=bool(payload.suppliers)
                ),
            )
        if isinstance(payload, ProposalNotice):
            return await self._proposal(payload, last_attempt=last_attempt)
        if isinstance(payload, ProposalFailedNotice):
            detail = await self.detail(payload.order_id)
            return Screen(m.proposal_failed_notice(payload, detail), kb.rebuild(payload.order_id))
        if isinstance(payload, MailFailedNotice):
            detail = await self.detail(payload.order_id)
            markup = kb.open_order(payload.order_id) if payload.order_id else None
            return Screen(m.mail_failed_notice(payload, detail), markup)
        if isinstance(payload, UnmatchedNotice):
            return Screen(m.unmatched_notice(payload), kb.link_mail(payload.mail_id))
        if isinstance(payload, DigestNotice):
            return Screen(m.digest_notice(payload), kb.digest())
        raise TypeError(f"no screen for {kind}")

    async def _proposal(self, n: ProposalNotice, *, last_attempt: bool) -> Screen:
        self._details.pop(n.order_id, None)
        detail = await self.detail(n.order_id)
        proposal: ProposalView | None = None
        if detail is not None:
            proposal = next((p for p in detail.proposals if p.proposal_id == n.proposal_id), None)
        caption = m.proposal_caption(n, proposal, detail)
        try:
            content = await self._pdf(n.document_id)
        except DocumentPending:
            if not last_attempt:
                raise
            return Screen(
                caption + "\n" + m.PDF_MISSING,
                kb.proposal_ready(n.order_id, document_id=n.document_id),
            )
        return Screen(caption, kb.proposal_ready(n.order_id), document=(n.filename, content))

    async def _pdf(self, document_id: UUID) -> bytes:
        if self._rpc is None:
            raise DocumentPending("no bus")
        try:
            view = await self._rpc().call(
                DocumentsGet(document_id=document_id, include_content=True, actor="bot:notifier"),
                timeout=DOCUMENT_TIMEOUT,
            )
        except (RpcFailure, OSError, TimeoutError) as exc:
            raise DocumentPending(str(exc)) from exc
        if not view.content_base64:
            raise DocumentPending("the documents service sent no content")
        return base64.b64decode(view.content_base64)
