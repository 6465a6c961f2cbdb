"""Browsing orders: full-text search terms and keyset cursors (no I/O).

Search works on PostgreSQL's built-in text search with the Russian dictionary: each word
of the query must start a word of the order (its number, subject, client, sender, or
one of its items) in any grammatical form: «болты» finds «Болт М8», «ромаш» finds
«Ромашка», «2026 0052» finds ORD-2026-0052. The vectors below are indexed (GIN, migration
``orders_0003``, which writes the same expressions out): the schema test compares the
indexes with ``db/tables.py``, and a test checks that the planner uses them.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import datetime
from uuid import UUID

from snab_orders.domain.errors import RuleViolation


def _words(*parts: str) -> str:
    """``a || ' ' || b || ...`` with PostgreSQL's own parentheses, as it prints an index
    expression back (so that schema comparison sees the same text)."""
    expr = parts[0]
    for part in parts[1:-1]:
        expr = f"(({expr} || ' ') || {part})"
    return f"to_tsvector('russian'::regconfig, ({expr} || ' ') || {parts[-1]})"


ORDER_VECTOR = _words(
    "replace(number, '-', ' ')",
    "mail_subject",
    "coalesce(company, '')",
    "coalesce(from_email, '')",
    "coalesce(from_name, '')",
)
ITEM_VECTOR = _words("name", "coalesce(article, '')")
CLIENT_VECTOR = _words("name", "coalesce(inn, '')")

MAX_TERMS = 8
_WORD = re.compile(r"\w+", re.UNICODE)


def search_terms(query: str | None) -> str | None:
    """A ``to_tsquery`` text: every word of ``query`` as a prefix, all of them required.

    Only letters and digits reach the query language, so nothing a user types can be read
    as an operator; None when there is nothing to search for."""
    if not query:
        return None
    words = [w.lower() for w in _WORD.findall(query.replace("_", " "))][:MAX_TERMS]
    if not words:
        return None
    return " & ".join(f"{w}:*" for w in words)


# -- cursors ----------------------------------------------------------------------------------


def encode_cursor(sort: str, value: datetime, order_id: UUID) -> str:
    """An opaque position after (``value``, ``order_id``) in the order of ``sort``."""
    raw = json.dumps([sort.lstrip("-"), value.isoformat(), str(order_id)], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(sort: str, cursor: str) -> tuple[datetime, UUID]:
    """The position a cursor names; RuleViolation when it is not one of ours or was made
    for another sort order."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        field, value, order_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        position = datetime.fromisoformat(value), UUID(order_id)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise RuleViolation(
            "курсор не распознан: начните список сначала",
            errors=[{"loc": "after", "type": "cursor", "msg": "not a cursor of this list"}],
        ) from None
    if field != sort.lstrip("-") or position[0].tzinfo is None:
        raise RuleViolation(
            "курсор сделан для другой сортировки: начните список сначала",
            errors=[{"loc": "after", "type": "cursor", "msg": "made for another sort"}],
        )
    return position
