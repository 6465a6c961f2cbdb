"""Quotes compared, a proposal (КП) built with a markup, sent to the client after a
confirmation, its PDF sent again on request."""

from __future__ import annotations

import base64
from decimal import Decimal, InvalidOperation
from uuid import UUID

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from snab_contracts.orders import OrderStatus
from snab_contracts.rpc.documents import DocumentsGet
from snab_contracts.rpc.orders import (
    OrderDetail,
    OrdersBuildProposal,
    OrdersGet,
    OrdersSendProposal,
    ProposalStatus,
    ProposalView,
)
from snab_notifier import messages as m
from snab_notifier.bot import keyboards as kb
from snab_notifier.bot.actions import Action, Actions
from snab_notifier.bot.callbacks import ActCb, ActionOp, DocumentCb, OrderAct, OrderCb
from snab_notifier.bot.desk import Desk
from snab_notifier.bot.keyboards import Keyboard
from snab_notifier.bot.middlewares import Press
from snab_notifier.bot.routers.orders import order_from_text
from snab_notifier.bot.ui import ask_own_value, chat_of, confirmed, inline, replace, reply

MAX_MARKUP = Decimal(300)
BUILDABLE = (OrderStatus.QUOTING, OrderStatus.PROPOSAL_READY, OrderStatus.PROPOSAL_SENT)


class ProposalForm(StatesGroup):
    markup = State()


def comparison_screen(detail: OrderDetail) -> tuple[str, Keyboard]:
    text = m.comparison(detail.order.number, detail.comparison, detail)
    return text, kb.after_compare(detail.order.order_id, detail.order.status in BUILDABLE)


async def ask_markup(
    actions: Actions, *, chat_id: int, user_id: int, detail: OrderDetail
) -> tuple[str, Keyboard]:
    token = await actions.open(
        chat_id=chat_id,
        user_id=user_id,
        kind="kp",
        data={"order_id": str(detail.order.order_id), "number": detail.order.number},
    )
    return m.markup_question(detail.order.number), kb.markup(token)


async def build(
    desk: Desk, actions: Actions, user_id: int, action: Action, markup: Decimal | None
) -> str:
    order_id = UUID(action.data["order_id"])
    proposal = await actions.run(
        action.token,
        desk.call(user_id, OrdersBuildProposal(order_id=order_id, markup_percent=markup)),
    )
    return m.proposal_built(proposal, action.data["number"])


def parse_markup(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip().rstrip("%").strip().replace(",", "."))
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0 or value > MAX_MARKUP:
        return None
    return value


def latest(detail: OrderDetail) -> ProposalView | None:
    live = [p for p in detail.proposals if p.status != ProposalStatus.SUPERSEDED]
    return max(live, key=lambda p: p.created_at) if live else None


async def ask_send(
    actions: Actions, *, chat_id: int, user_id: int, detail: OrderDetail
) -> tuple[str, Keyboard | None]:
    number = detail.order.number
    proposal = latest(detail)
    if proposal is None:
        return m.NO_PROPOSAL.format(number=m.q(number)), None
    if proposal.status == ProposalStatus.GENERATING:
        return m.PROPOSAL_NOT_READY.format(number=m.q(proposal.number)), None
    token = await actions.open(
        chat_id=chat_id,
        user_id=user_id,
        kind="send",
        data={
            "proposal_id": str(proposal.proposal_id),
            "number": proposal.number,
            "to": detail.order.contact_email,
        },
    )
    return m.send_question(proposal, detail), kb.confirm("send", token, m.B_CONFIRM_SEND)


