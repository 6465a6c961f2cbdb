"""The reader pool: mail read in worker processes, each within its time and memory budget."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from snab_parser.attachments import AttachmentLimits
from snab_parser.pool import Budget, Overrun, ReadingPool
from snab_parser.reading import ReadJob, read

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
HOSTILE = HERE / "hostile" / "cases"
# no limits to speak of: the budget alone has to stop these
UNLIMITED = AttachmentLimits(
    max_inflated_bytes=2**31,
    max_rows=10**9,
    max_columns=20_000,
    max_cells=10**9,
    max_shared_strings=10**9,
    max_chars=10**10,
)


async def test_a_worker_reads_as_this_process_does() -> None:
    pool = ReadingPool(workers=1, budget=Budget(seconds=30, memory_mb=512))
    await pool.start()
    try:
        for name in ("001.eml", "010.eml", "020.eml"):
            raw = (CORPUS / name).read_bytes()
            reading = await pool.read(ReadJob(raw=raw, llm_chars=5000))
            here = read(ReadJob(raw=raw, llm_chars=5000))
            assert reading.rules == here.rules
            assert (reading.text, reading.llm_text) == (here.text, here.llm_text)
    finally:
        await pool.close()


async def test_over_its_time_a_reading_is_stopped_and_the_next_mail_still_read() -> None:
    pool = ReadingPool(workers=1, budget=Budget(seconds=0.5, memory_mb=512))
    await pool.start()
    try:
        wide = (HOSTILE / "xlsx_columns.eml").read_bytes()
        started = time.perf_counter()
        with pytest.raises(Overrun) as stopped:
            await pool.read(ReadJob(raw=wide, limits=UNLIMITED))
        assert stopped.value.reason == "time"
        assert time.perf_counter() - started < 5  # stopped, not waited for
        reading = await pool.read(ReadJob(raw=(CORPUS / "001.eml").read_bytes()))
        assert reading.rules.kind == "request"
    finally:
        await pool.close()


async def test_over_its_memory_a_reading_is_stopped() -> None:
    pool = ReadingPool(workers=1, budget=Budget(seconds=60, memory_mb=120))
    await pool.start()
    try:
        inflated = (HOSTILE / "xlsx_inflated_cell.eml").read_bytes()  # one cell of 200 MB
        with pytest.raises(Overrun) as stopped:
            await pool.read(ReadJob(raw=inflated, limits=UNLIMITED))
        assert stopped.value.reason == "memory"
        reading = await pool.read(ReadJob(raw=(CORPUS / "001.eml").read_bytes()))
        assert reading.rules.kind == "request"
    finally:
        await pool.close()


async def test_the_event_loop_runs_while_a_worker_reads() -> None:
    pool = ReadingPool(workers=1, budget=Budget(seconds=30, memory_mb=512))
    await pool.start()
    lags: list[float] = []

    async def tick() -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.02)
            lags.append(time.perf_counter() - before - 0.02)

    ticker = asyncio.create_task(tick())
    try:
        wide = (HOSTILE / "xlsx_columns.eml").read_bytes()
        reading = await pool.read(ReadJob(raw=wide, limits=UNLIMITED.__class__(max_cells=200_000)))
        assert reading.rules.needs_review
    finally:
        ticker.cancel()
        await pool.close()
    assert len(lags) > 10
    assert max(lags) < 0.5
