"""The CLI's parse over labelled corpora, scored like the corpus scorer, against thresholds.

The parser's own corpus (tests/corpus, built by make_corpus.py) always runs; the shared dev
corpus runs when the shared folder is next to the repository.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from snab_parser.cli import parse_file
from snab_parser.rules import RuleExtractor
from snab_parser.rules.units import normalize_unit

HERE = Path(__file__).resolve().parent
OWN = HERE / "corpus"
SHARED_DEV = Path(__file__).resolve().parents[3] / ".." / "shared" / "corpus" / "dev"


def _tokens(text: Any) -> set[str]:
    s = str(text or "").lower().replace("ё", "е")
    s = re.sub(r"(?<=\d)[хx](?=\d)", " ", s)
    return set(re.findall(r"[^\W_]+", s))


def _sim(a: Any, b: Any) -> float:
    ta, tb = _tokens(a), _tokens(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


def _num(x: Any) -> float | None:
    return None if x is None or isinstance(x, bool) else float(x)


def _close(gold: Any, pred: Any) -> bool:
    g, p = _num(gold), _num(pred)
    if g is None or p is None:
        return g is None and p is None
    return abs(g - p) <= max(0.01, 0.005 * abs(g))


def _greedy(gold: list[dict[str, Any]], pred: list[dict[str, Any]], ok: Any) -> int:
    cands = sorted(
        (-_sim(g.get("name"), p.get("name")), gi, pi)
        for gi, g in enumerate(gold)
        for pi, p in enumerate(pred)
        if ok(g, p, gi, pi)
    )
    used_g: set[int] = set()
    used_p: set[int] = set()
    for _, gi, pi in cands:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
    return len(used_g)


def _line_matches(same_length: bool) -> Any:
    def ok(g: dict[str, Any], p: dict[str, Any], gi: int, pi: int) -> bool:
        by_name = _sim(g["name"], p["name"]) >= 0.4 or (same_length and gi == pi)
        return by_name and _close(g["unit_price"], p["unit_price"])

    return ok


def _f1(tp: int, fp: int, fn: int) -> float:
    if tp + fp + fn == 0:
        return 1.0
    return 2 * tp / (2 * tp + fp + fn)


def score(folder: Path) -> dict[str, float]:
    extractor = RuleExtractor()
    kinds = other = false_orders = 0
    req = [0, 0, 0]
    lines = [0, 0, 0]
    fields_ok = fields_n = 0
    files = sorted(folder.glob("[0-9][0-9][0-9].eml"))
    for eml in files:
        gold = json.loads(eml.with_suffix(".json").read_text(encoding="utf-8"))
        pred = parse_file(eml, extractor).to_json_dict()
        kinds += pred["kind"] == gold["kind"]
        if gold["kind"] == "other":
            other += 1
            false_orders += pred["kind"] in ("request", "quote")
        g_items = gold.get("request", {}).get("items", []) if gold["kind"] == "request" else []
        p_items = pred.get("request", {}).get("items", []) if pred["kind"] == "request" else []
        tp = _greedy(
            g_items,
            p_items,
            lambda g, p, gi, pi: (
                _sim(g["name"], p["name"]) >= 0.5
                and _close(g["quantity"], p["quantity"])
                and normalize_unit(g["unit"]) == normalize_unit(p["unit"])
            ),
        )
        req = [req[0] + tp, req[1] + len(p_items) - tp, req[2] + len(g_items) - tp]
        g_lines = gold.get("quote", {}).get("lines", []) if gold["kind"] == "quote" else []
        p_lines = pred.get("quote", {}).get("lines", []) if pred["kind"] == "quote" else []
        tp = _greedy(g_lines, p_lines, _line_matches(len(g_lines) == len(p_lines)))
        lines = [lines[0] + tp, lines[1] + len(p_lines) - tp, lines[2] + len(g_lines) - tp]
        if gold["kind"] == "quote":
            gq, pq = gold["quote"], pred.get("quote") or {}
            for key in ("currency", "vat_included", "lead_time_days", "valid_until", "total"):
                if gq.get(key) is None:
                    continue
                fields_n += 1
                if key == "total":
                    fields_ok += pq.get(key) is not None and _close(gq[key], pq[key])
                else:
                    fields_ok += pq.get(key) == gq[key]
    return {
        "kind_acc": kinds / len(files),
        "req_item_f1": _f1(*req),
        "quote_line_f1": _f1(*lines),
        "quote_field_acc": fields_ok / fields_n if fields_n else 1.0,
        "false_order_rate": false_orders / other if other else 0.0,
        "n": len(files),
    }


def _assert_thresholds(metrics: dict[str, float]) -> None:
    assert metrics["kind_acc"] >= 0.95, metrics
    assert metrics["req_item_f1"] >= 0.90, metrics
    assert metrics["quote_line_f1"] >= 0.85, metrics
    assert metrics["quote_field_acc"] >= 0.85, metrics
    assert metrics["false_order_rate"] == 0, metrics


def test_own_corpus_meets_thresholds() -> None:
    metrics = score(OWN)
    assert metrics["n"] >= 40
    _assert_thresholds(metrics)


@pytest.mark.skipif(not SHARED_DEV.is_dir(), reason="shared dev corpus not present")
def test_shared_dev_corpus_meets_thresholds() -> None:
    _assert_thresholds(score(SHARED_DEV))


def test_every_own_label_is_well_formed() -> None:
    for path in sorted(OWN.glob("[0-9][0-9][0-9].json")):
        label = json.loads(path.read_text(encoding="utf-8"))
        assert label["kind"] in ("request", "quote", "other"), path
        assert path.with_suffix(".eml").is_file(), path
