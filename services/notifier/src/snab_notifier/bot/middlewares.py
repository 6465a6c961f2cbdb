"""Middlewares of the bot: who may use it, button presses answered in time, Telegram's 429
honoured, rpc failures told to the manager in Russian, and the token kept out of logs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Collection
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.dispatcher.middlewares.base import BaseMiddleware
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest, TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import CallbackQuery, Message, TelegramObject, Update, User

from snab_kit.logging import get_logger
from snab_kit.rpc import RpcFailure
from snab_notifier import messages as m

log = get_logger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class AllowList(BaseMiddleware):
    """Outer middleware on every update: only the managers in ``TELEGRAM_ADMIN_IDS`` get
    past it. Anyone else gets one polite refusal (again at most once per ``quiet``
    seconds) and reaches no handler, so causes no rpc."""

    def __init__(self, allowed: Collection[int], *, quiet: float = 3600.0) -> None:
        self.allowed = frozenset(allowed)
        self.quiet = quiet
        self._refused: dict[int, float] = {}

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        if user is not None and user.id in self.allowed:
            return await handler(event, data)
        await self._refuse(event, user)
        return None

    async def _refuse(self, event: TelegramObject, user: User | None) -> None:
        if user is None or not isinstance(event, Update):
            return
        log.warning("telegram_user_refused", user_id=user.id, update_id=event.update_id)
        if event.callback_query is not None:
            with contextlib.suppress(TelegramAPIError):
                await event.callback_query.answer(m.REFUSAL_SHORT, show_alert=True)
            return
        now = time.monotonic()
        if now - self._refused.get(user.id, -self.quiet) < self.quiet:
            return
        self._refused[user.id] = now
        message = event.message
        if message is not None and message.chat.type == "private":
            with contextlib.suppress(TelegramAPIError):
                await message.answer(m.REFUSAL.format(user_id=user.id))


class Press:
    """The answer to one button press. Telegram shows a spinner until the bot answers the
    callback query, and refuses an answer that comes too late; an action whose rpc is slow
    is answered "one moment" first, and what it says afterwards comes as a message."""

    def __init__(self, query: CallbackQuery) -> None:
        self.query = query
        self.answered = False
        self._lock = asyncio.Lock()

    async def answer(self, text: str | None = None, *, alert: bool = False) -> None:
        async with self._lock:
            if not self.answered:
                self.answered = True
                with contextlib.suppress(TelegramBadRequest):  # too old: said as a message
                    await self.query.answer(text, show_alert=alert)
                    return
            if text and alert and isinstance(self.query.message, Message):
                await self.query.message.answer(m.q(text))


class PressDeadline(BaseMiddleware):
    """Outer middleware on updates: a button press not answered within ``seconds`` gets
    "Выполняю…" at once; the handler keeps running and finishes its work."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, Update) or event.callback_query is None:
            return await handler(event, data)
        press = Press(event.callback_query)
        data["press"] = press
        task = asyncio.ensure_future(handler(event, data))
        done, _ = await asyncio.wait({task}, timeout=self.seconds)
        if not done:
            await press.answer(m.WORKING)
        try:
            return await task
        finally:
            if not press.answered:
                await press.answer()


class Failures(BaseMiddleware):
    """Inner middleware: an rpc that failed is told to the manager in Russian (an alert on
    a button, a reply to a message), once, here rather than in every handler; anything
    else that broke is logged and told as a server error, never as silence."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        try:
            return await handler(event, data)
        except RpcFailure as failure:
            log.info("rpc_refused_for_manager", code=failure.code, error=failure.message)
            await self._tell(event, data, m.failure(failure.code, failure.message))
        except TelegramAPIError as exc:
            log.warning("telegram_refused_an_answer", error=redacted(str(exc)))
        except Exception as exc:
            log.exception("bot_handler_failed", error=redacted(f"{type(exc).__name__}: {exc}"))
            with contextlib.suppress(TelegramAPIError):
                await self._tell(event, data, m.failure("internal", ""))
        return None

    async def _tell(self, event: TelegramObject, data: dict[str, Any], text: str) -> None:
        press: Press | None = data.get("press")
        if press is not None:
            await press.answer(text, alert=True)
        elif isinstance(event, Message):
            await event.answer(m.q(text))


RetryListener = Callable[[int | str | None, float], None]


class RetryAfter(BaseRequestMiddleware):
    """Session middleware: aiogram raises ``TelegramRetryAfter`` on a 429 and does not
    retry. This waits the ``retry_after`` Telegram asked for and repeats the request, as
    long as the waits add up to no more than ``max_wait`` seconds; then the 429 goes up to
    the caller (the send loop puts the chat's notifications back in the queue for that
    long). ``on_wait(chat_id, seconds)`` tells the send loop that a chat is held."""

    def __init__(self, *, max_wait: float = 60.0, on_wait: RetryListener | None = None) -> None:
        self.max_wait = max_wait
        self.on_wait = on_wait
        self.waits = 0

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        waited = 0.0
        while True:
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                delay = float(exc.retry_after)
                chat_id = getattr(method, "chat_id", None)
                if self.on_wait is not None:
                    self.on_wait(chat_id, delay)
                if waited + delay > self.max_wait:
                    raise
                log.warning(
                    "telegram_retry_after",
                    method=method.__api_method__,
                    chat_id=chat_id,
                    retry_after=delay,
                )
                self.waits += 1
                waited += delay
                await asyncio.sleep(delay)


class RedactToken(logging.Filter):
    """Replaces the bot token wherever a library would log it (a URL in an error)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.token:
            return True
        message = record.getMessage()
        if self.token in message:
            record.msg = message.replace(self.token, "***")
            record.args = ()
        return True


_TOKENS: set[str] = set()


def redacted(text: str) -> str:
    """``text`` without the bot token (an error that quotes a URL, say)."""
    for token in _TOKENS:
        text = text.replace(token, "***")
    return text


def redact_libraries(token: str) -> None:
    """Install ``RedactToken`` on the loggers of aiogram and aiohttp; ``redacted`` then
    takes the token out of what this service logs itself."""
    if token:
        _TOKENS.add(token)
    flt = RedactToken(token)
    for name in ("aiogram", "aiogram.dispatcher", "aiogram.event", "aiohttp", "aiohttp.client"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactToken) for f in logger.filters):
            logger.addFilter(flt)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactToken) for f in handler.filters):
            handler.addFilter(flt)
