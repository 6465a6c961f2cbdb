"""Which order item a supplier's quote line prices: by article, name similarity and position."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from rapidfuzz import fuzz

from snab_orders.domain.text import normalise_name

ACCEPT_NAME = 62.0
"""A name this similar is a match on its own."""
ACCEPT_WITH_POSITION = 35.0
"""A weaker name still matches when the supplier kept our position number."""


@dataclass(frozen=True, slots=True)
class ItemRef:
    item_id: UUID
    position: int
    """Position in the table the supplier saw (the request's own numbering, from 1)."""
    name: str
    article: str | None = None


@dataclass(frozen=True, slots=True)
class LineRef:
    position: int | None
    name: str
    article: str | None = None


@dataclass(frozen=True, slots=True)
class LineMatch:
    item_id: UUID | None
    score: float
    """0..100: how sure the match is (100 for an article match)."""


def name_similarity(a: str, b: str) -> float:
    left, right = normalise_name(a), normalise_name(b)
    if not left or not right:
        return 0.0
    return (fuzz.token_set_ratio(left, right) + fuzz.token_sort_ratio(left, right)) / 2


def _article(value: str | None) -> str:
    return normalise_name(value or "").replace(" ", "")


def match_lines(items: list[ItemRef], lines: list[LineRef]) -> list[LineMatch]:
    """One match per line, in order; each item is matched by at most one line.

    Pairs are taken greedily from the most to the least convincing; a line with no
    convincing pair stays unmatched (``item_id`` None) for a manager to map by hand.
    """
    candidates: list[tuple[float, int, int, float]] = []
    for li, line in enumerate(lines):
        for ii, item in enumerate(items):
            name = name_similarity(line.name, item.name)
            same_article = bool(_article(line.article)) and _article(line.article) in (
                _article(item.article),
                *normalise_name(item.name).split(),
            )
            same_position = line.position is not None and line.position == item.position
            accepted = (
                same_article
                or name >= ACCEPT_NAME
                or (same_position and name >= ACCEPT_WITH_POSITION)
            )
            if not accepted:
                continue
            rank = name + (100.0 if same_article else 0.0) + (25.0 if same_position else 0.0)
            score = 100.0 if same_article else min(100.0, name + (10.0 if same_position else 0))
            candidates.append((rank, li, ii, score))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    result: list[LineMatch] = [LineMatch(None, 0.0) for _ in lines]
    taken_lines: set[int] = set()
    taken_items: set[int] = set()
    for _, li, ii, score in candidates:
        if li in taken_lines or ii in taken_items:
            continue
        taken_lines.add(li)
        taken_items.add(ii)
        result[li] = LineMatch(items[ii].item_id, round(score, 1))
    return result
