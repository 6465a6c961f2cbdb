"""``snab-parser parse FILE.eml --extractor llm|auto`` against the fake OpenAI server."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

from llm_samples import quote_answer, quote_eml, request_answer, request_eml

from tests.peers.openai_fake import FakeOpenAI, Reply


async def run_cli(
    tmp_path: Path, eml: bytes, fake: FakeOpenAI, *args: str
) -> tuple[dict[str, Any], str]:
    path = tmp_path / "letter.eml"
    path.write_bytes(eml)
    env = {
        **os.environ,
        "OPENAI_API_KEY": "sk-test",
        "OPENAI_BASE_URL": fake.base_url,
        "OPENAI_MODEL": "gpt-4o-mini",
        "LLM_TIMEOUT_SECONDS": "5",
        "LLM_BACKOFF_SECONDS": "0.01",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "snab_parser.cli",
        "parse",
        str(path),
        *args,
        cwd=tmp_path,  # no .env from the working tree
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    return json.loads(out), err.decode()


async def test_cli_uses_the_llm_and_checks_it_against_the_rules(
    fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    fake_openai.reset()
    fake_openai.push(Reply.answer(request_answer()))
    result, _ = await run_cli(tmp_path, request_eml(), fake_openai, "--extractor", "llm")
    assert len(fake_openai.requests) == 1
    assert result["kind"] == "request" and result["extractor"] == "llm"
    assert result["request"]["inn"] == "7707083893"
    assert [i["quantity"] for i in result["request"]["items"]] == [100, 200, 200]
    assert result["needs_review"] is False


async def test_cli_falls_back_to_the_rules_when_the_llm_fails(
    fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    fake_openai.reset()
    fake_openai.push(*(Reply.server_error() for _ in range(3)))
    result, err = await run_cli(tmp_path, quote_eml(), fake_openai, "--extractor", "auto")
    assert len(fake_openai.requests) == 3
    assert result["kind"] == "quote" and result["extractor"] == "rules"
    assert [line["unit_price"] for line in result["quote"]["lines"]] == [12.5, 4]
    assert "LLM not used (server_error)" in err
    assert quote_answer()["quote"]["total"] == result["quote"]["total"]
