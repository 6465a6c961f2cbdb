"""The parse engine: the rule extractor always, the LLM when configured, one result.

The rules are cheap and offline, so they always run: their reading is the fallback when
the LLM is off, unavailable, skipped by the circuit breaker, or answers something unusable
(each such fallback is counted by reason), and the check on the LLM's numbers when it is
not. ``CliExtractor`` wraps the engine in the synchronous ``Extractor`` interface.
"""

from __future__ import annotations

import asyncio
import sys
import time
from dataclasses import dataclass

import structlog

from snab_kit.logging import configure_logging, get_logger
from snab_mailparse import ParsedMail
from snab_parser.combine import ExtractorUsed, combine
from snab_parser.domain.validation import check
from snab_parser.llm.client import LlmCall, LlmClient
from snab_parser.llm.metrics import FALLBACKS
from snab_parser.llm.prompt import has_instructions
from snab_parser.llm.schema import to_parse_result
from snab_parser.result import Extractor, ExtractorName, ParseResult
from snab_parser.rules import RuleExtractor
from snab_parser.settings import ParserSettings

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


def extractor_error(name: ExtractorName) -> ParseResult:
    """What an extractor that crashed on a message says: nothing, for a human to look at."""
    return ParseResult(
        kind="other",
        other_reason="not_procurement",
        confidence=0.0,
        extractor=name,
        needs_review=True,
        review_reasons=["extractor_error"],
    )


class ParseEngine:
    def __init__(
        self,
        *,
        llm: LlmClient | None,
        review_confidence: float = 0.6,
        rules: Extractor | None = None,
    ) -> None:
        self.llm = llm
        self.review_confidence = review_confidence
        self.rules: Extractor = rules or RuleExtractor()

    @classmethod
    def from_settings(cls, settings: ParserSettings) -> ParseEngine:
        llm = LlmClient.from_settings(settings) if settings.llm_enabled else None
        return cls(llm=llm, review_confidence=settings.review_confidence)

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

    def _run_rules(self, mail: ParsedMail) -> tuple[ParseResult, float]:
        started = time.perf_counter()
        try:
            result = self.rules.extract(mail)
        except Exception:  # one odd message must still give an answer, for a human
            log.exception("rules_failed", message_id=mail.message_id)
            result = extractor_error("rules")
        verdict = check(result)
        extra = [*verdict.errors, *verdict.warnings]
        if extra:
            result = result.model_copy(
                update={
                    "review_reasons": list(dict.fromkeys([*result.review_reasons, *extra])),
                    "needs_review": True,
                }
            )
        return result, time.perf_counter() - started

    async def parse(self, mail: ParsedMail) -> ParseOutcome:
        started = time.perf_counter()
        # Header verdicts need no model: auto-replies and bounces never reach the LLM.
        ask_llm = self.llm is not None and not (mail.auto_reply or mail.bounce or mail.unparseable)
        rules_job = asyncio.to_thread(self._run_rules, mail)
        call: LlmCall | None = None
        if ask_llm:
            assert self.llm is not None
            (rules_result, rules_seconds), call = await asyncio.gather(
                rules_job, self.llm.read(mail)
            )
        else:
            rules_result, rules_seconds = await rules_job

        llm_result, fallback = self._llm_result(call)
        if fallback is not None:
            FALLBACKS.labels(fallback).inc()
        injected = has_instructions(f"{mail.subject}\n{mail.text}") or bool(
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
            rules_seconds=rules_seconds,
            llm_seconds=call.seconds if call else 0.0,
            seconds=time.perf_counter() - started,
        )

    def _llm_result(self, call: LlmCall | None) -> tuple[ParseResult | None, str | None]:
        """The LLM's reading if usable, else why not (the fallback reason)."""
        if call is None:
            return None, None
        if not call.ok or call.answer is None:
            return None, call.outcome
        result = to_parse_result(call.answer)
        verdict = check(result)
        if not verdict.valid:
            call.error = "business rules: " + "; ".join(verdict.errors)
            log.warning("llm_result_invalid", errors=verdict.errors[:10])
            return None, "invalid_result"
        confidence = min(result.confidence, LLM_MAX_CONFIDENCE)
        return (
            result.model_copy(
                update={
                    "confidence": confidence,
                    "review_reasons": verdict.warnings,
                    "needs_review": bool(verdict.warnings) or confidence < self.review_confidence,
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
