"""Rpc requests and replies, grouped by the area that answers them."""

from __future__ import annotations

from typing import Any

from snab_contracts.base import RpcRequest
from snab_contracts.rpc import (
    analytics,
    clarifications,
    directory,
    documents,
    escalation,
    mail,
    orders,
    rates,
)
from snab_contracts.rpc.common import Deleted, ErrorCode, RpcError, RpcReply, reply_model

REQUESTS: tuple[type[RpcRequest[Any]], ...] = (
    *orders.REQUESTS,
    *clarifications.REQUESTS,
    *rates.REQUESTS,
    *escalation.REQUESTS,
    *directory.REQUESTS,
    *analytics.REQUESTS,
    *documents.REQUESTS,
    *mail.REQUESTS,
)

__all__ = ["REQUESTS", "Deleted", "ErrorCode", "RpcError", "RpcReply", "reply_model"]
