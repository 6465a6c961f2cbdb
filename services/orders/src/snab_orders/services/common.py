"""Shared steps of the use cases: time, audit rows, loading and moving an order."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from sqlalchemy import Row, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from snab_contracts.orders import OrderStatus, OrderUpdated
from snab_kit.consume import Tx
from snab_orders.db.tables import audit_log, orders
from snab_orders.domain.errors import NotFoundError
from snab_orders.domain.states import FINAL_ORDER_STATUSES, order_transition

SYSTEM = "system"


def utcnow() -> datetime:
    return datetime.now(UTC)


def jsonable(value: Any) -> Any:
    """Audit payloads are JSON: decimals and ids as strings, dates in ISO form."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


async def audit(
    session: AsyncSession,
    *,
    order_id: UUID | None,
    actor: str,
    action: str,
    entity: str,
    entity_id: object,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    source_event_id: UUID | None = None,
) -> None:
    """One audit row, in the caller's transaction."""
    await session.execute(
        insert(audit_log).values(
            order_id=order_id,
            actor=actor or SYSTEM,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            before=jsonable(before) if before is not None else None,
            after=jsonable(after) if after is not None else None,
            source_event_id=source_event_id,
        )
    )


async def lock_order(session: AsyncSession, order_id: UUID) -> Row[Any]:
    """The order row, locked for the rest of the transaction; NotFound if there is none."""
    row = (
        await session.execute(select(orders).where(orders.c.id == order_id).with_for_update())
    ).first()
    if row is None:
        raise NotFoundError("заявка не найдена", order_id=str(order_id))
    return row


async def move_order(
    tx: Tx,
    order: Row[Any],
    target: OrderStatus,
    *,
    actor: str,
    reason: str | None = None,
    source_event_id: UUID | None = None,
    extra: Mapping[str, Any] | None = None,
) -> None:
    """Change the status of a locked order: checked by the state machine, audited, and
    announced with ``order.updated`` through the outbox."""
    order_transition(order.status, target)
    now = utcnow()
    values: dict[str, Any] = {"status": target.value, "updated_at": now, **(extra or {})}
    if target in FINAL_ORDER_STATUSES:
        values["closed_at"] = now
    await tx.session.execute(update(orders).where(orders.c.id == order.id).values(**values))
    await audit(
        tx.session,
        order_id=order.id,
        actor=actor,
        action="order.status",
        entity="order",
        entity_id=order.id,
        before={"status": order.status},
        after={"status": target.value, **({"reason": reason} if reason else {})},
        source_event_id=source_event_id,
    )
    await tx.emit(
        OrderUpdated(
            order_id=order.id,
            number=order.number,
            status_before=OrderStatus(order.status),
            status_after=target,
            actor=actor,
            reason=reason,
            correlation_id=str(order.id),
        )
    )
