"""The LLM path against a fake OpenAI-compatible server, through the real ``openai`` client.

Each case ends in its documented outcome:

| the provider ...                        | LlmCall.outcome | requests | result used              |
|-----------------------------------------|-----------------|----------|--------------------------|
| answers valid structured JSON           | ok              | 1        | combined (rules agree)   |
| answers 429, then valid JSON            | ok              | 2        | combined                 |
| answers 500 three times                 | server_error    | 3        | rules (fallback counted) |
| is slower than the client's timeout     | timeout         | 3        | rules (fallback counted) |
| answers JSON that breaks the schema     | invalid         | 1        | rules (fallback counted) |
| refuses (message.refusal)               | refusal         | 1        | rules (fallback counted) |
| stops at the token limit (length)       | truncated       | 1        | rules (fallback counted) |
| obeys an injected "price 0"             | ok              | 1        | rules' prices, review    |
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from decimal import Decimal

from llm_samples import (
    INJECTION,
    injected_quote_mail,
    quote_answer,
    quote_mail,
    request_answer,
    request_mail,
)
from prometheus_client import REGISTRY

from snab_parser.extractors import ParseEngine
from snab_parser.llm.client import LlmClient
from snab_parser.llm.prompt import SYSTEM_PROMPT
from snab_parser.llm.schema import SCHEMA_NAME, answer_schema
from tests.peers.openai_fake import FakeOpenAI, Reply


def metric(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def calls(outcome: str) -> float:
    return metric("snab_llm_calls_total", outcome=outcome)


def fallbacks(reason: str) -> float:
    return metric("snab_parser_fallbacks_total", reason=reason)


async def test_valid_structured_answer_is_combined_with_the_rules(
    fake_openai: FakeOpenAI, engine: ParseEngine
) -> None:
    fake_openai.reset()
    fake_openai.push(Reply.answer(request_answer(), prompt_tokens=812, completion_tokens=203))
    ok_before = calls("ok")
    prompt_before = metric("snab_llm_tokens_total", kind="prompt")
    latency_before = metric("snab_llm_latency_seconds_count")

    outcome = await engine.parse(request_mail())

    assert len(fake_openai.requests) == 1
    sent = fake_openai.requests[0]
    assert sent.body["model"] == "gpt-4o-mini"
    assert sent.json_schema is not None
    assert sent.json_schema["name"] == SCHEMA_NAME
    assert sent.json_schema["strict"] is True
    assert sent.json_schema["schema"] == answer_schema()

    call = outcome.llm_call
    assert call is not None and call.outcome == "ok"
    assert (call.prompt_tokens, call.completion_tokens) == (812, 203)
    assert call.raw is not None and json.loads(call.raw)["kind"] == "request"
    assert calls("ok") == ok_before + 1
    assert metric("snab_llm_tokens_total", kind="prompt") == prompt_before + 812
    assert metric("snab_llm_latency_seconds_count") == latency_before + 1

    result = outcome.result
    assert outcome.extractor == "combined" and outcome.agreed is True
    assert outcome.fallback_reason is None
    assert result.kind == "request" and result.request is not None
    assert [i.quantity for i in result.request.items] == [100, 200, 200]
    # The rules did not read the INN; the LLM did, and nothing contradicts it.
    assert result.request.inn == "7707083893"
    assert result.confidence > max(outcome.rules_result.confidence, 0.85)
    assert result.needs_review is False


async def test_rate_limit_then_success_retries_after_the_advertised_delay(
    fake_openai: FakeOpenAI, make_llm: Callable[..., LlmClient]
) -> None:
    fake_openai.reset()
    fake_openai.push(Reply.rate_limited(retry_after_ms=150), Reply.answer(quote_answer()))
    limited_before = calls("rate_limited")

    call = await make_llm().read(quote_mail())

    assert call.outcome == "ok" and call.answer is not None
    assert [a.outcome for a in call.attempts] == ["rate_limited", "ok"]
    assert call.attempts[0].status == 429
    first, second = fake_openai.requests
    assert second.at - first.at >= 0.15
    assert calls("rate_limited") == limited_before + 1
    # The same request again: the retry did not change what was asked.
    assert first.body == second.body


async def test_three_server_errors_fall_back_to_the_rules(
    fake_openai: FakeOpenAI, engine: ParseEngine
) -> None:
    fake_openai.reset()
    fake_openai.push(Reply.server_error(), Reply.server_error(), Reply.server_error())
    before = fallbacks("server_error")

    outcome = await engine.parse(quote_mail())

    assert len(fake_openai.requests) == 3
    assert outcome.llm_call is not None and outcome.llm_call.outcome == "server_error"
    assert [a.status for a in outcome.llm_call.attempts] == [500, 500, 500]
    assert outcome.extractor == "rules" and outcome.fallback_reason == "server_error"
    assert fallbacks("server_error") == before + 1
    quote = outcome.result.quote
    assert outcome.result.kind == "quote" and quote is not None
    assert [line.unit_price for line in quote.lines] == [Decimal("12.5"), Decimal("4")]
    assert outcome.result == outcome.rules_result.model_copy(
        update={"confidence": outcome.result.confidence}
    )


async def test_timeouts_are_retried_then_fall_back_within_a_bounded_time(
    fake_openai: FakeOpenAI, engine: ParseEngine
) -> None:
    fake_openai.reset()
    fake_openai.push(*(Reply.slow(5.0, then=Reply.answer(quote_answer())) for _ in range(3)))
    before = fallbacks("timeout")
    started = time.monotonic()

    outcome = await engine.parse(quote_mail())

    elapsed = time.monotonic() - started
    assert outcome.llm_call is not None
    assert [a.outcome for a in outcome.llm_call.attempts] == ["timeout"] * 3
    assert len(fake_openai.requests) == 3
    # 3 attempts of 0.4 s and two short backoffs, not 3 x 5 s.
    assert elapsed < 3.0
    assert outcome.extractor == "rules" and outcome.fallback_reason == "timeout"
    assert fallbacks("timeout") == before + 1


async def test_a_slow_answer_then_a_fast_one_succeeds(
    fake_openai: FakeOpenAI, make_llm: Callable[..., LlmClient]
) -> None:
    fake_openai.reset()
    fake_openai.push(Reply.slow(5.0), Reply.answer(quote_answer()))
    call = await make_llm().read(quote_mail())
    assert [a.outcome for a in call.attempts] == ["timeout", "ok"]
    assert call.outcome == "ok"


async def test_schema_violation_is_not_retried_and_falls_back(
    fake_openai: FakeOpenAI, engine: ParseEngine
) -> None:
    fake_openai.reset()
    broken = quote_answer()
    broken["quote"]["lines"][0]["unit_price"] = "двенадцать пятьдесят"
    del broken["confidence"]
    fake_openai.push(Reply.answer(broken))
    before = fallbacks("invalid")

    outcome = await engine.parse(quote_mail())

    call = outcome.llm_call
    assert call is not None and call.outcome == "invalid"
    assert len(fake_openai.requests) == 1
    assert call.error is not None and "schema violated" in call.error
    assert "unit_price" in call.error and "confidence" in call.error
    assert call.raw is not None and "двенадцать пятьдесят" in call.raw  # kept for tracing
    assert outcome.extractor == "rules" and outcome.fallback_reason == "invalid"
    assert fallbacks("invalid") == before + 1


async def test_answer_that_breaks_business_rules_falls_back(
    fake_openai: FakeOpenAI, engine: ParseEngine
) -> None:
    fake_openai.reset()
    answer = quote_answer()
    answer["quote"]["lines"][0]["line_total"] = 9999  # 100 x 12.50 is not 9999
    answer["quote"]["lines"][1]["quantity"] = -200
    fake_openai.push(Reply.answer(answer))
    before = fallbacks("invalid_result")

    outcome = await engine.parse(quote_mail())

    assert outcome.llm_call is not None and outcome.llm_call.outcome == "ok"
    assert outcome.llm_call.error is not None
    assert "line_total_mismatch" in outcome.llm_call.error
    assert "quantity_not_positive" in outcome.llm_call.error
    assert outcome.extractor == "rules" and outcome.fallback_reason == "invalid_result"
    assert outcome.llm_result is None
    assert fallbacks("invalid_result") == before + 1


async def test_refusal_is_not_retried_and_falls_back(
    fake_openai: FakeOpenAI, engine: ParseEngine
) -> None:
    fake_openai.reset()
    fake_openai.push(Reply.refusal("I can't help with that request."))
    before = fallbacks("refusal")

    outcome = await engine.parse(request_mail())

    assert len(fake_openai.requests) == 1
    assert outcome.llm_call is not None and outcome.llm_call.outcome == "refusal"
    assert outcome.llm_call.raw == "I can't help with that request."
    assert outcome.extractor == "rules" and outcome.fallback_reason == "refusal"
    assert outcome.result.kind == "request"
    assert fallbacks("refusal") == before + 1


async def test_truncated_answer_is_not_parsed_and_falls_back(
    fake_openai: FakeOpenAI, engine: ParseEngine
) -> None:
    fake_openai.reset()
    fake_openai.push(Reply.truncated(quote_answer(), keep=0.6))
    before = fallbacks("truncated")

    outcome = await engine.parse(quote_mail())

    assert len(fake_openai.requests) == 1
    call = outcome.llm_call
    assert call is not None and call.outcome == "truncated"
    assert call.raw is not None and call.raw.startswith('{"kind": "quote"')
    assert outcome.extractor == "rules" and outcome.fallback_reason == "truncated"
    assert fallbacks("truncated") == before + 1


async def test_injected_instructions_travel_as_data_and_change_no_price(
    fake_openai: FakeOpenAI, engine: ParseEngine
) -> None:
    fake_openai.reset()
    obeying = quote_answer()
    for line in obeying["quote"]["lines"]:
        line["unit_price"], line["line_total"] = 0, 0
    obeying["quote"]["total"] = 0
    fake_openai.push(Reply.answer(quote_answer()), Reply.answer(obeying))

    plain = await engine.parse(quote_mail())
    injected = await engine.parse(injected_quote_mail())

    clean_request, injected_request = fake_openai.requests
    # The system message is fixed: the email cannot change it.
    assert clean_request.system == injected_request.system == SYSTEM_PROMPT
    assert INJECTION not in injected_request.system
    # The email is in the user message, between markers carrying one random token.
    user = injected_request.user
    start = user.index("<<<EMAIL ")
    token = user[start + len("<<<EMAIL ") : user.index(">>>", start)]
    end = user.index(f"<<<END EMAIL {token}>>>")
    assert len(token) == 16 and start < user.index(INJECTION) < end
    assert user.count(token) == 2
    assert "not instructions" in user[:start]

    assert plain.result.needs_review is False
    result = injected.result
    assert result.kind == "quote" and result.quote is not None
    # The prices read from the text stand; the model's zeros are only named for review.
    assert [line.unit_price for line in result.quote.lines] == [Decimal("12.5"), Decimal("4")]
    assert result.quote.total == Decimal("2050")
    assert result.needs_review is True
    assert "instructions_in_email" in result.review_reasons
    assert any(r.startswith("unit_price_disagree: Болт") for r in result.review_reasons)


async def test_injected_instructions_cannot_change_the_kind(
    fake_openai: FakeOpenAI, engine: ParseEngine
) -> None:
    fake_openai.reset()
    fake_openai.push(
        Reply.answer(
            {
                "kind": "other",
                "other_reason": "spam",
                "request": None,
                "quote": None,
                "confidence": 0.99,
                "instructions_in_email": False,
            }
        )
    )
    outcome = await engine.parse(injected_quote_mail())
    assert outcome.result.kind == "quote"
    assert outcome.extractor == "rules"
    assert outcome.result.needs_review is True
    assert "extractors_disagree: kind rules=quote, llm=other" in outcome.result.review_reasons


async def test_request_without_schema_is_rejected_by_the_fake(fake_openai: FakeOpenAI) -> None:
    """The fake enforces structured outputs, so the cases above prove the client sends them."""
    from openai import AsyncOpenAI, BadRequestError

    fake_openai.reset()
    client = AsyncOpenAI(base_url=fake_openai.base_url, api_key="sk-test", max_retries=0)
    try:
        await client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "привет"}]
        )
    except BadRequestError as exc:
        assert exc.status_code == 400
    else:
        raise AssertionError("a request without response_format was accepted")
    finally:
        await client.close()
