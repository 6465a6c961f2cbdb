"""Command line: print the parse of one .eml as JSON.

    snab-parser parse FILE.eml [FILE.eml ...] [--extractor rules|llm|auto] [--compact]

Several files: one JSON object per file, in order (with ``--compact``, one per line).

Runs without NATS or PostgreSQL. ``llm`` and ``auto`` use the LLM extractor when one is
registered and ``OPENAI_API_KEY`` is set; otherwise the rule extractor runs.

The mail is read by a worker process within the service's budget (PARSER_TIME_BUDGET_SECONDS,
PARSER_MEMORY_BUDGET_MB) and attachment limits: a mail too expensive to read prints a result
for review saying so (and the reason on stderr) instead of running on.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import traceback
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import TYPE_CHECKING

import structlog

from snab_mailparse import parse_message
from snab_parser.result import Extractor, ParseResult
from snab_parser.rules import RuleExtractor

if TYPE_CHECKING:
    from snab_parser.extractors import ParseEngine
    from snab_parser.settings import ParserSettings

log = logging.getLogger("snab_parser.cli")


def _llm_extractor() -> Extractor:
    # imported on demand: the LLM client stack is slow to import and not needed for rules
    from snab_parser.extractors import CliExtractor

    return CliExtractor()


# name -> factory
EXTRACTORS: dict[str, Callable[[], Extractor]] = {"rules": RuleExtractor, "llm": _llm_extractor}


def choose_extractor(requested: str, env: dict[str, str] | None = None) -> Extractor:
    """The extractor to use for ``rules``/``llm``/``auto``, falling back to rules."""
    environ = os.environ if env is None else env
    if requested in ("llm", "auto"):
        factory = EXTRACTORS.get("llm")
        if factory is not None and environ.get("OPENAI_API_KEY"):
            return factory()
        if requested == "llm":
            reason = "no LLM extractor" if factory is None else "OPENAI_API_KEY is not set"
            print(f"snab-parser: {reason}, using the rule extractor", file=sys.stderr)
    return EXTRACTORS["rules"]()


def _failed(extractor: Extractor, reason: str) -> ParseResult:
    return ParseResult(
        kind="other",
        other_reason="not_procurement",
        confidence=0.0,
        extractor=extractor.name,
        needs_review=True,
        review_reasons=[reason],
    )


def parse_file(path: Path, extractor: Extractor) -> ParseResult:
    """The parse of one .eml in this process, without a budget (tests, corpus scoring)."""
    mail = parse_message(path.read_bytes())
    try:
        return extractor.extract(mail)
    except Exception:
        traceback.print_exc(file=sys.stderr)
        return _failed(extractor, "extractor_error")


async def read_within_budget(raw: bytes, extractor: Extractor) -> ParseResult:
    """The parse of one raw message, read by a worker process within the budget."""
    (result,) = [result async for result in read_all_within_budget([raw], extractor)]
    return result


async def read_all_within_budget(
    raws: list[bytes], extractor: Extractor
) -> AsyncIterator[ParseResult]:
    """The parse of each raw message in turn, each read by a worker within the budget."""
    from snab_parser.pool import Budget, Overrun, ReadingPool
    from snab_parser.reading import ReadJob

    settings, engine = _engine_for(extractor)
    budget = Budget(seconds=settings.time_budget_seconds, memory_mb=settings.memory_budget_mb)
    limits = settings.attachment_limits
    pool = ReadingPool(workers=1, budget=budget)
    try:
        await pool.start()
        for raw in raws:
            job = ReadJob(raw=raw, llm_chars=engine.llm_chars if engine else None, limits=limits)
            try:
                reading = await pool.read(job)
            except Overrun as over:
                print(
                    f"snab-parser: too expensive to parse, reading stopped after "
                    f"{over.seconds:.1f} s ({over.reason}: {over.detail}); "
                    f"budget {budget.seconds:g} s, {budget.memory_mb} MB",
                    file=sys.stderr,
                )
                yield _failed(extractor, f"too_expensive_to_parse: {over.reason}")
                continue
            if engine is None:
                yield reading.rules
                continue
            outcome = await engine.finish(reading)
            if outcome.fallback_reason:
                print(
                    f"snab-parser: LLM not used ({outcome.fallback_reason}), rule extractor result",
                    file=sys.stderr,
                )
            used = "rules" if outcome.extractor == "rules" else "llm"
            yield outcome.result.model_copy(update={"extractor": used})
    finally:
        await pool.close()
        if engine is not None:
            await engine.close()


def _engine_for(extractor: Extractor) -> tuple[ParserSettings, ParseEngine | None]:
    """The settings, and the engine that asks the LLM when the LLM extractor was chosen (the
    LLM client stack is only imported then)."""
    from snab_parser.settings import ParserSettings

    if extractor.name != "llm":
        return ParserSettings(), None
    from snab_parser.extractors import CliExtractor, ParseEngine

    assert isinstance(extractor, CliExtractor)
    settings = extractor.settings
    return settings, ParseEngine.from_settings(
        settings, rules=RuleExtractor(settings.attachment_limits)
    )


class _Stderr:
    """Whatever sys.stderr is when a line is written (a test may swap it)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def _log_to_stderr() -> None:
    """Warnings of the parser (a reading stopped, the LLM unusable) on stderr: stdout is for
    the JSON."""
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso"),
            structlog.dev.ConsoleRenderer(colors=False),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
        logger_factory=structlog.PrintLoggerFactory(file=_Stderr()),  # type: ignore[arg-type]
        cache_logger_on_first_use=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="snab-parser", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_parse = sub.add_parser("parse", help="print the parse of one .eml file as JSON")
    p_parse.add_argument("files", type=Path, nargs="+", metavar="file")
    p_parse.add_argument("--extractor", choices=("rules", "llm", "auto"), default="auto")
    p_parse.add_argument("--compact", action="store_true", help="one line of JSON")
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    if not structlog.is_configured():
        _log_to_stderr()
    missing = [str(path) for path in args.files if not path.is_file()]
    if missing:
        print(f"snab-parser: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    extractor = choose_extractor(args.extractor)
    raws = [path.read_bytes() for path in args.files]
    asyncio.run(_print_all(raws, extractor, compact=args.compact))
    return 0


async def _print_all(raws: list[bytes], extractor: Extractor, *, compact: bool) -> None:
    async for result in read_all_within_budget(raws, extractor):
        out = result.to_json(indent=None if compact else 2) + "\n"
        sys.stdout.buffer.write(out.encode("utf-8"))
        sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
