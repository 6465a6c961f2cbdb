"""Builds the notifier service: event consumers → send log → Telegram (or the log), and
the bot the managers work in.

aiogram is loaded only when a bot token is set (``snab_notifier.bot.app`` and what it
imports): without one the notifier writes notifications to its log and spares the 3 s
of CPU and 110 MB that aiogram's Telegram types cost.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from snab_kit.logging import get_logger
from snab_kit.service import Service
from snab_notifier import metrics
from snab_notifier.bot.actions import Actions
from snab_notifier.bot.desk import Desk
from snab_notifier.db.tables import messaging, metadata
from snab_notifier.domain.breaker import CircuitBreaker
from snab_notifier.domain.pacing import Pacer
from snab_notifier.handlers import events
from snab_notifier.services.render import Renderer
from snab_notifier.services.sender import Sender, SenderOptions, Transport
from snab_notifier.services.transports import LogTransport
from snab_notifier.settings import NotifierSettings

if TYPE_CHECKING:
    from snab_notifier.bot.app import BotRunner

log = get_logger(__name__)

LOG_CHAT = 0
"""The one "chat" notifications are written for when there is no bot and no manager."""
ACTIONS_KEPT = timedelta(days=30)
NOTIFICATIONS_KEPT = timedelta(days=30)
"""Longer than the inbox keeps event ids (14 days), so no redelivery outlives its row."""


@dataclass
class Notifier:
    """The service and its parts (tests reach the parts directly)."""

    service: Service
    settings: NotifierSettings
    sender: Sender
    pacer: Pacer
    breaker: CircuitBreaker
    actions: Actions
    bot: BotRunner | None


def assemble(settings: NotifierSettings | None = None) -> Notifier:
    settings = settings or NotifierSettings()
    service = Service(name="notifier", settings=settings, metadata=metadata, tables=messaging)
    pacer = Pacer(
        chat_interval=settings.telegram_chat_interval_seconds,
        global_rate=settings.telegram_global_rate,
    )
    breaker = CircuitBreaker(
        failures=settings.telegram_breaker_failures,
        open_seconds=settings.telegram_breaker_open_seconds,
    )
    actions = Actions(service.sessions)
    desk = Desk(lambda: service.rpc_client, timeout=settings.notifier_rpc_timeout_seconds)

    def held(chat_id: int | str | None, seconds: float) -> None:
        if isinstance(chat_id, int):
            pacer.hold(chat_id, seconds)

    bot: BotRunner | None = None
    transport: Transport
    if settings.bot_enabled:
        from snab_notifier.bot.app import runner
        from snab_notifier.bot.storage import PostgresStorage
        from snab_notifier.bot.transport import TelegramTransport

        bot = runner(
            settings,
            desk=desk,
            actions=actions,
            storage=PostgresStorage(service.sessions),
            on_wait=held,
        )
        transport = TelegramTransport(bot.bot)
        chats = list(settings.telegram_admin_ids)
    else:
        transport = LogTransport()
        chats = list(settings.telegram_admin_ids) or [LOG_CHAT]

    sender = Sender(
        transaction=service.transaction,
        transport=transport,
        renderer=Renderer(lambda: service.rpc_client),
        pacer=pacer,
        breaker=breaker,
        options=SenderOptions(
            threshold=settings.telegram_digest_threshold,
            digest_window=settings.telegram_digest_window_seconds,
            edit_window=settings.telegram_edit_window_seconds,
            backoff=tuple(settings.telegram_retry_backoff_seconds),
            claim_seconds=settings.telegram_claim_seconds,
            poll_seconds=settings.notifier_poll_seconds,
            document_attempts=settings.telegram_document_attempts,
        ),
    )
    events.register(service, sender, chats, batch=settings.notifier_batch_size)
    service.background(sender.run)
    if bot is not None:
        service.background(bot.run)
        service.on_shutdown(bot.close)

    @service.on_startup
    async def say_where_notifications_go() -> None:
        if bot is None:
            log.warning(
                "telegram_disabled",
                reason="TELEGRAM_BOT_TOKEN is not set",
                effect="notifications are written to this log instead of Telegram",
            )
        elif not settings.telegram_admin_ids:
            log.warning(
                "telegram_nobody_allowed",
                reason="TELEGRAM_ADMIN_IDS is empty",
                effect="nobody may use the bot and nobody is notified",
            )
        else:
            log.info(
                "telegram_enabled",
                managers=len(settings.telegram_admin_ids),
                api=settings.telegram_api_url or "https://api.telegram.org",
                mode="webhook" if settings.webhook else "polling",
            )

    @service.background
    async def housekeeping() -> None:
        while True:
            waiting, _ = await sender.backlog()
            metrics.BACKLOG.set(waiting)
            await actions.purge(ACTIONS_KEPT)
            await sender.purge(NOTIFICATIONS_KEPT)
            await asyncio.sleep(60)

    @service.check("telegram")
    async def telegram_health() -> str | None:
        return breaker.describe()

    return Notifier(
        service=service,
        settings=settings,
        sender=sender,
        pacer=pacer,
        breaker=breaker,
        actions=actions,
        bot=bot,
    )


def build(settings: NotifierSettings | None = None) -> Service:
    return assemble(settings).service
