"""Command line: print the parse of one .eml as JSON.

    snab-parser parse FILE.eml [--extractor rules|llm|auto]

Runs without NATS or PostgreSQL. ``llm`` and ``auto`` use the LLM extractor when one is
registered and ``OPENAI_API_KEY`` is set; otherwise the rule extractor runs.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

from snab_mailparse import parse_message
from snab_parser.result import Extractor, ParseResult
from snab_parser.rules import RuleExtractor

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


def parse_file(path: Path, extractor: Extractor) -> ParseResult:
    mail = parse_message(path.read_bytes())
    try:
        return extractor.extract(mail)
    except Exception:
        traceback.print_exc(file=sys.stderr)
        return ParseResult(
            kind="other",
            other_reason="not_procurement",
            confidence=0.0,
            extractor=extractor.name,
            needs_review=True,
            review_reasons=["extractor_error"],
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="snab-parser", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_parse = sub.add_parser("parse", help="print the parse of one .eml file as JSON")
    p_parse.add_argument("file", type=Path)
    p_parse.add_argument("--extractor", choices=("rules", "llm", "auto"), default="auto")
    p_parse.add_argument("--compact", action="store_true", help="one line of JSON")
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    if not args.file.is_file():
        print(f"snab-parser: no such file: {args.file}", file=sys.stderr)
        return 2
    extractor = choose_extractor(args.extractor)
    result = parse_file(args.file, extractor)
    out = result.to_json(indent=None if args.compact else 2) + "\n"
    sys.stdout.buffer.write(out.encode("utf-8"))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
