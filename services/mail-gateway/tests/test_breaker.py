"""The circuit breaker's states, driven by a fake clock."""

from __future__ import annotations

from snab_mail.domain.breaker import BreakerState, CircuitBreaker


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_opens_after_consecutive_failures_and_half_opens_after_the_period() -> None:
    clock = Clock()
    breaker = CircuitBreaker("smtp", failures=5, open_seconds=60, clock=clock)
    for _ in range(4):
        breaker.record_failure("421 busy")
    assert breaker.state is BreakerState.CLOSED and breaker.allow()
    breaker.record_failure("421 busy")
    assert breaker.state is BreakerState.OPEN
    assert not breaker.allow()
    assert "5 consecutive failures" in (breaker.describe() or "")
    clock.now += 59
    assert not breaker.allow() and breaker.retry_in() == 1
    clock.now += 1
    assert breaker.state is BreakerState.HALF_OPEN
    assert breaker.allow()  # one trial
    assert not breaker.allow()  # and only one
    breaker.record_success()
    assert breaker.state is BreakerState.CLOSED and breaker.describe() is None


def test_a_success_resets_the_count() -> None:
    breaker = CircuitBreaker("imap", failures=3, open_seconds=10, clock=Clock())
    breaker.record_failure()
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED


def test_a_failed_trial_opens_again_for_a_full_period() -> None:
    clock = Clock()
    breaker = CircuitBreaker("smtp", failures=1, open_seconds=30, clock=clock)
    breaker.record_failure()
    clock.now += 30
    assert breaker.allow()
    breaker.record_failure("still down")
    assert breaker.state is BreakerState.OPEN and breaker.retry_in() == 30


def test_a_released_trial_lets_the_next_one_through() -> None:
    clock = Clock()
    breaker = CircuitBreaker("smtp", failures=1, open_seconds=5, clock=clock)
    breaker.record_failure()
    clock.now += 5
    assert breaker.allow()
    breaker.release()
    assert breaker.allow()
