"""The rules of the notifier without I/O: pacing within Telegram's limits, the breaker,
which notices fold into a digest, how notices about one thing join."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

from snab_notifier.domain.breaker import BreakerState, CircuitBreaker
from snab_notifier.domain.notices import (
    DigestNotice,
    Kind,
    OrderNotice,
    QuoteLine,
    QuotesNotice,
    fold,
    merge,
    plan,
)
from snab_notifier.domain.pacing import Pacer


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_one_request_per_chat_at_a_time_and_a_second_apart() -> None:
    clock = Clock()
    pacer = Pacer(chat_interval=1.0, global_rate=30, clock=clock)
    assert pacer.acquire(1)
    assert not pacer.acquire(1), "busy until released"
    assert pacer.acquire(2), "another chat is free"
    clock.now += 0.3
    pacer.release(1)
    clock.now += 0.9
    assert not pacer.acquire(1), "a second after the previous request finished"
    assert pacer.next_ready([1]) is not None and 0 < (pacer.next_ready([1]) or 0) <= 0.1
    clock.now += 0.1
    assert pacer.acquire(1)


def test_thirty_a_second_overall() -> None:
    clock = Clock()
    pacer = Pacer(chat_interval=1.0, global_rate=30, clock=clock)
    assert all(pacer.acquire(chat) for chat in range(30))
    assert not pacer.acquire(31)
    assert abs(pacer.global_wait() - 1 / 30) < 1e-9
    clock.now += 0.101  # three tokens back
    assert [pacer.acquire(chat) for chat in range(31, 35)] == [True, True, True, False]


def test_a_429_holds_the_chat_and_a_cancel_gives_everything_back() -> None:
    clock = Clock()
    pacer = Pacer(chat_interval=1.0, global_rate=2, clock=clock)
    pacer.hold(7, 5)
    assert not pacer.acquire(7)
    clock.now += 5
    assert pacer.acquire(7)
    pacer.cancel(7)
    assert pacer.acquire(7), "cancelled: neither the chat nor the token was used"
    assert pacer.acquire(8)
    assert not pacer.acquire(9), "two tokens a second"


def test_the_breaker_opens_after_failures_and_lets_one_trial_through() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failures=3, open_seconds=5, clock=clock)
    for _ in range(3):
        assert breaker.allow()
        breaker.record_failure("refused")
    assert breaker.state is BreakerState.OPEN and not breaker.allow()
    assert "3 failed requests" in (breaker.describe() or "")
    clock.now += 5
    assert breaker.allow() and not breaker.allow(), "one trial at a time"
    breaker.record_failure("still refused")
    assert breaker.state is BreakerState.OPEN
    clock.now += 5
    assert breaker.allow()
    breaker.record_success()
    assert breaker.state is BreakerState.CLOSED and breaker.describe() is None


def test_a_burst_folds_and_a_proposal_never_waits_behind_it() -> None:
    o, p = Kind.ORDER_CREATED, Kind.PROPOSAL_READY
    assert plan([o], threshold=3, digest_open=False) == ("single", [0])
    assert plan([o, o], threshold=3, digest_open=False) == ("single", [0])
    assert plan([o, o, o], threshold=3, digest_open=False) == ("digest", [0, 1, 2])
    assert plan([o], threshold=3, digest_open=True) == ("digest", [0]), "an open digest takes it"
    assert plan([o, p, o, o], threshold=3, digest_open=False) == ("digest", [0, 2, 3])
    assert plan([p, o, o, o], threshold=3, digest_open=True) == ("single", [0])
    assert plan([], threshold=3, digest_open=False) == ("single", [])


def test_quotes_about_one_order_add_up_and_a_requote_replaces() -> None:
    order = uuid4()
    a, b = uuid4(), uuid4()

    def quotes(supplier: object, total: str, version: int, answered: int) -> QuotesNotice:
        return QuotesNotice(
            order_id=order,
            number="ORD-2026-0001",
            quotes=[
                QuoteLine(
                    supplier_id=supplier,  # type: ignore[arg-type]
                    supplier="S",
                    quote_id=uuid4(),
                    version=version,
                    total=Decimal(total),
                )
            ],
            answered=answered,
            requests=3,
        )

    joined = merge(Kind.QUOTES, quotes(a, "100", 1, 1), quotes(b, "90", 1, 2))
    assert isinstance(joined, QuotesNotice)
    assert sorted(q.total for q in joined.quotes if q.total) == [Decimal(90), Decimal(100)]
    assert joined.answered == 2
    again = merge(Kind.QUOTES, joined, quotes(a, "95", 2, 2))
    assert isinstance(again, QuotesNotice)
    assert {q.supplier_id: q.total for q in again.quotes} == {a: Decimal(95), b: Decimal(90)}


def test_a_digest_counts_by_kind_and_names_the_newest_orders() -> None:
    def order(n: int) -> tuple[Kind, OrderNotice]:
        return Kind.ORDER_CREATED, OrderNotice(order_id=uuid4(), number=f"ORD-2026-{n:04d}")

    digest = fold(DigestNotice(), [order(9), order(10), order(8)])
    digest = fold(digest, [order(11), (Kind.QUOTES, QuotesNotice(order_id=uuid4(), number="x"))])
    assert digest.counts == {"order_created": 4, "quotes": 1}
    assert digest.numbers == ["ORD-2026-0009", "ORD-2026-0010", "ORD-2026-0011"]
