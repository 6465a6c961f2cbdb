"""Who may be sent a message now, within Telegram's limits.

Telegram asks bots for about one message per second in a chat and 30 per second overall;
beyond that it answers 429 with ``retry_after``. The pacer keeps the send loop under both:

- per chat: one request at a time, and the next no sooner than ``chat_interval`` after the
  previous one *finished* (so arrivals at Telegram are that far apart too);
- overall: a token bucket of ``global_rate`` tokens refilled at ``global_rate`` per second;
- a 429 for a chat holds that chat for the time Telegram asked.

Pure: the clock is passed in.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable


class Pacer:
    def __init__(
        self,
        *,
        chat_interval: float = 1.0,
        global_rate: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.chat_interval = chat_interval
        self.global_rate = global_rate
        self.capacity = max(1.0, global_rate)
        self._clock = clock
        self._tokens = self.capacity
        self._refilled = clock()
        self._next: dict[int, float] = {}
        self._busy: set[int] = set()

    def _refill(self) -> float:
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._refilled) * self.global_rate)
        self._refilled = now
        return now

    def ready_at(self, chat: int) -> float | None:
        """When ``chat`` may be sent to (None while a request to it is under way)."""
        if chat in self._busy:
            return None
        return self._next.get(chat, 0.0)

    def global_wait(self) -> float:
        """Seconds until a token is free (0 when one is)."""
        self._refill()
        return 0.0 if self._tokens >= 1 else (1 - self._tokens) / self.global_rate

    def acquire(self, chat: int) -> bool:
        """Take the chat and a token when both are free; the caller then sends and calls
        ``release``."""
        now = self._refill()
        ready = self.ready_at(chat)
        if ready is None or ready > now or self._tokens < 1:
            return False
        self._tokens -= 1
        self._busy.add(chat)
        return True

    def release(self, chat: int) -> None:
        now = self._clock()
        self._busy.discard(chat)
        self._next[chat] = max(self._next.get(chat, 0.0), now + self.chat_interval)

    def cancel(self, chat: int) -> None:
        """``acquire`` taken back before anything was sent: the chat and the token are free."""
        if chat in self._busy:
            self._busy.discard(chat)
            self._tokens = min(self.capacity, self._tokens + 1)

    def hold(self, chat: int, seconds: float) -> None:
        """Telegram asked to wait (429): nothing to this chat for ``seconds``."""
        self._next[chat] = max(self._next.get(chat, 0.0), self._clock() + seconds)

    def next_ready(self, chats: Iterable[int]) -> float | None:
        """Seconds until one of ``chats`` may be sent to (None: all busy)."""
        now = self._clock()
        waits = [max(0.0, ready - now) for c in chats if (ready := self.ready_at(c)) is not None]
        if not waits:
            return None
        return max(min(waits), self.global_wait())

    def forget_idle(self, keep: Iterable[int]) -> None:
        """Drop the state of chats that are neither busy nor held (keeps memory bounded)."""
        now = self._clock()
        wanted = set(keep) | self._busy
        for chat in [c for c, t in self._next.items() if t < now and c not in wanted]:
            del self._next[chat]
