"""Mail that matched no request: the list, and linking one to a supplier request (its
quote is then read as if it had come in the request's thread)."""

from __future__ import annotations

import asyncio
from uuid import UUID

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from snab_contracts.orders import OrderStatus, RequestStatus
from snab_contracts.rpc.mail import MailGet
from snab_contracts.rpc.orders import (
    OrderDetail,
    OrdersGet,
    OrdersLinkMail,
    OrdersList,
    OrdersUnmatchedMail,
)
from snab_kit.rpc import RpcFailure
from snab_notifier import messages as m
from snab_notifier.bot import keyboards as kb
from snab_notifier.bot.actions import Actions
from snab_notifier.bot.callbacks import ActCb, MailCb
from snab_notifier.bot.desk import Desk
from snab_notifier.bot.middlewares import Press
from snab_notifier.bot.ui import chat_of, confirmed, inline, replace, reply

WAITING = [
    OrderStatus.RFQ_SENT,
    OrderStatus.QUOTING,
    OrderStatus.PROPOSAL_READY,
    OrderStatus.PROPOSAL_SENT,
]
LINKABLE = {
    RequestStatus.QUEUED,
    RequestStatus.SENT,
    RequestStatus.REMINDED,
    RequestStatus.TIMEOUT,
    RequestStatus.ANSWERED,
}
ORDERS_LOOKED_AT = 10
OPTIONS = 8
SENDER_LOOKUP = 100


async def candidates(
    desk: Desk, user_id: int, sender: str | None
) -> tuple[list[dict[str, str]], int]:
    """Requests the mail may answer, those sent to its sender's address first; and how
    many of them went to that address."""
    page = await desk.call(user_id, OrdersList(statuses=WAITING, page_size=ORDERS_LOOKED_AT))

    async def detail(order_id: UUID) -> OrderDetail | None:
        try:
            return await desk.call(user_id, OrdersGet(order_id=order_id, audit_limit=0))
        except RpcFailure:
            return None

    details = await asyncio.gather(*(detail(o.order_id) for o in page.items))
    sender = (sender or "").strip().lower()
    ranked: list[tuple[bool, bool, dict[str, str]]] = []
    for d in details:
        if d is None:
            continue
        for r in d.requests:
            if r.status not in LINKABLE:
                continue
            option = {
                "request_id": str(r.request_id),
                "label": m.link_option(r),
                "rfq": r.rfq_number,
                "supplier": r.supplier_name,
            }
            same = bool(sender) and (r.supplier_email or "").lower() == sender
            ranked.append((not same, r.status == RequestStatus.ANSWERED, option))
    # To this address first, then those still waiting for an answer.
    ranked.sort(key=lambda x: (x[0], x[1]))
    matching = sum(1 for not_same, _, _ in ranked if not not_same)
    return [option for _, _, option in ranked][:OPTIONS], matching


async def sender_of(desk: Desk, user_id: int, mail_id: UUID) -> str | None:
    """The address the mail came from: as the orders service keeps unmatched mail, else
    as the mail gateway stored it; None when neither can tell."""
    page = await desk.call(
        user_id, OrdersUnmatchedMail(reasons=["unmatched_quote"], page_size=SENDER_LOOKUP)
    )
    for item in page.items:
        if item.mail_id == mail_id:
            return item.from_.email if item.from_ else None
    try:
        mail = await desk.call(user_id, MailGet(mail_id=mail_id))
    except RpcFailure:
        return None
    return mail.from_.email if mail.from_ else None


def router() -> Router:
    """The mail handlers, on a router of their own (one per dispatcher)."""
    router = Router(name="mail")

    @router.callback_query(MailCb.filter())
    async def link_button(
        query: CallbackQuery, callback_data: MailCb, desk: Desk, actions: Actions
    ) -> None:
        sender = await sender_of(desk, query.from_user.id, callback_data.id)
        options, matching = await candidates(desk, query.from_user.id, sender)
        if not options:
            await reply(query, m.NO_OPEN_REQUESTS)
            return
        token = await actions.open(
            chat_id=chat_of(query),
            user_id=query.from_user.id,
            kind="link",
            data={"mail_id": str(callback_data.id), "options": options},
        )
        await reply(
            query,
            m.link_question(sender, matching),
            kb.choices("link", token, [o["label"] for o in options]),
        )

    @router.callback_query(ActCb.filter(F.kind == "link"))
    async def link_chosen(
        query: CallbackQuery, callback_data: ActCb, desk: Desk, actions: Actions, press: Press
    ) -> None:
        action = await confirmed(query, callback_data, actions, press)
        if action is None:
            return
        options = action.data["options"]
        index = int(callback_data.value or 0)
        if not 0 <= index < len(options):
            await actions.finish(callback_data.token, done=False)
            raise IndexError(index)
        link = OrdersLinkMail(
            mail_id=UUID(action.data["mail_id"]), request_id=int(options[index]["request_id"])
        )
        result = await actions.run(callback_data.token, desk.call(query.from_user.id, link))
        chosen = options[index]
        await replace(query, m.linked(result, chosen["rfq"], chosen["supplier"]))

    @router.message(Command("unmatched"))
    async def unmatched(message: Message, desk: Desk) -> None:
        assert message.from_user is not None
        page = await desk.call(
            message.from_user.id, OrdersUnmatchedMail(reasons=["unmatched_quote"], page_size=8)
        )
        markup = kb.unmatched([i.mail_id for i in page.items]) if page.items else None
        await message.answer(m.unmatched_list(page.items, page.total), reply_markup=inline(markup))

    return router
