"""JetStream layout: stream definitions, naming (with an optional namespace) and migration.

Streams are declared here and created by ``snab-bus migrate`` before services start;
services subscribe with ``declare=False``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import nats
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, KeyValueConfig, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import BucketNotFoundError, NotFoundError

DUPLICATE_WINDOW_SECONDS = 600.0


@dataclass(frozen=True, slots=True)
class StreamSpec:
    name: str
    subjects: tuple[str, ...]
    max_age_days: float = 30.0


STREAMS: tuple[StreamSpec, ...] = (
    StreamSpec("MAIL", ("mail.>",)),
    StreamSpec("ORDERS", ("order.>",)),
    StreamSpec("QUOTES", ("quote.>",)),
    StreamSpec("REQUESTS", ("request.>",)),
    StreamSpec("DOCUMENTS", ("document.>",)),
    StreamSpec("DLQ", ("dlq.>",), max_age_days=90.0),
)

KV_BUCKETS: tuple[str, ...] = ("leases",)


@dataclass(frozen=True, slots=True)
class BusNames:
    """Maps logical names to the server's names; a namespace isolates test runs."""

    namespace: str = ""

    def subject(self, subject: str) -> str:
        return f"{self.namespace}.{subject}" if self.namespace else subject

    def logical(self, subject: str) -> str:
        prefix = f"{self.namespace}."
        return subject[len(prefix) :] if self.namespace and subject.startswith(prefix) else subject

    def stream(self, name: str) -> str:
        return f"{self.namespace}_{name}".upper() if self.namespace else name

    def durable(self, service: str, subject: str) -> str:
        base = f"{service}__{subject.replace('.', '_').replace('>', 'all').replace('*', 'any')}"
        return f"{self.namespace}__{base}" if self.namespace else base

    def bucket(self, name: str) -> str:
        return f"{self.namespace}_{name}" if self.namespace else name

    def stream_for(self, subject: str) -> str:
        root = subject.split(".", 1)[0]
        for spec in STREAMS:
            if any(pattern.split(".", 1)[0] == root for pattern in spec.subjects):
                return self.stream(spec.name)
        raise LookupError(f"no stream holds subject {subject!r}")


def stream_config(spec: StreamSpec, names: BusNames, *, replicas: int = 1) -> StreamConfig:
    return StreamConfig(
        name=names.stream(spec.name),
        subjects=[names.subject(s) for s in spec.subjects],
        retention=RetentionPolicy.LIMITS,
        storage=StorageType.FILE,
        discard=DiscardPolicy.OLD,
        max_age=spec.max_age_days * 86400,
        duplicate_window=DUPLICATE_WINDOW_SECONDS,
        num_replicas=replicas,
    )


async def migrate(js: JetStreamContext, names: BusNames, *, replicas: int = 1) -> list[str]:
    """Create or update every stream and KV bucket; returns what was done, one line each."""
    done: list[str] = []
    for spec in STREAMS:
        config = stream_config(spec, names, replicas=replicas)
        try:
            await js.stream_info(config.name or "")
        except NotFoundError:
            await js.add_stream(config)
            done.append(f"stream {config.name}: created")
        else:
            await js.update_stream(config)
            done.append(f"stream {config.name}: updated")
    for bucket in KV_BUCKETS:
        name = names.bucket(bucket)
        try:
            await js.key_value(name)
        except BucketNotFoundError:
            await js.create_key_value(KeyValueConfig(bucket=name, history=1, replicas=replicas))
            done.append(f"kv {name}: created")
            continue
        # A bucket is a stream underneath: its copies change like a stream's.
        info = await js.stream_info(f"KV_{name}")
        if info.config.num_replicas != replicas:
            info.config.num_replicas = replicas
            await js.update_stream(info.config)
            done.append(f"kv {name}: updated")
        else:
            done.append(f"kv {name}: exists")
    return done


async def connect_once(
    url: str | list[str], *, timeout: float = 3.0, inbox: str = "_INBOX"
) -> Client:
    """A connection for a command-line tool: it connects now, or raises at once.
    ``url`` is one server or the servers of a cluster (``settings.nats_servers``).

    (nats-py never returns nor raises on a refused connection when reconnects are turned
    off, so one quick reconnect attempt it is, bounded by ``timeout``.)"""

    async def quiet(_error: Exception) -> None:
        return None

    return await asyncio.wait_for(
        nats.connect(
            url,
            connect_timeout=timeout,
            max_reconnect_attempts=1,
            reconnect_time_wait=0.1,
            error_cb=quiet,
            inbox_prefix=inbox,
        ),
        timeout * 2 + 1,
    )


async def migrate_url(url: str | list[str], names: BusNames, *, replicas: int = 1) -> list[str]:
    nc = await nats.connect(url, connect_timeout=5, max_reconnect_attempts=3)
    try:
        return await migrate(nc.jetstream(), names, replicas=replicas)
    finally:
        await nc.drain()
