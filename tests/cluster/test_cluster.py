"""A three-node NATS cluster with replicated streams, two replicas of the parser and two of
orders, each a real process. In the middle of 1,000 emails one NATS node is SIGKILLed (the
one leading the MAIL stream) and started again, and one replica of each service is
SIGKILLed and started again: every email still becomes exactly one order, and both
replicas of each service did part of the work.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import nats
import pytest

from snab_kit.bus import BusNames
from snab_kit.embedded import EmbeddedNatsCluster
from snab_kit.settings import nats_servers
from tests.cluster.harness import (
    count_orders,
    migrate,
    publish_all,
    replicas,
    stored_requests,
    wait_orders,
)
from tests.e2e.system import base_env

TOTAL = 1000


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[EmbeddedNatsCluster]:
    nodes = EmbeddedNatsCluster(tmp_path / "nats")
    nodes.start()
    try:
        yield nodes
    finally:
        nodes.stop()


def say(text: str) -> None:
    print(f"[cluster] {text}", flush=True)


async def _leader_of(js: nats.js.JetStreamContext, stream: str) -> str:
    info = await js.stream_info(stream)
    assert info.cluster is not None and info.cluster.leader
    return info.cluster.leader


@pytest.mark.timeout(600)
async def test_a_node_and_a_replica_of_each_service_die_and_every_email_is_one_order(
    cluster: EmbeddedNatsCluster, fresh_database_url: str, tmp_path: Path
) -> None:
    db = fresh_database_url
    names = BusNames()
    await asyncio.to_thread(migrate, cluster.url, db, 3)
    env = base_env(nats_url=cluster.url, database_url=db, namespace="", storage=tmp_path / "store")
    events = await stored_requests(tmp_path / "store", TOTAL, run=tmp_path.name)

    nc = await nats.connect(servers=nats_servers(cluster.url), max_reconnect_attempts=-1)
    js = nc.jetstream()
    for stream in ("MAIL", "ORDERS", "DLQ"):
        info = await js.stream_info(stream)
        assert info.config.num_replicas == 3, f"{stream} is not replicated"
    try:
        with replicas(env, tmp_path, count=2) as group:
            started = time.monotonic()
            publishing = asyncio.create_task(publish_all(js, names, events))

            # 1. A NATS node dies: the one that leads the MAIL stream, mid-burst.
            await _until_orders(db, 150, publishing)
            leader = await _leader_of(js, "MAIL")
            node = cluster.nodes[int(leader.removeprefix("n")) - 1]
            node.kill()
            killed_node_at = time.monotonic()
            say(f"SIGKILL of NATS node {leader} at {(await count_orders(db))[0]} orders")
            await asyncio.sleep(3)
            await asyncio.to_thread(node.start)
            say(f"node {leader} started again {time.monotonic() - killed_node_at:.1f}s later")

            # 2. One replica of each service dies and comes back.
            await _until_orders(db, 450, publishing)
            group.kill("parser-1")
            group.kill("orders-1")
            say(f"SIGKILL of parser-1 and orders-1 at {(await count_orders(db))[0]} orders")
            await asyncio.sleep(2)
            await asyncio.to_thread(group.restart, "parser-1")
            await asyncio.to_thread(group.restart, "orders-1")

            failed_publishes = await publishing
            await wait_orders(db, TOTAL, timeout=400)
            elapsed = time.monotonic() - started
            await asyncio.sleep(3)  # anything late and doubled would show now
            orders, distinct = await count_orders(db)
            group.sample()
            shares = {name: share.totals() for name, share in group.shares.items()}

        say(
            f"{TOTAL} emails → {orders} orders ({distinct} distinct sources) in {elapsed:.1f}s "
            f"= {TOTAL / elapsed:.1f} emails/s; publishes tried again: {failed_publishes}"
        )
        say(f"handled by replica: {shares}")
        assert (orders, distinct) == (TOTAL, TOTAL)
        for service, by_replica in shares.items():
            assert all(count > 0 for count in by_replica.values()), (
                f"a replica of {service} did nothing: {by_replica}"
            )
        dlq = await js.stream_info("DLQ")
        assert dlq.state.messages == 0, "a message went to the dead letters"
        mail = await js.stream_info("MAIL")
        assert mail.state.messages == TOTAL, "the stream holds an email twice or lost one"
    finally:
        await nc.close()


async def _until_orders(db: str, count: int, publishing: asyncio.Task[int]) -> None:
    deadline = time.monotonic() + 300
    while (await count_orders(db))[0] < count:
        assert time.monotonic() < deadline, f"fewer than {count} orders after 300s"
        if publishing.done() and publishing.exception():
            raise publishing.exception()  # type: ignore[misc]
        await asyncio.sleep(0.1)
