"""A commercial proposal (КП): one offer per item, markup rules, minimum margin, totals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from snab_contracts.rpc.orders import ComparisonCell, ComparisonRow
from snab_orders.domain.comparison import default_choice
from snab_orders.domain.errors import RuleViolation
from snab_orders.domain.money import (
    kopecks,
    margin_percent,
    min_price_for_margin,
    percent_of,
    vat_inside,
    with_markup,
)
from snab_orders.domain.text import plain_number


@dataclass(frozen=True, slots=True)
class Markup:
    percent: Decimal
    min_margin_percent: Decimal
    source: str
    """Where it came from: 'override', 'client', 'category', 'global', 'default'."""


@dataclass(frozen=True, slots=True)
class MarkupRules:
    """The rules that apply to one order; the most specific wins:
    manager's override > client > item category > global > the configured default."""

    default_percent: Decimal
    default_min_margin: Decimal
    global_rule: tuple[Decimal, Decimal | None] | None = None
    client_rule: tuple[Decimal, Decimal | None] | None = None
    category_rules: Mapping[UUID, tuple[Decimal, Decimal | None]] = field(default_factory=dict)
    override_percent: Decimal | None = None

    def for_item(self, category_id: UUID | None) -> Markup:
        floor = self.default_min_margin
        if self.global_rule and self.global_rule[1] is not None:
            floor = self.global_rule[1]
        candidates: list[tuple[str, tuple[Decimal, Decimal | None] | None]] = [
            ("client", self.client_rule),
            ("category", self.category_rules.get(category_id) if category_id else None),
            ("global", self.global_rule),
        ]
        for source, rule in candidates:
            if rule is not None:
                percent, min_margin = rule
                floor_here = min_margin if min_margin is not None else floor
                if self.override_percent is not None:
                    return Markup(self.override_percent, floor_here, "override")
                return Markup(percent, floor_here, source)
        if self.override_percent is not None:
            return Markup(self.override_percent, floor, "override")
        return Markup(self.default_percent, floor, "default")


@dataclass(frozen=True, slots=True)
class PricedLine:
    position: int
    item_id: UUID
    quote_line_id: UUID | None
    supplier_id: UUID
    quote_id: UUID
    name: str
    article: str | None
    quantity: Decimal
    unit: str
    cost_price: Decimal
    markup_percent: Decimal
    unit_price: Decimal
    amount: Decimal
    cost_amount: Decimal
    lead_time_days: int | None


@dataclass(frozen=True, slots=True)
class ProposalCalc:
    lines: list[PricedLine]
    subtotal: Decimal
    """Without VAT."""
    vat_rate: Decimal
    vat_amount: Decimal
    total: Decimal
    """With VAT: the sum of the lines (prices include VAT)."""
    cost_total: Decimal
    margin_amount: Decimal
    margin_percent: Decimal | None
    lead_time_days: int | None
    warnings: list[str]


@dataclass(frozen=True, slots=True)
class ItemExtra:
    category_id: UUID | None
    article: str | None


def choose(
    rows: Sequence[ComparisonRow], choices: Mapping[UUID, UUID] | None
) -> tuple[list[tuple[ComparisonRow, ComparisonCell]], list[str]]:
    """The chosen offer of each row, and warnings (Russian) for rows left out."""
    choices = dict(choices or {})
    known = {row.item_id for row in rows}
    unknown = [str(i) for i in choices if i not in known]
    if unknown:
        raise RuleViolation("в заказе нет таких позиций", item_ids=unknown)
    chosen: list[tuple[ComparisonRow, ComparisonCell]] = []
    warnings: list[str] = []
    for row in rows:
        wanted = choices.get(row.item_id)
        cell: ComparisonCell | None
        if wanted is not None:
            cell = next((c for c in row.cells if c.quote_line_id == wanted), None)
            if cell is None:
                raise RuleViolation(
                    f"позиция {row.position}: выбранная строка предложения не относится к ней",
                    item_id=str(row.item_id),
                    quote_line_id=str(wanted),
                )
            if cell.unit_price is None:
                original = cell.original_unit_price
                reason = (
                    f"нет курса для валюты {original.currency}"
                    if original is not None
                    else "в предложении нет цены"
                )
                raise RuleViolation(f"позиция {row.position}: {reason}", item_id=str(row.item_id))
        else:
            cell = default_choice(row)
        if cell is None:
            warnings.append(
                f"Позиция {row.position} «{row.name}»: нет предложений, не включена в КП"
            )
            continue
        chosen.append((row, cell))
    if not chosen:
        raise RuleViolation("нет ни одного предложения с ценой: КП не из чего собрать")
    return chosen, warnings


