"""The rule extractor on the blind corpus (tests/corpus_blind, built by make_blind.py).

Those messages were written apart from the rules: other goods (packaging, lab equipment,
furniture, auto parts, HVAC, IT hardware, medical consumables, textiles, agrochemicals,
stationery, inch fasteners), other senders' habits and other mail clients. The thresholds
below are what the extractor has to keep on mail it was not tuned on.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from typing import Any

from snab_parser.cli import parse_file
from snab_parser.rules import RuleExtractor
from snab_parser.rules.units import normalize_unit

BLIND = Path(__file__).resolve().parent / "corpus_blind"


def _tokens(text: Any) -> set[str]:
    s = str(text or "").lower().replace("ё", "е")
    s = re.sub(r"(?<=\d)[хx](?=\d)", " ", s)
    return set(re.findall(r"[^\W_]+", s))


def _sim(a: Any, b: Any) -> float:
    ta, tb = _tokens(a), _tokens(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


def _close(gold: Any, pred: Any) -> bool:
    if gold is None or pred is None:
        return gold is None and pred is None
    return abs(float(gold) - float(pred)) <= max(0.01, 0.005 * abs(float(gold)))


def _matched(gold: list[dict[str, Any]], pred: list[dict[str, Any]], ok: Any) -> int:
    """One-to-one pairs, best name similarity first (as the corpus scorer counts them)."""
    pairs = sorted(
        (-_sim(g.get("name"), p.get("name")), gi, pi)
        for gi, g in enumerate(gold)
        for pi, p in enumerate(pred)
        if ok(g, p, gi, pi)
    )
    used_g: set[int] = set()
    used_p: set[int] = set()
    for _, gi, pi in pairs:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
    return len(used_g)


def _f1(tp: int, fp: int, fn: int) -> float:
    return 1.0 if tp + fp + fn == 0 else 2 * tp / (2 * tp + fp + fn)


def _item_ok(g: dict[str, Any], p: dict[str, Any], gi: int, pi: int) -> bool:
    return (
        _sim(g["name"], p["name"]) >= 0.5
        and _close(g["quantity"], p["quantity"])
        and normalize_unit(g["unit"]) == normalize_unit(p["unit"])
    )


def _line_ok(same_length: bool) -> Any:
    def ok(g: dict[str, Any], p: dict[str, Any], gi: int, pi: int) -> bool:
        by_name = _sim(g["name"], p["name"]) >= 0.4 or (same_length and gi == pi)
        return by_name and _close(g["unit_price"], p["unit_price"])

    return ok


def score(folder: Path) -> dict[str, float]:
    extractor = RuleExtractor()
    files = sorted(folder.glob("[0-9][0-9][0-9].eml"))
    kinds = others = false_orders = 0
    items = [0, 0, 0]
    lines = [0, 0, 0]
    fields_ok = fields_n = 0
    for eml in files:
        gold = json.loads(eml.with_suffix(".json").read_text(encoding="utf-8"))
        pred = parse_file(eml, extractor).to_json_dict()
        kinds += pred["kind"] == gold["kind"]
        if gold["kind"] == "other":
            others += 1
            false_orders += pred["kind"] in ("request", "quote")
        g_items = gold["request"]["items"] if gold["kind"] == "request" else []
        p_items = pred["request"]["items"] if pred["kind"] == "request" else []
        tp = _matched(g_items, p_items, _item_ok)
        items = [items[0] + tp, items[1] + len(p_items) - tp, items[2] + len(g_items) - tp]
        g_lines = gold["quote"]["lines"] if gold["kind"] == "quote" else []
        p_lines = pred["quote"]["lines"] if pred["kind"] == "quote" else []
        tp = _matched(g_lines, p_lines, _line_ok(len(g_lines) == len(p_lines)))
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
        "req_item_f1": _f1(*items),
        "quote_line_f1": _f1(*lines),
        "quote_field_acc": fields_ok / fields_n if fields_n else 1.0,
        "false_order_rate": false_orders / others if others else 0.0,
        "n": len(files),
    }


def test_blind_corpus_meets_thresholds() -> None:
    metrics = score(BLIND)
    assert metrics["n"] == 40
    assert metrics["kind_acc"] >= 0.95, metrics
    assert metrics["req_item_f1"] >= 0.90, metrics
    assert metrics["quote_line_f1"] >= 0.85, metrics
    assert metrics["quote_field_acc"] >= 0.85, metrics
    assert metrics["false_order_rate"] == 0, metrics


def test_blind_labels_are_well_formed() -> None:
    kinds: dict[str, int] = {}
    for path in sorted(BLIND.glob("[0-9][0-9][0-9].json")):
        label = json.loads(path.read_text(encoding="utf-8"))
        kinds[label["kind"]] = kinds.get(label["kind"], 0) + 1
        assert path.with_suffix(".eml").is_file(), path
        for item in label.get("request", {}).get("items", []):
            assert normalize_unit(item["unit"]) == item["unit"], (path, item)
            assert isinstance(item["quantity"], int | float), (path, item)
        for line in label.get("quote", {}).get("lines", []):
            assert line["unit"] is None or normalize_unit(line["unit"]) == line["unit"], path
    assert kinds == {"request": 16, "quote": 16, "other": 8}


def test_blind_corpus_is_what_its_generator_writes(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_blind", BLIND / "make_blind.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.write(tmp_path) == 40
    for path in sorted(tmp_path.iterdir()):
        assert path.read_bytes() == (BLIND / path.name).read_bytes(), path.name
