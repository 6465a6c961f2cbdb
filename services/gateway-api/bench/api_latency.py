"""Gateway benchmark: requests/s and latency of the orders list and the order detail over
HTTP on 100,000 orders, against the gateway's own /health measured in the same run.

    .venv/bin/python services/gateway-api/bench/api_latency.py [--orders 100000]
        [--connections 50] [--seconds 20]

The gateway and orders run as one process each (``python -m snab_<service>``), as in
production; the load comes from ``wrk`` (Debian: ``apt-get install wrk``) with 50
connections over 2 threads, every request with a bearer token. Uses NATS_URL /
DATABASE_URL when set (a new database is created on that server and dropped at the
end), otherwise starts an embedded nats-server and PostgreSQL. Target: p99 under 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import nats
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "services" / "orders" / "bench"))

from orders_bench import SEED_SQL  # noqa: E402

from snab_kit.bus import BusNames, migrate  # noqa: E402
from snab_kit.db import make_engine  # noqa: E402
from snab_kit.embedded import (  # noqa: E402
    EmbeddedNats,
    EmbeddedPostgres,
    drop_database,
    ensure_database,
    free_port,
    with_database,
)
from snab_kit.migrations import upgrade  # noqa: E402

# The orders of the orders benchmark, each given one of 5,000 clients (as real orders
# have: the search looks in client names too).
CLIENTS_SQL = [
    """
    INSERT INTO orders.clients (id, name, created_at, updated_at)
    SELECT gen_random_uuid(), 'ООО «Клиент ' || n || '»', now(), now()
    FROM generate_series(0, 4999) AS n
    """,
    """
    UPDATE orders.orders o SET client_id = c.id
    FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM orders.clients) c
    WHERE c.k = o.seq % 5000
    """,
    "ANALYZE",
]
ADMIN_PASSWORD = "bench-admin-password"  # noqa: S105 - a throwaway database
LUA = """
local paths = {%(paths)s}
wrk.headers["Authorization"] = "Bearer %(token)s"
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
"""


def start(
    module: str, port_var: str, env: dict[str, str], log: Path
) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", module],
        env={**env, port_var: str(port)},
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{module} exited: {log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as resp:
                if json.loads(resp.read()).get("status") == "ok":
                    return proc, port
        except (urllib.error.URLError, OSError, ValueError):
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{module} not healthy: {log.read_text()[-3000:]}")


def token(base: str) -> str:
    data = urllib.parse.urlencode({"username": "admin", "password": ADMIN_PASSWORD}).encode()
    url = f"{base}/api/v1/auth/token"
    with urllib.request.urlopen(url, data=data, timeout=30) as resp:  # noqa: S310 - http://127.0.0.1
        return str(json.loads(resp.read())["access_token"])


_LATENCY = re.compile(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
_UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(
    url: str, paths: list[str], auth: str, *, connections: int, seconds: int, workdir: Path
) -> dict[str, float]:
    script = workdir / "paths.lua"
    script.write_text(
        LUA % {"paths": ", ".join(json.dumps(p) for p in paths), "token": auth}, encoding="utf-8"
    )
    out = subprocess.run(
        [
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "--latency",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures = {f"p{q}": float(v) * _UNIT[u] for q, v, u in _LATENCY.findall(out)}
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    figures["rps"] = float(rps.group(1)) if rps else 0.0
    figures["non_2xx"] = float(errors.group(1)) if errors else 0.0
    if socket_errors:
        print(f"    wrk: socket errors: {socket_errors.group(1)}")
    return figures


async def prepare(
    args: argparse.Namespace, nats_url: str, database_url: str
) -> tuple[BusNames, list[str], list[str]]:
    names = BusNames(f"bench{uuid.uuid4().hex[:8]}")
    nc = await nats.connect(nats_url)
    try:
        await migrate(nc.jetstream(), names)
    finally:
        await nc.close()
    for module in ("snab_orders.migrations", "snab_gateway.migrations"):
        await asyncio.to_thread(upgrade, module, database_url)
    engine = make_engine(database_url)
    started = time.perf_counter()
    async with engine.begin() as conn:
        for sql in [*SEED_SQL, *CLIENTS_SQL]:
            await conn.execute(text(sql), {"n": args.orders} if ":n" in sql else {})
    print(f"seeded {args.orders:,} orders × 10 items in {time.perf_counter() - started:.0f} s")
    async with engine.connect() as conn:
        ids = [str(r) for r in (await conn.execute(text("SELECT id FROM orders.orders"))).scalars()]
        numbers = list((await conn.execute(text("SELECT number FROM orders.orders"))).scalars())
    await engine.dispose()
    rng = random.Random(1)
    return names, rng.sample(ids, min(2000, len(ids))), rng.sample(numbers, min(500, len(numbers)))


def run(args: argparse.Namespace, nats_url: str, database_url: str, workdir: Path) -> None:
    names, ids, numbers = asyncio.run(prepare(args, nats_url, database_url))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("IMAP_", "SMTP_"))},
        "NATS_URL": nats_url,
        "DATABASE_URL": database_url,
        "BUS_NAMESPACE": names.namespace,
        "LOG_LEVEL": "WARNING",
        "ADMIN_USERNAME": "admin",
        "ADMIN_PASSWORD": ADMIN_PASSWORD,
        "SECRET_KEY": "bench-" + "s" * 40,
    }
    procs = []
    try:
        orders, _ = start("snab_orders", "ORDERS_HTTP_PORT", env, workdir / "orders.log")
        procs.append(orders)
        gateway, port = start("snab_gateway", "GATEWAY_PORT", env, workdir / "gateway.log")
        procs.append(gateway)
        base = f"http://127.0.0.1:{port}"
        auth = token(base)
        targets = [
            ("gateway /health (baseline)", ["/health"]),
            ("orders list (50 newest)", ["/api/v1/orders"]),
            (
                "orders list, next page (cursor)",
                [f"/api/v1/orders?limit=50&cursor={c}" for c in cursors(base, auth, 20)],
            ),
            ("order detail (random of 2,000)", [f"/api/v1/orders/{i}" for i in ids]),
            ("search by number (random of 500)", [f"/api/v1/orders?q={n}" for n in numbers]),
        ]
        pids = {"gateway": gateway.pid, "orders": orders.pid}
        for connections in [int(c) for c in args.connections.split(",")]:
            print(
                f"\nwrk: {connections} connection(s), {args.seconds} s per target; gateway and "
                "orders one process each; CPU = process CPU time per request"
            )
            print(
                f"{'target':<34} {'req/s':>7} {'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7} "
                f"{'non-2xx':>7} {'gw CPU':>7} {'orders CPU':>10}"
            )
            for label, paths in targets:
                wrk(base, paths, auth, connections=connections, seconds=3, workdir=workdir)
                before = {name: cpu_seconds(pid) for name, pid in pids.items()}
                f = wrk(
                    base,
                    paths,
                    auth,
                    connections=connections,
                    seconds=args.seconds,
                    workdir=workdir,
                )
                done = max(1.0, f["rps"] * args.seconds)
                used = {n: (cpu_seconds(p) - before[n]) / done * 1000 for n, p in pids.items()}
                print(
                    f"{label:<34} {f['rps']:>7.0f} {f.get('p50', 0):>7.1f} {f.get('p90', 0):>7.1f} "
                    f"{f.get('p99', 0):>7.1f} {f['non_2xx']:>7.0f} {used['gateway']:>5.2f}ms "
                    f"{used['orders']:>8.2f}ms"
                )
            print(f"load average: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    finally:
        for proc in procs:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cursors(base: str, auth: str, count: int) -> list[str]:
    """Cursors of the first pages, for requests deeper into the list."""
    found: list[str] = []
    cursor = None
    while len(found) < count:
        url = f"{base}/api/v1/orders?limit=50" + (f"&cursor={cursor}" if cursor else "")
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {auth}"})  # noqa: S310
        with urllib.request.urlopen(request, timeout=30) as resp:  # noqa: S310
            cursor = json.loads(resp.read())["next_cursor"]
        if cursor is None:
            break
        found.append(cursor)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument(
        "--connections",
        default="50,1",
        help="connection counts to measure, comma separated (the first is the target's)",
    )
    parser.add_argument("--seconds", type=int, default=20)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")
    workdir = Path(tempfile.mkdtemp(prefix="snab-gateway-bench-"))
    stops = []
    nats_url = os.environ.get("NATS_URL")
    if not nats_url:
        embedded_nats = EmbeddedNats(workdir / "nats")
        nats_url = embedded_nats.start()
        stops.append(embedded_nats.stop)
    server_url = os.environ.get("DATABASE_URL")
    if not server_url:
        pg = EmbeddedPostgres(workdir / "pg")
        server_url = pg.start()
        stops.append(pg.stop)
    database_url = with_database(server_url, f"snab_bench_{uuid.uuid4().hex[:8]}")
    ensure_database(database_url)
    try:
        run(args, nats_url, database_url, workdir)
    finally:
        drop_database(database_url)
        for stop in reversed(stops):
            stop()
        print(f"logs: {workdir}")


if __name__ == "__main__":
    main()
