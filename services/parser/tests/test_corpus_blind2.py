"""The rule extractor on the second blind corpus (tests/corpus_blind2, built by make_blind2.py).

Those messages were written before the rules were read: metal products by dimensions and
grades, prose with "в количестве"/"объём"/"около", items split between the body and an
attachment, nested HTML tables, 1C orders, Excel rows pasted as tabs, answers written inline
under the quoted request, "без НДС"/"с НДС" price columns, English and mixed-language quotes
in USD/CNY, prices in "т.р.", per 1000 pcs and per тонна, and non-procurement mail (tender
platform, courier, bank, HR, requisites, a complaint, a thank-you).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

from snab_parser.rules.units import normalize_unit

BLIND2 = Path(__file__).resolve().parent / "corpus_blind2"


def _load_scorer() -> Any:
    """The same scoring as test_corpus.py (the corpus scorer's rules), loaded from there."""
    spec = importlib.util.spec_from_file_location(
        "parser_corpus_scoring_blind2", Path(__file__).with_name("test_corpus.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.score


score = _load_scorer()


def test_blind2_corpus_meets_thresholds() -> None:
    metrics = score(BLIND2)
    assert metrics["n"] == 40
    assert metrics["kind_acc"] >= 0.95, metrics
    assert metrics["req_item_f1"] >= 0.90, metrics
    assert metrics["quote_line_f1"] >= 0.85, metrics
    assert metrics["quote_field_acc"] >= 0.85, metrics
    assert metrics["false_order_rate"] == 0, metrics


def test_blind2_labels_are_well_formed() -> None:
    kinds: dict[str, int] = {}
    for path in sorted(BLIND2.glob("[0-9][0-9][0-9].json")):
        label = json.loads(path.read_text(encoding="utf-8"))
        kinds[label["kind"]] = kinds.get(label["kind"], 0) + 1
        assert path.with_suffix(".eml").is_file(), path
        for item in label.get("request", {}).get("items", []):
            assert normalize_unit(item["unit"]) == item["unit"], (path, item)
            assert isinstance(item["quantity"], int | float), (path, item)
        for line in label.get("quote", {}).get("lines", []):
            assert line["unit"] is None or normalize_unit(line["unit"]) == line["unit"], path
    assert kinds == {"request": 16, "quote": 16, "other": 8}


def test_blind2_corpus_is_what_its_generator_writes(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_blind2", BLIND2 / "make_blind2.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.write(tmp_path) == 40
    for path in sorted(tmp_path.iterdir()):
        assert path.read_bytes() == (BLIND2 / path.name).read_bytes(), path.name
