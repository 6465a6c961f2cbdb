"""The circuit breaker stops calling a failing LLM for a while, then tries once again."""

from __future__ import annotations

from collections.abc import Callable

from llm_samples import quote_answer, quote_mail
from prometheus_client import REGISTRY

from snab_parser.extractors import ParseEngine
from snab_parser.llm.breaker import CircuitBreaker
from snab_parser.llm.client import LlmClient
from tests.peers.openai_fake import FakeOpenAI, Reply


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def gauge() -> float | None:
    return REGISTRY.get_sample_value("snab_llm_breaker_open")


async def test_five_failures_open_the_breaker_and_the_llm_is_skipped(
    fake_openai: FakeOpenAI, make_llm: Callable[..., LlmClient]
) -> None:
    fake_openai.reset()
    fake_openai.push(*(Reply.server_error(503) for _ in range(5)))
    clock = Clock()
    breaker = CircuitBreaker(threshold=5, open_seconds=60, clock=clock)
    engine = ParseEngine(llm=make_llm(breaker=breaker), review_confidence=0.6)
    skipped_before = (
        REGISTRY.get_sample_value("snab_parser_fallbacks_total", {"reason": "breaker_open"}) or 0.0
    )

    first = await engine.parse(quote_mail())  # 3 failed requests
    second = await engine.parse(quote_mail())  # 2 more: the fifth opens the breaker

    assert len(fake_openai.requests) == 5
    assert first.fallback_reason == "server_error"
    assert second.fallback_reason == "breaker_open"
    assert breaker.state == "open" and gauge() == 1

    third = await engine.parse(quote_mail())
    assert len(fake_openai.requests) == 5  # no request while open
    assert third.llm_call is not None and third.llm_call.attempts == []
    assert third.extractor == "rules" and third.result.kind == "quote"
    skipped = REGISTRY.get_sample_value("snab_parser_fallbacks_total", {"reason": "breaker_open"})
    assert skipped == skipped_before + 2

    # After the open period one trial goes through; its success closes the breaker.
    clock.now += 61
    fake_openai.push(Reply.answer(quote_answer()))
    fourth = await engine.parse(quote_mail())
    assert len(fake_openai.requests) == 6
    assert fourth.extractor == "combined"
    assert breaker.state == "closed" and gauge() == 0


async def test_failed_trial_opens_the_breaker_again(
    fake_openai: FakeOpenAI, make_llm: Callable[..., LlmClient]
) -> None:
    fake_openai.reset()
    fake_openai.push(*(Reply.server_error() for _ in range(6)))
    clock = Clock()
    breaker = CircuitBreaker(threshold=5, open_seconds=60, clock=clock)
    llm = make_llm(breaker=breaker, attempts=5)

    await llm.read(quote_mail())
    assert breaker.state == "open" and len(fake_openai.requests) == 5
    clock.now += 60.5
    trial = await llm.read(quote_mail())
    # One trial request, it fails: open again, no second request in the same call.
    assert len(fake_openai.requests) == 6
    assert [a.outcome for a in trial.attempts] == ["server_error"]
    assert trial.outcome == "breaker_open"
    assert breaker.state == "open"


def test_half_open_lets_one_request_through_at_a_time() -> None:
    clock = Clock()
    breaker = CircuitBreaker(threshold=1, open_seconds=10, clock=clock)
    breaker.record_failure()
    assert not breaker.allow()
    clock.now += 10
    assert breaker.allow()
    assert not breaker.allow()  # the trial is still running
    breaker.abandon()  # e.g. the handler was cancelled
    assert breaker.allow()
    breaker.record_success()
    assert breaker.state == "closed" and breaker.allow()


async def test_content_problems_do_not_count_as_outage(
    fake_openai: FakeOpenAI, make_llm: Callable[..., LlmClient]
) -> None:
    fake_openai.reset()
    fake_openai.push(*(Reply.refusal() for _ in range(6)))
    breaker = CircuitBreaker(threshold=5, open_seconds=60)
    llm = make_llm(breaker=breaker)
    for _ in range(6):
        call = await llm.read(quote_mail())
        assert call.outcome == "refusal"
    assert breaker.state == "closed" and breaker.failures == 0
    assert len(fake_openai.requests) == 6
