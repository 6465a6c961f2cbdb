"""The directory: categories, clients (found or created from requests), suppliers."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Row,
    and_,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from snab_contracts.rpc.common import Deleted
from snab_contracts.rpc.directory import (
    CategoryList,
    CategoryRef,
    CategoryView,
    ClientInput,
    ClientPage,
    ClientView,
    SupplierInput,
    SupplierPage,
    SupplierView,
)
from snab_orders.db.tables import (
    categories,
    client_emails,
    clients,
    orders,
    supplier_categories,
    supplier_requests,
    suppliers,
)
from snab_orders.domain.clients import company_domain, normalise_email
from snab_orders.domain.errors import ConflictError, NotFoundError, RuleViolation
from snab_orders.domain.text import LIKE_ESCAPE, contains_pattern
from snab_orders.services.common import audit, utcnow

# -- categories -------------------------------------------------------------------------


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


# -- clients ----------------------------------------------------------------------------


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


def _emails(values: Sequence[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        email = normalise_email(value)
        if email is None:
            raise RuleViolation(f"некорректный адрес: {value}", email=value)
        if email not in out:
            out.append(email)
    return out


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
    emails = _emails(data.emails)
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
    emails = _emails(data.emails)
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


@dataclass(frozen=True, slots=True)
class ClientMatch:
    client_id: UUID
    name: str
    created: bool
    matched_by: str


async def _match_client(
    session: AsyncSession, *, emails: list[str], inn: str | None
) -> tuple[UUID, str, str] | None:
    if inn:
        row = (
            await session.execute(
                select(clients.c.id, clients.c.name).where(
                    clients.c.inn == inn, clients.c.deleted_at.is_(None)
                )
            )
        ).first()
        if row is not None:
            return row.id, row.name, "inn"
    if emails:
        row = (
            await session.execute(
                select(clients.c.id, clients.c.name)
                .join(client_emails, client_emails.c.client_id == clients.c.id)
                .where(client_emails.c.email.in_(emails))
                .limit(1)
            )
        ).first()
        if row is not None:
            return row.id, row.name, "email"
    domains = sorted({d for d in (company_domain(e) for e in emails) if d})
    if domains:
        rows = (
            await session.execute(
                select(clients.c.id, clients.c.name)
                .join(client_emails, client_emails.c.client_id == clients.c.id)
                .where(client_emails.c.domain.in_(domains))
                .distinct()
                .limit(2)
            )
        ).all()
        if len(rows) == 1:  # two clients on one domain: not ours to guess
            return rows[0].id, rows[0].name, "domain"
    return None


async def find_or_create_client(
    *,
    session: AsyncSession,
    emails: Sequence[str | None],
    inn: str | None,
    kpp: str | None,
    name: str | None,
    contact_name: str | None,
    phone: str | None,
    unknown: bool = False,
) -> ClientMatch | None:
    """The client who sent a request: by INN, then by address, then by company domain;
    created when none matches. Creation is serialised (an advisory lock held to the end of
    the transaction) so that concurrent requests from one new client make one client."""
    found_emails = [e for e in (normalise_email(x) for x in emails) if e]
    found_emails = list(dict.fromkeys(found_emails))
    if not found_emails and not inn:
        return None
    match = None if unknown else await _match_client(session, emails=found_emails, inn=inn)
    created = False
    if match is None:
        await session.execute(select(func.pg_advisory_xact_lock(literal(0x0C11E47))))
        match = await _match_client(session, emails=found_emails, inn=inn)
    if match is None:
        client_id = uuid.uuid4()
        display = (name or "").strip() or (contact_name or "").strip() or found_emails[0]
        await session.execute(
            insert(clients).values(
                id=client_id,
                name=display,
                inn=inn,
                kpp=kpp,
                contact_name=contact_name,
                phone=phone,
            )
        )
        match = (client_id, display, "created")
        created = True
    client_id, client_name, matched_by = match
    if found_emails:
        await session.execute(
            pg_insert(client_emails)
            .values(
                [
                    {"email": e, "client_id": client_id, "domain": e.rpartition("@")[2]}
                    for e in found_emails
                ]
            )
            .on_conflict_do_nothing()
        )
    if inn and not created and matched_by != "inn":
        other = clients.alias("other")
        await session.execute(
            update(clients)
            .where(
                clients.c.id == client_id,
                clients.c.inn.is_(None),
                ~exists().where(and_(other.c.inn == inn, other.c.deleted_at.is_(None))),
            )
            .values(inn=inn, kpp=kpp)
        )
    return ClientMatch(client_id, client_name, created, matched_by)


class ClientResolver:
    """Finds the clients of many requests with a few queries (the same rules as
    ``find_or_create_client``, which it falls back to for a client it does not know)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.by_inn: dict[str, tuple[UUID, str]] = {}
        self.by_email: dict[str, tuple[UUID, str]] = {}
        self.by_domain: dict[str, set[tuple[UUID, str]]] = {}
        self.attach: dict[UUID, list[str]] = {}
        self.inn_updates: list[tuple[UUID, str, str | None]] = []

    async def preload(self, *, emails: Sequence[str | None], inns: Sequence[str | None]) -> None:
        found = sorted({e for e in (normalise_email(x) for x in emails) if e})
        wanted_inns = sorted({i for i in inns if i})
        if wanted_inns:
            for r in (
                await self.session.execute(
                    select(clients.c.id, clients.c.name, clients.c.inn).where(
                        clients.c.inn.in_(wanted_inns), clients.c.deleted_at.is_(None)
                    )
                )
            ).all():
                self.by_inn[r.inn] = (r.id, r.name)
        domains = sorted({d for d in (company_domain(e) for e in found) if d})
        if found or domains:
            found_rows = (
                await self.session.execute(
                    select(
                        client_emails.c.email, client_emails.c.domain, clients.c.id, clients.c.name
                    )
                    .join(clients, clients.c.id == client_emails.c.client_id)
                    .where(
                        or_(client_emails.c.email.in_(found), client_emails.c.domain.in_(domains))
                    )
                )
            ).all()
            for row in found_rows:
                self.by_email[row.email] = (row.id, row.name)
                self.by_domain.setdefault(row.domain, set()).add((row.id, row.name))

    def _match(self, emails: list[str], inn: str | None) -> tuple[UUID, str, str] | None:
        if inn and inn in self.by_inn:
            return (*self.by_inn[inn], "inn")
        for email in emails:
            if email in self.by_email:
                return (*self.by_email[email], "email")
        for email in emails:
            domain = company_domain(email)
            owners = self.by_domain.get(domain, set()) if domain else set()
            if len(owners) == 1:
                return (*next(iter(owners)), "domain")
        return None

    def _remember(self, client_id: UUID, name: str, emails: list[str], inn: str | None) -> None:
        for email in emails:
            self.by_email.setdefault(email, (client_id, name))
            domain = company_domain(email)
            if domain:
                self.by_domain.setdefault(domain, set()).add((client_id, name))
        if inn:
            self.by_inn.setdefault(inn, (client_id, name))

    async def resolve(
        self,
        *,
        emails: Sequence[str | None],
        inn: str | None,
        kpp: str | None,
        name: str | None,
        contact_name: str | None,
        phone: str | None,
    ) -> ClientMatch | None:
        found = list(dict.fromkeys(e for e in (normalise_email(x) for x in emails) if e))
        if not found and not inn:
            return None
        match = self._match(found, inn)
        if match is None:
            made = await find_or_create_client(
                session=self.session,
                emails=found,
                inn=inn,
                kpp=kpp,
                name=name,
                contact_name=contact_name,
                phone=phone,
                unknown=True,
            )
            if made is not None:
                self._remember(made.client_id, made.name, found, inn)
            return made
        client_id, client_name, how = match
        new = [e for e in found if e not in self.by_email]
        if new:
            self.attach.setdefault(client_id, []).extend(new)
        if inn and how != "inn" and inn not in self.by_inn:
            self.inn_updates.append((client_id, inn, kpp))
        self._remember(client_id, client_name, found, inn)
        return ClientMatch(client_id, client_name, False, how)

    async def flush(self) -> None:
        """Write what ``resolve`` learnt: new addresses of known clients, missing INNs."""
        rows = [
            {"email": e, "client_id": c, "domain": e.rpartition("@")[2]}
            for c, emails in self.attach.items()
            for e in emails
        ]
        if rows:
            await self.session.execute(
                pg_insert(client_emails).values(rows).on_conflict_do_nothing()
            )
        other = clients.alias("other")
        for client_id, inn, kpp in self.inn_updates:
            await self.session.execute(
                update(clients)
                .where(
                    clients.c.id == client_id,
                    clients.c.inn.is_(None),
                    ~exists().where(and_(other.c.inn == inn, other.c.deleted_at.is_(None))),
                )
                .values(inn=inn, kpp=kpp)
            )
        self.attach.clear()
        self.inn_updates.clear()


# -- suppliers --------------------------------------------------------------------------


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
        "emails": _emails(data.emails),
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


async def _exists(session: AsyncSession, column: Any, value: object) -> bool:
    return bool(await session.scalar(select(exists().where(column == value))))
