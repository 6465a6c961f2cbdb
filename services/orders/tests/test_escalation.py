"""Escalation without AUTO_ESCALATE: the event names the suppliers not yet asked, and one
rpc asks them."""

from __future__ import annotations

import pytest
from orders_testkit import App, quote_parsed
from sqlalchemy import text
from test_workflow import create_order

from snab_contracts.orders import RequestEscalation
from snab_contracts.rpc.directory import SupplierInput, SuppliersCreate
from snab_contracts.rpc.escalation import OrdersEscalate
from snab_contracts.rpc.orders import OrdersSendRequests
from snab_kit.rpc import ValidationFailed
from snab_orders.services.request_timeouts import sweep_once


async def test_the_event_names_unasked_suppliers_and_one_rpc_asks_them(app: App) -> None:
    made = [
        await app.call(
            SuppliersCreate(supplier=SupplierInput(company=name, emails=[f"{tag}@s.example"]))
        )
        for name, tag in (("А-Метиз", "a"), ("Б-Крепёж", "b"), ("В-Винт", "c"), ("Г-Гайка", "d"))
    ]
    first, second, third, fourth = made
    order = (await create_order(app)).order
    sent = await app.call(
        OrdersSendRequests(
            order_id=order.order_id, supplier_ids=[first.supplier_id, second.supplier_id]
        )
    )
    answered, silent = sent.requests
    await app.publish(
        quote_parsed(
            request_id=answered.request_id,
            rfq_number=answered.rfq_number,
            email="a@s.example",
            lines=[{"position": 1, "name": "Болт М8х30", "unit_price": "10"}],
        )
    )
    await app.wait_rows("SELECT id FROM orders.quotes")
    async with app.engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE orders.supplier_requests SET status = 'sent', "
                "sent_at = now() - interval '49 hours' WHERE id = :id"
            ),
            {"id": silent.request_id},
        )
    async with app.service.transaction() as tx:
        swept = await sweep_once(tx=tx, settings=app.settings)
    assert swept.timed_out == [silent.request_id]

    [event] = await app.emitted("request.escalation")
    assert isinstance(event, RequestEscalation)
    assert (event.request_id, event.quotes_answered, event.auto_requested) == (
        silent.request_id,
        1,
        False,
    )
    assert [s.name for s in event.suppliers] == ["В-Винт", "Г-Гайка"]
    rfqs = [m for m in await app.emitted("mail.send") if m.purpose == "rfq"]
    assert len(rfqs) == 2  # nothing sent without the manager

    asked = await app.call(OrdersEscalate(order_id=order.order_id, actor="user:1"))
    assert [r.supplier_id for r in asked.requests] == [third.supplier_id, fourth.supplier_id]
    with pytest.raises(ValidationFailed, match="спросить больше некого"):
        await app.call(OrdersEscalate(order_id=order.order_id))
