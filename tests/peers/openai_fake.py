"""A fake OpenAI-compatible server for tests: the real ``openai`` client talks HTTP to it.

It serves ``POST /v1/chat/completions`` on a free localhost port and answers from a script
of replies, one per request, in order (the last one repeats if ``repeat_last`` is set):

    async with FakeOpenAI() as fake:
        fake.push(Reply.rate_limited(retry_after_ms=50), Reply.answer({"kind": "other", ...}))
        client = AsyncOpenAI(base_url=fake.base_url, api_key="sk-test", max_retries=0)
        ...
        assert fake.requests[0].system == fake.requests[1].system

Replies: a JSON structured answer, arbitrary content (e.g. JSON that breaks the schema),
429 with Retry-After, 5xx, a delay longer than the client's timeout, a refusal
(``message.refusal``), and ``finish_reason: "length"`` with the JSON cut off. A request
without a strict ``json_schema`` response format is rejected with 400, as a provider that
enforces structured outputs would. Every request is recorded with its body and arrival time.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import socket
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

ReplyFactory = Callable[["RecordedRequest"], "Reply"]


@dataclass
class Reply:
    status: int = 200
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    """Seconds to wait before answering (longer than the client's timeout: a timeout)."""

    # -- successful completions ----------------------------------------------------------

    @classmethod
    def content(
        cls,
        text: str | None,
        *,
        finish_reason: str = "stop",
        refusal: str | None = None,
        prompt_tokens: int = 500,
        completion_tokens: int = 120,
        delay: float = 0.0,
    ) -> Reply:
        """A completion whose message content is ``text`` as is (valid JSON or not)."""
        return cls(
            body={
                "object": "chat.completion",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": text, "refusal": refusal},
                        "finish_reason": finish_reason,
                        "logprobs": None,
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": completion_tokens,
                    "total_tokens": prompt_tokens + completion_tokens,
                },
            },
            delay=delay,
        )

    @classmethod
    def answer(cls, data: dict[str, Any], **kwargs: Any) -> Reply:
        """A structured-output answer: ``data`` serialised as the message content."""
        return cls.content(json.dumps(data, ensure_ascii=False), **kwargs)

    @classmethod
    def refusal(cls, text: str = "I'm sorry, I can't help with that.") -> Reply:
        return cls.content(None, refusal=text)

    @classmethod
    def truncated(cls, data: dict[str, Any], keep: float = 0.5) -> Reply:
        """The answer cut off by the token limit: partial JSON, ``finish_reason: length``."""
        text = json.dumps(data, ensure_ascii=False)
        return cls.content(text[: max(1, int(len(text) * keep))], finish_reason="length")

    # -- failures ------------------------------------------------------------------------

    @classmethod
    def error(
        cls, status: int, message: str, *, kind: str = "server_error", **headers: str
    ) -> Reply:
        return cls(
            status=status,
            body={"error": {"message": message, "type": kind, "param": None, "code": None}},
            headers=headers,
        )

    @classmethod
    def rate_limited(cls, *, retry_after: int = 1, retry_after_ms: int | None = None) -> Reply:
        headers = {"retry-after": str(retry_after)}
        if retry_after_ms is not None:
            headers["retry-after-ms"] = str(retry_after_ms)
        reply = cls.error(429, "Rate limit reached for requests", kind="requests")
        reply.headers.update(headers)
        return reply

    @classmethod
    def server_error(cls, status: int = 500) -> Reply:
        return cls.error(status, "The server had an error while processing your request.")

    @classmethod
    def slow(cls, seconds: float, then: Reply | None = None) -> Reply:
        reply = then or cls.server_error(504)
        return cls(status=reply.status, body=reply.body, headers=reply.headers, delay=seconds)


@dataclass
class RecordedRequest:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    at: float

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", []))

    def _content(self, role: str) -> str:
        return "\n".join(str(m.get("content", "")) for m in self.messages if m.get("role") == role)

    @property
    def system(self) -> str:
        return self._content("system")

    @property
    def user(self) -> str:
        return self._content("user")

    @property
    def json_schema(self) -> dict[str, Any] | None:
        fmt = self.body.get("response_format") or {}
        if fmt.get("type") != "json_schema":
            return None
        schema = fmt.get("json_schema")
        return schema if isinstance(schema, dict) else None


class FakeOpenAI:
    def __init__(self, *, repeat_last: bool = False, require_schema: bool = True) -> None:
        self.repeat_last = repeat_last
        self.require_schema = require_schema
        self.requests: list[RecordedRequest] = []
        self._script: deque[Reply | ReplyFactory] = deque()
        self._last: Reply | ReplyFactory | None = None
        self._ids = itertools.count(1)
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def push(self, *replies: Reply | ReplyFactory) -> None:
        """Queue replies; a callable gets the recorded request and returns the reply."""
        self._script.extend(replies)

    def reset(self) -> None:
        self._script.clear()
        self._last = None
        self.requests.clear()

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._completions)
        app.router.add_post("/chat/completions", self._completions)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        return self.base_url

    async def stop(self) -> None:
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeOpenAI:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def _next(self) -> Reply | ReplyFactory | None:
        if self._script:
            self._last = self._script.popleft()
            return self._last
        return self._last if self.repeat_last else None

    async def _completions(self, request: web.Request) -> web.StreamResponse:
        try:
            body = await request.json()
        except ValueError:
            return web.json_response({"error": {"message": "invalid JSON body"}}, status=400)
        recorded = RecordedRequest(
            path=request.path, headers=dict(request.headers), body=body, at=time.monotonic()
        )
        self.requests.append(recorded)
        schema = recorded.json_schema
        if self.require_schema and (schema is None or schema.get("strict") is not True):
            return web.json_response(
                {"error": {"message": "response_format must be a strict json_schema"}},
                status=400,
            )
        scripted = self._next()
        if scripted is None:
            reply = Reply.error(500, "no scripted reply left")
        elif isinstance(scripted, Reply):
            reply = scripted
        else:
            reply = scripted(recorded)
        if reply.delay:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), reply.delay)
        payload = dict(reply.body or {})
        if reply.status == 200:
            payload.setdefault("id", f"chatcmpl-fake-{next(self._ids)}")
            payload.setdefault("created", int(time.time()))
            payload.setdefault("model", body.get("model", "fake"))
        return web.json_response(payload, status=reply.status, headers=reply.headers)
