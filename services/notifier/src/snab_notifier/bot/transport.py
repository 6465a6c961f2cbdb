"""Notifications sent to Telegram through aiogram's Bot, and what its errors mean."""

from __future__ import annotations

from aiogram import Bot
from aiogram.exceptions import (
    RestartingTelegram,
    TelegramBadRequest,
    TelegramConflictError,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import BufferedInputFile

from snab_notifier.bot.middlewares import redacted
from snab_notifier.bot.ui import inline
from snab_notifier.services.render import Screen
from snab_notifier.services.sender import MessageGone, Outcome

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
                reply_markup=inline(screen.markup),
            )
        else:
            message = await self.bot.send_message(
                chat_id, screen.text, reply_markup=inline(screen.markup)
            )
        return message.message_id

    async def edit(self, chat_id: int, message_id: int, screen: Screen) -> None:
        try:
            await self.bot.edit_message_text(
                text=screen.text,
                chat_id=chat_id,
                message_id=message_id,
                reply_markup=inline(screen.markup),
            )
        except TelegramBadRequest as exc:
            text = exc.message.lower()
            if _NOT_MODIFIED in text:
                return
            if any(gone in text for gone in _GONE):
                raise MessageGone(exc.message) from exc
            raise

    def classify(self, exc: Exception) -> tuple[Outcome, str, float]:
        """(what to do, why, seconds to wait) for an error of a Bot API request."""
        error = redacted(f"{type(exc).__name__}: {exc}")[:1000]
        if isinstance(exc, TelegramRetryAfter):
            return "wait", error, float(exc.retry_after)
        if isinstance(
            exc,
            TelegramNetworkError
            | TelegramServerError
            | RestartingTelegram
            | TelegramUnauthorizedError
            | TelegramConflictError
            | OSError
            | TimeoutError,
        ):
            return "retry", error, 0.0
        if isinstance(
            exc,
            TelegramForbiddenError | TelegramBadRequest | TelegramNotFound | TelegramEntityTooLarge,
        ):
            return "failed", error, 0.0
        return "retry", error, 0.0
