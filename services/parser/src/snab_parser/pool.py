"""A pool of worker processes that read mail, each job within a time and memory budget.

Reading a mail is CPU work on a stranger's input: a crafted message could once hold the
event loop (and with it /health, /metrics and every other message) for minutes, or grow to
gigabytes. Here each mail is read in a worker process (``snab_parser.worker``) while the
event loop only waits: the wall-clock budget is timed from the moment the job is sent, the
worker's resident size is watched while it works (and its address space is capped a little
above the budget, so that a burst allocation fails inside it), and a worker over either is
killed and replaced. The caller gets ``Overrun`` with the reason and decides what the mail
becomes; the next job goes to a live worker.

Workers come from a fork server (spawned processes where there is none) that has imported
the reader, and each warms up before it counts as ready: the pool's ``start`` returns once
all are, so the first mail is read as fast as the next.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import pickle
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from typing import Any, Final, Literal

from prometheus_client import Counter, Gauge, Histogram

from snab_kit import metrics
from snab_kit.logging import get_logger
from snab_parser.reading import Reading, ReadJob
from snab_parser.worker import OUT_OF_MEMORY, serve

log = get_logger(__name__)

OverrunReason = Literal["time", "memory", "crash"]
# how often a working worker's resident size is looked at
WATCH_SECONDS: Final = 0.05
# how long a new worker may take to import and warm up
START_SECONDS: Final = 120.0
MB: Final = 1024 * 1024
# a job this small fits the socket's buffer: sent at once, without a thread
_SEND_INLINE: Final = 64 * 1024

READINGS = Histogram(
    "snab_parser_reading_seconds",
    "Time a worker took to read one mail (sending it and the answer included).",
    buckets=(0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30),
    registry=metrics.registry,
)
OVERRUNS = Counter(
    "snab_parser_overruns_total",
    "Mails whose reading was stopped, by reason (time, memory, crash).",
    ["reason"],
    registry=metrics.registry,
)
WORKERS = Gauge(
    "snab_parser_workers",
    "Worker processes ready to read mail or reading one.",
    registry=metrics.registry,
)


class Overrun(Exception):
    """Reading a mail was stopped: over its time or memory budget, or its worker died."""

    def __init__(self, reason: OverrunReason, seconds: float, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason: OverrunReason = reason
        self.seconds = seconds
        self.detail = detail


@dataclass(frozen=True)
class Budget:
    seconds: float
    memory_mb: int


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    pid: int


def _context() -> BaseContext:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["snab_parser.worker"])
        return ctx
    return multiprocessing.get_context("spawn")


def _resident_bytes(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None  # not Linux, or gone


class ReadingPool:
    def __init__(self, *, workers: int, budget: Budget) -> None:
        self.size = max(1, workers)
        self.budget = budget
        self._ctx = _context()
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._live: dict[int, _Worker] = {}
        self._starting: set[asyncio.Task[None]] = set()
        self._closed = False

    @property
    def ready(self) -> int:
        return len(self._live)

    async def start(self) -> None:
        """Start the workers and wait until each has warmed up."""
        self._closed = False
        workers = await asyncio.gather(*(self._spawn() for _ in range(self.size)))
        for worker in workers:
            self._idle.put_nowait(worker)
        log.info(
            "readers_started",
            workers=self.size,
            time_budget_seconds=self.budget.seconds,
            memory_budget_mb=self.budget.memory_mb,
        )

    async def close(self) -> None:
        self._closed = True
        for task in list(self._starting):
            task.cancel()
        await asyncio.gather(*self._starting, return_exceptions=True)
        for worker in list(self._live.values()):
            await self._kill(worker)
        while not self._idle.empty():
            self._idle.get_nowait()

    async def read(self, job: ReadJob) -> Reading:
        """The worker's reading of one mail; ``Overrun`` when it had to be stopped."""
        worker = await self._idle.get()
        started = time.perf_counter()
        try:
            reply = await self._run(worker, job, started)
        except BaseException:
            # over budget, dead, or the caller gave up (a stop): this worker is done for
            await self._kill(worker)
            self._replace()
            raise
        self._idle.put_nowait(worker)
        READINGS.observe(time.perf_counter() - started)
        return reply

    # -- one job

    async def _run(self, worker: _Worker, job: ReadJob, started: float) -> Reading:
        payload = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        answer = self._answer(worker)
        try:
            if len(payload) <= _SEND_INLINE:
                worker.conn.send_bytes(payload)
            else:  # a large message is written by a thread: the loop never waits on the pipe
                await asyncio.to_thread(worker.conn.send_bytes, payload)
            kind, value = await self._watch(worker, answer, started)
        finally:
            answer.cancel()
            asyncio.get_running_loop().remove_reader(worker.conn.fileno())
        if kind == "ok" and isinstance(value, Reading):
            return value
        seconds = time.perf_counter() - started
        if kind == "memory":
            raise self._overrun("memory", seconds, "the worker ran out of its address space")
        raise self._overrun("crash", seconds, str(value))

    def _answer(self, worker: _Worker) -> asyncio.Future[tuple[str, Any]]:
        """The worker's next message, read when it arrives (the loop never blocks on it)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[tuple[str, Any]] = loop.create_future()

        def readable() -> None:
            loop.remove_reader(worker.conn.fileno())
            if future.done():
                return
            try:
                # our own worker over a private socket pair: no one else writes to it
                future.set_result(pickle.loads(worker.conn.recv_bytes()))  # noqa: S301
            except (EOFError, OSError) as exc:
                future.set_exception(exc)

        loop.add_reader(worker.conn.fileno(), readable)
        return future

    async def _watch(
        self, worker: _Worker, answer: asyncio.Future[tuple[str, Any]], started: float
    ) -> tuple[str, Any]:
        """Wait for the answer while the budget lasts; stop the worker when it is spent."""
        limit = self.budget.memory_mb * MB
        while True:
            done, _ = await asyncio.wait({answer}, timeout=WATCH_SECONDS)
            seconds = time.perf_counter() - started
            if done:
                try:
                    return answer.result()
                except (EOFError, OSError):
                    raise await self._died(worker, seconds) from None
            if seconds > self.budget.seconds:
                raise self._overrun("time", seconds, f"not done after {self.budget.seconds:g} s")
            resident = _resident_bytes(worker.pid)
            if resident is not None and resident > limit:
                raise self._overrun(
                    "memory", seconds, f"{resident // MB} MB resident, over {limit // MB} MB"
                )

    async def _died(self, worker: _Worker, seconds: float) -> Overrun:
        await asyncio.to_thread(worker.process.join, 5.0)
        code = worker.process.exitcode
        if code == OUT_OF_MEMORY or code == -9:  # -9: the kernel's OOM killer, most likely
            return self._overrun("memory", seconds, f"the worker died (exit status {code})")
        return self._overrun("crash", seconds, f"the worker died (exit status {code})")

    def _overrun(self, reason: OverrunReason, seconds: float, detail: str) -> Overrun:
        OVERRUNS.labels(reason).inc()
        log.warning("reading_stopped", reason=reason, seconds=round(seconds, 3), detail=detail)
        return Overrun(reason, seconds, detail)

    # -- workers

    async def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe(duplex=True)
        memory = self.budget.memory_mb * MB
        process = self._ctx.Process(  # type: ignore[attr-defined]
            target=serve, args=(child, memory), name="snab-parser-reader", daemon=True
        )
        process.start()
        child.close()
        worker = _Worker(process=process, conn=parent, pid=process.pid or 0)
        self._live[worker.pid] = worker
        WORKERS.set(len(self._live))
        answer = self._answer(worker)
        try:
            kind, _ = await asyncio.wait_for(answer, START_SECONDS)
        except BaseException:
            asyncio.get_running_loop().remove_reader(parent.fileno())
            await self._kill(worker)
            raise
        if kind != "ready":
            await self._kill(worker)
            raise RuntimeError(f"reader worker answered {kind!r} instead of ready")
        return worker

    def _replace(self) -> None:
        if self._closed:
            return

        async def replace() -> None:
            try:
                worker = await self._spawn()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("reader_restart_failed")
                await asyncio.sleep(1.0)
                self._replace()
                return
            if self._closed:
                await self._kill(worker)
            else:
                self._idle.put_nowait(worker)

        task = asyncio.create_task(replace(), name="reader-restart")
        self._starting.add(task)
        task.add_done_callback(self._starting.discard)

    async def _kill(self, worker: _Worker) -> None:
        self._live.pop(worker.pid, None)
        WORKERS.set(len(self._live))
        with contextlib.suppress(Exception):
            worker.process.kill()
        await asyncio.to_thread(worker.process.join, 5.0)
        with contextlib.suppress(Exception):
            worker.conn.close()
