"""The filters an order list shares with browsing: status, client, review, created dates
(Moscow calendar days)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Protocol
from uuid import UUID

from snab_contracts.orders import OrderStatus
from snab_orders.db.tables import orders
from snab_orders.domain.text import MOSCOW


class OrderFilter(Protocol):
    @property
    def statuses(self) -> list[OrderStatus]: ...
    @property
    def client_id(self) -> UUID | None: ...
    @property
    def needs_review(self) -> bool | None: ...
    @property
    def created_from(self) -> date | None: ...
    @property
    def created_to(self) -> date | None: ...


def moscow_day_start(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), MOSCOW)


def order_conditions(req: OrderFilter) -> list[Any]:
    """WHERE conditions on ``orders`` for the filters that are set."""
    conditions: list[Any] = []
    if req.statuses:
        conditions.append(orders.c.status.in_([s.value for s in req.statuses]))
    if req.client_id:
        conditions.append(orders.c.client_id == req.client_id)
    if req.needs_review is not None:
        conditions.append(orders.c.needs_review.is_(req.needs_review))
    if req.created_from:
        conditions.append(orders.c.created_at >= moscow_day_start(req.created_from))
    if req.created_to:
        end = moscow_day_start(req.created_to) + timedelta(days=1)
        conditions.append(orders.c.created_at < end)
    return conditions
