"""The render pool: warm workers, a timeout that kills, a dead worker replaced, and an
event loop that stays free while a big document renders."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from documents_testkit import pages, proposal

from snab_documents.render.pdf import BUILTIN_DIR, RenderFailure, TemplateConfig
from snab_documents.render.pool import (
    PoolOptions,
    RendererUnavailable,
    RenderPool,
    RenderTimeout,
)
from snab_kit.testing import wait_for


def payload(lines: int) -> bytes:
    return proposal(lines).model_dump_json().encode()


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def pool() -> AsyncIterator[RenderPool]:
    pool = RenderPool(TemplateConfig(), PoolOptions(size=2, timeout_seconds=60))
    await pool.start()
    await pool.warm()
    try:
        yield pool
    finally:
        await pool.close()


async def test_workers_are_warm_and_render_in_parallel(pool: RenderPool) -> None:
    assert pool.alive == 2 and pool.problem() is None and pool.template_problem is None
    first = await pool.render(payload(10))
    # Warmed up at start: the first real document is as quick as any later one.
    assert first.seconds < 2.0
    results = await asyncio.gather(*(pool.render(payload(n)) for n in (1, 10, 40, 3)))
    assert [len(pages(r.pdf)) >= 1 for r in results] == [True] * 4
    assert "стр. 1 из 1" in pages(results[0].pdf)[0]


async def test_ready_with_one_warm_worker_and_no_render_lost_meanwhile() -> None:
    pool = RenderPool(TemplateConfig(), PoolOptions(size=3, timeout_seconds=60))
    await pool.start()
    try:
        # Ready on the first worker's warm-up; the others are still to come.
        assert pool.alive == 1 and pool.problem() is None
        # More renders than warm workers: they wait for one, none is lost or refused.
        results = await asyncio.gather(*(pool.render(payload(n)) for n in (1, 2, 3, 4, 5)))
        assert all("стр. 1 из 1" in pages(r.pdf)[0] for r in results)
        await asyncio.wait_for(pool.warm(), 60)
        assert pool.alive == 3
        # The later workers are warm too: each of three renders at once gets one.
        again = await asyncio.gather(*(pool.render(payload(10)) for _ in range(3)))
        assert max(r.seconds for r in again) < 2.0
    finally:
        await pool.close()


async def test_closing_while_a_worker_still_starts_leaves_none_behind() -> None:
    pool = RenderPool(TemplateConfig(), PoolOptions(size=2))
    await pool.start()
    # The second worker's process runs, its warm-up not done yet.
    [starting] = await wait_for(lambda: list(pool._starting), timeout=60, interval=0.01)
    [first] = list(pool._workers)
    await pool.close()
    assert not starting.process.is_alive() and not first.process.is_alive()
    await asyncio.sleep(0.5)  # the thread that waited for it has given up, adding nothing
    assert pool.alive == 0 and not pool._workers


async def test_event_loop_stays_free_during_a_500_line_render(pool: RenderPool) -> None:
    render = asyncio.create_task(pool.render(payload(500)))
    gaps: list[float] = []
    while not render.done():
        started = time.perf_counter()
        await asyncio.sleep(0.01)
        gaps.append(time.perf_counter() - started)
    result = await render
    assert len(pages(result.pdf)) > 10
    assert len(gaps) > 20, "the render took a while and the loop kept turning"
    assert max(gaps) < 1.0, f"the event loop stalled for {max(gaps):.2f}s"


async def test_timeout_kills_the_worker_and_a_new_one_takes_over() -> None:
    pool = RenderPool(TemplateConfig(), PoolOptions(size=1, timeout_seconds=0.3))
    await pool.start()
    try:
        [old] = list(pool._workers)
        with pytest.raises(RenderTimeout):
            await pool.render(payload(500))
        assert not old.process.is_alive()
        await wait_for(lambda: pool.alive == 1, timeout=60)
        result = await pool.render(payload(1))
        assert "стр. 1 из 1" in pages(result.pdf)[0]
    finally:
        await pool.close()


async def test_a_crashed_worker_is_replaced(pool: RenderPool) -> None:
    victim = next(iter(pool._workers))
    assert victim.pid is not None
    os.kill(victim.pid, signal.SIGKILL)
    await wait_for(lambda: not victim.process.is_alive(), timeout=10)
    outcomes: list[str] = []
    for _ in range(3):  # one of these meets the dead worker
        try:
            await pool.render(payload(1))
            outcomes.append("ok")
        except RendererUnavailable:
            outcomes.append("unavailable")
    assert outcomes.count("unavailable") <= 1
    await wait_for(lambda: pool.alive == 2, timeout=60)
    assert victim not in pool._workers
    for _ in range(2):
        assert (await pool.render(payload(2))).pdf


async def test_a_broken_template_is_reported_not_fatal(tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "proposal.html").write_text("{% for x in %}")
    pool = RenderPool(TemplateConfig(template_dir=folder), PoolOptions(size=1))
    await pool.start()
    try:
        assert pool.template_problem is not None and "шаблоне" in pool.template_problem
        assert pool.problem() is None, "the service stays up and answers with failures"
        with pytest.raises(RenderFailure) as failed:
            await pool.render(payload(1))
        assert failed.value.failure == "template"
        # The operator fixes the template: the same workers pick it up, no restart.
        (folder / "proposal.html").write_text((BUILTIN_DIR / "proposal.html").read_text())
        result = await pool.render(payload(1))
        assert "стр. 1 из 1" in pages(result.pdf)[0]
    finally:
        await pool.close()
