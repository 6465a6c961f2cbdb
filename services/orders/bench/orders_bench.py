"""Orders benchmark: creation throughput from a burst of order.parsed, and get-order latency
on a database of 100,000 orders × 10 items.

    .venv/bin/python services/orders/bench/orders_bench.py [--orders 100000] [--burst 3000]

Uses NATS_URL / DATABASE_URL when set (a new database is created on that server and
dropped at the end), otherwise starts an embedded nats-server and PostgreSQL. Prints the
figures; targets: ≥ 300 orders/s, get-order p99 < 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import nats
from sqlalchemy import text

from snab_contracts.mail import MailAddress
from snab_contracts.parsing import OrderParsed, RequestItem
from snab_contracts.rpc.orders import OrdersGet
from snab_kit.bus import BusNames, migrate
from snab_kit.db import make_engine
from snab_kit.embedded import (
    EmbeddedNats,
    EmbeddedPostgres,
    drop_database,
    ensure_database,
    with_database,
)
from snab_kit.migrations import upgrade
from snab_kit.rpc import RpcClient
from snab_orders.main import build
from snab_orders.settings import OrdersSettings

SEED_SQL = [
    # Orders of the past years: numbers ORD-2025-000001 …, so this year's counter is free.
    """
    INSERT INTO orders.orders (id, number, year, seq, status, mail_subject, from_email,
        company, received_at, needs_review, created_at, updated_at, confidence, extractor)
    SELECT gen_random_uuid(), 'ORD-2025-' || lpad(n::text, 6, '0'), 2025, n,
        (ARRAY['new','rfq_sent','quoting','proposal_sent','won','lost'])[1 + n % 6],
        'Заявка №' || n, 'buyer' || (n % 5000) || '@client' || (n % 5000) || '.example',
        'ООО «Клиент ' || (n % 5000) || '»', now() - (n || ' minutes')::interval, false,
        now() - (n || ' minutes')::interval, now() - (n || ' minutes')::interval, 0.9, 'rules'
    FROM generate_series(1, :n) AS n
    """,
    """
    INSERT INTO orders.order_items (id, order_id, position, name, article, quantity, unit)
    SELECT gen_random_uuid(), o.id, p, 'Позиция ' || p || ' болт М' || (6 + p) || 'х' || (20 + p),
        'ART-' || p, (p * 10)::numeric, 'шт'
    FROM orders.orders o CROSS JOIN generate_series(1, 10) AS p
    """,
    """
    INSERT INTO orders.audit_log (order_id, actor, action, entity, entity_id, after)
    SELECT id, 'system', 'order.created', 'order', id::text,
        jsonb_build_object('number', number, 'status', status)
    FROM orders.orders
    """,
    "ANALYZE",
]


def sample_event(n: int) -> OrderParsed:
    return OrderParsed.model_validate(
        {
            "mail_id": uuid.uuid4(),
            "from": MailAddress(email=f"buyer{n}@burst{n % 300}.example", name="Покупатель"),
            "mail_subject": f"Заявка {n}",
            "received_at": datetime.now(UTC),
            "items": [
                RequestItem(name=f"Болт М{6 + i}х{20 + i} DIN 933", quantity=Decimal(10 * (i + 1)))
                for i in range(10)
            ],
            "company": f"ООО «Покупатель {n % 300}»",
            "confidence": 0.9,
            "extractor": "rules",
        }
    )


async def run(args: argparse.Namespace, nats_url: str, database_url: str) -> None:
    names = BusNames(f"bench{uuid.uuid4().hex[:8]}")
    nc = await nats.connect(nats_url)
    try:
        await migrate(nc.jetstream(), names)
        upgrade("snab_orders.migrations", database_url)
        engine = make_engine(database_url)
        started = time.perf_counter()
        async with engine.begin() as conn:
            for sql in SEED_SQL:
                await conn.execute(text(sql), {"n": args.orders} if ":n" in sql else {})
        seeded = time.perf_counter() - started
        print(f"seeded {args.orders} orders × 10 items in {seeded:.1f} s")

        settings = OrdersSettings(
            nats_url=nats_url,
            database_url=database_url,
            bus_namespace=names.namespace,
            order_batch_size=args.batch,
            outbox_poll_seconds=0.05,
        )
        # The burst is in the stream before the service starts: what is timed is the service
        # turning it into orders (publishing and consuming would share the same 2 cores).
        events = [sample_event(n) for n in range(args.burst)]
        js = nc.jetstream()
        futures = [
            await js.publish_async(
                names.subject(e.subject),
                e.model_dump_json().encode(),
                headers={"Nats-Msg-Id": str(e.id)},
            )
            for e in events
        ]
        await asyncio.gather(*futures)
        service = build(settings, sweep=False)
        async with service.running():
            t0 = time.perf_counter()
            deadline = t0 + args.timeout
            created = 0
            while time.perf_counter() < deadline:
                async with engine.connect() as conn:
                    created = int(
                        await conn.scalar(
                            text("SELECT count(*) FROM orders.orders WHERE year <> 2025")
                        )
                        or 0
                    )
                if created >= args.burst:
                    break
                await asyncio.sleep(0.02)
            elapsed = time.perf_counter() - t0
            print(
                f"burst: {created} of {args.burst} order.parsed (10 items each) made orders in "
                f"{elapsed:.2f} s = {created / elapsed:.0f} orders/s "
                f"(batch={args.batch or 'off'}, target ≥ 300)"
            )

            async with engine.connect() as conn:
                ids = (await conn.execute(text("SELECT id FROM orders.orders"))).scalars().all()
            rpc = RpcClient(nc, names)
            picks = random.Random(1).sample(list(ids), min(args.gets, len(ids)))
            for order_id in picks[:50]:  # warm the pool and the caches
                await rpc.call(OrdersGet(order_id=order_id))
            latencies = []
            for order_id in picks:
                t = time.perf_counter()
                detail = await rpc.call(OrdersGet(order_id=order_id))
                latencies.append((time.perf_counter() - t) * 1000)
                assert len(detail.items) == 10
            latencies.sort()
            p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]  # noqa: E731
            print(
                f"get order ({len(latencies)} calls over rpc on {len(ids)} orders): "
                f"p50 {p(0.50):.1f} ms, p95 {p(0.95):.1f} ms, p99 {p(0.99):.1f} ms, "
                f"mean {statistics.mean(latencies):.1f} ms (target p99 < 50 ms)"
            )
        await engine.dispose()
    finally:
        await nc.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000, help="orders to seed")
    parser.add_argument("--burst", type=int, default=3000, help="order.parsed events in the burst")
    parser.add_argument("--batch", type=int, default=OrdersSettings().order_batch_size)
    parser.add_argument("--gets", type=int, default=2000, help="get-order calls to time")
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="snab-orders-bench-"))
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
        asyncio.run(run(args, nats_url, database_url))
    finally:
        drop_database(database_url)
        for stop in reversed(stops):
            stop()


if __name__ == "__main__":
    main()
