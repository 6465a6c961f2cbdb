"""What reading mail in a worker process costs: the pool against this process, same mail.

    .venv/bin/python services/parser/bench/reading_pool.py [FOLDER ...] [--rounds 5]

Reads every .eml of the folders (default: the parser's corpus and, when present, the shared
dev corpus) with ``reading.read`` in this process, then through a pool of one warmed worker
(the job sent, read, the answer received and unpickled), one mail at a time. Prints the mean,
median and p99 milliseconds per mail of both and their difference: the per-mail cost of the
process boundary (pickling, the socket pair, the event loop's wake-ups).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

from snab_parser.pool import Budget, ReadingPool
from snab_parser.reading import ReadJob, read

HERE = Path(__file__).resolve().parent
DEFAULT_FOLDERS = [
    HERE.parent / "tests" / "corpus",
    HERE.parents[2] / ".." / "shared" / "corpus" / "dev",
]


def _summary(label: str, times: list[float]) -> str:
    times = sorted(times)
    p99 = times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]
    return (
        f"{label}: mean_ms={statistics.fmean(times):.2f} "
        f"median_ms={statistics.median(times):.2f} p99_ms={p99:.2f}"
    )


async def _pool_times(raws: list[bytes], rounds: int) -> list[float]:
    pool = ReadingPool(workers=1, budget=Budget(seconds=60, memory_mb=1024))
    await pool.start()
    try:
        for raw in raws:  # the worker's first reading of each shape, as in-process below
            await pool.read(ReadJob(raw=raw))
        times: list[float] = []
        for _ in range(rounds):
            for raw in raws:
                started = time.perf_counter()
                await pool.read(ReadJob(raw=raw))
                times.append((time.perf_counter() - started) * 1000)
        return times
    finally:
        await pool.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    folders = args.folders or [f for f in DEFAULT_FOLDERS if f.is_dir()]
    raws = [p.read_bytes() for folder in folders for p in sorted(folder.glob("*.eml"))]
    if not raws:
        print("reading_pool: no .eml files found", file=sys.stderr)
        return 2
    for raw in raws:  # warm-up: dictionaries, regex caches
        read(ReadJob(raw=raw))
    here: list[float] = []
    for _ in range(args.rounds):
        for raw in raws:
            started = time.perf_counter()
            read(ReadJob(raw=raw))
            here.append((time.perf_counter() - started) * 1000)
    pooled = asyncio.run(_pool_times(raws, args.rounds))
    print(f"messages={len(raws)} rounds={args.rounds}")
    print(_summary("in_process", here))
    print(_summary("worker_pool", pooled))
    print(
        f"overhead: mean_ms={statistics.fmean(pooled) - statistics.fmean(here):.2f} "
        f"median_ms={statistics.median(pooled) - statistics.median(here):.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
