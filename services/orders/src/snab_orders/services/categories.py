"""Categories of goods: the directory's list and creation."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from sqlalchemy import exists, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from snab_contracts.rpc.directory import CategoryList, CategoryView
from snab_orders.db.tables import categories, supplier_categories, suppliers
from snab_orders.domain.errors import ConflictError, NotFoundError
from snab_orders.services.common import audit


async def list_categories(*, session: AsyncSession) -> CategoryList:
    count = (
        select(func.count())
        .select_from(supplier_categories.join(suppliers))
        .where(supplier_categories.c.category_id == categories.c.id, suppliers.c.active)
        .scalar_subquery()
    )
    rows = (
        await session.execute(select(categories, count.label("n")).order_by(categories.c.name))
    ).all()
    return CategoryList(
        items=[
            CategoryView(category_id=r.id, name=r.name, parent_id=r.parent_id, suppliers_count=r.n)
            for r in rows
        ]
    )


async def create_category(
    *, session: AsyncSession, name: str, parent_id: UUID | None, actor: str
) -> CategoryView:
    name = name.strip()
    if parent_id is not None and not await _exists(session, categories.c.id, parent_id):
        raise NotFoundError("родительская категория не найдена", parent_id=str(parent_id))
    taken = await session.scalar(
        select(categories.c.id).where(func.lower(categories.c.name) == name.lower())
    )
    if taken is not None:
        raise ConflictError("такая категория уже есть", category_id=str(taken))
    category_id = uuid.uuid4()
    await session.execute(insert(categories).values(id=category_id, name=name, parent_id=parent_id))
    await audit(
        session,
        order_id=None,
        actor=actor,
        action="category.created",
        entity="category",
        entity_id=category_id,
        after={"name": name, "parent_id": parent_id},
    )
    return CategoryView(category_id=category_id, name=name, parent_id=parent_id)


async def _exists(session: AsyncSession, column: Any, value: object) -> bool:
    return bool(await session.scalar(select(exists().where(column == value))))
