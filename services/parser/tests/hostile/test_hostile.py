"""The hostile corpus through ``snab-parser parse``: each mail answered within its budget.

One CLI run reads every case (one worker process, replaced when a reading is stopped). Each
answer is a result a manager can act on: classified as not a request, or sent to review
with the reason; a huge number never becomes a quantity or a price, and no control
character reaches the output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from make_hostile import CASES

HERE = Path(__file__).resolve().parent
CASES_DIR = HERE / "cases"
BUDGET_SECONDS = 10
# starting the CLI and its worker, and replacing a stopped worker, on a loaded machine
SLACK_SECONDS = 60


def command(*files: Path) -> list[str]:
    cli = [sys.executable, "-m", "snab_parser.cli", "parse", "--extractor", "rules", "--compact"]
    return [*cli, *(str(f) for f in files)]


def run_cli(files: list[Path], tmp_path: Path) -> tuple[list[dict[str, Any]], float]:
    env = {**os.environ, "PARSER_TIME_BUDGET_SECONDS": str(BUDGET_SECONDS)}
    env.pop("OPENAI_API_KEY", None)
    started = time.monotonic()
    process = subprocess.run(
        command(*files),
        cwd=tmp_path,  # no .env from the working tree
        env=env,
        capture_output=True,
        timeout=len(files) * BUDGET_SECONDS + SLACK_SECONDS,
        check=False,
    )
    seconds = time.monotonic() - started
    assert process.returncode == 0, process.stderr.decode()
    lines = process.stdout.decode().splitlines()
    return [json.loads(line) for line in lines], seconds


def _items(result: dict[str, Any]) -> list[dict[str, Any]]:
    if result["kind"] == "request":
        return list(result["request"]["items"])
    if result["kind"] == "quote":
        return list(result["quote"]["lines"])
    return []


def test_every_hostile_mail_gets_a_clear_answer_within_its_budget(tmp_path: Path) -> None:
    files = [CASES_DIR / f"{case.name}.eml" for case in CASES]
    results, seconds = run_cli(files, tmp_path)
    assert len(results) == len(CASES)
    assert seconds < len(CASES) * BUDGET_SECONDS + SLACK_SECONDS
    by_case = {case.name: result for case, result in zip(CASES, results, strict=True)}

    for name, result in by_case.items():
        text = json.dumps(result, ensure_ascii=False)
        assert "\\u0000" not in text and "\u202e" not in text and "\u200b" not in text, name
        if name == "xlsx_dimension":
            # a sheet declaring a million rows and columns, holding one: simply read
            assert [(i["name"], i["quantity"]) for i in _items(result)] == [("Болт М8", 5)]
            continue
        assert result["kind"] == "other" or result["needs_review"], (name, result)
        for item in _items(result):
            for key in ("quantity", "unit_price", "line_total"):
                value = item.get(key)
                assert value is None or abs(value) <= 10**12, (name, item)

    assert "quantity_out_of_range: Болт М8х30" in by_case["long_quantity"]["review_reasons"]
    assert "quantity_out_of_range: Болт М8х30" in by_case["giant_number"]["review_reasons"]
    giant_price = by_case["giant_price"]
    assert giant_price["kind"] == "quote"
    assert "unit_price_out_of_range: Болт М8х30" in giant_price["review_reasons"]
    assert [line["unit_price"] for line in giant_price["quote"]["lines"]] == [None, 2.5]
    assert "bidi_controls_removed" in by_case["bidi_names"]["review_reasons"]
    assert "control_characters_removed" in by_case["nul_attachment"]["review_reasons"]
    assert [i["name"] for i in _items(by_case["nul_attachment"])] == ["Болт М8", "Гайка М8"]
    for name in ("xlsx_wide", "xlsx_inflated_cell", "xlsx_shared_strings", "pdf_stream"):
        assert any(r.startswith("attachment_not_read") for r in by_case[name]["review_reasons"])
    for name in ("body_spaces", "body_tabs", "body_digits", "body_spaced_digits"):
        assert "text_cut" in by_case[name]["review_reasons"], name


def test_a_mail_over_the_budget_is_answered_for_review(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PARSER_TIME_BUDGET_SECONDS": "0.3",
        # the budget alone has to stop it
        "PARSER_ATTACHMENT_MAX_CELLS": "9999999",
        "PARSER_ATTACHMENT_MAX_COLUMNS": "20000",
    }
    process = subprocess.run(
        command(CASES_DIR / "xlsx_columns.eml"),
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=SLACK_SECONDS,
        check=False,
    )
    assert process.returncode == 0
    result = json.loads(process.stdout)
    assert result["kind"] == "other" and result["needs_review"]
    assert result["review_reasons"] == ["too_expensive_to_parse: time"]
    assert "too expensive to parse" in process.stderr.decode()
