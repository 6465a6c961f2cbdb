"""Every message that crosses a service boundary.

``ALL_EVENTS`` maps a bus subject to its event class (current version); ``ALL_RPC`` maps
an rpc subject to its request class and the class of the result its reply carries.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from snab_contracts.base import Contract, Event, RpcRequest
from snab_contracts.documents import DocumentFailed, DocumentGenerated, DocumentRequested
from snab_contracts.mail import MailClassified, MailFailed, MailReceived, MailSend, MailSent
from snab_contracts.orders import (
    OrderCreated,
    OrderUpdated,
    QuoteReceived,
    RequestEscalation,
    RequestFailed,
    RequestReminder,
    RequestTimeout,
)
from snab_contracts.parsing import OrderParsed, QuoteParsed
from snab_contracts.rpc import REQUESTS, RpcError, RpcReply, reply_model

EVENTS: tuple[type[Event], ...] = (
    MailReceived,
    MailSend,
    MailSent,
    MailFailed,
    MailClassified,
    OrderParsed,
    QuoteParsed,
    OrderCreated,
    OrderUpdated,
    QuoteReceived,
    RequestReminder,
    RequestTimeout,
    RequestEscalation,
    RequestFailed,
    DocumentRequested,
    DocumentGenerated,
    DocumentFailed,
)


class RpcSpec(NamedTuple):
    request: type[RpcRequest[Any]]
    result: type[Contract]


ALL_EVENTS: dict[str, type[Event]] = {cls.SUBJECT: cls for cls in EVENTS}
ALL_RPC: dict[str, RpcSpec] = {cls.SUBJECT: RpcSpec(cls, cls.RESULT) for cls in REQUESTS}


def event_class(subject: str) -> type[Event]:
    """The event class published on ``subject``; KeyError names an unknown subject."""
    try:
        return ALL_EVENTS[subject]
    except KeyError:
        raise KeyError(f"no event contract for subject {subject!r}") from None


__all__ = [
    "ALL_EVENTS",
    "ALL_RPC",
    "EVENTS",
    "Contract",
    "Event",
    "RpcError",
    "RpcReply",
    "RpcRequest",
    "RpcSpec",
    "event_class",
    "reply_model",
]
