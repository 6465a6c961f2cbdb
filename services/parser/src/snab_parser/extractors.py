"""The parse engine: the rule extractor always, the LLM when configured, one result.

The rules are cheap and offline, so they always run: their reading is the fallback when
the LLM is off, unavailable, skipped by the circuit breaker, or answers something unusable
(each such fallback is counted by reason), and the check on the LLM's numbers when it is
not. The rules' reading (``reading.read``) is CPU work: the service has a worker process do
it (``pool``), and ``ParseEngine.finish`` adds the LLM's answer to it. ``ParseEngine.parse``
does both in this process, for tests and benchmarks. ``CliExtractor`` wraps the engine in
the synchronous ``Extractor`` interface.
"""

from __future__ import annotations

import asyncio
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import structlog

from snab_kit.logging import configure_logging, get_logger
from snab_mailparse import ParsedMail
from snab_parser.combine import ExtractorUsed, combine
from snab_parser.domain.boundary import settle
from snab_parser.domain.validation import check
from snab_parser.llm.metrics import FALLBACKS
from snab_parser.llm.schema import to_parse_result
from snab_parser.reading import Reading, read_mail
from snab_parser.result import ExtractorName, ParseResult
from snab_parser.rules import RuleExtractor
from snab_parser.settings import ParserSettings

if TYPE_CHECKING:  # openai is imported only when the LLM is configured
    from snab_parser.llm.client import LlmCall, LlmClient

log = get_logger(__name__)

# A model's own certainty is a hint, not a measurement: it never counts for more than this.
LLM_MAX_CONFIDENCE = 0.9
INSTRUCTIONS_REASON = "instructions_in_email"


@dataclass
class ParseOutcome:
    """The result and how it came about: kept with the parse attempt."""

    result: ParseResult
    extractor: ExtractorUsed
    rules_result: ParseResult
    llm_result: ParseResult | None
    llm_call: LlmCall | None
    fallback_reason: str | None
    agreed: bool | None
    rules_seconds: float
    llm_seconds: float
    seconds: float


class ParseEngine:
    def __init__(
        self,
        *,
        llm: LlmClient | None,
        review_confidence: float = 0.6,
        rules: RuleExtractor | None = None,
    ) -> None:
        self.llm = llm
        self.review_confidence = review_confidence
        self.rules = rules or RuleExtractor()

    @property
    def llm_chars(self) -> int | None:
        """How much of an email the LLM is sent; None when there is no LLM."""
        return self.llm.max_input_chars if self.llm is not None else None

    @classmethod
    def from_settings(
        cls, settings: ParserSettings, *, rules: RuleExtractor | None = None
    ) -> ParseEngine:
        llm = None
        if settings.llm_enabled:  # openai (its client and types) is loaded only for this
            from snab_parser.llm.client import LlmClient

            llm = LlmClient.from_settings(settings)
        return cls(llm=llm, review_confidence=settings.review_confidence, rules=rules)

    def announce(self, settings: ParserSettings) -> None:
        """Say once, at start, which extractors run."""
        if self.llm is None:
            if settings.extractor == "rules":
                log.info("extractor_mode", extractor="rules")
            else:
                log.warning("llm_disabled", reason="OPENAI_API_KEY is not set", extractor="rules")
            return
        log.info(
            "llm_enabled",
            extractor=settings.extractor,
            model=settings.openai_model,
            base_url=settings.openai_base_url or "default",
            worst_case_seconds=settings.llm_worst_case_seconds,
        )

    async def close(self) -> None:
        if self.llm is not None:
            await self.llm.close()

    async def parse(self, mail: ParsedMail) -> ParseOutcome:
        """Read the mail in this process (a thread), then ask the LLM."""
        reading = await asyncio.to_thread(
            read_mail, mail, limits=self.rules.limits, llm_chars=self.llm_chars, rules=self.rules
        )
        return await self.finish(reading)

    async def finish(self, reading: Reading) -> ParseOutcome:
        """The rules' reading, with the LLM's when one is configured, as one result."""
        started = time.perf_counter()
        rules_result = reading.rules
        # Header verdicts need no model: auto-replies and bounces never reach the LLM.
        call: LlmCall | None = None
        if self.llm is not None and reading.llm_text is not None:
            call = await self.llm.read_text(reading.llm_text)

        llm_result, fallback = self._llm_result(call)
        if fallback is not None:
            FALLBACKS.labels(fallback).inc()
        injected = reading.injected or bool(
            call is not None and call.answer is not None and call.answer.instructions_in_email
        )
        combined = combine(
            rules_result,
            llm_result,
            review_confidence=self.review_confidence,
            distrust_llm=injected,
        )
        result = combined.result
        if injected:
            result = result.model_copy(
                update={
                    "needs_review": True,
                    "review_reasons": [*result.review_reasons, INSTRUCTIONS_REASON],
                }
            )
        return ParseOutcome(
            result=result,
            extractor=combined.extractor,
            rules_result=rules_result,
            llm_result=llm_result,
            llm_call=call,
            fallback_reason=fallback,
            agreed=combined.agreed,
            rules_seconds=reading.rules_seconds,
            llm_seconds=call.seconds if call else 0.0,
            seconds=reading.rules_seconds + time.perf_counter() - started,
        )

    def _llm_result(self, call: LlmCall | None) -> tuple[ParseResult | None, str | None]:
        """The LLM's reading if usable, else why not (the fallback reason)."""
        if call is None:
            return None, None
        if not call.ok or call.answer is None:
            return None, call.outcome
        result = settle(to_parse_result(call.answer))
        verdict = check(result)
        if not verdict.valid:
            call.error = "business rules: " + "; ".join(verdict.errors)
            log.warning("llm_result_invalid", errors=verdict.errors[:10])
            return None, "invalid_result"
        confidence = min(result.confidence, LLM_MAX_CONFIDENCE)
        # settle's reasons (numbers out of range, bidi controls) and the warnings
        reasons = [*result.review_reasons, *verdict.warnings]
        return (
            result.model_copy(
                update={
                    "confidence": confidence,
                    "review_reasons": reasons,
                    "needs_review": bool(reasons) or confidence < self.review_confidence,
                }
            ),
            None,
        )


class CliExtractor:
    """The engine behind the CLI's ``--extractor llm|auto``: rules plus the LLM, one result.

    ``extractor`` in the printed result is ``llm`` when the LLM's reading was used (alone or
    checked against the rules) and ``rules`` when the rules' reading stood alone.
    """

    name: ExtractorName = "llm"

    def __init__(self, settings: ParserSettings | None = None) -> None:
        self.settings = settings or ParserSettings()
        if not structlog.is_configured():
            # Keep stdout for the JSON: logs go to stderr.
            configure_logging(service="parser-cli", level="WARNING", fmt="console")

    def extract(self, mail: ParsedMail) -> ParseResult:
        outcome = asyncio.run(self._parse(mail))
        if outcome.fallback_reason:
            print(
                f"snab-parser: LLM not used ({outcome.fallback_reason}), rule extractor result",
                file=sys.stderr,
            )
        used: ExtractorName = "rules" if outcome.extractor == "rules" else "llm"
        return outcome.result.model_copy(update={"extractor": used})

    async def _parse(self, mail: ParsedMail) -> ParseOutcome:
        engine = ParseEngine.from_settings(self.settings)
        try:
            return await engine.parse(mail)
        finally:
            await engine.close()
