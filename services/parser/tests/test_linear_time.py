"""Every regex the parser runs on mail text takes time linear in the text's length.

Python's regex engine backtracks: a pattern that can start at every position of a long run
(spaces, digits, a word) and read to the end of it from each, or that splits a run between
two quantifiers in every possible way, takes quadratic (or worse) time, and a crafted line of
a few kilobytes holds a worker for seconds. Each module-level pattern of the rules, the
attachment readers and the prompt is searched through runs of the shapes that did this; where
it takes noticeable time at 2 000 characters it is timed again at 8 000: the time may grow
about fourfold, never about sixteenfold. CPU time of this process is measured (the best of a
few runs), so a loaded machine does not make a pattern look slow.

Patterns only count when they are module-level: a test below fails on a ``re.search(...)``
written inside a function, so that no pattern escapes the timing.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

import snab_parser
import snab_parser.attachments
import snab_parser.domain
import snab_parser.rules

PACKAGES = (snab_parser.rules, snab_parser.attachments, snab_parser.domain)
EXTRA_MODULES = ("snab_parser.email_text", "snab_parser.llm.prompt", "snab_parser.reading")
# the runs that drove rule patterns into quadratic time, and what may follow a run
UNITS = (
    " ", "\t", " \t", "\n", "\n ", "1", "1 ", "123 ", "1.", "1,", "1-", "-", " -", "— ", ",",
    ", ", ";", "|", ">", "(", ")", "а", "a", "А", "аа. ", "_", "@", ":", "*", "x", "№",
    "цена", "перв", "оплат", "действ", "по ", "за ", "шт ", "1 шт ", "кол-во ", "и ", "в ",
    "пишет ", "Re: ", "итого ",
)  # fmt: skip
ENDS = ("", "\x01", "1")
SHORT, LONG = 2000, 8000
# below this at 2 000 characters a pattern is not worth timing at 8 000 (quadratic there is
# millions of steps, tens of milliseconds)
NOTICEABLE_SECONDS = 0.003
# linear: about 4; quadratic: about 16
MAX_GROWTH = 8.0


def _modules() -> Iterator[ModuleType]:
    for package in PACKAGES:
        yield package
        for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            yield importlib.import_module(info.name)
    for name in EXTRA_MODULES:
        yield importlib.import_module(name)


def _patterns_in(value: object, name: str, depth: int = 0) -> Iterator[tuple[str, re.Pattern[str]]]:
    if isinstance(value, re.Pattern):
        if isinstance(value.pattern, str):
            yield name, value
    elif depth < 2 and isinstance(value, tuple | list):
        for i, item in enumerate(value):
            yield from _patterns_in(item, f"{name}[{i}]", depth + 1)
    elif depth < 2 and isinstance(value, dict):
        for key, item in value.items():
            yield from _patterns_in(item, f"{name}[{key!r}]", depth + 1)


def module_patterns() -> list[tuple[str, re.Pattern[str]]]:
    seen: set[int] = set()
    found: list[tuple[str, re.Pattern[str]]] = []
    for module in _modules():
        for attr, value in vars(module).items():
            for name, pattern in _patterns_in(value, f"{module.__name__}.{attr}"):
                if id(pattern) not in seen:
                    seen.add(id(pattern))
                    found.append((name, pattern))
    return found


def _cpu(pattern: re.Pattern[str], text: str, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.process_time()
        for _match in pattern.finditer(text):
            pass
        best = min(best, time.process_time() - started)
    return best


def _run(unit: str, length: int, end: str) -> str:
    return (unit * (length // len(unit) + 1))[:length] + end


def growth(pattern: re.Pattern[str]) -> tuple[float, str] | None:
    """The worst growth from 2 000 to 8 000 characters, with the shape, when noticeable."""
    worst: tuple[float, str] | None = None
    for unit in UNITS:
        for end in ENDS:
            text = _run(unit, SHORT, end)
            if _cpu(pattern, text, runs=1) < NOTICEABLE_SECONDS:
                continue
            short = _cpu(pattern, text)
            ratio = _cpu(pattern, _run(unit, LONG, end), runs=2) / short
            if worst is None or ratio > worst[0]:
                worst = (ratio, f"{unit!r} * n + {end!r}: {short * 1000:.1f} ms at {SHORT}")
    return worst


def test_there_are_patterns_to_time() -> None:
    names = {name for name, _ in module_patterns()}
    assert len(names) > 150
    assert "snab_parser.rules.lines.QTY_RE" in names
    assert "snab_parser.attachments.xlsx._TYPES" not in names  # a string, not a pattern


@pytest.mark.parametrize(("name", "pattern"), module_patterns(), ids=lambda v: str(v)[:60])
def test_pattern_time_grows_linearly(name: str, pattern: re.Pattern[str]) -> None:
    worst = growth(pattern)
    if worst is not None:
        assert worst[0] < MAX_GROWTH, f"{name}: time x{worst[0]:.1f} on {worst[1]}"


def _inline_patterns(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "re"
                and node.func.attr != "escape"
            ):
                yield f"{path.name}:{node.lineno} re.{node.func.attr}"


def test_no_pattern_is_written_inside_a_function() -> None:
    root = Path(snab_parser.__file__).parent
    files = [
        p for folder in ("rules", "attachments", "domain") for p in (root / folder).glob("*.py")
    ]
    files += [root / "llm" / "prompt.py", root / "reading.py", root / "email_text.py"]
    inline = [hit for path in files for hit in _inline_patterns(path)]
    assert inline == []


def test_a_quadratic_pattern_is_caught() -> None:
    # from every space of a run, read to its end to look for an "x" that is not there
    worst = growth(re.compile(r"\s+x"))
    assert worst is not None and worst[0] > MAX_GROWTH
    # the same search from the start of a run only
    assert growth(re.compile(r"(?<!\s)\s+x")) is None
