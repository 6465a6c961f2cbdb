"""Reminders and timeouts: two sweeper replicas fire each exactly once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from orders_testkit import App, order_parsed, start_app
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from snab_contracts.mail import MailSend
from snab_contracts.rpc.directory import SupplierInput, SuppliersCreate
from snab_contracts.rpc.orders import OrdersSendRequests
from snab_kit.bus import BusNames
from snab_kit.testing import wait_for
from snab_orders.settings import OrdersSettings

REQUESTS = 30


async def _seed(app: App) -> list[int]:
    """REQUESTS supplier requests, all sent (mail.sent applied directly)."""
    supplier_ids = []
    for n in range(REQUESTS // 3):
        s = await app.call(
            SuppliersCreate(
                supplier=SupplierInput(company=f"Поставщик {n}", emails=[f"s{n}@supply.example"])
            ),
        )
        supplier_ids.append(s.supplier_id)
    events = [order_parsed(email=f"b{n}@buyer{n}.example") for n in range(3)]
    await app.publish(*events)
    orders = await app.wait_rows("SELECT id FROM orders.orders", count=3)
    ids: list[int] = []
    for order in orders:
        sent = await app.call(OrdersSendRequests(order_id=order.id, supplier_ids=supplier_ids))
        ids += [r.request_id for r in sent.requests]
    async with app.engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE orders.supplier_requests SET status = 'sent', "
                "message_id = '<rfq.' || id || '.x@broker.example>', "
                "sent_at = now() - interval '25 hours'"
            )
        )
    return ids


async def test_two_replicas_remind_and_time_out_once(
    db: AsyncEngine, make_settings: Callable[..., OrdersSettings], bus: BusNames
) -> None:
    settings = make_settings(sweeper_interval_seconds=0.01, sweeper_batch_size=7)
    first, first_service = await start_app(settings, db, bus, sweep=True)
    second, second_service = await start_app(settings, db, bus, sweep=True)
    try:
        ids = await _seed(first)
        await wait_for(
            lambda: first.scalar(
                "SELECT count(*) = :n FROM orders.supplier_requests WHERE status = 'reminded'",
                n=REQUESTS,
            ),
            timeout=30,
        )
        async with db.begin() as conn:
            await conn.execute(
                text("UPDATE orders.supplier_requests SET sent_at = now() - interval '49 hours'")
            )
        await wait_for(
            lambda: first.scalar(
                "SELECT count(*) = :n FROM orders.supplier_requests WHERE status = 'timeout'",
                n=REQUESTS,
            ),
            timeout=30,
        )
        reminders = await first.emitted("request.reminder")
        timeouts = await first.emitted("request.timeout")
        reminder_mails: list[MailSend] = [
            m for m in await first.emitted("mail.send") if m.purpose == "reminder"
        ]
    finally:
        for handle, service in ((first, first_service), (second, second_service)):
            await handle.nc.drain()
            await service.stop()

    assert Counter(e.request_id for e in reminders) == Counter(ids)
    assert Counter(e.request_id for e in timeouts) == Counter(ids)
    assert Counter(m.request_id for m in reminder_mails) == Counter(ids)
    # A reminder goes in the thread of the request email.
    mail = reminder_mails[0]
    assert mail.in_reply_to == f"<rfq.{mail.request_id}.x@broker.example>"
    assert mail.references == [mail.in_reply_to]
    assert mail.rfq_number is not None and mail.rfq_number in mail.mail_subject
    assert "Напоминаем" in mail.text
    audit = await first.rows(
        "SELECT after->>'status' AS status, count(*) AS n FROM orders.audit_log "
        "WHERE action = 'request.status' GROUP BY 1"
    )
    counts = {r.status: r.n for r in audit}
    assert (counts["reminded"], counts["timeout"]) == (REQUESTS, REQUESTS)
