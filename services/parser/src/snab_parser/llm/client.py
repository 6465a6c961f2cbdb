"""The LLM extractor: one email in, a validated answer (or the reason there is none) out.

Any OpenAI-compatible endpoint, through the ``openai`` client with its own retries off:
this module makes up to ``attempts`` requests, retrying 429, 5xx, timeouts and connection
errors with exponential backoff (honouring Retry-After), and records every request in
metrics. A refusal, a truncated answer or one that breaks the schema is not retried: the
caller falls back to the rule extractor. A circuit breaker skips the LLM for a while after
repeated failures, so an outage does not slow every email down.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

import openai
from openai import AsyncOpenAI
from openai.types.chat import ChatCompletionMessageParam
from pydantic import ValidationError

from snab_kit.logging import get_logger
from snab_mailparse import ParsedMail
from snab_parser.email_text import email_as_text
from snab_parser.llm.breaker import CircuitBreaker
from snab_parser.llm.metrics import LLM_CALLS, LLM_LATENCY, LLM_TOKENS
from snab_parser.llm.prompt import prompt_for
from snab_parser.llm.schema import LlmAnswer, missing_sections, response_format
from snab_parser.settings import ParserSettings

log = get_logger(__name__)

Outcome = Literal[
    "ok",
    "refusal",
    "truncated",
    "invalid",
    "rate_limited",
    "server_error",
    "timeout",
    "connection_error",
    "client_error",
    "breaker_open",
]
RETRYABLE: frozenset[str] = frozenset(
    {"rate_limited", "server_error", "timeout", "connection_error"}
)


@dataclass
class Attempt:
    """One request to the LLM."""

    outcome: Outcome
    seconds: float
    status: int | None = None
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "seconds": round(self.seconds, 4),
            "status": self.status,
            "error": self.error,
        }


@dataclass
class LlmCall:
    """Everything about one email's trip to the LLM, kept with the parse attempt."""

    outcome: Outcome
    model: str
    answer: LlmAnswer | None = None
    raw: str | None = None
    error: str | None = None
    attempts: list[Attempt] = field(default_factory=list)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    input_truncated: bool = False

    @property
    def ok(self) -> bool:
        return self.outcome == "ok" and self.answer is not None


class _Failed(Exception):
    def __init__(
        self,
        outcome: Outcome,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        raw: str | None = None,
    ) -> None:
        super().__init__(message)
        self.outcome = outcome
        self.status = status
        self.retry_after = retry_after
        self.raw = raw


def _retry_after(headers: Any) -> float | None:
    """Seconds to wait, from ``retry-after-ms`` or ``Retry-After`` (seconds)."""
    if headers is None:
        return None
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value) * scale
        except ValueError:
            continue
        if seconds >= 0:
            return seconds
    return None


def _classify(exc: Exception) -> _Failed:
    if isinstance(exc, openai.APITimeoutError):
        return _Failed("timeout", "request timed out")
    if isinstance(exc, openai.APIConnectionError):
        return _Failed("connection_error", f"connection failed: {exc}")
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        message = f"HTTP {status}: {str(exc)[:300]}"
        retry_after = _retry_after(exc.response.headers)
        if status == 429:
            return _Failed("rate_limited", message, status=status, retry_after=retry_after)
        if status >= 500 or status == 408:
            return _Failed("server_error", message, status=status, retry_after=retry_after)
        return _Failed("client_error", message, status=status)
    return _Failed("client_error", f"{type(exc).__name__}: {exc}")


