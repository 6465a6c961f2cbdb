"""Time the rule extractor over a folder of .eml files.

    .venv/bin/python services/parser/bench_rules.py [FOLDER ...] [--rounds 5]

Prints the mean, median, p99 and max milliseconds per message (parsing the MIME message and
extracting), after one warm-up pass that loads the morphology dictionary. Default folders:
every labelled corpus under tests/ (corpus, corpus_dev, corpus_blind*).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from snab_mailparse import parse_message
from snab_parser.rules import RuleExtractor

HERE = Path(__file__).resolve().parent
DEFAULT_FOLDERS = sorted(HERE.joinpath("tests").glob("corpus*/"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    folders = args.folders or [f for f in DEFAULT_FOLDERS if f.is_dir()]
    files = sorted(p for folder in folders for p in folder.glob("*.eml"))
    if not files:
        print("bench_rules: no .eml files found", file=sys.stderr)
        return 2
    raws = [p.read_bytes() for p in files]
    extractor = RuleExtractor()
    for raw in raws:  # warm-up: dictionaries, regex caches
        extractor.extract(parse_message(raw))
    times: list[float] = []
    for _ in range(args.rounds):
        for raw in raws:
            t0 = time.perf_counter()
            extractor.extract(parse_message(raw))
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p99 = times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]
    print(
        f"messages={len(raws)} rounds={args.rounds} "
        f"mean_ms={statistics.fmean(times):.2f} median_ms={statistics.median(times):.2f} "
        f"p99_ms={p99:.2f} max_ms={times[-1]:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
