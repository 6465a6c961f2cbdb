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
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import nats  # noqa: E402
import psutil  # noqa: E402

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


@dataclass
class Run:
    rate: float
    cpu_ms: dict[str, float]
    """CPU milliseconds per email, by kind of process (parser, orders, nats, postgres)."""


def cpu_seconds(pids: dict[str, list[int]]) -> dict[str, float]:
    """CPU seconds used so far by each group of processes (children included: the
    parser's reader processes)."""
    used: dict[str, float] = {}
    for group, members in pids.items():
        total = 0.0
        for pid in members:
            try:
                process = psutil.Process(pid)
                for one in [process, *process.children(recursive=True)]:
                    times = one.cpu_times()
                    total += times.user + times.system
            except psutil.NoSuchProcess:
                continue
        used[group] = total
    return used


async def pipeline(
    url: str, database_url: str, work: Path, count: int, emails: int, nats_pids: list[int]
) -> Run:
    env = base_env(nats_url=url, database_url=database_url, namespace="", storage=work / "store")
    events = await stored_requests(work / "store", emails, run=work.name)
    with replicas(env, work, count=count) as group:
        pids: dict[str, list[int]] = {
            name: [p.process.pid for p in group.procs.values() if p.name == name and p.process]
            for name in ("parser", "orders")
        } | {
            "nats": nats_pids,
            "postgres": [
                p.pid for p in psutil.process_iter(["name"]) if p.info["name"] == "postgres"
            ],
        }
        nc = await nats.connect(servers=nats_servers(url))
        try:
            before = cpu_seconds(pids)
            started = time.monotonic()
            await publish_all(nc.jetstream(), BusNames(), events)
            await wait_orders(database_url, emails, timeout=max(300.0, emails))
            elapsed = time.monotonic() - started
            after = cpu_seconds(pids)
        finally:
            await nc.close()
    orders, distinct = await count_orders(database_url)
    assert orders == distinct == emails, f"{orders} orders, {distinct} distinct"
    cpu = {group: (after[group] - before[group]) * 1000 / emails for group in pids}
    return Run(emails / elapsed, cpu)


def run_one(server: str, count: int, emails: int, pg_url: str) -> Run:
    with tempfile.TemporaryDirectory(prefix="snab-cluster-bench-") as tmp:
        work = Path(tmp)
        if server == "cluster":
            cluster = EmbeddedNatsCluster(work / "nats")
            url, nodes = cluster.start(), cluster.nodes
        else:
            single = EmbeddedNats(work / "nats")
            url, nodes = single.start(), [single]
        database_url = with_database(pg_url, f"snab_bench_{uuid.uuid4().hex[:8]}")
        ensure_database(database_url)
        try:
            migrate(url, database_url, 3 if server == "cluster" else 1)
            nats_pids = [node.process.pid for node in nodes if node.process is not None]
            return asyncio.run(pipeline(url, database_url, work, count, emails, nats_pids))
        finally:
            for node in nodes:
                node.stop()
            drop_database(database_url)


SETUPS = [("single", 1), ("single", 2), ("cluster", 1), ("cluster", 2)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3, help="each set-up this many times")
    args = parser.parse_args()
    pg_url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    runs: dict[tuple[str, int], list[Run]] = {setup: [] for setup in SETUPS}
    for round_ in range(args.rounds):
        # Interleaved rounds: a change in what else the machine does hits every set-up.
        for server, count in SETUPS if round_ % 2 == 0 else reversed(SETUPS):
            run = run_one(server, count, args.emails, pg_url)
            runs[(server, count)].append(run)
            print(f"round {round_ + 1}: {server:>7} NATS, {count} replica(s): {run.rate:5.1f}/s")
    rate = {setup: statistics.median(r.rate for r in found) for setup, found in runs.items()}
    print()
    print("emails/s, median of the rounds (lowest–highest):")
    print("| NATS | 1 replica | 2 replicas | 2 ÷ 1 |")
    print("|---|---:|---:|---:|")
    for server in ("single", "cluster"):
        cells = [
            f"{rate[(server, n)]:.1f} ({min(r.rate for r in runs[(server, n)]):.0f}–"
            f"{max(r.rate for r in runs[(server, n)]):.0f})"
            for n in (1, 2)
        ]
        ratio = rate[(server, 2)] / rate[(server, 1)]
        print(f"| {server} | {cells[0]} | {cells[1]} | {ratio:.2f} |")
    for n in (1, 2):
        print(f"cluster ÷ single, {n} replica(s): {rate[('cluster', n)] / rate[('single', n)]:.2f}")
    print()
    print("CPU ms per email (median), by process group:")
    groups = list(runs[SETUPS[0]][0].cpu_ms)
    print("| set-up | " + " | ".join(groups) + " | all |")
    print("|---|" + "---:|" * (len(groups) + 1))
    for setup, found in runs.items():
        cpu = {g: statistics.median(r.cpu_ms[g] for r in found) for g in groups}
        row = " | ".join(f"{cpu[g]:.1f}" for g in groups)
        print(f"| {setup[0]}, {setup[1]} | {row} | {sum(cpu.values()):.1f} |")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
