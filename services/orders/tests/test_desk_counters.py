"""``rpc.orders.desk_counters``: what waits for a manager, counted as the web admin shows it."""

from __future__ import annotations

from orders_testkit import App, order_parsed
from sqlalchemy import text

from snab_contracts.rpc.directory import SupplierInput, SuppliersCreate
from snab_contracts.rpc.orders import DeskCounters, OrdersDeskCounters, OrdersSendRequests


async def test_counters_follow_the_orders(app: App) -> None:
    assert await app.call(OrdersDeskCounters()) == DeskCounters(
        new=0, needs_review=0, quotes_in=0, timed_out=0
    )
    events = [
        order_parsed(
            subject=f"Заявка {n}",
            email=f"buyer@client{n}.example",
            company=f"ООО «Клиент {n}»",
            items=[(f"Болт М{6 + n}", "10", "шт")],
        )
        for n in range(5)
    ]
    for event in events:
        await app.publish(event)
    await app.wait_rows("SELECT id FROM orders.orders", count=5)
    ids = [r.id for r in await app.rows("SELECT id FROM orders.orders ORDER BY created_at")]
    supplier = await app.call(
        SuppliersCreate(supplier=SupplierInput(company="Метиз", emails=["m@metiz.example"]))
    )
    # Two orders go to a supplier (no longer new); one of the requests times out.
    for order_id in ids[:2]:
        await app.call(OrdersSendRequests(order_id=order_id, supplier_ids=[supplier.supplier_id]))
    async with app.engine.begin() as conn:
        await conn.execute(
            text("UPDATE orders.supplier_requests SET status = 'timeout' WHERE order_id = :o"),
            {"o": ids[0]},
        )
        # One order is read doubtfully; one closed order flagged long ago does not count.
        await conn.execute(
            text("UPDATE orders.orders SET needs_review = true WHERE id = ANY(:ids)"),
            {"ids": [ids[2], ids[4]]},
        )
        await conn.execute(
            text("UPDATE orders.orders SET status = 'lost' WHERE id = :o"), {"o": ids[4]}
        )
    counted = await app.call(OrdersDeskCounters())
    assert counted == DeskCounters(new=2, needs_review=1, quotes_in=0, timed_out=1)
