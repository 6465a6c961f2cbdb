"""Suppliers in the directory: list, read, create, edit, delete."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import Row, delete, exists, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from snab_contracts.rpc.common import Deleted
from snab_contracts.rpc.directory import CategoryRef, SupplierInput, SupplierPage, SupplierView
from snab_orders.db.tables import categories, supplier_categories, supplier_requests, suppliers
from snab_orders.domain.clients import valid_emails
from snab_orders.domain.errors import NotFoundError
from snab_orders.domain.text import LIKE_ESCAPE, contains_pattern
from snab_orders.services.common import audit, utcnow


def _supplier_stats() -> tuple[Any, Any]:
    sent = (
        select(func.count())
        .select_from(supplier_requests)
        .where(
            supplier_requests.c.supplier_id == suppliers.c.id,
            supplier_requests.c.sent_at.is_not(None),
        )
        .scalar_subquery()
    )
    answered = (
        select(func.count())
        .select_from(supplier_requests)
        .where(
            supplier_requests.c.supplier_id == suppliers.c.id,
            supplier_requests.c.sent_at.is_not(None),
            supplier_requests.c.answered_at.is_not(None),
        )
        .scalar_subquery()
    )
    return sent, answered


async def _supplier_views(session: AsyncSession, rows: Sequence[Row[Any]]) -> list[SupplierView]:
    ids = [r.id for r in rows]
    cats: dict[UUID, list[CategoryRef]] = {i: [] for i in ids}
    if ids:
        for c in (
            await session.execute(
                select(supplier_categories.c.supplier_id, categories.c.id, categories.c.name)
                .join(categories, categories.c.id == supplier_categories.c.category_id)
                .where(supplier_categories.c.supplier_id.in_(ids))
                .order_by(categories.c.name)
            )
        ).all():
            cats[c.supplier_id].append(CategoryRef(category_id=c.id, name=c.name))
    return [
        SupplierView(
            supplier_id=r.id,
            company=r.company,
            emails=list(r.emails),
            categories=cats[r.id],
            inn=r.inn,
            contact_name=r.contact_name,
            phone=r.phone,
            notes=r.notes,
            active=r.active,
            requests_sent=r.sent,
            response_rate=(r.answered / r.sent) if r.sent else None,
            created_at=r.created_at,
            updated_at=r.updated_at,
        )
        for r in rows
    ]


def _supplier_query() -> Any:
    sent, answered = _supplier_stats()
    return select(suppliers, sent.label("sent"), answered.label("answered")).where(
        suppliers.c.deleted_at.is_(None)
    )


async def get_supplier(*, session: AsyncSession, supplier_id: UUID) -> SupplierView:
    row = (await session.execute(_supplier_query().where(suppliers.c.id == supplier_id))).first()
    if row is None:
        raise NotFoundError("поставщик не найден", supplier_id=str(supplier_id))
    return (await _supplier_views(session, [row]))[0]


async def list_suppliers(
    *,
    session: AsyncSession,
    query: str | None,
    category_id: UUID | None,
    active: bool | None,
    page: int,
    page_size: int,
) -> SupplierPage:
    stmt = _supplier_query()
    if query and query.strip():
        like = contains_pattern(query)
        stmt = stmt.where(
            or_(
                suppliers.c.company.ilike(like, escape=LIKE_ESCAPE),
                suppliers.c.inn.ilike(like, escape=LIKE_ESCAPE),
                func.array_to_string(suppliers.c.emails, " ").ilike(like, escape=LIKE_ESCAPE),
            )
        )
    if category_id is not None:
        stmt = stmt.where(
            exists().where(
                supplier_categories.c.supplier_id == suppliers.c.id,
                supplier_categories.c.category_id == category_id,
            )
        )
    if active is not None:
        stmt = stmt.where(suppliers.c.active.is_(active))
    total = await session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = (
        await session.execute(
            stmt.order_by(suppliers.c.company, suppliers.c.id)
            .limit(page_size)
            .offset((page - 1) * page_size)
        )
    ).all()
    return SupplierPage(
        items=await _supplier_views(session, rows),
        total=total or 0,
        page=page,
        page_size=page_size,
    )


async def _check_categories(session: AsyncSession, ids: Sequence[UUID]) -> list[UUID]:
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    found = set(
        (await session.execute(select(categories.c.id).where(categories.c.id.in_(wanted))))
        .scalars()
        .all()
    )
    missing = [str(i) for i in wanted if i not in found]
    if missing:
        raise NotFoundError("категория не найдена", category_ids=missing)
    return wanted


def _supplier_values(data: SupplierInput) -> dict[str, Any]:
    return {
        "company": data.company.strip(),
        "emails": valid_emails(data.emails),
        "inn": data.inn,
        "contact_name": data.contact_name,
        "phone": data.phone,
        "notes": data.notes,
        "active": data.active,
    }


async def create_supplier(
    *, session: AsyncSession, data: SupplierInput, actor: str
) -> SupplierView:
    cats = await _check_categories(session, data.category_ids)
    values = _supplier_values(data)
    supplier_id = uuid.uuid4()
    await session.execute(insert(suppliers).values(id=supplier_id, **values))
    if cats:
        await session.execute(
            insert(supplier_categories),
            [{"supplier_id": supplier_id, "category_id": c} for c in cats],
        )
    await audit(
        session,
        order_id=None,
        actor=actor,
        action="supplier.created",
        entity="supplier",
        entity_id=supplier_id,
        after={**values, "category_ids": cats},
    )
    return await get_supplier(session=session, supplier_id=supplier_id)


async def update_supplier(
    *, session: AsyncSession, supplier_id: UUID, data: SupplierInput, actor: str
) -> SupplierView:
    before = (
        await session.execute(
            select(suppliers)
            .where(suppliers.c.id == supplier_id, suppliers.c.deleted_at.is_(None))
            .with_for_update()
        )
    ).first()
    if before is None:
        raise NotFoundError("поставщик не найден", supplier_id=str(supplier_id))
    cats = await _check_categories(session, data.category_ids)
    values = _supplier_values(data)
    await session.execute(
        update(suppliers).where(suppliers.c.id == supplier_id).values(**values, updated_at=utcnow())
    )
    await session.execute(
        delete(supplier_categories).where(supplier_categories.c.supplier_id == supplier_id)
    )
    if cats:
        await session.execute(
            insert(supplier_categories),
            [{"supplier_id": supplier_id, "category_id": c} for c in cats],
        )
    await audit(
        session,
        order_id=None,
        actor=actor,
        action="supplier.updated",
        entity="supplier",
        entity_id=supplier_id,
        before={k: getattr(before, k) for k in values},
        after={**values, "category_ids": cats},
    )
    return await get_supplier(session=session, supplier_id=supplier_id)


async def delete_supplier(*, session: AsyncSession, supplier_id: UUID, actor: str) -> Deleted:
    row = (
        await session.execute(
            select(suppliers)
            .where(suppliers.c.id == supplier_id, suppliers.c.deleted_at.is_(None))
            .with_for_update()
        )
    ).first()
    if row is None:
        raise NotFoundError("поставщик не найден", supplier_id=str(supplier_id))
    used = await session.scalar(
        select(exists().where(supplier_requests.c.supplier_id == supplier_id))
    )
    if used:
        await session.execute(
            update(suppliers)
            .where(suppliers.c.id == supplier_id)
            .values(active=False, deleted_at=utcnow(), updated_at=utcnow())
        )
    else:
        await session.execute(delete(suppliers).where(suppliers.c.id == supplier_id))
    await audit(
        session,
        order_id=None,
        actor=actor,
        action="supplier.deleted",
        entity="supplier",
        entity_id=supplier_id,
        before={"company": row.company, "emails": list(row.emails)},
        after={"deactivated": bool(used)},
    )
    return Deleted(id=supplier_id, deactivated=bool(used))
