"""Ranking suppliers for an order: categories, history of similar items, answers."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from uuid import UUID

from snab_orders.domain.text import normalise_name

CATEGORY_WEIGHT = 3.0
"""Score for a supplier whose categories cover every item of the order."""
HISTORY_WEIGHT = 2.0
"""Score for a supplier who already quoted something like every item."""
SPEED_DAY_SECONDS = 86400
"""Answer speed counts as 1 / (1 + median answer time in days)."""
HISTORY_NAME_CUTOFF = 80
"""How similar (0..100) a quoted line's name must be to count as 'similar item'."""
WIN_WEIGHT = 1.5
"""Score for a supplier whose offers won every order they were in."""
PRICE_WEIGHT = 1.0
"""Score for a supplier who was always the cheapest."""
CATEGORY_SAMPLES = 2
"""Requests in the order's categories needed before those figures replace the overall ones."""


@dataclass(frozen=True, slots=True)
class AnswerStats:
    """How a supplier answered requests so far (overall, or in some categories), and how
    its offers fared: orders won with its lines among the closed orders it quoted for,
    and its prices against the best one for the same item (1.0: always the cheapest)."""

    sent: int
    answered: int
    median_seconds: int | None
    wins: int = 0
    chances: int = 0
    competitiveness: float | None = None
    scope: str | None = None
    """The category the answer figures are of; None: all requests."""

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.sent if self.sent else None

    @property
    def win_rate(self) -> float | None:
        return self.wins / self.chances if self.chances else None


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
    where = f" в категории «{stats.scope}»" if stats is not None and stats.scope else ""
    if rate is not None:
        score += rate
        reasons.append(f"отвечает на {round(rate * 100)} % запросов{where}")
    median = stats.median_seconds if stats is not None else None
    if median is not None:
        score += 1.0 / (1.0 + median / SPEED_DAY_SECONDS)
        reasons.append(f"обычно отвечает за {duration_ru(median)}")
    if stats is not None and stats.win_rate is not None:
        score += WIN_WEIGHT * stats.win_rate
        reasons.append(f"выиграл {stats.wins} из {stats.chances} закрытых заказов")
    if stats is not None and stats.competitiveness is not None:
        score += PRICE_WEIGHT * stats.competitiveness
        reasons.append(
            f"цены: лучшая цена составляет {round(stats.competitiveness * 100)} % от его"
        )
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


def pick_stats(
    overall: AnswerStats | None, by_category: dict[str, AnswerStats], wanted: list[str]
) -> AnswerStats | None:
    """The figures of the order's categories when the supplier has enough requests in
    them (the category with the most), else the overall ones; wins and prices are
    always overall."""
    best = max(
        (by_category[c] for c in wanted if c in by_category), key=lambda s: s.sent, default=None
    )
    if best is None or best.sent < CATEGORY_SAMPLES or overall is None:
        return overall
    return AnswerStats(
        best.sent,
        best.answered,
        best.median_seconds,
        overall.wins,
        overall.chances,
        overall.competitiveness,
        best.scope,
    )


def infer_category(name: str, keywords: dict[str, list[str]]) -> str | None:
    """The category whose keyword starts a word of the name (``CATEGORY_KEYWORDS``)."""
    words = normalise_name(name).split()
    for category, stems in keywords.items():
        wanted = tuple(normalise_name(stem) for stem in stems)
        if any(word.startswith(wanted) for word in words):
            return category
    return None