class LlmClient:
    """Reads one email with the LLM. Safe to share between concurrent handlers."""

    def __init__(
        self,
        *,
        client: AsyncOpenAI,
        model: str,
        attempts: int = 3,
        backoff_seconds: float = 1.0,
        max_backoff_seconds: float = 10.0,
        max_input_chars: int = 24_000,
        max_output_tokens: int = 4096,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self.client = client
        self.model = model
        self.attempts = attempts
        self.backoff_seconds = backoff_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self.max_input_chars = max_input_chars
        self.max_output_tokens = max_output_tokens
        self.breaker = breaker or CircuitBreaker()

    @classmethod
    def from_settings(
        cls, settings: ParserSettings, *, breaker: CircuitBreaker | None = None
    ) -> LlmClient:
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else ""
        client = AsyncOpenAI(
            api_key=key,
            base_url=settings.openai_base_url or None,
            timeout=settings.llm_timeout_seconds,
            max_retries=0,  # retries are ours: counted, logged and bounded
        )
        return cls(
            client=client,
            model=settings.openai_model,
            attempts=settings.llm_attempts,
            backoff_seconds=settings.llm_backoff_seconds,
            max_backoff_seconds=settings.llm_max_backoff_seconds,
            max_input_chars=settings.llm_max_input_chars,
            max_output_tokens=settings.llm_answer_limit,
            breaker=breaker
            or CircuitBreaker(
                threshold=settings.llm_breaker_failures,
                open_seconds=settings.llm_breaker_open_seconds,
            ),
        )

    async def close(self) -> None:
        await self.client.close()

    async def read(self, mail: ParsedMail) -> LlmCall:
        return await self.read_text(email_as_text(mail))

    async def read_text(self, email_text: str) -> LlmCall:
        """Ask the model about an email written out as text (``email_as_text``)."""
        prompt = prompt_for(email_text, max_chars=self.max_input_chars)
        call = LlmCall(outcome="breaker_open", model=self.model)
        call.input_truncated = prompt.truncated
        started = time.perf_counter()
        try:
            for number in range(1, self.attempts + 1):
                if not self.breaker.allow():
                    call.outcome, call.error = "breaker_open", "circuit breaker is open"
                    break
                try:
                    await self._attempt(prompt.messages, call)
                except _Failed as failed:
                    call.outcome, call.error = failed.outcome, str(failed)
                    if failed.raw is not None:
                        call.raw = failed.raw
                    if failed.outcome not in RETRYABLE and failed.outcome != "client_error":
                        # The provider answered: it is up, only this answer is unusable.
                        self.breaker.record_success()
                        break
                    self.breaker.record_failure()
                    if failed.outcome not in RETRYABLE or number == self.attempts:
                        break
                    delay = self._delay(number, failed.retry_after)
                    log.warning(
                        "llm_retry",
                        attempt=number,
                        outcome=failed.outcome,
                        retry_in=round(delay, 3),
                        error=str(failed)[:300],
                    )
                    await asyncio.sleep(delay)
                else:
                    self.breaker.record_success()
                    call.outcome, call.error = "ok", None
                    break
        except BaseException:
            self.breaker.abandon()
            raise
        call.seconds = time.perf_counter() - started
        if not call.ok:
            log.warning(
                "llm_unusable", outcome=call.outcome, attempts=len(call.attempts), error=call.error
            )
        return call

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_backoff_seconds)
        base = self.backoff_seconds * 2.0 ** (attempt - 1)
        return min(base * (0.75 + random.random() / 2), self.max_backoff_seconds)

    async def _attempt(self, messages: list[ChatCompletionMessageParam], call: LlmCall) -> None:
        """One request; fills ``call`` on success, raises ``_Failed`` otherwise."""
        started = time.perf_counter()
        status: int | None = None
        try:
            try:
                completion = await self.client.chat.completions.create(
                    model=self.model,
                    messages=messages,
                    response_format=response_format(),
                    temperature=0,
                    max_tokens=self.max_output_tokens,
                )
            except openai.APIError as exc:
                raise _classify(exc) from exc
            status = 200
            self._count_tokens(completion, call)
            call.raw, call.answer = None, None
            choice = completion.choices[0] if completion.choices else None
            if choice is None:
                raise _Failed("invalid", "the answer has no choices", status=status)
            message = choice.message
            if message.refusal:
                raise _Failed("refusal", "the model refused", status=status, raw=message.refusal)
            content = message.content or ""
            if choice.finish_reason == "length":
                raise _Failed("truncated", "the answer was cut off", status=status, raw=content)
            if choice.finish_reason == "content_filter":
                raise _Failed(
                    "refusal", "the content filter stopped it", status=status, raw=content
                )
            call.raw = content
            call.answer = parse_answer(content)
        except _Failed as failed:
            seconds = time.perf_counter() - started
            call.attempts.append(
                Attempt(failed.outcome, seconds, status=failed.status, error=str(failed)[:500])
            )
            LLM_CALLS.labels(failed.outcome).inc()
            LLM_LATENCY.observe(seconds)
            raise
        seconds = time.perf_counter() - started
        call.attempts.append(Attempt("ok", seconds, status=status))
        LLM_CALLS.labels("ok").inc()
        LLM_LATENCY.observe(seconds)

    @staticmethod
    def _count_tokens(completion: Any, call: LlmCall) -> None:
        usage = getattr(completion, "usage", None)
        if usage is None:
            return
        prompt, completion_tokens = usage.prompt_tokens or 0, usage.completion_tokens or 0
        call.prompt_tokens += prompt
        call.completion_tokens += completion_tokens
        LLM_TOKENS.labels("prompt").inc(prompt)
        LLM_TOKENS.labels("completion").inc(completion_tokens)


def parse_answer(content: str) -> LlmAnswer:
    """The answer's JSON, held to the schema; raises ``_Failed("invalid")`` otherwise."""
    try:
        data = json.loads(content, parse_float=Decimal)
    except ValueError as exc:
        raise _Failed("invalid", f"not JSON: {exc}", status=200, raw=content) from exc
    try:
        answer = LlmAnswer.model_validate(data)
    except ValidationError as exc:
        errors = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5]
        )
        raise _Failed("invalid", f"schema violated: {errors}", status=200, raw=content) from exc
    problems = missing_sections(answer)
    if problems:
        raise _Failed("invalid", "; ".join(problems), status=200, raw=content)
    return answer
