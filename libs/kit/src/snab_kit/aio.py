"""Small asyncio helpers."""

from __future__ import annotations

import asyncio


def stopping() -> bool:
    """True when the running task has been asked to stop.

    On Python 3.11 ``asyncio.wait_for`` (used inside nats-py) can turn a cancellation into a
    ``TimeoutError``, or swallow it when the awaited reply arrives at the same moment; a loop
    must check this after such calls, or it would never stop.
    """
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0
