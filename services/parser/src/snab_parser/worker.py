"""The worker process that reads mail for the pool (``snab_parser.pool``).

It warms up (imports, the morphology dictionary, one small letter), caps its own address
space a little above the memory budget, lowers its CPU priority, says it is ready, then
reads one job at a time: a pickled ``ReadJob`` in, a pickled ``("ok", Reading)`` out.
Running out of memory is answered with ``("memory", ...)`` and the worker exits: the pool
starts a fresh one. It ignores Ctrl-C (the pool stops it) and dies with its parent.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
from multiprocessing.connection import Connection
from typing import Final

from snab_parser.reading import ReadJob, read

WARM_UP: Final = (
    "From: =?utf-8?b?0JjQstCw0L0=?= <snab@client.example>\r\n"
    "To: zakupki@broker.example\r\n"
    "Subject: =?utf-8?b?0JfQsNGP0LLQutCw?=\r\n"
    "Date: Mon, 07 Dec 2026 10:00:00 +0300\r\n"
    "Message-ID: <warm-up@snab.example>\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: 8bit\r\n"
    "\r\n"
    "Добрый день! Прошу выставить счёт до 15.12:\r\n"
    "1. Болт М8х30 DIN 933 — 100 шт\r\n"
    "2. Нужно двести метров кабеля ВВГнг 3х2,5\r\n"
    "С уважением, Иван Петров, ООО «Ромашка», ИНН 7707083893, тел. +7 916 123-45-67\r\n"
).encode()
# exit status of a worker that ran out of memory
OUT_OF_MEMORY: Final = 3
_PR_SET_PDEATHSIG: Final = 1
# Readers run at a lower CPU priority than the service: with every reader busy, /health,
# heartbeats and the next message's I/O still get the CPU first.
_NICENESS: Final = 5


def serve(conn: Connection, memory_bytes: int | None) -> None:
    """The worker's life: warm up, then read jobs until told to stop or orphaned."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    with contextlib.suppress(OSError):  # below the service's own loop, which only waits
        os.nice(_NICENESS)
    read(ReadJob(raw=WARM_UP, llm_chars=1000))
    if memory_bytes:
        _cap_address_space(memory_bytes)
    conn.send_bytes(pickle.dumps(("ready", os.getpid())))
    while True:
        try:
            payload = conn.recv_bytes()
        except (EOFError, OSError):
            return
        job = pickle.loads(payload)  # noqa: S301 - the pool's own process, over a private pipe
        if job is None:
            return
        try:
            reply: tuple[str, object] = ("ok", read(job))
        except MemoryError:
            reply = ("memory", "MemoryError")
        except Exception as exc:  # read() answers for bad mail; this is a bug, say it
            reply = ("error", f"{type(exc).__name__}: {exc}"[:500])
        try:
            conn.send_bytes(pickle.dumps(reply))
        except MemoryError:
            os._exit(OUT_OF_MEMORY)
        if reply[0] == "memory":
            os._exit(OUT_OF_MEMORY)  # the heap is in no state to go on: a fresh worker will


def _die_with_parent() -> None:
    """Linux: SIGKILL this worker when its parent (the pool's fork server) goes."""
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _cap_address_space(budget: int) -> None:
    """Refuse allocations (MemoryError) once the worker has grown by about its budget.

    The pool also watches the resident size; this cap stops an allocation the watcher
    would see too late. It counts address space, which grows with what is allocated.
    """
    with contextlib.suppress(Exception):
        import resource

        page = os.sysconf("SC_PAGE_SIZE")
        with open(f"/proc/{os.getpid()}/statm") as statm:
            size = int(statm.read().split()[0]) * page
        limit = size + budget + budget // 4
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
