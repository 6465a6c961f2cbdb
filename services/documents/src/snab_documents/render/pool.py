"""Rendering in worker processes, so that the service's event loop never waits on a PDF.

Each worker is a process of its own (``forkserver``: a clean interpreter, no copy of the
parent's threads, sockets or event loop) that loads WeasyPrint and the template once and
renders a sample document before it reports ready, so no real document pays for the
warm-up. The parent talks to a worker over a pipe, from a thread, and awaits the answer.

The pool is ready once its first worker is: the others start after it, one at a time,
while the service already works. A render that comes before they are up waits for a warm
worker, as it does when all are busy. The forkserver imports WeasyPrint once
(``snab_documents.render.preload``) and every worker forks from it with WeasyPrint loaded:
a worker (first, later, or a replacement) only renders its warm-up document.

How it fails:
- the template is broken or the requisites are missing: the worker answers with a
  ``RenderFailure`` (the document cannot be made as asked; the caller reports it);
- a render takes longer than the timeout: that worker is killed and replaced, the
  caller gets ``RenderTimeout``; other renders go on in their own workers;
- a worker dies (out of memory, a crash in a C library): it is replaced, the caller
  gets ``RendererUnavailable`` and may try again;
- no worker frees up in time (all stuck or failing to start): ``RendererUnavailable``.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import signal
import time
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from snab_contracts.documents import DocumentFailure
from snab_documents.render.pdf import RenderFailure, TemplateConfig, isolate_fonts
from snab_kit.logging import get_logger

log = get_logger(__name__)

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "proposal.json"
PRELOAD = "snab_documents.render.preload"


class RenderTimeout(Exception):
    """The render took longer than allowed; its worker was killed."""


class RendererUnavailable(Exception):
    """No worker could render now (one died, or none freed up in time): try again later."""


@dataclass(frozen=True)
class PoolOptions:
    size: int = 2
    timeout_seconds: float = 30.0
    start_method: str = "forkserver"
    start_timeout_seconds: float = 120.0


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    seconds: float
    """Time in the worker: template, layout and PDF."""


class _Worker:
    def __init__(self, process: BaseProcess, conn: Connection) -> None:
        self.process = process
        self.conn = conn
        self.renders = 0

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        with contextlib.suppress(Exception):
            self.conn.close()
        with contextlib.suppress(Exception):
            self.process.join(5)


class RenderPool:
    def __init__(self, config: TemplateConfig, options: PoolOptions) -> None:
        if options.size < 1:
            raise ValueError("a render pool needs at least one worker")
        self.config = config
        self.options = options
        self._context: Any = multiprocessing.get_context(options.start_method)
        if options.start_method == "forkserver":
            # Takes effect when the process's forkserver starts, at the first worker.
            self._context.set_forkserver_preload(["__main__", PRELOAD])
        # One thread per worker waits on its pipe, plus one for starting workers.
        self._threads = ThreadPoolExecutor(
            max_workers=options.size + 1, thread_name_prefix="render-pipe"
        )
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._workers: set[_Worker] = set()
        self._starting: set[_Worker] = set()
        """Started, not yet warm: killed too if the pool closes meanwhile."""
        self._tasks: set[asyncio.Task[None]] = set()
        """Workers starting in the background: the rest at start, and replacements."""
        self._all_started = asyncio.Event()
        self._closed = False
        self.template_problem: str | None = None
        """What the warm-up render said about the template, when it failed."""

    async def start(self) -> None:
        """Start the first worker and wait until it has rendered its warm-up document; the
        others start after it in the background (``warm`` waits for them)."""
        started = time.perf_counter()
        # Before the forkserver (and WeasyPrint in it) starts: the workers inherit it.
        isolate_fonts(self.config)
        first = await self._start_worker()
        self._idle.put_nowait(first)
        log.info(
            "render_pool_started",
            workers=1,
            size=self.options.size,
            start_method=self.options.start_method,
            seconds=round(time.perf_counter() - started, 2),
            template=str(self.config.template_dir or "built-in"),
        )
        if self.options.size > 1:
            self._spawn(self._start_rest(started), "render-workers-start")
        else:
            self._all_started.set()

    async def warm(self) -> None:
        """Wait until every worker has started once (``start`` waits only for the first)."""
        await self._all_started.wait()

    async def _start_rest(self, started: float) -> None:
        # One at a time: the service is starting too, and shares the cores.
        for _ in range(self.options.size - 1):
            await self._add_worker("render_worker_started")
        self._all_started.set()
        log.info(
            "render_pool_warm",
            workers=self.alive,
            seconds=round(time.perf_counter() - started, 2),
        )

    async def render(self, payload: bytes) -> Rendered:
        """Render a ``ProposalDocument`` (its JSON) to PDF in a worker."""
        wait = self.options.timeout_seconds + self.options.start_timeout_seconds
        try:
            worker = await asyncio.wait_for(self._idle.get(), wait)
        except TimeoutError as exc:
            raise RendererUnavailable(f"no render worker free within {wait:.0f}s") from exc
        loop = asyncio.get_running_loop()
        call = loop.run_in_executor(self._threads, _roundtrip, worker.conn, payload)
        try:
            reply = await asyncio.wait_for(call, self.options.timeout_seconds)
        except TimeoutError as exc:
            log.warning("render_timeout", pid=worker.pid, seconds=self.options.timeout_seconds)
            self._retire(worker)
            raise RenderTimeout(f"render took over {self.options.timeout_seconds}s") from exc
        except (EOFError, OSError) as exc:
            log.warning("render_worker_died", pid=worker.pid, exitcode=worker.process.exitcode)
            self._retire(worker)
            raise RendererUnavailable(f"render worker died ({type(exc).__name__})") from exc
        except asyncio.CancelledError:
            # The caller gave up mid-render: the worker's answer would arrive to nobody.
            self._retire(worker)
            raise
        worker.renders += 1
        self._idle.put_nowait(worker)
        kind = reply[0]
        if kind == "ok":
            return Rendered(pdf=reply[1], seconds=reply[2])
        failure: DocumentFailure = reply[1]
        raise RenderFailure(failure, reply[2])

    def problem(self) -> str | None:
        """For /health: wrong only when no worker is alive at all."""
        if self._closed:
            return "closed"
        if not any(w.process.is_alive() for w in self._workers):
            return "no render worker is running"
        return None

    @property
    def alive(self) -> int:
        return sum(1 for w in self._workers if w.process.is_alive())

    async def close(self) -> None:
        self._closed = True
        for task in self._tasks:
            task.cancel()
        with contextlib.suppress(Exception):
            await asyncio.gather(*self._tasks, return_exceptions=True)
        for worker in list(self._workers):
            with contextlib.suppress(Exception):
                worker.conn.send_bytes(b"")  # asks an idle worker to exit
        await asyncio.get_running_loop().run_in_executor(None, self._join_all)
        self._threads.shutdown(wait=False, cancel_futures=True)

    def _join_all(self) -> None:
        for worker in list(self._starting):
            worker.kill()  # its starting thread sees the pipe closed and gives up
        for worker in list(self._workers):
            worker.process.join(2)
            worker.kill()
        self._workers.clear()

    # -- workers -----------------------------------------------------------------------

    async def _start_worker(self) -> _Worker:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._threads, self._start_worker_blocking)

    def _start_worker_blocking(self) -> _Worker:
        parent, child = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=worker_main, args=(child, self.config), name="snab-documents-render"
        )
        process.daemon = True
        process.start()
        child.close()
        worker = _Worker(process, parent)
        self._starting.add(worker)
        try:
            if not parent.poll(self.options.start_timeout_seconds):
                worker.kill()
                raise RendererUnavailable("render worker did not start in time")
            message = parent.recv()
        except (EOFError, OSError) as exc:
            worker.kill()
            raise RendererUnavailable("render worker died while starting") from exc
        finally:
            self._starting.discard(worker)
        if self._closed:
            worker.kill()
            raise RendererUnavailable("the render pool is closed")
        problem = message[1]
        if problem and problem != self.template_problem:
            log.warning("template_broken", problem=problem)
        self.template_problem = problem
        self._workers.add(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        self._workers.discard(worker)
        worker.kill()
        if not self._closed:
            self._spawn(self._add_worker("render_worker_replaced"), "render-worker-replace")

    def _spawn(self, work: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _add_worker(self, event: str) -> None:
        """Start a worker and make it available, trying again until it starts."""
        backoff = 1.0
        while not self._closed:
            try:
                worker = await self._start_worker()
            except Exception as exc:
                if self._closed:
                    return
                log.error("render_worker_start_failed", error=f"{type(exc).__name__}: {exc}")
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 60.0)
                continue
            if self._closed:
                worker.kill()
                return
            log.info(event, pid=worker.pid)
            self._idle.put_nowait(worker)
            return


def _roundtrip(conn: Connection, payload: bytes) -> Any:
    conn.send_bytes(payload)
    return conn.recv()


# -- the worker process -------------------------------------------------------------------


def worker_main(conn: Connection, config: TemplateConfig) -> None:
    """A render worker: warm up, say ready, then render what arrives until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the parent, which stops us
    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    from snab_documents.render.pdf import ProposalRenderer

    renderer = ProposalRenderer(config)
    problem: str | None = None
    try:
        renderer.render_json(SAMPLE.read_bytes())
    except RenderFailure as exc:
        problem = exc.reason
    except Exception as exc:
        problem = f"{type(exc).__name__}: {exc}"
    conn.send(("ready", problem))
    while True:
        try:
            payload = conn.recv_bytes()
        except (EOFError, OSError):
            return
        if not payload:
            return
        started = time.perf_counter()
        try:
            pdf = renderer.render_json(payload)
        except RenderFailure as exc:
            conn.send(("failed", exc.failure, exc.reason))
        except Exception as exc:
            conn.send(
                (
                    "failed",
                    "content",
                    f"Документ не удалось сверстать ({type(exc).__name__}: {str(exc)[:300]}).",
                )
            )
        else:
            conn.send(("ok", pdf, time.perf_counter() - started))
