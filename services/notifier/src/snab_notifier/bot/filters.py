"""The routers' filter for a press of a button of ours (``Callback.filter()``)."""

from __future__ import annotations

from typing import Any, Literal

from aiogram.filters import Filter
from aiogram.types import CallbackQuery
from aiogram.utils.magic_filter import MagicFilter

from snab_notifier.bot.callbacks import Callback


class Pressed(Filter):
    """Matches a press whose data unpacks as ``data`` (and satisfies ``rule``), and hands
    the unpacked data to the handler as ``callback_data``."""

    __slots__ = ("data", "rule")

    def __init__(self, data: type[Callback], rule: MagicFilter | None = None) -> None:
        self.data = data
        self.rule = rule

    def __str__(self) -> str:
        return self._signature_to_string(data=self.data, rule=self.rule)

    async def __call__(self, query: CallbackQuery) -> Literal[False] | dict[str, Any]:
        if not isinstance(query, CallbackQuery) or not query.data:
            return False
        try:
            data = self.data.unpack(query.data)
        except ValueError:
            return False
        if self.rule is None or self.rule.resolve(data):
            return {"callback_data": data}
        return False
