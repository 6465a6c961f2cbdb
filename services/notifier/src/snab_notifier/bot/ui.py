"""Showing a screen in answer to a press or a message: a new message, or the pressed
message edited in place (lists, dialogs), whatever Telegram allows for that message."""

from __future__ import annotations

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from snab_notifier import messages as m
from snab_notifier.bot.actions import Action, Actions, Claim
from snab_notifier.bot.callbacks import ActCb, ActionOp
from snab_notifier.bot.keyboards import Keyboard
from snab_notifier.bot.middlewares import Press


def inline(keyboard: Keyboard | None) -> InlineKeyboardMarkup | None:
    """Our keyboard as Telegram's inline markup."""
    if keyboard is None:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=b.text, callback_data=b.data) for b in row]
            for row in keyboard.rows
        ]
    )


def chat_of(query: CallbackQuery) -> int:
    message = query.message
    return message.chat.id if message is not None else query.from_user.id


async def send(bot: Bot, chat_id: int, text: str, markup: Keyboard | None = None) -> Message:
    return await bot.send_message(chat_id, text, reply_markup=inline(markup))


async def reply(query: CallbackQuery, text: str, markup: Keyboard | None = None) -> None:
    """A new message under the pressed one (a notification stays as it was)."""
    assert query.bot is not None
    await send(query.bot, chat_of(query), text, markup)


async def replace(query: CallbackQuery, text: str, markup: Keyboard | None = None) -> None:
    """The pressed message becomes this screen; a message that cannot be edited (a PDF,
    one too old) gets the screen as a new message instead."""
    message = query.message
    if isinstance(message, Message) and message.text is not None:
        try:
            await message.edit_text(text, reply_markup=inline(markup))
            return
        except TelegramBadRequest as exc:
            if "not modified" in exc.message:
                return
    await reply(query, text, markup)


async def refused(press: Press, claim: Claim) -> None:
    """What a press on an action that cannot run now says."""
    text = {"missing": m.EXPIRED, "running": m.RUNNING_ALREADY, "done": m.DONE_ALREADY}[claim]
    # A press that waited behind the first one was already told "Выполняю…": the refusal
    # then comes as a message, so the manager never believes it is running a second time.
    await press.answer(text, alert=claim == "missing" or press.answered)


async def confirmed(
    query: CallbackQuery, callback_data: ActCb, actions: Actions, press: Press
) -> Action | None:
    """The action behind a confirming press, claimed for this press alone; None when it
    cannot run (done, running, expired: the press is told why) or was cancelled."""
    claim, action = await actions.claim(callback_data.token)
    if action is None:
        await refused(press, claim)
        return None
    if callback_data.op == ActionOp.CANCEL:
        await actions.finish(callback_data.token, done=True)
        await replace(query, m.CANCELLED)
        return None
    return action


async def ask_own_value(
    query: CallbackQuery,
    callback_data: ActCb,
    actions: Actions,
    press: Press,
    state: FSMContext,
    *,
    form: State,
    question: str,
) -> None:
    """ "Другое…": the next message the user types is the action's value (``form``)."""
    current = await actions.get(callback_data.token)
    if current is None or current.state != "open":
        await refused(press, "missing" if current is None else "done")
        return
    await state.set_state(form)
    await state.update_data(token=callback_data.token)
    await reply(query, question)


__all__ = [
    "Actions",
    "ask_own_value",
    "chat_of",
    "confirmed",
    "inline",
    "refused",
    "replace",
    "reply",
    "send",
]
