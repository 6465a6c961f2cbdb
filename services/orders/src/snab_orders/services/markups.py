"""Markup rules (global, per category, per client) and the rules that apply to an order."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Row, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from snab_contracts.rpc.orders import MarkupRule, MarkupRules, OrdersSetMarkup
from snab_orders.db.tables import categories, clients, markup_rules
from snab_orders.domain import proposal as calc
from snab_orders.domain.errors import NotFoundError, RuleViolation
from snab_orders.services.common import audit, utcnow
from snab_orders.settings import OrdersSettings


def _target(scope: str, category_id: UUID | None, client_id: UUID | None) -> str:
    if scope == "category":
        return f"category:{category_id}"
    if scope == "client":
        return f"client:{client_id}"
    return "global"


def _rule_view(row: Row[Any]) -> MarkupRule:
    return MarkupRule(
        rule_id=row.id,
        scope=row.scope,
        category_id=row.category_id,
        client_id=row.client_id,
        percent=row.percent,
        min_margin_percent=row.min_margin_percent,
        updated_at=row.updated_at,
    )


async def set_markup(*, session: AsyncSession, req: OrdersSetMarkup) -> MarkupRule:
    if req.min_margin_percent is not None and req.min_margin_percent >= 100:
        raise RuleViolation("минимальная маржа должна быть меньше 100 %")
    if (
        req.category_id is not None
        and (
            await session.scalar(select(categories.c.id).where(categories.c.id == req.category_id))
        )
        is None
    ):
        raise NotFoundError("категория не найдена", category_id=str(req.category_id))
    if (
        req.client_id is not None
        and (await session.scalar(select(clients.c.id).where(clients.c.id == req.client_id)))
        is None
    ):
        raise NotFoundError("клиент не найден", client_id=str(req.client_id))
    target = _target(req.scope, req.category_id, req.client_id)
    before = (
        await session.execute(select(markup_rules).where(markup_rules.c.target == target))
    ).first()
    now = utcnow()
    values = {
        "scope": req.scope,
        "category_id": req.category_id,
        "client_id": req.client_id,
        "percent": req.percent,
        "min_margin_percent": req.min_margin_percent,
        "updated_by": req.actor,
        "updated_at": now,
    }
    row = (
        await session.execute(
            pg_insert(markup_rules)
            .values(id=uuid.uuid4(), target=target, **values)
            .on_conflict_do_update(index_elements=[markup_rules.c.target], set_=values)
            .returning(markup_rules)
        )
    ).one()
    await audit(
        session,
        order_id=None,
        actor=req.actor or "user:unknown",
        action="markup.set",
        entity="markup_rule",
        entity_id=row.id,
        before={"percent": before.percent, "min_margin_percent": before.min_margin_percent}
        if before
        else None,
        after={
            "target": target,
            "percent": req.percent,
            "min_margin_percent": req.min_margin_percent,
        },
    )
    return _rule_view(row)


async def list_markups(*, session: AsyncSession) -> MarkupRules:
    rows = (
        await session.execute(
            select(markup_rules).order_by(markup_rules.c.scope, markup_rules.c.target)
        )
    ).all()
    return MarkupRules(items=[_rule_view(r) for r in rows])


async def rules_for(
    session: AsyncSession,
    *,
    client_id: UUID | None,
    override: Decimal | None,
    settings: OrdersSettings,
) -> calc.MarkupRules:
    rows = (await session.execute(select(markup_rules))).all()
    global_rule = None
    client_rule = None
    by_category: dict[UUID, tuple[Decimal, Decimal | None]] = {}
    for r in rows:
        rule = (r.percent, r.min_margin_percent)
        if r.scope == "global":
            global_rule = rule
        elif r.scope == "client" and client_id is not None and r.client_id == client_id:
            client_rule = rule
        elif r.scope == "category" and r.category_id is not None:
            by_category[r.category_id] = rule
    return calc.MarkupRules(
        default_percent=settings.default_markup_percent,
        default_min_margin=settings.min_margin_percent,
        global_rule=global_rule,
        client_rule=client_rule,
        category_rules=by_category,
        override_percent=override,
    )
