"""Scoring of the rule extractor over a labelled corpus, by the corpus scorer's rules.

The metrics follow ``FORMAT.md``'s scorer: kind accuracy, request items F1 (name similarity
>= 0.5, equal quantity and unit), quote lines F1 (name similarity >= 0.4 or the same position
when both lists have the same length, and the unit price within 0.5 %), quote fields
(currency, VAT flag, lead time, validity, total) and the share of non-procurement mail read
as an order or a quote. ``Score.counts`` gives the raw counts behind the rates, so that a
change can be compared with the committed baseline count by count.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from snab_parser.cli import parse_file
from snab_parser.rules import RuleExtractor
from snab_parser.rules.units import normalize_unit

HERE = Path(__file__).resolve().parent
CORPORA = ("corpus", "corpus_dev", "corpus_blind", "corpus_blind2", "corpus_blind3")
BASELINE = HERE / "corpus_counts.json"


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


def _item_ok(g: dict[str, Any], p: dict[str, Any], gi: int, pi: int) -> bool:
    return (
        _sim(g["name"], p["name"]) >= 0.5
        and _close(g["quantity"], p["quantity"])
        and normalize_unit(g["unit"]) == normalize_unit(p["unit"])
    )


def _line_matches(same_length: bool) -> Any:
    def ok(g: dict[str, Any], p: dict[str, Any], gi: int, pi: int) -> bool:
        by_name = _sim(g["name"], p["name"]) >= 0.4 or (same_length and gi == pi)
        return by_name and _close(g["unit_price"], p["unit_price"])

    return ok


def _f1(tp: int, fp: int, fn: int) -> float:
    if tp + fp + fn == 0:
        return 1.0
    return 2 * tp / (2 * tp + fp + fn)


@dataclass
class Counts:
    """The raw counts behind the rates."""

    n: int = 0
    kind_ok: int = 0
    other: int = 0
    false_orders: int = 0
    item_tp: int = 0
    item_fp: int = 0
    item_fn: int = 0
    line_tp: int = 0
    line_fp: int = 0
    line_fn: int = 0
    fields_ok: int = 0
    fields_n: int = 0


@dataclass
class Score:
    counts: Counts = field(default_factory=Counts)
    misses: list[str] = field(default_factory=list)

    @property
    def metrics(self) -> dict[str, float]:
        c = self.counts
        return {
            "kind_acc": c.kind_ok / c.n if c.n else 1.0,
            "req_item_f1": _f1(c.item_tp, c.item_fp, c.item_fn),
            "quote_line_f1": _f1(c.line_tp, c.line_fp, c.line_fn),
            "quote_field_acc": c.fields_ok / c.fields_n if c.fields_n else 1.0,
            "false_order_rate": c.false_orders / c.other if c.other else 0.0,
            "n": c.n,
        }


def score_corpus(folder: Path) -> Score:
    extractor = RuleExtractor()
    result = Score()
    c = result.counts
    for eml in sorted(folder.glob("[0-9][0-9][0-9].eml")):
        gold = json.loads(eml.with_suffix(".json").read_text(encoding="utf-8"))
        pred = parse_file(eml, extractor).to_json_dict()
        c.n += 1
        if pred["kind"] == gold["kind"]:
            c.kind_ok += 1
        else:
            result.misses.append(f"{eml.name}: kind {pred['kind']} != {gold['kind']}")
        if gold["kind"] == "other":
            c.other += 1
            c.false_orders += pred["kind"] in ("request", "quote")
        g_items = gold.get("request", {}).get("items", []) if gold["kind"] == "request" else []
        p_items = pred.get("request", {}).get("items", []) if pred["kind"] == "request" else []
        tp = _greedy(g_items, p_items, _item_ok)
        c.item_tp += tp
        c.item_fp += len(p_items) - tp
        c.item_fn += len(g_items) - tp
        if tp != len(g_items) or tp != len(p_items):
            result.misses.append(f"{eml.name}: items {tp}/{len(g_items)} ({len(p_items)} read)")
        g_lines = gold.get("quote", {}).get("lines", []) if gold["kind"] == "quote" else []
        p_lines = pred.get("quote", {}).get("lines", []) if pred["kind"] == "quote" else []
        tp = _greedy(g_lines, p_lines, _line_matches(len(g_lines) == len(p_lines)))
        c.line_tp += tp
        c.line_fp += len(p_lines) - tp
        c.line_fn += len(g_lines) - tp
        if tp != len(g_lines) or tp != len(p_lines):
            result.misses.append(f"{eml.name}: lines {tp}/{len(g_lines)} ({len(p_lines)} read)")
        if gold["kind"] == "quote":
            gq, pq = gold["quote"], pred.get("quote") or {}
            for key in ("currency", "vat_included", "lead_time_days", "valid_until", "total"):
                if gq.get(key) is None:
                    continue
                c.fields_n += 1
                if key == "total":
                    ok = pq.get(key) is not None and _close(gq[key], pq[key])
                else:
                    ok = pq.get(key) == gq[key]
                c.fields_ok += ok
                if not ok:
                    result.misses.append(f"{eml.name}: {key} {pq.get(key)!r} != {gq[key]!r}")
    return result


def main() -> None:
    """Print each corpus's counts and misses; ``--write-baseline`` records the counts."""
    import sys

    args = sys.argv[1:]
    write = "--write-baseline" in args
    folders = [Path(a) for a in args if not a.startswith("--")] or [HERE / c for c in CORPORA]
    counts: dict[str, dict[str, int]] = {}
    for folder in folders:
        s = score_corpus(folder)
        counts[folder.name] = asdict(s.counts)
        print(folder.name, json.dumps(asdict(s.counts)), json.dumps(s.metrics))
        for miss in s.misses:
            print("   ", miss)
    if write:
        BASELINE.write_text(json.dumps(counts, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
