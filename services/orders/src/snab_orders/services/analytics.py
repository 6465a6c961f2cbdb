"""Figures for managers: orders by status and period, speed, suppliers, prices."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from snab_contracts.orders import OrderStatus
from snab_contracts.rpc.analytics import (
    AnalyticsPriceHistory,
    AnalyticsSummary,
    AnalyticsSuppliers,
    PeriodStats,
    PriceHistory,
    PricePoint,
    StatusCount,
    SummaryReport,
    SupplierStats,
    SupplierStatsReport,
)
from snab_contracts.values import Money, Unit
from snab_orders.db.tables import (
    orders,
    proposal_lines,
    proposals,
    quote_lines,
    quotes,
    supplier_requests,
    suppliers,
)
from snab_orders.domain.money import percent_of
from snab_orders.domain.text import LIKE_ESCAPE, MOSCOW, contains_pattern


def _bounds(
    period_from: date | None, period_to: date | None
) -> tuple[datetime | None, datetime | None]:
    start = datetime.combine(period_from, datetime.min.time(), MOSCOW) if period_from else None
    end = (
        datetime.combine(period_to, datetime.min.time(), MOSCOW) + timedelta(days=1)
        if period_to
        else None
    )
    return start, end


def _within(column: Any, start: datetime | None, end: datetime | None) -> list[Any]:
    out = []
    if start is not None:
        out.append(column >= start)
    if end is not None:
        out.append(column < end)
    return out


def _median(expr: Any) -> Any:
    return func.percentile_cont(0.5).within_group(expr)


def _seconds(later: Any, earlier: Any) -> Any:
    return func.extract("epoch", later - earlier)


def _int(value: object) -> int | None:
    return None if value is None else max(0, int(float(str(value))))


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


async def summary(*, session: AsyncSession, req: AnalyticsSummary) -> SummaryReport:
    start, end = _bounds(req.period_from, req.period_to)
    where = _within(orders.c.created_at, start, end)
    won = orders.c.status == OrderStatus.WON.value
    lost = orders.c.status == OrderStatus.LOST.value
    received = func.coalesce(orders.c.received_at, orders.c.created_at)
    to_rfq = _seconds(orders.c.first_rfq_at, received)
    to_proposal = _seconds(orders.c.proposal_sent_at, received)
    measures = [
        func.count().label("orders"),
        func.count().filter(won).label("won"),
        func.count().filter(lost).label("lost"),
        func.coalesce(func.sum(orders.c.revenue).filter(won), 0).label("revenue"),
        func.coalesce(func.sum(orders.c.margin).filter(won), 0).label("margin"),
        _median(to_rfq).filter(orders.c.first_rfq_at.is_not(None)).label("to_rfq"),
        _median(to_proposal).filter(orders.c.proposal_sent_at.is_not(None)).label("to_proposal"),
    ]
    local = func.timezone("Europe/Moscow", orders.c.created_at)
    bucket = func.date_trunc(req.granularity, local).label("bucket")
    by_status = (
        await session.execute(
            select(orders.c.status, func.count()).where(*where).group_by(orders.c.status)
        )
    ).all()
    totals = (await session.execute(select(*measures).where(*where))).one()
    periods = (
        await session.execute(
            select(bucket, *measures).where(*where).group_by(bucket).order_by(bucket)
        )
    ).all()
    today = datetime.now(MOSCOW).date()
    first = periods[0].bucket.date() if periods else today

    def stats(row: Any) -> dict[str, Any]:
        revenue = Decimal(row.revenue)
        margin = Decimal(row.margin)
        return {
            "orders": row.orders,
            "won": row.won,
            "lost": row.lost,
            "conversion_to_won": _rate(row.won, row.won + row.lost),
            "revenue": revenue,
            "margin": margin,
            "median_seconds_to_first_rfq": _int(row.to_rfq),
            "median_seconds_to_proposal": _int(row.to_proposal),
        }

    total_stats = stats(totals)
    return SummaryReport(
        period_from=req.period_from or first,
        period_to=req.period_to or today,
        granularity=req.granularity,
        currency="RUB",
        by_status=[StatusCount(status=OrderStatus(s), count=n) for s, n in sorted(by_status)],
        periods=[
            PeriodStats(
                period_start=row.bucket.date(),
                margin_percent=percent_of(Decimal(row.margin), Decimal(row.revenue)),
                **stats(row),
            )
            for row in periods
        ],
        orders_total=total_stats["orders"],
        won=total_stats["won"],
        lost=total_stats["lost"],
        conversion_to_won=total_stats["conversion_to_won"],
        median_seconds_to_first_rfq=total_stats["median_seconds_to_first_rfq"],
        median_seconds_to_proposal=total_stats["median_seconds_to_proposal"],
        revenue=total_stats["revenue"],
        margin=total_stats["margin"],
    )


async def supplier_stats(*, session: AsyncSession, req: AnalyticsSuppliers) -> SupplierStatsReport:
    start, end = _bounds(req.period_from, req.period_to)
    sr = supplier_requests
    sent = sr.c.sent_at.is_not(None)
    where = _within(sr.c.created_at, start, end)
    if req.supplier_ids:
        where.append(sr.c.supplier_id.in_(req.supplier_ids))
    rows = (
        await session.execute(
            select(
                sr.c.supplier_id,
                suppliers.c.company,
                func.count().filter(sent).label("sent"),
                func.count().filter(and_(sent, sr.c.answered_at.is_not(None))).label("answered"),
                func.count().filter(sr.c.status == "declined").label("declined"),
                func.count().filter(sr.c.status == "timeout").label("timed_out"),
                _median(_seconds(sr.c.answered_at, sr.c.sent_at))
                .filter(and_(sent, sr.c.answered_at.is_not(None)))
                .label("median"),
            )
            .join(suppliers, suppliers.c.id == sr.c.supplier_id)
            .where(*where)
            .group_by(sr.c.supplier_id, suppliers.c.company)
        )
    ).all()
    # Quotes of each supplier used in a proposal that was sent; and of those, in won orders.
    pwhere = [proposals.c.sent_at.is_not(None), *_within(proposals.c.sent_at, start, end)]
    chosen = {
        r.supplier_id: r
        for r in (
            await session.execute(
                select(
                    proposal_lines.c.supplier_id,
                    func.count(func.distinct(proposal_lines.c.quote_id)).label("chosen"),
                    func.count(func.distinct(proposal_lines.c.quote_id))
                    .filter(orders.c.status == OrderStatus.WON.value)
                    .label("won"),
                    func.count(func.distinct(proposal_lines.c.quote_id))
                    .filter(orders.c.status.in_([OrderStatus.WON.value, OrderStatus.LOST.value]))
                    .label("decided"),
                )
                .join(proposals, proposals.c.id == proposal_lines.c.proposal_id)
                .join(orders, orders.c.id == proposals.c.order_id)
                .where(*pwhere)
                .group_by(proposal_lines.c.supplier_id)
            )
        ).all()
    }
    out = []
    for r in sorted(rows, key=lambda r: r.company):
        c = chosen.get(r.supplier_id)
        out.append(
            SupplierStats(
                supplier_id=r.supplier_id,
                name=r.company,
                requests_sent=r.sent,
                answered=r.answered,
                declined=r.declined,
                timed_out=r.timed_out,
                response_rate=_rate(r.answered, r.sent),
                median_response_seconds=_int(r.median),
                quotes_chosen=c.chosen if c else 0,
                win_rate=_rate(c.won, c.decided) if c else None,
            )
        )
    return SupplierStatsReport(period_from=req.period_from, period_to=req.period_to, rows=out)


async def price_history(*, session: AsyncSession, req: AnalyticsPriceHistory) -> PriceHistory:
    start, end = _bounds(req.period_from, req.period_to)
    like = contains_pattern(req.query)
    rows = (
        await session.execute(
            select(
                quote_lines.c.name,
                quote_lines.c.article,
                quote_lines.c.unit,
                quote_lines.c.quantity,
                quote_lines.c.unit_price,
                quotes.c.id.label("quote_id"),
                quotes.c.received_at,
                quotes.c.currency,
                quotes.c.vat_included,
                quotes.c.supplier_id,
                suppliers.c.company,
                orders.c.id.label("order_id"),
                orders.c.number,
            )
            .join(quotes, quotes.c.id == quote_lines.c.quote_id)
            .join(suppliers, suppliers.c.id == quotes.c.supplier_id)
            .join(orders, orders.c.id == quotes.c.order_id)
            .where(
                quote_lines.c.unit_price.is_not(None),
                or_(
                    quote_lines.c.name.ilike(like, escape=LIKE_ESCAPE),
                    quote_lines.c.article.ilike(like, escape=LIKE_ESCAPE),
                ),
                *_within(quotes.c.received_at, start, end),
            )
            .order_by(quotes.c.received_at, quote_lines.c.line_no)
            .limit(req.limit)
        )
    ).all()
    points = []
    for r in rows:
        unit = None
        if r.unit:
            unit = Unit(r.unit) if r.unit in Unit._value2member_map_ else None
        points.append(
            PricePoint(
                at=r.received_at,
                item_name=r.name,
                article=r.article,
                unit=unit,
                quantity=r.quantity,
                unit_price=Money(amount=r.unit_price, currency=r.currency),
                vat_included=r.vat_included,
                supplier_id=r.supplier_id,
                supplier_name=r.company,
                quote_id=r.quote_id,
                order_id=r.order_id,
                order_number=r.number,
            )
        )
    return PriceHistory(query=req.query, points=points)
