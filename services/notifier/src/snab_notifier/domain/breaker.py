"""A circuit breaker around the Bot API: after N failed requests in a row, stop sending for
a while, then let one trial request through.

closed → (N failures in a row) → open for ``open_seconds`` → half-open: one trial request;
its success closes the breaker, its failure opens it again. The clock is passed in, so the
rules are tested without waiting. (The same rules as mail-gateway's SMTP breaker.)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import StrEnum


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    def __init__(
        self,
        *,
        failures: int = 3,
        open_seconds: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.threshold = failures
        self.open_seconds = open_seconds
        self._clock = clock
        self.consecutive_failures = 0
        self.last_error: str | None = None
        self._opened_at: float | None = None
        self._trial_running = False

    @property
    def state(self) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._clock() - self._opened_at < self.open_seconds:
            return BreakerState.OPEN
        return BreakerState.HALF_OPEN

    def retry_in(self) -> float:
        if self._opened_at is None:
            return 0.0
        return max(0.0, self.open_seconds - (self._clock() - self._opened_at))

    def allow(self) -> bool:
        """May a request start now? In half-open state only one trial at a time."""
        state = self.state
        if state is BreakerState.CLOSED:
            return True
        if state is BreakerState.OPEN or self._trial_running:
            return False
        self._trial_running = True
        return True

    def record_success(self) -> None:
        self.consecutive_failures = 0
        self._opened_at = None
        self._trial_running = False

    def record_failure(self, error: str | None = None) -> None:
        self.consecutive_failures += 1
        self.last_error = error
        was_trial = self._trial_running
        self._trial_running = False
        if was_trial or (self._opened_at is None and self.consecutive_failures >= self.threshold):
            self._opened_at = self._clock()

    def release(self) -> None:
        """A trial ended without telling anything about the server."""
        self._trial_running = False

    def describe(self) -> str | None:
        if self.state is BreakerState.CLOSED:
            return None
        return (
            f"Bot API unreachable: {self.consecutive_failures} failed requests in a row, "
            f"next try in {self.retry_in():.0f}s (last error: {self.last_error or 'unknown'})"
        )