def router() -> Router:
    """The proposals handlers, on a router of their own (one per dispatcher)."""
    router = Router(name="proposals")

    @router.callback_query(OrderCb.filter(F.act == OrderAct.COMPARE))
    async def compare_button(query: CallbackQuery, callback_data: OrderCb, desk: Desk) -> None:
        detail = await desk.call(
            query.from_user.id, OrdersGet(order_id=callback_data.id, audit_limit=0)
        )
        await reply(query, *comparison_screen(detail))

    @router.message(Command("compare"))
    async def compare_command(message: Message, command: CommandObject, desk: Desk) -> None:
        detail = await order_from_text(message, desk, command.args, "compare")
        if detail is not None:
            text, markup = comparison_screen(detail)
            await message.answer(text, reply_markup=inline(markup))

    @router.callback_query(OrderCb.filter(F.act == OrderAct.BUILD))
    async def build_button(
        query: CallbackQuery, callback_data: OrderCb, desk: Desk, actions: Actions
    ) -> None:
        detail = await desk.call(
            query.from_user.id, OrdersGet(order_id=callback_data.id, audit_limit=0)
        )
        text, markup = await ask_markup(
            actions, chat_id=chat_of(query), user_id=query.from_user.id, detail=detail
        )
        await reply(query, text, markup)

    @router.message(Command("kp"))
    async def build_command(
        message: Message, command: CommandObject, desk: Desk, actions: Actions
    ) -> None:
        assert message.from_user is not None
        detail = await order_from_text(message, desk, command.args, "kp")
        if detail is None:
            return
        text, markup = await ask_markup(
            actions, chat_id=message.chat.id, user_id=message.from_user.id, detail=detail
        )
        await message.answer(text, reply_markup=inline(markup))

    @router.callback_query(ActCb.filter(F.kind == "kp"))
    async def markup_chosen(
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
                form=ProposalForm.markup,
                question=m.ASK_MARKUP,
            )
            return
        action = await confirmed(query, callback_data, actions, press)
        if action is None:
            return
        value = None if callback_data.value == "rules" else Decimal(callback_data.value)
        await replace(query, await build(desk, actions, query.from_user.id, action, value))

    @router.message(StateFilter(ProposalForm.markup), F.text)
    async def markup_typed(
        message: Message, desk: Desk, actions: Actions, state: FSMContext
    ) -> None:
        assert message.from_user is not None and message.text is not None
        value = parse_markup(message.text)
        if value is None:
            await message.answer(m.BAD_MARKUP)
            return
        token = str((await state.get_data()).get("token", ""))
        await state.clear()
        claim, action = await actions.claim(token)
        if action is None:
            await message.answer(m.DONE_ALREADY if claim != "missing" else m.EXPIRED)
            return
        await message.answer(await build(desk, actions, message.from_user.id, action, value))

    @router.callback_query(OrderCb.filter(F.act == OrderAct.SEND))
    async def send_button(
        query: CallbackQuery, callback_data: OrderCb, desk: Desk, actions: Actions
    ) -> None:
        detail = await desk.call(
            query.from_user.id, OrdersGet(order_id=callback_data.id, audit_limit=0)
        )
        text, markup = await ask_send(
            actions, chat_id=chat_of(query), user_id=query.from_user.id, detail=detail
        )
        await reply(query, text, markup)

    @router.message(Command("send"))
    async def send_command(
        message: Message, command: CommandObject, desk: Desk, actions: Actions
    ) -> None:
        assert message.from_user is not None
        detail = await order_from_text(message, desk, command.args, "send")
        if detail is None:
            return
        text, markup = await ask_send(
            actions, chat_id=message.chat.id, user_id=message.from_user.id, detail=detail
        )
        await message.answer(text, reply_markup=inline(markup))

    @router.callback_query(ActCb.filter(F.kind == "send"))
    async def send_confirmed(
        query: CallbackQuery, callback_data: ActCb, desk: Desk, actions: Actions, press: Press
    ) -> None:
        action = await confirmed(query, callback_data, actions, press)
        if action is None:
            return
        proposal_id = UUID(action.data["proposal_id"])
        sent = await actions.run(
            action.token, desk.call(query.from_user.id, OrdersSendProposal(proposal_id=proposal_id))
        )
        await replace(query, m.proposal_sent(sent, action.data.get("to")))

    @router.callback_query(DocumentCb.filter())
    async def send_pdf(query: CallbackQuery, callback_data: DocumentCb, desk: Desk) -> None:
        document = await desk.call(
            query.from_user.id, DocumentsGet(document_id=callback_data.id, include_content=True)
        )
        assert query.bot is not None
        content = base64.b64decode(document.content_base64 or "")
        await query.bot.send_document(
            chat_of(query), BufferedInputFile(content, filename=document.filename)
        )

    return router
