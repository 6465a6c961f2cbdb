"""/start, /help, /cancel, and a message that is no command: an order number opens the
order, other text is searched for."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from snab_notifier import messages as m
from snab_notifier.bot import keyboards as kb
from snab_notifier.bot.actions import Actions
from snab_notifier.bot.desk import Desk, order_request
from snab_notifier.bot.routers.orders import show_search
from snab_notifier.bot.ui import inline


def router() -> Router:
    """The common handlers, on a router of their own (one per dispatcher)."""
    router = Router(name="common")

    @router.message(CommandStart())
    async def start(message: Message, state: FSMContext) -> None:
        await state.clear()
        name = message.from_user.first_name if message.from_user else ""
        await message.answer(m.START.format(name=m.q(name)))

    @router.message(Command("help"))
    async def help_(message: Message) -> None:
        await message.answer(m.HELP)

    @router.message(Command("cancel"))
    async def cancel(message: Message, state: FSMContext) -> None:
        if await state.get_state() is None:
            await message.answer(m.NOTHING_TO_CANCEL)
            return
        await state.clear()
        await message.answer(m.CANCELLED)

    return router


def fallback() -> Router:
    """The fallback handlers, on a router of their own (one per dispatcher)."""
    fallback = Router(name="fallback")

    @fallback.message(F.text & ~F.text.startswith("/"))
    async def text(message: Message, desk: Desk, actions: Actions) -> None:
        """Outside a dialog: an order number opens it, anything else is searched for."""
        assert message.text is not None and message.from_user is not None
        request = order_request(message.text)
        if request is not None:
            detail = await desk.call(message.from_user.id, request)
            await message.answer(m.order_card(detail), reply_markup=inline(kb.order_card(detail)))
            return
        if len(message.text.strip()) >= 2:
            await show_search(message, desk, actions, message.text.strip())
            return
        await message.answer(m.UNKNOWN_TEXT)

    @fallback.message()
    async def anything_else(message: Message) -> None:
        await message.answer(m.UNKNOWN_TEXT)

    return fallback
