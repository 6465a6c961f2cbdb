"""The bot: aiogram's Bot (the real client, pointed at TELEGRAM_API_URL when set) and a
Dispatcher with one Router per feature, behind the allow-list; updates by long polling,
or by webhook with Telegram's secret-token header."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import PRODUCTION, TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramUnauthorizedError
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.types import BotCommand
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from snab_kit.logging import get_logger
from snab_notifier import messages as m
from snab_notifier.bot.actions import Actions
from snab_notifier.bot.desk import Desk
from snab_notifier.bot.middlewares import (
    AllowList,
    Failures,
    PressDeadline,
    RetryAfter,
    RetryListener,
    redact_libraries,
    redacted,
)
from snab_notifier.bot.routers import (
    clarify,
    common,
    mail,
    orders,
    proposals,
    requests,
    stats,
    suppliers,
)
from snab_notifier.bot.storage import PostgresStorage
from snab_notifier.settings import NotifierSettings

log = get_logger(__name__)
MAX_START_DELAY = 10.0


def make_bot(settings: NotifierSettings, *, on_wait: RetryListener | None = None) -> Bot:
    """The real aiogram client; 429 answers are waited out by the RetryAfter middleware."""
    assert settings.telegram_bot_token is not None
    token = settings.telegram_bot_token.get_secret_value().strip()
    redact_libraries(token)
    api = (
        TelegramAPIServer.from_base(settings.telegram_api_url)
        if settings.telegram_api_url
        else PRODUCTION
    )
    session = AiohttpSession(api=api, timeout=settings.telegram_request_timeout_seconds)
    session.middleware(
        RetryAfter(max_wait=settings.telegram_max_retry_after_seconds, on_wait=on_wait)
    )
    return Bot(
        token=token,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


def make_dispatcher(
    settings: NotifierSettings, *, desk: Desk, actions: Actions, storage: PostgresStorage
) -> Dispatcher:
    # The FSM middleware (it reads the dialog state) goes after the allow-list, so that a
    # stranger's update touches nothing; events of one user are handled one at a time.
    dp = Dispatcher(storage=storage, events_isolation=SimpleEventIsolation(), disable_fsm=True)
    dp.update.outer_middleware(AllowList(settings.telegram_admin_ids))
    dp.update.outer_middleware(PressDeadline(settings.telegram_callback_answer_seconds))
    dp.update.outer_middleware(dp.fsm)
    dp.message.middleware(Failures())
    dp.callback_query.middleware(Failures())
    dp.include_routers(
        common.router(),
        orders.router(),
        requests.router(),
        proposals.router(),
        clarify.router(),
        mail.router(),
        suppliers.router(),
        stats.router(),
        common.fallback(),  # last: text that no dialog or command took
    )
    dp["desk"] = desk
    dp["actions"] = actions
    return dp


@dataclass
class BotRunner:
    """Receives updates for the life of the service: long polling, or a webhook server."""

    bot: Bot
    dispatcher: Dispatcher
    settings: NotifierSettings

    async def announce_commands(self) -> None:
        with contextlib.suppress(Exception):  # the menu is a nicety; never block the start
            await self.bot.set_my_commands(
                [BotCommand(command=c, description=d) for c, d in m.COMMANDS]
            )

    async def reach_telegram(self) -> None:
        """Wait until the Bot API answers (``getMe``): an outage at start delays the bot,
        it does not stop it. A rejected token is said loudly and tried again slowly."""
        delay = 1.0
        while True:
            try:
                me = await self.bot.me()
            except TelegramUnauthorizedError:
                log.error("telegram_token_rejected", retry_in=60.0)
                await asyncio.sleep(60.0)
                continue
            except Exception as exc:
                log.warning(
                    "telegram_unreachable",
                    error=redacted(f"{type(exc).__name__}: {exc}"),
                    retry_in=delay,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_START_DELAY)
                continue
            log.info("telegram_bot", username=me.username)
            return

    async def run(self) -> None:
        await self.reach_telegram()
        await self.announce_commands()
        if self.settings.webhook:
            await self._webhook()
        else:
            await self._polling()

    async def _polling(self) -> None:
        with contextlib.suppress(Exception):
            await self.bot.delete_webhook(drop_pending_updates=False)
        log.info("telegram_polling")
        polling = asyncio.create_task(
            self.dispatcher.start_polling(
                self.bot,
                handle_signals=False,
                close_bot_session=False,
                polling_timeout=self.settings.telegram_polling_timeout,
            )
        )
        try:
            await asyncio.shield(polling)
        except asyncio.CancelledError:
            # start_polling does not cancel its own tasks when it is cancelled: stop it the
            # way it expects, then let it finish.
            with contextlib.suppress(RuntimeError):
                await asyncio.wait_for(self.dispatcher.stop_polling(), 5)
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(polling, 5)
            raise

    async def _webhook(self) -> None:
        settings = self.settings
        secret = (
            settings.telegram_webhook_secret.get_secret_value()
            if settings.telegram_webhook_secret
            else secrets.token_urlsafe(32)
        )
        app = web.Application()
        SimpleRequestHandler(self.dispatcher, self.bot, secret_token=secret).register(
            app, path=settings.telegram_webhook_path
        )
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, settings.telegram_webhook_host, settings.telegram_webhook_port)
        await site.start()
        try:
            assert settings.telegram_webhook_url
            await self.bot.set_webhook(
                settings.telegram_webhook_url,
                secret_token=secret,
                allowed_updates=self.dispatcher.resolve_used_update_types(),
            )
            log.info(
                "telegram_webhook",
                listen=f"{settings.telegram_webhook_host}:{settings.telegram_webhook_port}",
                path=settings.telegram_webhook_path,
            )
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()

    async def close(self) -> None:
        await self.bot.session.close()


def runner(
    settings: NotifierSettings,
    *,
    desk: Desk,
    actions: Actions,
    storage: PostgresStorage,
    on_wait: Callable[[int | str | None, float], None] | None = None,
) -> BotRunner:
    bot = make_bot(settings, on_wait=on_wait)
    dp = make_dispatcher(settings, desk=desk, actions=actions, storage=storage)
    return BotRunner(bot=bot, dispatcher=dp, settings=settings)