def price(
    chosen: Sequence[tuple[ComparisonRow, ComparisonCell]],
    *,
    rules: MarkupRules,
    extras: Mapping[UUID, ItemExtra],
    vat_rate: Decimal,
    warnings: Sequence[str] = (),
) -> ProposalCalc:
    """Prices with markup (rounded half up to kopecks), raised where they fall below the
    minimum margin; amounts per line; totals with VAT included."""
    notes = list(warnings)
    lines: list[PricedLine] = []
    for n, (row, cell) in enumerate(chosen, start=1):
        assert cell.unit_price is not None
        extra = extras.get(row.item_id, ItemExtra(None, None))
        markup = rules.for_item(extra.category_id)
        cost = cell.unit_price
        unit_price = with_markup(cost, markup.percent)
        if cost > 0:
            margin = margin_percent(unit_price, cost)
            if margin is not None and margin < markup.min_margin_percent:
                unit_price = min_price_for_margin(cost, markup.min_margin_percent)
                notes.append(
                    f"Позиция {n} «{row.name}»: маржа {plain_number(margin)} % ниже минимальной "
                    f"{plain_number(markup.min_margin_percent)} %, цена поднята до "
                    f"{plain_number(unit_price)}"
                )
        applied = percent_of(unit_price - cost, cost) if cost > 0 else markup.percent
        lines.append(
            PricedLine(
                position=n,
                item_id=row.item_id,
                quote_line_id=cell.quote_line_id,
                supplier_id=cell.supplier_id,
                quote_id=cell.quote_id,
                name=row.name,
                article=extra.article,
                quantity=row.quantity,
                unit=row.unit.value,
                cost_price=cost,
                markup_percent=applied if applied is not None else markup.percent,
                unit_price=unit_price,
                amount=kopecks(unit_price * row.quantity),
                cost_amount=kopecks(cost * row.quantity),
                lead_time_days=cell.lead_time_days,
            )
        )
    total = sum((line.amount for line in lines), Decimal("0.00"))
    vat_amount = vat_inside(total, vat_rate)
    cost_total = sum((line.cost_amount for line in lines), Decimal("0.00"))
    margin_amount = total - cost_total
    lead_times = [line.lead_time_days for line in lines if line.lead_time_days is not None]
    return ProposalCalc(
        lines=lines,
        subtotal=total - vat_amount,
        vat_rate=vat_rate,
        vat_amount=vat_amount,
        total=total,
        cost_total=cost_total,
        margin_amount=margin_amount,
        margin_percent=percent_of(margin_amount, total),
        lead_time_days=max(lead_times) if lead_times else None,
        warnings=notes,
    )


def document_timeout_reason(waited: timedelta) -> str:
    """Why a proposal failed when its PDF never came (Russian, for the manager)."""
    minutes = max(1, round(waited.total_seconds() / 60))
    return (
        f"PDF не сформирован за {minutes} мин: сервис документов не ответил. "
        "Соберите КП заново; если PDF всё же придёт, КП станет готовым к отправке."
    )


@dataclass(frozen=True, slots=True)
class ClientOnProposal:
    """Who the proposal is addressed to, from the client card and the request."""

    name: str
    inn: str | None
    contact: str | None


def proposal_client(
    *,
    client_name: str | None,
    client_inn: str | None,
    company: str | None,
    inn: str | None,
    from_name: str | None,
    from_email: str | None,
    contact_name: str | None,
) -> ClientOnProposal:
    """The client card first, then what the request said, then the sender."""
    return ClientOnProposal(
        name=client_name or company or from_name or from_email or "Клиент",
        inn=client_inn or inn,
        contact=contact_name or from_name or None,
    )


def valid_until(today: date, valid_days: int) -> date:
    return today + timedelta(days=valid_days)
