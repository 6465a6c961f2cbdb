"""Where notifications go: Telegram through aiogram's Bot, or the service's log when no
bot token is configured (``make run`` out of the box)."""

from __future__ import annotations

import itertools

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile

from snab_kit.logging import get_logger
from snab_notifier.services.render import Screen
from snab_notifier.services.sender import MessageGone, describe

log = get_logger(__name__)

_NOT_MODIFIED = "message is not modified"
_GONE = ("message to edit not found", "message can't be edited", "there is no text in the message")


class TelegramTransport:
    name = "telegram"

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, chat_id: int, screen: Screen) -> int:
        if screen.document is not None:
            filename, content = screen.document
            message = await self.bot.send_document(
                chat_id,
                BufferedInputFile(content, filename=filename),
                caption=screen.text,
                reply_markup=screen.markup,
            )
        else:
            message = await self.bot.send_message(chat_id, screen.text, reply_markup=screen.markup)
        return message.message_id

    async def edit(self, chat_id: int, message_id: int, screen: Screen) -> None:
        try:
            await self.bot.edit_message_text(
                text=screen.text,
                chat_id=chat_id,
                message_id=message_id,
                reply_markup=screen.markup,
            )
        except TelegramBadRequest as exc:
            text = exc.message.lower()
            if _NOT_MODIFIED in text:
                return
            if any(gone in text for gone in _GONE):
                raise MessageGone(exc.message) from exc
            raise


class LogTransport:
    """Writes each notification to the log as one line ("sent" at once)."""

    name = "log"

    def __init__(self) -> None:
        self._ids = itertools.count(1)

    async def send(self, chat_id: int, screen: Screen) -> int:
        message_id = next(self._ids)
        log.info("notification", chat_id=chat_id, message_id=message_id, text=describe(screen))
        return message_id

    async def edit(self, chat_id: int, message_id: int, screen: Screen) -> None:
        log.info(
            "notification_edited", chat_id=chat_id, message_id=message_id, text=describe(screen)
        )
