"""Durable bus throughput: outbox write → relay → JetStream → inbox consumer commit.

Compared, in the same run and on the same nats-server, with raw nats-py rates:
core publish→subscribe, and JetStream publish→pull-consume with acks.
Uses NATS_URL / DATABASE_URL when set, else embedded servers. Prints a table and the ratio.

    .venv/bin/python libs/kit/bench/bus_throughput.py [--events 5000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import nats
from sqlalchemy import func, select, text

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent / "tests"
sys.path.insert(0, str(TESTS))

from kit_busapp import SCHEMA, Ping, effects, messaging, metadata  # noqa: E402

from snab_kit.bus import BusNames, migrate  # noqa: E402
from snab_kit.db import make_engine  # noqa: E402
from snab_kit.embedded import (  # noqa: E402
    EmbeddedNats,
    EmbeddedPostgres,
    drop_database,
    ensure_database,
    with_database,
)
from snab_kit.outbox import add_events  # noqa: E402


async def raw_core(url: str, n: int) -> float:
    nc = await nats.connect(url)
    got = 0
    done = asyncio.Event()

    async def cb(_msg: object) -> None:
        nonlocal got
        got += 1
        if got == n:
            done.set()

    await nc.subscribe("bench.core", cb=cb)
    payload = Ping(n=0).model_dump_json().encode()
    start = time.perf_counter()
    for _ in range(n):
        await nc.publish("bench.core", payload)
    await asyncio.wait_for(done.wait(), 60)
    elapsed = time.perf_counter() - start
    await nc.drain()
    return n / elapsed


async def raw_jetstream(url: str, names: BusNames, n: int) -> float:
    nc = await nats.connect(url)
    js = nc.jetstream()
    subject = names.subject("order.rawbench")
    sub = await js.pull_subscribe(subject, durable="rawbench", stream=names.stream("ORDERS"))
    payload = Ping(n=0).model_dump_json().encode()
    start = time.perf_counter()

    async def produce() -> None:
        futures = [
            await js.publish_async(subject, payload, headers={"Nats-Msg-Id": str(uuid.uuid4())})
            for _ in range(n)
        ]
        await asyncio.gather(*futures)

    async def consume() -> None:
        got = 0
        while got < n:
            try:
                msgs = await sub.fetch(256, timeout=1)
            except nats.errors.TimeoutError:
                continue
            for msg in msgs:
                await msg.ack()
            got += len(msgs)

    await asyncio.gather(produce(), consume())
    elapsed = time.perf_counter() - start
    await nc.drain()
    return n / elapsed


async def durable(
    url: str, database_url: str, names: BusNames, n: int, per_tx: int, writers: int, batch: int
) -> tuple[float, float]:
    engine = make_engine(database_url)
    async with engine.begin() as conn:
        await conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        await conn.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
        await conn.run_sync(metadata.create_all)
    env = {
        **os.environ,
        "NATS_URL": url,
        "DATABASE_URL": database_url,
        "BUS_NAMESPACE": names.namespace,
        "CONSUMER_WORKERS": "16",
        "CONSUMER_BATCH": str(batch),
        "RELAY_BATCH": "500",
        "LOG_LEVEL": "WARNING",
    }
    procs = [
        subprocess.Popen(  # noqa: ASYNC220 - started once, before timing
            [sys.executable, str(TESTS / "kit_busapp.py"), mode], env=env
        )
        for mode in ("relay", "consume")
    ]
    try:
        await asyncio.sleep(2.0)  # let both connect and create the durable consumer
        events = [Ping(n=i) for i in range(n)]
        chunks = [events[i : i + per_tx] for i in range(0, n, per_tx)]
        queue: asyncio.Queue[list[Ping]] = asyncio.Queue()
        for chunk in chunks:
            queue.put_nowait(chunk)

        async def writer() -> None:
            while not queue.empty():
                chunk = queue.get_nowait()
                async with engine.begin() as conn:
                    await add_events(conn, messaging, chunk)

        start = time.perf_counter()
        await asyncio.gather(*(writer() for _ in range(writers)))
        written = time.perf_counter() - start
        count = select(func.count()).select_from(effects)
        while True:
            async with engine.connect() as conn:
                done = await conn.scalar(count) or 0
            if done >= n:
                break
            if time.perf_counter() - start > 300:
                raise TimeoutError(f"only {done} of {n} handled")
            await asyncio.sleep(0.02)
        elapsed = time.perf_counter() - start
        async with engine.connect() as conn:
            distinct = await conn.scalar(select(func.count(func.distinct(effects.c.event_id))))
        assert distinct == n, f"{distinct} distinct effects for {n} events"
        return n / elapsed, n / written
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait()
        await engine.dispose()


async def run(args: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="snab-bench-"))
    stops = []
    url = os.environ.get("NATS_URL")
    if not url:
        server = EmbeddedNats(workdir / "nats")
        url = server.start()
        stops.append(server.stop)
    db_server = os.environ.get("DATABASE_URL")
    if not db_server:
        pg = EmbeddedPostgres(workdir / "pg")
        db_server = pg.start()
        stops.append(pg.stop)
    database_url = with_database(db_server, f"snab_bench_{uuid.uuid4().hex[:8]}")
    await asyncio.to_thread(ensure_database, database_url)
    names = BusNames(f"bench{uuid.uuid4().hex[:6]}")
    nc = await nats.connect(url)
    await migrate(nc.jetstream(), names)
    await nc.drain()
    try:
        core = await raw_core(url, args.events)
        jet = await raw_jetstream(url, names, args.events)
        durable_rate, write_rate = await durable(
            url, database_url, names, args.events, args.per_tx, args.writers, args.batch
        )
    finally:
        await asyncio.to_thread(drop_database, database_url)
        for stop in stops:
            stop()
    print(
        f"events per run: {args.events}; outbox writes: {args.per_tx} event(s) per transaction, "
        f"{args.writers} concurrent writers; consumer batch {args.batch or 'off'}"
    )
    print(f"{'path':<58}{'events/s':>10}")
    print(f"{'raw nats-py core publish → subscribe':<58}{core:>10.0f}")
    print(f"{'raw nats-py JetStream publish → pull consume + ack':<58}{jet:>10.0f}")
    print(f"{'outbox writes alone (commit rate)':<58}{write_rate:>10.0f}")
    print(f"{'durable: outbox → relay → JetStream → inbox commit':<58}{durable_rate:>10.0f}")
    print(f"ratio durable / raw JetStream: {durable_rate / jet:.2f}")
    print(f"ratio durable / raw core:      {durable_rate / core:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--per-tx", type=int, default=1, help="events per writer transaction")
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument(
        "--batch", type=int, default=100, help="consumer batch (0: one transaction per message)"
    )
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
