"""The client who sent a request: found by the rule in ``domain.clients.match_client``,
or created. One loader reads what the rule needs; the rule itself is pure."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import and_, exists, func, insert, literal, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from snab_orders.db.tables import client_emails, clients
from snab_orders.domain.clients import (
    ClientIndex,
    ClientMatch,
    KnownClient,
    company_domain,
    match_client,
    request_emails,
)

NEW_CLIENT_LOCK = 0x0C11E47
"""Advisory lock serialising the creation of clients from requests."""


async def load_index(
    session: AsyncSession, *, emails: Sequence[str], inns: Sequence[str | None]
) -> ClientIndex:
    """The clients that ``match_client`` could pick for these addresses and INNs."""
    index = ClientIndex()
    wanted_inns = sorted({i for i in inns if i})
    if wanted_inns:
        for r in (
            await session.execute(
                select(clients.c.id, clients.c.name, clients.c.inn).where(
                    clients.c.inn.in_(wanted_inns), clients.c.deleted_at.is_(None)
                )
            )
        ).all():
            index.by_inn[r.inn] = KnownClient(r.id, r.name)
    found = sorted(set(emails))
    domains = sorted({d for d in (company_domain(e) for e in found) if d})
    if found or domains:
        rows = (
            await session.execute(
                select(client_emails.c.email, clients.c.id, clients.c.name)
                .join(clients, clients.c.id == client_emails.c.client_id)
                .where(or_(client_emails.c.email.in_(found), client_emails.c.domain.in_(domains)))
                .order_by(client_emails.c.email)
            )
        ).all()
        for row in rows:
            index.add_email(row.email, KnownClient(row.id, row.name))
    return index


async def _attach_emails(session: AsyncSession, rows: list[tuple[UUID, str]]) -> None:
    if rows:
        await session.execute(
            pg_insert(client_emails)
            .values([{"email": e, "client_id": c, "domain": e.rpartition("@")[2]} for c, e in rows])
            .on_conflict_do_nothing()
        )


async def _fill_inn(session: AsyncSession, client_id: UUID, inn: str, kpp: str | None) -> None:
    """Give a client found by address its INN, unless another client already has it."""
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
    """The client who sent a request, created when none matches. Creation is serialised
    (an advisory lock held to the end of the transaction) so that concurrent requests
    from one new client make one client. ``unknown``: the caller knows there is no match
    yet, only the locked second look is needed."""
    found_emails = request_emails(emails)
    if not found_emails and not inn:
        return None
    match = None
    if not unknown:
        index = await load_index(session, emails=found_emails, inns=[inn])
        match = match_client(index, emails=found_emails, inn=inn)
    if match is None:
        await session.execute(select(func.pg_advisory_xact_lock(literal(NEW_CLIENT_LOCK))))
        index = await load_index(session, emails=found_emails, inns=[inn])
        match = match_client(index, emails=found_emails, inn=inn)
    if match is None:
        client_id = uuid.uuid4()
        display = (name or "").strip() or (contact_name or "").strip() or found_emails[0]
        await session.execute(
            insert(clients).values(
                id=client_id, name=display, inn=inn, kpp=kpp, contact_name=contact_name, phone=phone
            )
        )
        made = ClientMatch(client_id, display, True, "created")
    else:
        made = ClientMatch(match.client.client_id, match.client.name, False, match.matched_by)
    await _attach_emails(session, [(made.client_id, e) for e in found_emails])
    if inn and not made.created and made.matched_by != "inn":
        await _fill_inn(session, made.client_id, inn, kpp)
    return made


class ClientResolver:
    """Finds the clients of many requests with a few queries: one ``load_index`` for
    the batch, the same ``match_client`` rule, and ``find_or_create_client`` for a client
    it does not know."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.index = ClientIndex()
        self.attach: list[tuple[UUID, str]] = []
        self.inn_updates: list[tuple[UUID, str, str | None]] = []

    async def preload(self, *, emails: Sequence[str | None], inns: Sequence[str | None]) -> None:
        self.index = await load_index(self.session, emails=request_emails(emails), inns=inns)

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
        found = request_emails(emails)
        if not found and not inn:
            return None
        match = match_client(self.index, emails=found, inn=inn)
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
                self.index.remember(KnownClient(made.client_id, made.name), found, inn)
            return made
        client = match.client
        self.attach += [(client.client_id, e) for e in found if e not in self.index.by_email]
        if inn and match.matched_by != "inn" and inn not in self.index.by_inn:
            self.inn_updates.append((client.client_id, inn, kpp))
        self.index.remember(client, found, inn)
        return ClientMatch(client.client_id, client.name, False, match.matched_by)

    async def flush(self) -> None:
        """Write what ``resolve`` learnt: new addresses of known clients, missing INNs."""
        await _attach_emails(self.session, self.attach)
        for client_id, inn, kpp in self.inn_updates:
            await _fill_inn(self.session, client_id, inn, kpp)
        self.attach.clear()
        self.inn_updates.clear()
