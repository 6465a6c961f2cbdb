"""Clients in the directory: list, read, create, edit, delete."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from sqlalchemy import Row, delete, exists, func, insert, or_, select, text, update
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from snab_contracts.rpc.common import Deleted
from snab_contracts.rpc.directory import ClientInput, ClientPage, ClientView
from snab_orders.db.tables import client_emails, clients, orders
from snab_orders.domain.clients import valid_emails
from snab_orders.domain.errors import ConflictError, NotFoundError
from snab_orders.domain.text import LIKE_ESCAPE, contains_pattern
from snab_orders.services.common import audit, utcnow


def _client_view(row: Row[Any]) -> ClientView:
    return ClientView(
        client_id=row.id,
        name=row.name,
        inn=row.inn,
        kpp=row.kpp,
        emails=list(row.emails),
        phone=row.phone,
        contact_name=row.contact_name,
        address=row.address,
        notes=row.notes,
        orders_count=row.orders_count,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _client_query() -> Any:
    n = (
        select(func.count())
        .select_from(orders)
        .where(orders.c.client_id == clients.c.id)
        .scalar_subquery()
    )
    emails = (
        select(
            func.coalesce(
                func.array_agg(aggregate_order_by(client_emails.c.email, client_emails.c.email)),
                text("'{}'::text[]"),
            )
        )
        .where(client_emails.c.client_id == clients.c.id)
        .scalar_subquery()
    )
    return select(clients, n.label("orders_count"), emails.label("emails")).where(
        clients.c.deleted_at.is_(None)
    )


async def get_client(*, session: AsyncSession, client_id: UUID) -> ClientView:
    row = (await session.execute(_client_query().where(clients.c.id == client_id))).first()
    if row is None:
        raise NotFoundError("клиент не найден", client_id=str(client_id))
    return _client_view(row)


async def list_clients(
    *, session: AsyncSession, query: str | None, page: int, page_size: int
) -> ClientPage:
    stmt = _client_query()
    if query and query.strip():
        like = contains_pattern(query)
        stmt = stmt.where(
            or_(
                clients.c.name.ilike(like, escape=LIKE_ESCAPE),
                clients.c.inn.ilike(like, escape=LIKE_ESCAPE),
                exists().where(
                    client_emails.c.client_id == clients.c.id,
                    client_emails.c.email.ilike(like, escape=LIKE_ESCAPE),
                ),
            )
        )
    total = await session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = (
        await session.execute(
            stmt.order_by(clients.c.name, clients.c.id)
            .limit(page_size)
            .offset((page - 1) * page_size)
        )
    ).all()
    return ClientPage(
        items=[_client_view(r) for r in rows], total=total or 0, page=page, page_size=page_size
    )


async def _check_client_unique(
    session: AsyncSession, data: ClientInput, emails: list[str], client_id: UUID | None
) -> None:
    if data.inn:
        other = await session.scalar(
            select(clients.c.id).where(
                clients.c.inn == data.inn,
                clients.c.deleted_at.is_(None),
                clients.c.id != (client_id or uuid.UUID(int=0)),
            )
        )
        if other is not None:
            raise ConflictError("клиент с таким ИНН уже есть", client_id=str(other), inn=data.inn)
    if emails:
        owner = (
            await session.execute(
                select(client_emails.c.email, client_emails.c.client_id).where(
                    client_emails.c.email.in_(emails),
                    client_emails.c.client_id != (client_id or uuid.UUID(int=0)),
                )
            )
        ).first()
        if owner is not None:
            raise ConflictError(
                f"адрес {owner.email} уже принадлежит другому клиенту",
                client_id=str(owner.client_id),
                email=owner.email,
            )


async def _set_client_emails(session: AsyncSession, client_id: UUID, emails: list[str]) -> None:
    await session.execute(delete(client_emails).where(client_emails.c.client_id == client_id))
    if emails:
        await session.execute(
            insert(client_emails),
            [{"email": e, "client_id": client_id, "domain": e.rpartition("@")[2]} for e in emails],
        )


def _client_values(data: ClientInput, emails: list[str]) -> dict[str, Any]:
    return {
        "name": data.name.strip(),
        "inn": data.inn,
        "kpp": data.kpp,
        "phone": data.phone,
        "contact_name": data.contact_name,
        "address": data.address,
        "notes": data.notes,
    }


async def create_client(*, session: AsyncSession, data: ClientInput, actor: str) -> ClientView:
    emails = valid_emails(data.emails)
    await _check_client_unique(session, data, emails, None)
    client_id = uuid.uuid4()
    values = _client_values(data, emails)
    await session.execute(insert(clients).values(id=client_id, **values))
    await _set_client_emails(session, client_id, emails)
    await audit(
        session,
        order_id=None,
        actor=actor,
        action="client.created",
        entity="client",
        entity_id=client_id,
        after={**values, "emails": emails},
    )
    return await get_client(session=session, client_id=client_id)


async def update_client(
    *, session: AsyncSession, client_id: UUID, data: ClientInput, actor: str
) -> ClientView:
    before = (
        await session.execute(
            select(clients)
            .where(clients.c.id == client_id, clients.c.deleted_at.is_(None))
            .with_for_update()
        )
    ).first()
    if before is None:
        raise NotFoundError("клиент не найден", client_id=str(client_id))
    old_emails = (await get_client(session=session, client_id=client_id)).emails
    emails = valid_emails(data.emails)
    await _check_client_unique(session, data, emails, client_id)
    values = _client_values(data, emails)
    await session.execute(
        update(clients).where(clients.c.id == client_id).values(**values, updated_at=utcnow())
    )
    await _set_client_emails(session, client_id, emails)
    await audit(
        session,
        order_id=None,
        actor=actor,
        action="client.updated",
        entity="client",
        entity_id=client_id,
        before={**{k: getattr(before, k) for k in values}, "emails": old_emails},
        after={**values, "emails": emails},
    )
    return await get_client(session=session, client_id=client_id)


async def delete_client(*, session: AsyncSession, client_id: UUID, actor: str) -> Deleted:
    row = (
        await session.execute(
            select(clients)
            .where(clients.c.id == client_id, clients.c.deleted_at.is_(None))
            .with_for_update()
        )
    ).first()
    if row is None:
        raise NotFoundError("клиент не найден", client_id=str(client_id))
    used = await session.scalar(select(exists().where(orders.c.client_id == client_id)))
    await session.execute(delete(client_emails).where(client_emails.c.client_id == client_id))
    if used:
        await session.execute(
            update(clients).where(clients.c.id == client_id).values(deleted_at=utcnow())
        )
    else:
        await session.execute(delete(clients).where(clients.c.id == client_id))
    await audit(
        session,
        order_id=None,
        actor=actor,
        action="client.deleted",
        entity="client",
        entity_id=client_id,
        before={"name": row.name, "inn": row.inn},
        after={"deactivated": bool(used)},
    )
    return Deleted(id=client_id, deactivated=bool(used))
