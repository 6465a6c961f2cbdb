"""Recognising a client from a request: email, company domain, INN; request fingerprints."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from decimal import Decimal

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


def request_fingerprint(items: Iterable[tuple[str, Decimal, str]]) -> str | None:
    """Same items in the same amounts (in any order) give the same fingerprint."""
    parts = sorted(
        f"{normalise_name(name)}|{format(quantity.normalize(), 'f')}|{unit}"
        for name, quantity, unit in items
    )
    if not parts:
        return None
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()
