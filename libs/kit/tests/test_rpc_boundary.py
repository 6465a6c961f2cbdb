"""What a hostile or broken caller gets from any rpc subject: a small typed error, fast.

The request never reaches the handler unless it is well-formed; the error names what
is wrong without echoing the input back (a 1 MB field must not become a 4 MB reply).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any, ClassVar

import nats
import pytest
import pytest_asyncio
from kit_busapp import build as build_app
from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncEngine

from snab_contracts.base import Contract, RpcRequest
from snab_kit.bus import BusNames
from snab_kit.rpc import RpcClient
from snab_kit.settings import ServiceSettings


class Echoed(Contract):
    name: str


class Rename(RpcRequest[Echoed]):
    SUBJECT: ClassVar[str] = "rpc.kittest.rename"
    name: str
    tags: list[str] = Field(default_factory=list)


@pytest_asyncio.fixture(loop_scope="session")
async def caller(
    kit_db: AsyncEngine, nats_url: str, database_url: str, bus: BusNames
) -> AsyncIterator[Any]:
    service = build_app(
        ServiceSettings(nats_url=nats_url, database_url=database_url, bus_namespace=bus.namespace)
    )
    handled: list[Rename] = []

    @service.rpc(Rename)
    async def rename(req: Rename) -> Echoed:
        handled.append(req)
        return Echoed(name=req.name)

    nc = await nats.connect(nats_url)
    rpc = RpcClient(nc, bus, timeout=5)

    async def call(payload: bytes) -> tuple[dict[str, Any], int, float]:
        started = asyncio.get_running_loop().time()
        msg = await rpc.request(Rename.SUBJECT, payload)
        took = asyncio.get_running_loop().time() - started
        return json.loads(msg.data), len(msg.data), took

    call.handled = handled  # type: ignore[attr-defined]
    async with service.running():
        yield call
    await nc.drain()


async def test_a_good_request_is_answered(caller: Any) -> None:
    reply, _, _ = await caller(b'{"name": "ok", "actor": "user:anna"}')
    assert reply == {"ok": True, "result": {"name": "ok"}}


@pytest.mark.parametrize(
    ("case", "payload"),
    [
        ("deeply nested", b'{"name": "x", "tags": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
        ("deeply nested objects", b'{"name": ' + b'{"a":' * 50_000 + b"1" + b"}" * 50_000 + b"}"),
        ("a 200 KB field of the wrong type", b'{"name": "x", "tags": "' + b"A" * 200_000 + b'"}'),
        ("over the size limit", b'{"name": "' + b"A" * 900_000 + b'"}'),
        ("not UTF-8", b'{"name": "\xff\xfe\xfd"}'),
        ("a NUL inside", b'{"name": "a\\u0000b"}'),
        ("a raw NUL", b'{"name": "a\x00b"}'),
        ("not JSON", b"\x00\x01\x02 garbage"),
        ("not an object", b"[1, 2, 3]"),
        ("a wrong type", b'{"name": 42}'),
        ("an endless actor", b'{"name": "x", "actor": "user:' + b"a" * 100_000 + b'"}'),
        ("an actor with control characters", b'{"name": "x", "actor": "user:a\\nb"}'),
        ("empty", b""),
    ],
)
async def test_bad_input_gets_a_small_typed_error_fast(
    caller: Any, case: str, payload: bytes
) -> None:
    reply, size, took = await caller(payload)
    assert reply["ok"] is False, case
    assert reply["error"]["code"] == "validation", (case, reply)
    assert size < 2000, f"{case}: a {size}-byte reply echoes the input"
    assert took < 1.0, f"{case}: answered in {took:.2f} s"
    assert caller.handled == [], "the handler never sees a malformed request"


def test_depth_is_measured_without_decoding() -> None:
    from snab_kit.rpc import json_depth

    assert json_depth(b'{"a": [1, {"b": 2}]}') == 3
    assert json_depth(b'{"a": "[[[{{{"}') == 1  # brackets inside strings do not count
    assert json_depth(b'{"a": "quote \\" [ and backslash \\\\", "b": [[]]}') == 3
    assert json_depth(b"[" * 10_000 + b"]" * 10_000) == 33  # stops past the limit
