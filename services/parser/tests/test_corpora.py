"""The rule extractor over every labelled corpus committed here, scored like the corpus scorer.

- ``corpus``: the parser's own corpus (``corpus/make_corpus.py``).
- ``corpus_dev``: the team's dev corpus, kept here as data.
- ``corpus_blind``, ``corpus_blind2``, ``corpus_blind3``: written apart from the rules by
  people who had read only ``CORPUS_FORMAT.md``, to measure the extractor on mail it was not
  tuned on (each folder's generator says what it holds).

Every corpus must meet the same thresholds, and must not lose what it had: the raw counts
(matched items and lines, false positives, misses, right kinds, right quote fields) are
compared with ``corpus_counts.json``. After an improvement, rewrite that file with

    .venv/bin/python services/parser/tests/parser_corpus_scoring.py --write-baseline
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from parser_corpus_scoring import BASELINE, CORPORA, HERE, score_corpus

from snab_parser.rules.units import normalize_unit

THRESHOLDS = {
    "kind_acc": 0.95,
    "req_item_f1": 0.92,
    "quote_line_f1": 0.88,
    "quote_field_acc": 0.90,
}
# A count that must not grow, against one that must not shrink.
LOWER_IS_BETTER = {"false_orders", "item_fp", "item_fn", "line_fp", "line_fn"}
SIZES = {
    "corpus": 55,
    "corpus_dev": 36,
    "corpus_blind": 40,
    "corpus_blind2": 40,
    "corpus_blind3": 48,
}


@pytest.mark.parametrize("name", CORPORA)
def test_corpus_meets_thresholds_and_keeps_its_counts(name: str) -> None:
    result = score_corpus(HERE / name)
    metrics = result.metrics
    assert metrics["n"] == SIZES.get(name, metrics["n"]) and metrics["n"] >= 36
    for key, floor in THRESHOLDS.items():
        assert metrics[key] >= floor, (key, metrics, result.misses)
    assert result.counts.false_orders == 0, result.misses
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))[name]
    counts = vars(result.counts)
    for key, before in baseline.items():
        if key in LOWER_IS_BETTER:
            assert counts[key] <= before, (key, counts[key], before, result.misses)
        elif key not in ("n", "other", "fields_n"):
            assert counts[key] >= before, (key, counts[key], before, result.misses)
        else:
            assert counts[key] == before, (key, counts[key], before)


@pytest.mark.parametrize("name", CORPORA)
def test_labels_are_well_formed(name: str) -> None:
    for path in sorted((HERE / name).glob("[0-9][0-9][0-9].json")):
        label = json.loads(path.read_text(encoding="utf-8"))
        assert label["kind"] in ("request", "quote", "other"), path
        assert path.with_suffix(".eml").is_file(), path
        for item in label.get("request", {}).get("items", []):
            assert normalize_unit(item["unit"]) == item["unit"], (path, item)
            assert isinstance(item["quantity"], int | float), (path, item)
        for line in label.get("quote", {}).get("lines", []):
            assert line["unit"] is None or normalize_unit(line["unit"]) == line["unit"], path


GENERATORS = {
    name: script for name in CORPORA for script in sorted((HERE / name).glob("make_*.py"))[:1]
}


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_corpus_is_what_its_generator_writes(name: str, tmp_path: Path) -> None:
    """A rerun of the generator changes no byte: same messages, same labels, same ids."""
    script = GENERATORS[name]
    spec = importlib.util.spec_from_file_location(f"parser_{script.stem}", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = module.write(tmp_path)
    committed = sorted(p.name for p in (HERE / name).glob("[0-9][0-9][0-9].*"))
    assert written == len(committed) // 2
    assert sorted(p.name for p in tmp_path.iterdir()) == committed
    for path in sorted(tmp_path.iterdir()):
        assert path.read_bytes() == (HERE / name / path.name).read_bytes(), path.name
