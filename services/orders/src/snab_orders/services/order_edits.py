"""A manager's edits of an order: items, client, deadline, review, cancel, outcome."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Row, delete, insert, select, update

from snab_contracts.orders import OrderStatus
from snab_contracts.rpc.orders import OrderDetail, OrdersMarkOutcome, OrderSummary, OrdersUpdate
from snab_kit.consume import Tx
from snab_orders.db.tables import categories, clients, order_items, orders, proposals
from snab_orders.domain.errors import NotAllowedNow, NotFoundError, RuleViolation
from snab_orders.domain.states import FINAL_ORDER_STATUSES
from snab_orders.services.common import audit, lock_order, move_order, utcnow
from snab_orders.services.orders import get_detail, get_summary
from snab_orders.settings import OrdersSettings


async def update_order(*, tx: Tx, req: OrdersUpdate, settings: OrdersSettings) -> OrderDetail:
    """A manager's edit; every change is audited in the same transaction."""
    session = tx.session
    actor = req.actor or "user:unknown"
    order = await lock_order(session, req.order_id)
    status = OrderStatus(order.status)
    edits = req.items is not None or req.client_id is not None or req.deadline is not None
    if edits and status in FINAL_ORDER_STATUSES:
        raise NotAllowedNow(
            f"заявка {order.number} закрыта ({status.value}): изменять её нельзя",
            status=status.value,
        )
    if req.items is not None:
        await _replace_items(tx, order, req, actor)
    changes: dict[str, Any] = {}
    before: dict[str, Any] = {}
    if req.client_id is not None and req.client_id != order.client_id:
        found = await session.scalar(
            select(clients.c.id).where(
                clients.c.id == req.client_id, clients.c.deleted_at.is_(None)
            )
        )
        if found is None:
            raise NotFoundError("клиент не найден", client_id=str(req.client_id))
        before["client_id"], changes["client_id"] = order.client_id, req.client_id
    if req.deadline is not None and req.deadline != order.deadline:
        before["deadline"], changes["deadline"] = order.deadline, req.deadline
    if changes:
        await session.execute(
            update(orders).where(orders.c.id == order.id).values(**changes, updated_at=utcnow())
        )
        await audit(
            session,
            order_id=order.id,
            actor=actor,
            action="order.edited",
            entity="order",
            entity_id=order.id,
            before=before,
            after=changes,
        )
    if req.resolve_review:
        if status == OrderStatus.NEEDS_REVIEW:
            await move_order(tx, order, OrderStatus.NEW, actor=actor, reason=req.reason)
            order = await lock_order(session, order.id)
        if order.needs_review:
            await session.execute(
                update(orders)
                .where(orders.c.id == order.id)
                .values(needs_review=False, updated_at=utcnow())
            )
            await audit(
                session,
                order_id=order.id,
                actor=actor,
                action="order.review_resolved",
                entity="order",
                entity_id=order.id,
                before={"needs_review": True, "review_reasons": list(order.review_reasons)},
                after={"needs_review": False, "reason": req.reason},
            )
    if req.cancel:
        order = await lock_order(session, order.id)
        await move_order(tx, order, OrderStatus.CANCELLED, actor=actor, reason=req.reason)
    return await get_detail(session=session, settings=settings, order_id=order.id)


async def _replace_items(tx: Tx, order: Row[Any], req: OrdersUpdate, actor: str) -> None:
    assert req.items is not None
    session = tx.session
    current = {
        r.id: r
        for r in (
            await session.execute(select(order_items).where(order_items.c.order_id == order.id))
        ).all()
    }
    given = [i.item_id for i in req.items if i.item_id is not None]
    foreign = [str(i) for i in given if i not in current]
    if foreign:
        raise RuleViolation("позиции не из этой заявки", item_ids=foreign)
    if len(set(given)) != len(given):
        raise RuleViolation("одна позиция указана дважды")
    category_ids = {i.category_id for i in req.items if i.category_id is not None}
    if category_ids:
        known = set(
            (
                await session.execute(
                    select(categories.c.id).where(categories.c.id.in_(category_ids))
                )
            )
            .scalars()
            .all()
        )
        missing = [str(c) for c in category_ids - known]
        if missing:
            raise NotFoundError("категория не найдена", category_ids=missing)
    removed = [i for i in current if i not in set(given)]
    if removed:
        await session.execute(delete(order_items).where(order_items.c.id.in_(removed)))
    for position, item in enumerate(req.items, start=1):
        values = {
            "position": position,
            "name": item.name,
            "article": item.article,
            "quantity": item.quantity,
            "unit": item.unit.value,
            "note": item.note,
            "category_id": item.category_id,
            "quantity_stated": True,  # a manager's edit states them
            "unit_stated": True,
        }
        if item.item_id is None:
            await session.execute(
                insert(order_items).values(id=uuid.uuid4(), order_id=order.id, **values)
            )
        else:
            await session.execute(
                update(order_items).where(order_items.c.id == item.item_id).values(**values)
            )
    await session.execute(update(orders).where(orders.c.id == order.id).values(updated_at=utcnow()))
    await audit(
        session,
        order_id=order.id,
        actor=actor,
        action="order.items_replaced",
        entity="order",
        entity_id=order.id,
        before={
            "items": [
                {"item_id": r.id, "name": r.name, "quantity": r.quantity, "unit": r.unit}
                for r in sorted(current.values(), key=lambda r: r.position)
            ]
        },
        after={
            "items": [
                {"item_id": i.item_id, "name": i.name, "quantity": i.quantity, "unit": i.unit}
                for i in req.items
            ],
            "reason": req.reason,
        },
    )


async def mark_outcome(*, tx: Tx, req: OrdersMarkOutcome) -> OrderSummary:
    session = tx.session
    order = await lock_order(session, req.order_id)
    target = OrderStatus.WON if req.outcome == "won" else OrderStatus.LOST
    extra: dict[str, Any] = {}
    if target == OrderStatus.WON:
        sent = (
            await session.execute(
                select(proposals.c.total, proposals.c.margin_amount)
                .where(
                    proposals.c.order_id == order.id, proposals.c.status.in_(["sent", "sending"])
                )
                .order_by(proposals.c.created_at.desc())
                .limit(1)
            )
        ).first()
        if sent is not None:
            extra = {"revenue": sent.total, "margin": sent.margin_amount}
    await move_order(
        tx, order, target, actor=req.actor or "user:unknown", reason=req.reason, extra=extra
    )
    return await get_summary(session=session, order_id=order.id)
