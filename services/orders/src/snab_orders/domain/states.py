"""State machines of orders, supplier requests and proposals: the only place they live."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from snab_contracts.orders import OrderStatus, RequestStatus
from snab_contracts.rpc.orders import ProposalStatus
from snab_orders.domain.errors import IllegalTransition

OS = OrderStatus
RS = RequestStatus
PS = ProposalStatus

ORDER_TRANSITIONS: Mapping[OrderStatus, frozenset[OrderStatus]] = {
    OS.NEW: frozenset({OS.NEEDS_REVIEW, OS.RFQ_SENT, OS.CANCELLED}),
    OS.NEEDS_REVIEW: frozenset({OS.NEW, OS.RFQ_SENT, OS.CANCELLED}),
    # rfq_sent → new: no request got through (refused or bounced); the manager picks again.
    OS.RFQ_SENT: frozenset({OS.QUOTING, OS.NEW, OS.LOST, OS.CANCELLED}),
    OS.QUOTING: frozenset({OS.PROPOSAL_READY, OS.LOST, OS.CANCELLED}),
    # proposal_ready → quoting: never used by the workflow; a rebuilt proposal stays ready.
    OS.PROPOSAL_READY: frozenset({OS.PROPOSAL_SENT, OS.LOST, OS.CANCELLED}),
    # → proposal_ready: a revised proposal, or the email with the proposal failed.
    OS.PROPOSAL_SENT: frozenset({OS.WON, OS.LOST, OS.PROPOSAL_READY, OS.CANCELLED}),
    OS.WON: frozenset(),
    OS.LOST: frozenset(),
    OS.CANCELLED: frozenset(),
}

REQUEST_TRANSITIONS: Mapping[RequestStatus, frozenset[RequestStatus]] = {
    RS.QUEUED: frozenset({RS.SENT, RS.FAILED, RS.ANSWERED, RS.DECLINED}),
    RS.SENT: frozenset({RS.REMINDED, RS.ANSWERED, RS.TIMEOUT, RS.FAILED, RS.DECLINED}),
    RS.REMINDED: frozenset({RS.ANSWERED, RS.TIMEOUT, RS.FAILED, RS.DECLINED}),
    # A late answer is still an answer.
    RS.TIMEOUT: frozenset({RS.ANSWERED, RS.DECLINED}),
    RS.ANSWERED: frozenset(),
    RS.FAILED: frozenset(),
    RS.DECLINED: frozenset({RS.ANSWERED}),
}

PROPOSAL_TRANSITIONS: Mapping[ProposalStatus, frozenset[ProposalStatus]] = {
    PS.GENERATING: frozenset({PS.READY, PS.FAILED, PS.SUPERSEDED}),
    PS.READY: frozenset({PS.SENDING, PS.SUPERSEDED}),
    PS.SENDING: frozenset({PS.SENT, PS.FAILED}),
    PS.SENT: frozenset({PS.SUPERSEDED}),
    # failed → sending: its email failed and is sent again; → ready: it had given up waiting
    # for its PDF (timeout, or documents could not make it) and the PDF arrived after all.
    PS.FAILED: frozenset({PS.SUPERSEDED, PS.SENDING, PS.READY}),
    PS.SUPERSEDED: frozenset(),
}

OPEN_REQUEST_STATUSES = frozenset({RS.QUEUED, RS.SENT, RS.REMINDED})
FINAL_ORDER_STATUSES = frozenset({OS.WON, OS.LOST, OS.CANCELLED})


def order_transition(current: OrderStatus | str, target: OrderStatus) -> OrderStatus:
    """``target`` when the order may move there from ``current``; IllegalTransition if not."""
    current = OrderStatus(current)
    if target not in ORDER_TRANSITIONS[current]:
        raise IllegalTransition("order", current.value, target.value)
    return target


def request_transition(current: RequestStatus | str, target: RequestStatus) -> RequestStatus:
    current = RequestStatus(current)
    if target not in REQUEST_TRANSITIONS[current]:
        raise IllegalTransition("request", current.value, target.value)
    return target


def proposal_transition(current: ProposalStatus | str, target: ProposalStatus) -> ProposalStatus:
    current = ProposalStatus(current)
    if target not in PROPOSAL_TRANSITIONS[current]:
        raise IllegalTransition("proposal", current.value, target.value)
    return target


def can_order(current: OrderStatus | str, target: OrderStatus) -> bool:
    return target in ORDER_TRANSITIONS[OrderStatus(current)]


def can_request(current: RequestStatus | str, target: RequestStatus) -> bool:
    return target in REQUEST_TRANSITIONS[RequestStatus(current)]


# What an event moves an order to, when it may; no error when it may not.
def after_requests_sent(current: OrderStatus | str) -> OrderStatus | None:
    """Requests were sent: a new (or reviewed) order becomes rfq_sent; later stages stay."""
    current = OrderStatus(current)
    if current in (OS.NEW, OS.NEEDS_REVIEW):
        return OS.RFQ_SENT
    if current in FINAL_ORDER_STATUSES:
        raise IllegalTransition("order", current.value, OS.RFQ_SENT.value)
    return None


DELIVERED_REQUEST_STATUSES = frozenset({RS.SENT, RS.REMINDED, RS.ANSWERED, RS.TIMEOUT, RS.DECLINED})
"""Requests that reached the supplier (a timeout or a refusal is still an answer of sorts)."""


def after_request_failed(
    current: OrderStatus | str, requests: Iterable[RequestStatus | str]
) -> OrderStatus | None:
    """A request failed: when the order waits for answers but none of its requests can
    still bring one (all failed), it goes back to ``new`` so that a manager acts on it."""
    statuses = [RequestStatus(s) for s in requests]
    if OrderStatus(current) != OS.RFQ_SENT or not statuses:
        return None
    return OS.NEW if all(s == RS.FAILED for s in statuses) else None


def after_quote(current: OrderStatus | str) -> OrderStatus | None:
    """A quote arrived: rfq_sent → quoting; any other stage keeps its status."""
    return OS.QUOTING if OrderStatus(current) == OS.RFQ_SENT else None
