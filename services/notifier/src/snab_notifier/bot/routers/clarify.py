"""Asking the client what a request left out (the drafted email, sent as is or with the
manager's text, after a confirmation), and asking more suppliers when too few answered
(one press on the escalation notice)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from snab_contracts.orders import OrderStatus
from snab_contracts.rpc.clarifications import OrdersDraftClarification, OrdersSendClarification
from snab_contracts.rpc.escalation import OrdersEscalate
from snab_contracts.rpc.orders import OrderDetail, OrdersGet
from snab_notifier import messages as m
from snab_notifier.bot import keyboards as kb
from snab_notifier.bot.actions import Actions
from snab_notifier.bot.callbacks import ActCb, ActionOp, EscalateCb, OrderAct, OrderCb
from snab_notifier.bot.desk import Desk
from snab_notifier.bot.keyboards import Keyboard
from snab_notifier.bot.middlewares import Press
from snab_notifier.bot.routers.orders import order_from_text
from snab_notifier.bot.ui import ask_own_value, chat_of, confirmed, inline, refused, replace, reply

CLOSED = (OrderStatus.WON, OrderStatus.LOST, OrderStatus.CANCELLED)
MAX_TEXT = 20000


class ClarifyForm(StatesGroup):
    text = State()


async def ask_clarification(
    desk: Desk, actions: Actions, *, chat_id: int, user_id: int, order_id: UUID, number: str
) -> tuple[str, Keyboard | None]:
    """The draft and what each line lacks, with «Отправить клиенту»; or why there is none."""
    draft = await desk.call(user_id, OrdersDraftClarification(order_id=order_id))
    if not draft.lines:
        return m.NOTHING_TO_CLARIFY.format(number=m.q(number)), None
    token = await actions.open(
        chat_id=chat_id,
        user_id=user_id,
        kind="clr",
        data={"order_id": str(order_id), "number": number, "text": None},
    )
    return m.clarification_draft(draft), kb.clarify(token)


async def _for_order(
    desk: Desk, actions: Actions, chat_id: int, user_id: int, detail: OrderDetail
) -> tuple[str, Keyboard | None]:
    if detail.order.status in CLOSED:
        return m.CLARIFY_CLOSED.format(number=m.q(detail.order.number)), None
    return await ask_clarification(
        desk,
        actions,
        chat_id=chat_id,
        user_id=user_id,
        order_id=detail.order.order_id,
        number=detail.order.number,
    )


def router() -> Router:
    """The clarification and escalation handlers, on a router of their own."""
    router = Router(name="clarify")

    @router.callback_query(OrderCb.filter(F.act == OrderAct.CLARIFY))
    async def clarify_button(
        query: CallbackQuery, callback_data: OrderCb, desk: Desk, actions: Actions
    ) -> None:
        detail = await desk.call(
            query.from_user.id, OrdersGet(order_id=callback_data.id, audit_limit=0)
        )
        text, markup = await _for_order(desk, actions, chat_of(query), query.from_user.id, detail)
        await reply(query, text, markup)

    @router.message(Command("clarify"))
    async def clarify_command(
        message: Message, command: CommandObject, desk: Desk, actions: Actions
    ) -> None:
        assert message.from_user is not None
        detail = await order_from_text(message, desk, command.args, "clarify")
        if detail is None:
            return
        text, markup = await _for_order(
            desk, actions, message.chat.id, message.from_user.id, detail
        )
        await message.answer(text, reply_markup=inline(markup))

    @router.callback_query(ActCb.filter(F.kind == "clr"))
    async def clarify_step(
        query: CallbackQuery,
        callback_data: ActCb,
        desk: Desk,
        actions: Actions,
        press: Press,
        state: FSMContext,
    ) -> None:
        if callback_data.op == ActionOp.CUSTOM:
            await ask_own_value(
                query,
                callback_data,
                actions,
                press,
                state,
                form=ClarifyForm.text,
                question=m.ASK_CLARIFICATION_TEXT,
            )
            return
        action = await confirmed(query, callback_data, actions, press)
        if action is None:
            return
        order_id, text = UUID(action.data["order_id"]), action.data.get("text")
        sent = await actions.run(
            action.token,
            desk.call(query.from_user.id, OrdersSendClarification(order_id=order_id, text=text)),
        )
        await replace(query, m.clarification_sent(sent))

    @router.message(StateFilter(ClarifyForm.text), F.text)
    async def clarify_text(
        message: Message, desk: Desk, actions: Actions, state: FSMContext
    ) -> None:
        assert message.from_user is not None and message.text is not None
        text = message.text.strip()[:MAX_TEXT]
        token = str((await state.get_data()).get("token", ""))
        await state.clear()

        def with_text(data: dict[str, Any]) -> dict[str, Any]:
            return {**data, "text": text}

        action = await actions.change(token, with_text)
        if action is None:
            await message.answer(m.EXPIRED)
            return
        draft = await desk.call(
            message.from_user.id,
            OrdersDraftClarification(order_id=UUID(action.data["order_id"])),
        )
        edited = draft.model_copy(update={"text": text})
        await message.answer(
            m.clarification_draft(edited, edited=True), reply_markup=inline(kb.clarify(token))
        )

    @router.callback_query(EscalateCb.filter())
    async def escalate(
        query: CallbackQuery, callback_data: EscalateCb, desk: Desk, actions: Actions, press: Press
    ) -> None:
        # The escalation (order, timed-out request) is the token: one press asks them once.
        token = f"esc:{callback_data.id.hex}:{callback_data.req}"
        await actions.open_once(
            token,
            chat_id=chat_of(query),
            user_id=query.from_user.id,
            kind="esc",
            data={"order_id": str(callback_data.id)},
        )
        claim, action = await actions.claim(token)
        if action is None:
            await refused(press, claim)
            return
        escalate = OrdersEscalate(order_id=callback_data.id)
        sent = await actions.run(token, desk.call(query.from_user.id, escalate))
        detail = await desk.call(
            query.from_user.id, OrdersGet(order_id=callback_data.id, audit_limit=0)
        )
        await replace(
            query, m.escalated(detail.order.number, sent), kb.open_order(callback_data.id)
        )

    return router
