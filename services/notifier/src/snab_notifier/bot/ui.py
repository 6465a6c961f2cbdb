"""Showing a screen in answer to a press or a message: a new message, or the pressed
message edited in place (lists, dialogs), whatever Telegram allows for that message."""

from __future__ import annotations

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from snab_notifier import messages as m
from snab_notifier.bot.actions import Actions, Claim
from snab_notifier.bot.middlewares import Press


def chat_of(query: CallbackQuery) -> int:
    message = query.message
    return message.chat.id if message is not None else query.from_user.id


async def send(
    bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> Message:
    return await bot.send_message(chat_id, text, reply_markup=markup)


async def reply(
    query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """A new message under the pressed one (a notification stays as it was)."""
    assert query.bot is not None
    await send(query.bot, chat_of(query), text, markup)


async def replace(
    query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """The pressed message becomes this screen; a message that cannot be edited (a PDF,
    one too old) gets the screen as a new message instead."""
    message = query.message
    if isinstance(message, Message) and message.text is not None:
        try:
            await message.edit_text(text, reply_markup=markup)
            return
        except TelegramBadRequest as exc:
            if "not modified" in exc.message:
                return
    await reply(query, text, markup)


async def refused(press: Press, claim: Claim) -> None:
    """What a press on an action that cannot run now says."""
    text = {"missing": m.EXPIRED, "running": m.RUNNING_ALREADY, "done": m.DONE_ALREADY}[claim]
    await press.answer(text, alert=claim == "missing")


__all__ = ["Actions", "chat_of", "refused", "replace", "reply", "send"]
