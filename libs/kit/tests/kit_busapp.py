"""A tiny service used by the bus tests and the bus benchmark.

Run as a process so that tests can kill it with SIGKILL:
``python kit_busapp.py relay`` relays the outbox; ``python kit_busapp.py consume`` handles events.
Configured by NATS_URL, DATABASE_URL, BUS_NAMESPACE, HANDLER_DELAY (seconds),
CONSUMER_WORKERS.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from typing import Literal

from sqlalchemy import Column, DateTime, Integer, Table, Uuid, func, insert

from snab_contracts.base import Event
from snab_kit.db import make_metadata
from snab_kit.messaging import MessagingTables
from snab_kit.outbox import OutboxRelay
from snab_kit.service import Service, Tx
from snab_kit.settings import ServiceSettings

SCHEMA = "kit_test"
metadata = make_metadata(SCHEMA)
messaging = MessagingTables(metadata)
# No unique constraint on purpose: a duplicate effect must show up as an extra row.
effects = Table(
    "effects",
    metadata,
    Column("event_id", Uuid, nullable=False),
    Column("n", Integer, nullable=False),
    Column("at", DateTime(timezone=True), server_default=func.now()),
)


class Ping(Event):
    subject: Literal["order.ping"] = "order.ping"
    version: Literal[1] = 1
    n: int


class Poison(Event):
    subject: Literal["order.poison"] = "order.poison"
    version: Literal[1] = 1


def build(settings: ServiceSettings) -> Service:
    service = Service(name="kittest", settings=settings, metadata=metadata, tables=messaging)
    delay = float(os.environ.get("HANDLER_DELAY", "0"))
    batch = int(os.environ.get("CONSUMER_BATCH", "0"))

    @service.on(Ping, batch=batch)
    async def on_ping(event: Ping, tx: Tx) -> None:
        await tx.session.execute(insert(effects).values(event_id=event.id, n=event.n))
        if delay:
            await asyncio.sleep(delay)

    return service


async def _relay_forever(settings: ServiceSettings) -> None:
    service = Service(name="kittest", settings=settings, metadata=metadata, tables=messaging)
    await service.broker.connect()
    relay = OutboxRelay(
        service="kittest",
        engine=service.engine,
        tables=messaging,
        js=service.js,
        names=service.names,
        batch_size=int(os.environ.get("RELAY_BATCH", "50")),
        poll_seconds=0.05,
    )
    await relay.run()


async def _consume_forever(settings: ServiceSettings) -> None:
    service = build(settings)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with service.running():
        print("ready", flush=True)
        await stop.wait()


def main() -> None:
    settings = ServiceSettings(
        consumer_workers=int(os.environ.get("CONSUMER_WORKERS", "8")),
        retry_backoff_seconds=[0.2, 0.5, 1.0],
    )
    mode = sys.argv[1]
    if mode == "relay":
        asyncio.run(_relay_forever(settings))
    elif mode == "consume":
        asyncio.run(_consume_forever(settings))
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
