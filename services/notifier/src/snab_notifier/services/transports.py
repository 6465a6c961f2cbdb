"""Where notifications go without a bot: the service's log (``make run`` out of the box).
With a bot token they go to Telegram: ``snab_notifier.bot.transport``."""

from __future__ import annotations

import itertools

from snab_kit.logging import get_logger
from snab_notifier.services.render import Screen
from snab_notifier.services.sender import Outcome, describe

log = get_logger(__name__)


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

    def classify(self, exc: Exception) -> tuple[Outcome, str, float]:
        return "retry", f"{type(exc).__name__}: {exc}"[:1000], 0.0
