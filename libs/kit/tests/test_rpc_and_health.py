"""RPC with typed failures, and the /health and /metrics endpoints of a running service."""

from __future__ import annotations

import asyncio
from typing import ClassVar

import httpx
import nats
import pytest
import uvicorn
from kit_busapp import build as build_app
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncEngine

from snab_contracts.base import Contract, RpcRequest
from snab_kit.bus import BusNames
from snab_kit.embedded import free_port
from snab_kit.errors import ConflictError, NotFoundError
from snab_kit.rpc import (
    Conflict,
    NotFound,
    RpcClient,
    RpcFailure,
    Unavailable,
    ValidationFailed,
)
from snab_kit.settings import ServiceSettings
from snab_kit.testing import wait_for


class Found(Contract):
    number: int
    name: str


class Lookup(RpcRequest[Found]):
    SUBJECT: ClassVar[str] = "rpc.kittest.lookup"
    number: int


class NotALookup(BaseModel):
    number: str


def _settings(nats_url: str, database_url: str, bus: BusNames, **extra: object) -> ServiceSettings:
    return ServiceSettings(
        nats_url=nats_url, database_url=database_url, bus_namespace=bus.namespace, **extra
    )


async def test_rpc_answers_and_typed_failures_reach_the_caller(
    kit_db: AsyncEngine, nats_url: str, database_url: str, bus: BusNames
) -> None:
    service = build_app(_settings(nats_url, database_url, bus))
    calls: list[int] = []

    @service.rpc(Lookup)
    async def lookup(req: Lookup) -> Found:
        calls.append(req.number)
        if req.number == 404:
            raise NotFoundError("заявка не найдена", number=req.number)
        if req.number == 409:
            raise ConflictError("уже есть", number=req.number)
        if req.number == 500:
            raise RuntimeError("boom: secret details")
        await asyncio.sleep(0.05)
        return Found(number=req.number, name=f"ORD-2026-{req.number:04d}")

    nc = await nats.connect(nats_url)
    client = RpcClient(nc, bus, timeout=5)
    async with service.running():
        found = await client.call(Lookup(number=52))
        assert found == Found(number=52, name="ORD-2026-0052")

        with pytest.raises(NotFound) as not_found:
            await client.call(Lookup(number=404))
        assert not_found.value.message == "заявка не найдена"
        assert not_found.value.details == {"number": 404}
        with pytest.raises(Conflict):
            await client.call(Lookup(number=409))

        with pytest.raises(RpcFailure) as internal:
            await client.call(Lookup(number=500))
        assert internal.value.code == "internal"
        assert "secret details" not in internal.value.message

        with pytest.raises(ValidationFailed):
            await client.call_raw("rpc.kittest.lookup", NotALookup(number="не число"))

        # Requests are answered concurrently, not one after another.
        started = asyncio.get_running_loop().time()
        await asyncio.gather(*(client.call(Lookup(number=i)) for i in range(20)))
        assert asyncio.get_running_loop().time() - started < 0.05 * 20 / 2

    with pytest.raises(Unavailable):
        await client.call(Lookup(number=1), timeout=0.5)
    await nc.drain()


async def test_health_and_metrics_over_http(
    kit_db: AsyncEngine, nats_url: str, database_url: str, bus: BusNames
) -> None:
    port = free_port()
    service = build_app(_settings(nats_url, database_url, bus, http_port=port))
    broken = {"smtp": "connection refused"}

    @service.check("smtp")
    async def smtp() -> str | None:
        return broken.get("smtp")

    @service.check("billing")
    async def billing() -> str | None:
        if broken.get("billing"):
            raise RuntimeError("530 5.7.0 auth failed for user zakupki, password hunter2")
        return None

    server = uvicorn.Server(
        uvicorn.Config(service.asgi(), host="127.0.0.1", port=port, log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            for _ in range(100):
                if server.started and service.started.is_set():
                    break
                await asyncio.sleep(0.05)
            failing = await http.get("/health")
            assert failing.status_code == 503
            assert failing.json()["checks"] == {
                "nats": "ok",
                "database": "ok",
                "smtp": "connection refused",
                "billing": "ok",
            }
            # A check that raises: its text (a remote server's) stays in the log.
            broken["billing"] = "yes"
            raised = await http.get("/health")
            assert raised.status_code == 503
            assert raised.json()["checks"]["billing"] == "failing: error"
            assert "hunter2" not in raised.text and "530" not in raised.text
            broken.clear()
            healthy = await http.get("/health")
            assert healthy.status_code == 200
            assert healthy.json()["status"] == "ok"
            metrics = await http.get("/metrics")
            assert metrics.status_code == 200
            # The list of every subject and schema is for developers (DEBUG=true) only.
            assert (await http.get("/docs/asyncapi")).status_code == 404
            assert 'snab_health_check_ok{check="smtp",service="kittest"} 1.0' in metrics.text
    finally:
        server.should_exit = True
        await task


class Echo(RpcRequest[Found]):
    SUBJECT: ClassVar[str] = "rpc.kittest.echo"
    number: int


async def test_healthy_means_started_and_rpc_answers(
    kit_db: AsyncEngine, nats_url: str, database_url: str, bus: BusNames
) -> None:
    """``/health`` says ok only once the service has started (its startup hooks done, its
    consumers running) and the server has its rpc subscriptions: a caller that waited for
    health never hears "no responders"."""
    nc = await nats.connect(nats_url)
    client = RpcClient(nc, bus, timeout=5)
    port = free_port()
    service = build_app(_settings(nats_url, database_url, bus, http_port=port))
    for n in range(60):  # many subjects: their SUBs take a moment to reach the server

        class Extra(RpcRequest[Found]):
            SUBJECT: ClassVar[str] = f"rpc.kittest.extra{n}"

        @service.rpc(Extra)
        async def extra(req: Extra) -> Found:
            return Found(number=0, name="")

    @service.rpc(Echo)
    async def echo(req: Echo) -> Found:
        return Found(number=req.number, name="echo")

    release = asyncio.Event()

    @service.on_startup
    async def slow_startup() -> None:  # e.g. a first connection to a slow dependency
        await release.wait()

    server = uvicorn.Server(
        uvicorn.Config(service.asgi(), host="127.0.0.1", port=port, log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:

            async def health() -> httpx.Response | None:
                try:
                    return await http.get("/health")
                except httpx.TransportError:
                    return None

            starting = await wait_for(health, timeout=20)
            assert starting is not None
            assert starting.status_code == 503
            assert starting.json()["checks"]["service"] == "starting"
            release.set()

            async def healthy() -> bool:
                reply = await health()
                return reply is not None and reply.status_code == 200

            await wait_for(healthy, timeout=20)
            found = await client.call(Echo(number=7), timeout=0.5)
            assert found.number == 7
    finally:
        release.set()
        server.should_exit = True
        await task
        await nc.drain()
