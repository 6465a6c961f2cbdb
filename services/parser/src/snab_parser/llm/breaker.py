"""A circuit breaker: after N failed requests in a row, skip the LLM for a while.

Closed: requests go through. Open (after ``threshold`` failures in a row): ``allow()`` says
no until ``open_seconds`` have passed. Then one trial request goes through (half-open):
success closes the breaker, failure opens it again for another ``open_seconds``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from snab_kit.logging import get_logger
from snab_parser.llm.metrics import BREAKER_OPEN

log = get_logger(__name__)


class CircuitBreaker:
    def __init__(
        self,
        *,
        threshold: int = 5,
        open_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.threshold = threshold
        self.open_seconds = open_seconds
        self.clock = clock
        self.failures = 0
        self.opened_at: float | None = None
        self._trial_running = False
        BREAKER_OPEN.set(0)

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        if self.clock() - self.opened_at < self.open_seconds:
            return "open"
        return "half_open"

    def allow(self) -> bool:
        """May a request go out now? In half-open state, only one at a time."""
        state = self.state
        if state == "closed":
            return True
        if state == "open" or self._trial_running:
            return False
        self._trial_running = True
        return True

    def record_success(self) -> None:
        if self.opened_at is not None:
            log.info("llm_breaker_closed")
        self.failures = 0
        self.opened_at = None
        self._trial_running = False
        BREAKER_OPEN.set(0)

    def abandon(self) -> None:
        """A request ended without telling anything (cancelled): let another one try."""
        self._trial_running = False

    def record_failure(self) -> None:
        self.failures += 1
        trial_failed = self._trial_running
        self._trial_running = False
        if trial_failed or (self.opened_at is None and self.failures >= self.threshold):
            self.opened_at = self.clock()
            BREAKER_OPEN.set(1)
            log.warning(
                "llm_breaker_opened", failures=self.failures, open_seconds=self.open_seconds
            )
