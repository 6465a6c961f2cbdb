"""Web admin benchmark: time to first byte and full load, in a real browser, of the order
page (40 items, 5 suppliers that all answered) and of the orders list, on 100,000 orders.

    .venv/bin/python services/gateway-api/bench/admin_pages.py [--orders 100000] [--loads 20]

The gateway and orders run as one process each (``python -m snab_<service>``), as in
production; Debian's headless Chromium (Playwright) loads each page ``--loads`` times after
two warm-up loads and reads the Navigation Timing of each: TTFB is ``responseStart`` (the
request sent to the first byte of the page, server work included) and full load is
``loadEventEnd`` (styles, scripts and fonts too). Printed: p50 and p90 of each, with the
gateway's /health as the baseline of the same run. Uses NATS_URL / DATABASE_URL when set
(a new database is created on that server and dropped at the end), otherwise starts an
embedded nats-server and PostgreSQL. Target: p50 TTFB under 300 ms.
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
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from api_latency import ADMIN_PASSWORD, prepare, start  # noqa: E402
from playwright.async_api import Page, async_playwright  # noqa: E402
from sqlalchemy import text  # noqa: E402

from snab_kit.db import make_engine  # noqa: E402
from snab_kit.embedded import (  # noqa: E402
    EmbeddedNats,
    EmbeddedPostgres,
    drop_database,
    ensure_database,
    with_database,
)

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ITEMS, SUPPLIERS = 40, 5

# One order of this year with 40 items, asked of 5 suppliers, each of whom answered with a
# price for every item (different prices and lead times, one in euros without VAT).
BIG_ORDER_SQL = [
    """
    INSERT INTO orders.orders (id, number, year, seq, status, mail_subject, from_email,
        company, received_at, created_at, updated_at, confidence, extractor, rfq_seq)
    VALUES (:order_id, 'ORD-2099-000001', 2099, 1, 'quoting', 'Большая заявка',
        'big@client.example', 'ООО «Крупный клиент»', now(), now(), now(), 0.9, 'rules', 5)
    """,
    """
    INSERT INTO orders.order_items (id, order_id, position, name, article, quantity, unit)
    SELECT gen_random_uuid(), :order_id, p, 'Болт М' || (6 + p % 10) || 'х' || (20 + p)
        || ' DIN 933 позиция ' || p, 'ART-' || p, (p * 5)::numeric, 'шт'
    FROM generate_series(1, 40) AS p
    """,
    """
    INSERT INTO orders.suppliers (id, company, emails, created_at, updated_at)
    SELECT gen_random_uuid(), 'Поставщик ' || s || ' для замера',
        ARRAY['s' || s || '@bench-supplier.example'], now(), now()
    FROM generate_series(1, 5) AS s
    """,
    """
    INSERT INTO orders.supplier_requests (rfq_number, order_id, supplier_id, seq, status,
        item_ids, supplier_email, created_at, sent_at, answered_at, updated_at)
    SELECT 'RFQ-2099-000001-' || row_number() OVER (ORDER BY s.id), :order_id, s.id,
        row_number() OVER (ORDER BY s.id), 'answered',
        (SELECT array_agg(id) FROM orders.order_items WHERE order_id = :order_id),
        s.emails[1], now() - interval '3 hours', now() - interval '3 hours', now(), now()
    FROM orders.suppliers s WHERE s.company LIKE '% для замера'
    """,
    """
    INSERT INTO orders.quotes (id, request_id, order_id, supplier_id, version, received_at,
        currency, vat_included, lead_time_days, created_at)
    SELECT gen_random_uuid(), r.id, :order_id, r.supplier_id, 1, now(),
        CASE WHEN r.seq = 5 THEN 'EUR' ELSE 'RUB' END, r.seq <> 5, 3 + r.seq * 2, now()
    FROM orders.supplier_requests r WHERE r.order_id = :order_id
    """,
    """
    INSERT INTO orders.quote_lines (id, quote_id, line_no, position, name, quantity, unit,
        unit_price, lead_time_days, item_id, match_score)
    SELECT gen_random_uuid(), q.id, i.position, i.position, i.name, i.quantity, i.unit,
        CASE WHEN q.currency = 'EUR' THEN 0.15 + i.position * 0.01
             ELSE 10 + i.position + ((r.seq * 7 + i.position) % 5) END,
        3 + r.seq * 2, i.id, 1.0
    FROM orders.quotes q
    JOIN orders.supplier_requests r ON r.id = q.request_id
    JOIN orders.order_items i ON i.order_id = q.order_id
    WHERE q.order_id = :order_id
    """,
    "ANALYZE",
]

TIMING = """() => {
  const n = performance.getEntriesByType("navigation")[0];
  return {ttfb: n.responseStart - n.requestStart, load: n.loadEventEnd - n.startTime};
}"""


async def seed_big_order(database_url: str) -> str:
    order_id = str(uuid.uuid4())
    engine = make_engine(database_url)
    async with engine.begin() as conn:
        for sql in BIG_ORDER_SQL:
            await conn.execute(text(sql), {"order_id": order_id} if ":order_id" in sql else {})
    await engine.dispose()
    return order_id


async def measure(page: Page, path: str, loads: int) -> dict[str, float]:
    ttfb, full = [], []
    for n in range(loads + 2):
        await page.goto(path, wait_until="load")
        timing: dict[str, Any] = await page.evaluate(TIMING)
        if n >= 2:  # two warm-up loads
            ttfb.append(float(timing["ttfb"]))
            full.append(float(timing["load"]))
    q = statistics.quantiles
    return {
        "ttfb50": statistics.median(ttfb),
        "ttfb90": q(ttfb, n=10)[-1],
        "load50": statistics.median(full),
        "load90": q(full, n=10)[-1],
    }


async def browse(base: str, order_id: str, loads: int) -> None:
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = await browser.new_context(base_url=base, viewport={"width": 1280, "height": 800})
        page = await context.new_page()
        await page.goto("/admin/login")
        await page.get_by_label("Имя пользователя").fill("admin")
        await page.get_by_label("Пароль").fill(ADMIN_PASSWORD)
        await page.get_by_role("button", name="Войти").click()
        await page.wait_for_url("**/admin/orders")
        rows = await page.locator("table.orders tbody tr").count()
        await page.goto(f"/admin/orders/{order_id}")
        columns = await page.locator("table.matrix thead th").count() - 2
        items = await page.locator("table.matrix tbody tr").count()
        print(f"checked: the list shows {rows} orders; the order page {items} items × {columns}")
        targets = [
            ("gateway /health (baseline)", "/health"),
            ("orders list (first page + counters)", "/admin/orders"),
            ("orders list, search «болт»", "/admin/orders?q=%D0%B1%D0%BE%D0%BB%D1%82"),
            ("order page, 40 items × 5 suppliers", f"/admin/orders/{order_id}"),
        ]
        print(f"\np50 / p90 of {loads} loads each (ms), headless Chromium, one tab")
        print(f"{'page':<38} {'TTFB p50':>9} {'p90':>7} {'load p50':>9} {'p90':>7}")
        for label, path in targets:
            f = await measure(page, path, loads)
            print(
                f"{label:<38} {f['ttfb50']:>9.1f} {f['ttfb90']:>7.1f} "
                f"{f['load50']:>9.1f} {f['load90']:>7.1f}"
            )
        await browser.close()


def run(args: argparse.Namespace, nats_url: str, database_url: str, workdir: Path) -> None:
    names, _, _ = asyncio.run(prepare(args, nats_url, database_url))
    order_id = asyncio.run(seed_big_order(database_url))
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
        asyncio.run(browse(f"http://127.0.0.1:{port}", order_id, args.loads))
        print(f"load average: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--loads", type=int, default=20)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="snab-admin-bench-"))
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
    started = time.perf_counter()
    try:
        run(args, nats_url, database_url, workdir)
    finally:
        drop_database(database_url)
        for stop in reversed(stops):
            stop()
        print(f"logs: {workdir} ({time.perf_counter() - started:.0f} s in all)")


if __name__ == "__main__":
    main()
