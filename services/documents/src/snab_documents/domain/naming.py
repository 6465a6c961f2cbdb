"""Names of stored documents. A version grows per proposal number and is never reused, so
a file, once announced, is never replaced: a new rendering is a new version and a new key."""

from __future__ import annotations

import re

from snab_contracts.documents import DocumentKind

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def filename(number: str, version: int) -> str:
    """``KP-2026-0042-1`` v2 → ``KP-2026-0042-1-v2.pdf`` (what the client sees)."""
    if version < 1:
        raise ValueError("document versions start at 1")
    return f"{_UNSAFE.sub('_', number)}-v{version}.pdf"


def storage_key(kind: DocumentKind, year: int, number: str, version: int) -> str:
    """``documents/proposal/2026/KP-2026-0042-1/KP-2026-0042-1-v2.pdf``."""
    safe = _UNSAFE.sub("_", number)
    return f"documents/{kind}/{year}/{safe}/{filename(number, version)}"


def next_version(existing: list[int]) -> int:
    return max(existing, default=0) + 1
