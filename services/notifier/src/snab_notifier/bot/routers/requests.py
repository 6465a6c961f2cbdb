"""Picking suppliers for an order and sending them requests for prices (RFQs).

A press on "Выбрать поставщиков" (or ``/pick ORD-…``) asks the orders service whom it
suggests, opens a pick action with the best of them ticked, and shows one button per
supplier; taps tick and untick (kept in the action row), and the confirmation sends the
requests once (``rpc.orders.send_requests``)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from snab_contracts.rpc.orders import (
    OrdersGet,
    OrdersSendRequests,
    OrdersSuggestSuppliers,
    SupplierSuggestion,
)
from snab_notifier import messages as m
from snab_notifier.bot import keyboards as kb
from snab_notifier.bot.actions import Actions
from snab_notifier.bot.callbacks import ActCb, ActionOp, OrderAct, OrderCb
from snab_notifier.bot.desk import Desk
from snab_notifier.bot.keyboards import Keyboard
from snab_notifier.bot.middlewares import Press
from snab_notifier.bot.routers.orders import order_from_text
from snab_notifier.bot.ui import confirmed, inline, refused, replace, reply

SUGGESTIONS = 8
PRESELECTED = 3


def preselect(options: list[SupplierSuggestion]) -> list[int]:
    """The suggestion's best (by rank), not asked already: up to three ticked."""
    fresh = [i for i, o in enumerate(options) if not o.already_requested and o.score > 0]
    return fresh[:PRESELECTED]


def screen(data: dict[str, Any], token: str) -> tuple[str, Keyboard | None]:
    options = [SupplierSuggestion.model_validate(o) for o in data["options"]]
    chosen = list(data["chosen"])
    text = m.pick_text(data["number"], options, len(chosen))
    if not options:
        return text, kb.add_supplier()
    return text, kb.pick(token, options, chosen)


async def start_pick(
    desk: Desk, actions: Actions, *, chat_id: int, user_id: int, order_id: UUID
) -> tuple[str, Keyboard | None]:
    detail = await desk.call(user_id, OrdersGet(order_id=order_id, audit_limit=0))
    suggested = await desk.call(
        user_id, OrdersSuggestSuppliers(order_id=order_id, limit=SUGGESTIONS)
    )
    options = sorted(suggested.suggestions, key=lambda s: s.rank)
    data = {
        "order_id": str(order_id),
        "number": detail.order.number,
        "options": [o.model_dump(mode="json") for o in options],
        "chosen": preselect(options),
    }
    token = await actions.open(chat_id=chat_id, user_id=user_id, kind="pick", data=data)
    return screen(data, token)


def router() -> Router:
    """The requests handlers, on a router of their own (one per dispatcher)."""
    router = Router(name="requests")

    @router.callback_query(OrderCb.filter(F.act == OrderAct.PICK))
    async def pick_button(
        query: CallbackQuery, callback_data: OrderCb, desk: Desk, actions: Actions
    ) -> None:
        assert query.message is not None
        text, markup = await start_pick(
            desk,
            actions,
            chat_id=query.message.chat.id,
            user_id=query.from_user.id,
            order_id=callback_data.id,
        )
        await reply(query, text, markup)

    @router.message(Command("pick"))
    async def pick_command(
        message: Message, command: CommandObject, desk: Desk, actions: Actions
    ) -> None:
        assert message.from_user is not None
        detail = await order_from_text(message, desk, command.args, "pick")
        if detail is None:
            return
        text, markup = await start_pick(
            desk,
            actions,
            chat_id=message.chat.id,
            user_id=message.from_user.id,
            order_id=detail.order.order_id,
        )
        await message.answer(text, reply_markup=inline(markup))

    @router.callback_query(ActCb.filter((F.kind == "pick") & (F.op == ActionOp.TOGGLE)))
    async def toggle(
        query: CallbackQuery, callback_data: ActCb, actions: Actions, press: Press
    ) -> None:
        index = int(callback_data.value or -1)
        blocked = False

        def flip(data: dict[str, Any]) -> dict[str, Any]:
            nonlocal blocked
            options = data["options"]
            if not 0 <= index < len(options):
                return data
            if options[index].get("already_requested"):
                blocked = True
                return data
            chosen = set(data["chosen"])
            chosen ^= {index}
            return {**data, "chosen": sorted(chosen)}

        action = await actions.change(callback_data.token, flip)
        if action is None:
            claim, _ = await actions.claim(callback_data.token)
            await refused(press, claim if claim != "claimed" else "done")
            return
        if blocked:
            await press.answer(m.PICK_ALREADY)
            return
        text, markup = screen(action.data, callback_data.token)
        await replace(query, text, markup)

    @router.callback_query(
        ActCb.filter((F.kind == "pick") & (F.op.in_({ActionOp.CONFIRM, ActionOp.CANCEL})))
    )
    async def confirm(
        query: CallbackQuery, callback_data: ActCb, desk: Desk, actions: Actions, press: Press
    ) -> None:
        token = callback_data.token
        if callback_data.op == ActionOp.CONFIRM:
            current = await actions.get(token)
            if current is not None and current.state == "open" and not current.data["chosen"]:
                await press.answer(m.PICK_NONE, alert=True)
                return
        action = await confirmed(query, callback_data, actions, press)
        if action is None:
            return
        options = action.data["options"]
        supplier_ids = [UUID(options[i]["supplier_id"]) for i in action.data["chosen"]]
        order_id = UUID(action.data["order_id"])
        sent = await actions.run(
            token,
            desk.call(
                query.from_user.id,
                OrdersSendRequests(order_id=order_id, supplier_ids=supplier_ids),
            ),
        )
        await replace(query, m.requests_sent(action.data["number"], sent))

    return router
