"""Recognising a client from a request: email, company domain, INN; request fingerprints."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from uuid import UUID

from snab_orders.domain.errors import RuleViolation
from snab_orders.domain.text import normalise_name

# Mailboxes anyone can have: their domain says nothing about the company.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "mail.ru",
        "bk.ru",
        "inbox.ru",
        "list.ru",
        "internet.ru",
        "yandex.ru",
        "ya.ru",
        "yandex.com",
        "narod.ru",
        "rambler.ru",
        "lenta.ru",
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "icloud.com",
        "me.com",
        "yahoo.com",
        "proton.me",
        "protonmail.com",
        "qip.ru",
        "ngs.ru",
        "e1.ru",
        "ukr.net",
    }
)


def normalise_email(value: str | None) -> str | None:
    if not value:
        return None
    email = value.strip().strip("<>").lower()
    local, sep, domain = email.rpartition("@")
    if not sep or not local or "." not in domain:
        return None
    return email


def company_domain(email: str | None) -> str | None:
    """The domain of a company mailbox; None for public mail services."""
    normal = normalise_email(email)
    if normal is None:
        return None
    domain = normal.rpartition("@")[2]
    return None if domain in PUBLIC_MAIL_DOMAINS else domain


def valid_emails(values: Sequence[str]) -> list[str]:
    """Addresses a manager typed: each must be valid; duplicates dropped."""
    out: list[str] = []
    for value in values:
        email = normalise_email(value)
        if email is None:
            raise RuleViolation(f"некорректный адрес: {value}", email=value)
        if email not in out:
            out.append(email)
    return out


def request_emails(values: Iterable[str | None]) -> list[str]:
    """The valid addresses among ``values``, normalised, first occurrence kept."""
    return list(dict.fromkeys(e for e in (normalise_email(x) for x in values) if e))


@dataclass(frozen=True, slots=True)
class KnownClient:
    client_id: UUID
    name: str


@dataclass(slots=True)
class ClientIndex:
    """What is known of the clients that may have sent some requests: by INN, by
    address and by company domain (loaded from the database, or learnt along the way)."""

    by_inn: dict[str, KnownClient] = field(default_factory=dict)
    by_email: dict[str, KnownClient] = field(default_factory=dict)
    by_domain: dict[str, set[KnownClient]] = field(default_factory=dict)

    def add_email(self, email: str, client: KnownClient) -> None:
        self.by_email.setdefault(email, client)
        domain = company_domain(email)
        if domain:
            self.by_domain.setdefault(domain, set()).add(client)

    def remember(self, client: KnownClient, emails: Iterable[str], inn: str | None) -> None:
        for email in emails:
            self.add_email(email, client)
        if inn:
            self.by_inn.setdefault(inn, client)


@dataclass(frozen=True, slots=True)
class ClientFound:
    client: KnownClient
    matched_by: str
    """'inn', 'email' or 'domain'."""


@dataclass(frozen=True, slots=True)
class ClientMatch:
    """The client of a request, and how it was found ('created' for a new one)."""

    client_id: UUID
    name: str
    created: bool
    matched_by: str


def match_client(index: ClientIndex, *, emails: list[str], inn: str | None) -> ClientFound | None:
    """The one rule for recognising a client: by INN, then by address, then by company
    domain when exactly one client has it (two clients on one domain: not ours to guess;
    public mail services say nothing). ``emails`` are normalised (``request_emails``)."""
    if inn and inn in index.by_inn:
        return ClientFound(index.by_inn[inn], "inn")
    for email in emails:
        if email in index.by_email:
            return ClientFound(index.by_email[email], "email")
    for email in emails:
        domain = company_domain(email)
        owners = index.by_domain.get(domain, set()) if domain else set()
        if len(owners) == 1:
            return ClientFound(next(iter(owners)), "domain")
    return None


def request_fingerprint(items: Iterable[tuple[str, Decimal, str]]) -> str | None:
    """Same items in the same amounts (in any order) give the same fingerprint."""
    parts = sorted(
        f"{normalise_name(name)}|{format(quantity.normalize(), 'f')}|{unit}"
        for name, quantity, unit in items
    )
    if not parts:
        return None
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()
