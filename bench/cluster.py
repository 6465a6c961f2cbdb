"""Pipeline throughput with one or two replicas of each service, on one NATS server or a
three-node cluster, in one run on this machine.

    .venv/bin/python bench/cluster.py [--emails 1000]

For each of the four set-ups: a fresh database and fresh NATS (one embedded nats-server,
or three joined into a cluster with every stream in three copies), the parser and orders
as real processes (1 or 2 of each), then N client requests announced on ``mail.received``
as the mail gateway announces them. Emails/s is counted from the first publish until the
last order is committed. Prints a table with the ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import nats  # noqa: E402

from snab_kit.bus import BusNames  # noqa: E402
from snab_kit.embedded import (  # noqa: E402
    EmbeddedNats,
    EmbeddedNatsCluster,
    drop_database,
    ensure_database,
    with_database,
)
from snab_kit.settings import nats_servers  # noqa: E402
from tests.cluster.harness import (  # noqa: E402
    count_orders,
    migrate,
    publish_all,
    replicas,
    stored_requests,
    wait_orders,
)
from tests.e2e.system import base_env  # noqa: E402


async def pipeline(url: str, database_url: str, work: Path, count: int, emails: int) -> float:
    env = base_env(nats_url=url, database_url=database_url, namespace="", storage=work / "store")
    events = await stored_requests(work / "store", emails, run=work.name)
    with replicas(env, work, count=count):
        nc = await nats.connect(servers=nats_servers(url))
        try:
            started = time.monotonic()
            await publish_all(nc.jetstream(), BusNames(), events)
            await wait_orders(database_url, emails, timeout=max(300.0, emails))
            elapsed = time.monotonic() - started
        finally:
            await nc.close()
    orders, distinct = await count_orders(database_url)
    assert orders == distinct == emails, f"{orders} orders, {distinct} distinct"
    return emails / elapsed


def run_one(server: str, count: int, emails: int, pg_url: str) -> float:
    with tempfile.TemporaryDirectory(prefix="snab-cluster-bench-") as tmp:
        work = Path(tmp)
        nodes: EmbeddedNats | EmbeddedNatsCluster = (
            EmbeddedNatsCluster(work / "nats")
            if server == "cluster"
            else EmbeddedNats(work / "nats")
        )
        url = nodes.start()
        database_url = with_database(pg_url, f"snab_bench_{uuid.uuid4().hex[:8]}")
        ensure_database(database_url)
        try:
            migrate(url, database_url, 3 if server == "cluster" else 1)
            return asyncio.run(pipeline(url, database_url, work, count, emails))
        finally:
            nodes.stop()
            drop_database(database_url)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=1000)
    args = parser.parse_args()
    pg_url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    rates: dict[tuple[str, int], float] = {}
    for server in ("single", "cluster"):
        for count in (1, 2):
            rates[(server, count)] = rate = run_one(server, count, args.emails, pg_url)
            print(
                f"{server:>8} NATS, {count} replica(s) of parser and orders: {rate:6.1f} emails/s"
            )
    print()
    print("| NATS | 1 replica | 2 replicas | 2 ÷ 1 |")
    print("|---|---:|---:|---:|")
    for server in ("single", "cluster"):
        one, two = rates[(server, 1)], rates[(server, 2)]
        print(f"| {server} | {one:.1f}/s | {two:.1f}/s | {two / one:.2f} |")
    for count in (1, 2):
        ratio = rates[("cluster", count)] / rates[("single", count)]
        print(f"cluster ÷ single with {count} replica(s): {ratio:.2f}")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
