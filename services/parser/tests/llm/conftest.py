"""Fixtures of the LLM extractor tests: a fake OpenAI server and clients pointed at it."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest_asyncio
from openai import AsyncOpenAI

sys.path.insert(0, str(Path(__file__).resolve().parent))

from snab_parser.extractors import ParseEngine
from snab_parser.llm.breaker import CircuitBreaker
from snab_parser.llm.client import LlmClient
from tests.peers.openai_fake import FakeOpenAI

TIMEOUT = 0.4


@pytest_asyncio.fixture(loop_scope="session")
async def fake_openai() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as fake:
        yield fake


@pytest_asyncio.fixture(loop_scope="session")
async def make_llm(fake_openai: FakeOpenAI) -> AsyncIterator[Callable[..., LlmClient]]:
    """``make_llm(**overrides)``: the real AsyncOpenAI client against the fake server."""
    made: list[LlmClient] = []

    def make(**overrides: Any) -> LlmClient:
        timeout = overrides.pop("timeout", TIMEOUT)
        options: dict[str, Any] = {
            "client": AsyncOpenAI(
                base_url=fake_openai.base_url,
                api_key="sk-test",
                timeout=timeout,
                max_retries=0,
            ),
            "model": "gpt-4o-mini",
            "attempts": 3,
            "backoff_seconds": 0.01,
            "max_backoff_seconds": 0.5,
            "breaker": CircuitBreaker(threshold=5, open_seconds=60),
        }
        options.update(overrides)
        client = LlmClient(**options)
        made.append(client)
        return client

    yield make
    for client in made:
        await client.close()


@pytest_asyncio.fixture(loop_scope="session")
async def engine(make_llm: Callable[..., LlmClient]) -> ParseEngine:
    return ParseEngine(llm=make_llm(), review_confidence=0.6)
