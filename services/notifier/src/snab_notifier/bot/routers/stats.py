"""Figures for the month: orders, conversion, speed, margin, suppliers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from snab_contracts.rpc.analytics import AnalyticsSummary, AnalyticsSuppliers
from snab_notifier import messages as m
from snab_notifier.bot import keyboards as kb
from snab_notifier.bot.callbacks import StatsCb
from snab_notifier.bot.desk import Desk
from snab_notifier.bot.ui import inline, replace


def month_of(today: date, months_back: int) -> tuple[date, date]:
    first = today.replace(day=1)
    for _ in range(months_back):
        first = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, min(following - timedelta(days=1), today)


async def stats_screen(desk: Desk, user_id: int, months_back: int) -> str:
    today = datetime.now(UTC).astimezone(m.MOSCOW).date()
    first, last = month_of(today, months_back)
    summary = await desk.call(
        user_id, AnalyticsSummary(period_from=first, period_to=last, granularity="month")
    )
    suppliers = await desk.call(user_id, AnalyticsSuppliers(period_from=first, period_to=last))
    return m.stats(summary, suppliers, first)


def router() -> Router:
    """The stats handlers, on a router of their own (one per dispatcher)."""
    router = Router(name="stats")

    @router.message(Command("stats"))
    async def stats(message: Message, desk: Desk) -> None:
        assert message.from_user is not None
        await message.answer(
            await stats_screen(desk, message.from_user.id, 0), reply_markup=inline(kb.stats())
        )

    @router.callback_query(StatsCb.filter())
    async def stats_month(query: CallbackQuery, callback_data: StatsCb, desk: Desk) -> None:
        text = await stats_screen(desk, query.from_user.id, min(callback_data.months_back, 12))
        await replace(query, text, kb.stats())

    return router
