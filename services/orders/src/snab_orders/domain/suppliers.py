"""Ranking suppliers for an order: categories, history of similar items, answers."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from uuid import UUID

CATEGORY_WEIGHT = 3.0
"""Score for a supplier whose categories cover every item of the order."""
HISTORY_WEIGHT = 2.0
"""Score for a supplier who already quoted something like every item."""
SPEED_DAY_SECONDS = 86400
"""Answer speed counts as 1 / (1 + median answer time in days)."""
HISTORY_NAME_CUTOFF = 80
"""How similar (0..100) a quoted line's name must be to count as 'similar item'."""


@dataclass(frozen=True, slots=True)
class AnswerStats:
    """How a supplier answered requests so far."""

    sent: int
    answered: int
    median_seconds: int | None

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.sent if self.sent else None


@dataclass(frozen=True, slots=True)
class SupplierScore:
    score: float
    reasons: list[str]
    matched_item_ids: list[UUID]


def score_supplier(
    *,
    items_count: int,
    by_category: Collection[UUID],
    by_history: Collection[UUID],
    stats: AnswerStats | None,
) -> SupplierScore:
    """The score of one supplier and the reasons a manager reads next to it.

    ``by_category``: items whose category the supplier serves; ``by_history``: items
    like ones the supplier quoted before."""
    n_items = max(items_count, 1)
    reasons: list[str] = []
    score = CATEGORY_WEIGHT * len(by_category) / n_items
    score += HISTORY_WEIGHT * len(by_history) / n_items
    if by_category:
        reasons.append(f"категория подходит к {len(by_category)} поз.")
    if by_history:
        reasons.append(f"уже предлагал похожее: {len(by_history)} поз.")
    rate = stats.response_rate if stats is not None else None
    if rate is not None:
        score += rate
        reasons.append(f"отвечает на {round(rate * 100)} % запросов")
    median = stats.median_seconds if stats is not None else None
    if median is not None:
        score += 1.0 / (1.0 + median / SPEED_DAY_SECONDS)
        reasons.append(f"обычно отвечает за {duration_ru(median)}")
    if not reasons:
        reasons.append("нет истории: новый поставщик")
    matched = sorted(set(by_category) | set(by_history), key=str)
    return SupplierScore(round(score, 4), reasons, matched)


def duration_ru(seconds: int) -> str:
    hours = seconds / 3600
    if hours < 1:
        return f"{max(1, round(seconds / 60))} мин"
    if hours < 48:
        return f"{round(hours)} ч"
    return f"{round(hours / 24)} дн"
