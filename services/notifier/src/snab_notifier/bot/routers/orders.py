"""Orders: the list with filters and pages, search, the card, and the outcome (won/lost)."""

from __future__ import annotations

from typing import Literal

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from snab_contracts.rpc.orders import OrderDetail, OrdersGet, OrdersList, OrdersMarkOutcome
from snab_notifier import messages as m
from snab_notifier.bot import keyboards as kb
from snab_notifier.bot.actions import Actions
from snab_notifier.bot.callbacks import ActCb, ListCb, OrderAct, OrderCb
from snab_notifier.bot.desk import Desk, order_request
from snab_notifier.bot.keyboards import Keyboard
from snab_notifier.bot.middlewares import Press
from snab_notifier.bot.ui import confirmed, inline, replace, reply

PAGE_SIZE = 8


async def order_from_text(
    message: Message, desk: Desk, text: str | None, command: str
) -> OrderDetail | None:
    """The order a command names, or None after telling the manager what to write."""
    assert message.from_user is not None
    if not text or not text.strip():
        await message.answer(m.NEED_ORDER.format(command=command))
        return None
    request = order_request(text.split()[0])
    if request is None:
        await message.answer(m.BAD_ORDER.format(text=m.q(m.cut(text, 40))))
        return None
    return await desk.call(message.from_user.id, request)


async def orders_screen(
    desk: Desk, user_id: int, filter_key: str, page: int, query: str | None = None, token: str = ""
) -> tuple[str, Keyboard]:
    statuses = list(m.FILTERS.get(filter_key, m.FILTERS["all"])[1])
    result = await desk.call(
        user_id, OrdersList(statuses=statuses, query=query, page=page, page_size=PAGE_SIZE)
    )
    return (
        m.orders_page(result, title=m.orders_title(filter_key, query)),
        kb.orders_page(result, filter_key, token),
    )


async def show_search(message: Message, desk: Desk, actions: Actions, text: str) -> None:
    assert message.from_user is not None
    token = await actions.open(
        chat_id=message.chat.id,
        user_id=message.from_user.id,
        kind="search",
        data={"query": text[:200]},
    )
    screen, markup = await orders_screen(desk, message.from_user.id, "all", 1, text[:200], token)
    await message.answer(screen, reply_markup=inline(markup))


async def ask_outcome(
    chat_id: int,
    user_id: int,
    detail: OrderDetail,
    outcome: Literal["won", "lost"],
    actions: Actions,
) -> tuple[str, Keyboard]:
    token = await actions.open(
        chat_id=chat_id,
        user_id=user_id,
        kind="outcome",
        data={"order_id": str(detail.order.order_id), "outcome": outcome},
    )
    return m.outcome_question(detail.order.number, outcome), kb.confirm("outcome", token)


def router() -> Router:
    """The orders handlers, on a router of their own (one per dispatcher)."""
    router = Router(name="orders")

    @router.message(Command("orders"))
    async def orders(message: Message, command: CommandObject, desk: Desk) -> None:
        assert message.from_user is not None
        key = (command.args or "").strip().lower()
        key = key if key in m.FILTERS else "all"
        text, markup = await orders_screen(desk, message.from_user.id, key, 1)
        await message.answer(text, reply_markup=inline(markup))

    @router.message(Command("find"))
    async def find(message: Message, command: CommandObject, desk: Desk, actions: Actions) -> None:
        assert message.from_user is not None
        text = (command.args or "").strip()
        if len(text) < 2:
            await message.answer(m.FIND_WHAT)
            return
        await show_search(message, desk, actions, text)

    @router.callback_query(ListCb.filter())
    async def orders_page(
        query: CallbackQuery, callback_data: ListCb, desk: Desk, actions: Actions, press: Press
    ) -> None:
        search = None
        if callback_data.token:
            action = await actions.get(callback_data.token)
            if action is None:
                await press.answer(m.EXPIRED, alert=True)
                return
            search = str(action.data.get("query") or "")
        text, markup = await orders_screen(
            desk,
            query.from_user.id,
            callback_data.f,
            callback_data.page,
            search,
            callback_data.token,
        )
        await replace(query, text, markup)

    @router.message(Command("order"))
    async def order(message: Message, command: CommandObject, desk: Desk) -> None:
        detail = await order_from_text(message, desk, command.args, "order")
        if detail is not None:
            await message.answer(m.order_card(detail), reply_markup=inline(kb.order_card(detail)))

    @router.callback_query(OrderCb.filter(F.act == OrderAct.OPEN))
    async def open_order(query: CallbackQuery, callback_data: OrderCb, desk: Desk) -> None:
        detail = await desk.call(
            query.from_user.id, OrdersGet(order_id=callback_data.id, audit_limit=0)
        )
        text, markup = m.order_card(detail), kb.order_card(detail)
        message = query.message
        # Refresh a card in place; from a notification or a list, open it below.
        if isinstance(message, Message) and (message.text or "").startswith(detail.order.number):
            await replace(query, text, markup)
        else:
            await reply(query, text, markup)

    @router.callback_query(OrderCb.filter(F.act.in_({OrderAct.WON, OrderAct.LOST})))
    async def outcome_button(
        query: CallbackQuery, callback_data: OrderCb, desk: Desk, actions: Actions
    ) -> None:
        detail = await desk.call(
            query.from_user.id, OrdersGet(order_id=callback_data.id, audit_limit=0)
        )
        outcome: Literal["won", "lost"] = "won" if callback_data.act == OrderAct.WON else "lost"
        assert query.message is not None
        text, markup = await ask_outcome(
            query.message.chat.id, query.from_user.id, detail, outcome, actions
        )
        await reply(query, text, markup)

    @router.message(Command("won", "lost"))
    async def outcome_command(
        message: Message, command: CommandObject, desk: Desk, actions: Actions
    ) -> None:
        assert message.from_user is not None
        detail = await order_from_text(message, desk, command.args, command.command)
        if detail is None:
            return
        outcome: Literal["won", "lost"] = "won" if command.command == "won" else "lost"
        text, markup = await ask_outcome(
            message.chat.id, message.from_user.id, detail, outcome, actions
        )
        await message.answer(text, reply_markup=inline(markup))

    @router.callback_query(ActCb.filter(F.kind == "outcome"))
    async def outcome_confirm(
        query: CallbackQuery, callback_data: ActCb, desk: Desk, actions: Actions, press: Press
    ) -> None:
        action = await confirmed(query, callback_data, actions, press)
        if action is None:
            return
        outcome = OrdersMarkOutcome(
            order_id=action.data["order_id"], outcome=action.data["outcome"]
        )
        summary = await actions.run(callback_data.token, desk.call(query.from_user.id, outcome))
        await replace(query, m.outcome_done(summary))

    return router
