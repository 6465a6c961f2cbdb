"""Every regex of snab_mailparse takes time linear in the length of what it reads.

A pattern that can start at every character of a long run and read on from each takes
quadratic time on a crafted message. Each module-level pattern is searched through runs of
such shapes; where it takes noticeable time at 2 000 characters it is timed again at 8 000,
and the time may grow about fourfold, never about sixteenfold (CPU time, best of a few runs).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import time
from collections.abc import Iterator

import pytest

import snab_mailparse

UNITS = (
    " ", "\t", "\n", "\n ", "1", "1 ", "1.", "-", "--", ">", "> ", "a", "а", "я ", "=?", "<",
    "@", "a@", "_", "message-id: ", "from: ", "wrote ", "re: ", "auto",
)  # fmt: skip
ENDS = ("", "\x01", "1")
SHORT, LONG = 2000, 8000
NOTICEABLE_SECONDS = 0.003
MAX_GROWTH = 8.0


def module_patterns() -> list[tuple[str, re.Pattern[str]]]:
    found: list[tuple[str, re.Pattern[str]]] = []
    for info in pkgutil.iter_modules(snab_mailparse.__path__, "snab_mailparse."):
        module = importlib.import_module(info.name)
        for attr, value in vars(module).items():
            if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                found.append((f"{info.name}.{attr}", value))
    return found


def _cpu(pattern: re.Pattern[str], text: str, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.process_time()
        for _match in pattern.finditer(text):
            pass
        best = min(best, time.process_time() - started)
    return best


def _runs(length: int) -> Iterator[tuple[str, str]]:
    for unit in UNITS:
        for end in ENDS:
            yield f"{unit!r} * n + {end!r}", (unit * (length // len(unit) + 1))[:length] + end


@pytest.mark.parametrize(("name", "pattern"), module_patterns(), ids=lambda v: str(v)[:50])
def test_pattern_time_grows_linearly(name: str, pattern: re.Pattern[str]) -> None:
    for (shape, short_text), (_, long_text) in zip(_runs(SHORT), _runs(LONG), strict=True):
        if _cpu(pattern, short_text, runs=1) < NOTICEABLE_SECONDS:
            continue
        ratio = _cpu(pattern, long_text, runs=2) / _cpu(pattern, short_text)
        assert ratio < MAX_GROWTH, f"{name}: time x{ratio:.1f} on {shape}"


def test_the_flag_patterns_are_timed() -> None:
    names = {name for name, _ in module_patterns()}
    assert {"snab_mailparse.flags._QUANTITY", "snab_mailparse.flags._AWAY"} <= names
