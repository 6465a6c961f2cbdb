"""Manager corrections: a quote line re-mapped and marked as an analogue, items edited
after parsing, and a quote that states no VAT shown with the rule that normalised it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from orders_testkit import App, quote_parsed
from test_browse_and_mapping import _quoted_order

from snab_contracts.rpc.clarifications import OrdersDraftClarification
from snab_contracts.rpc.orders import (
    OrderItemInput,
    OrdersGet,
    OrdersMapQuoteLine,
    OrdersUpdate,
)
from snab_contracts.values import Unit
from snab_kit.rpc import ValidationFailed


async def test_a_line_marked_as_analogue_and_vat_not_stated(app: App) -> None:
    detail, request = await _quoted_order(app)
    quote = detail.quotes[0]  # type: ignore[attr-defined]
    bolt, nut, _ = (i.item_id for i in detail.items)  # type: ignore[attr-defined]
    _, other = quote.lines

    marked = await app.call(
        OrdersMapQuoteLine(
            quote_line_id=other.quote_line_id, item_id=nut, analogue=True, actor="user:anna"
        )
    )
    assert [(line.item_id, line.analogue) for line in marked.lines] == [
        (bolt, False),
        (nut, True),
    ]
    with pytest.raises(ValidationFailed, match="аналог какой позиции"):
        await app.call(
            OrdersMapQuoteLine(quote_line_id=other.quote_line_id, item_id=None, analogue=True)
        )

    # A new version of the answer that says nothing about VAT.
    await app.publish(
        quote_parsed(
            request_id=request.request_id,  # type: ignore[attr-defined]
            rfq_number=request.rfq_number,  # type: ignore[attr-defined]
            email="s@m.example",
            vat_included=None,
            lines=[{"position": 1, "name": "Болт M8x30 DIN933", "unit_price": "10.00"}],
        )
    )
    await app.wait_rows("SELECT id FROM orders.quotes", count=2)
    order = await app.call(OrdersGet(order_id=detail.order.order_id))  # type: ignore[attr-defined]
    assert order.quotes[-1].vat_label == "НДС не указан"
    assert order.quotes[0].vat_label == "с НДС"
    assert order.comparison is not None
    [cell] = order.comparison.rows[0].cells
    assert cell.vat_included is None and cell.unit_price == Decimal("10.00")
    assert cell.vat_rule == "НДС не указан: цена принята как включающая НДС 22 %"


async def test_items_edited_after_parsing_are_complete(app: App) -> None:
    detail, _ = await _quoted_order(app)
    order_id = detail.order.order_id  # type: ignore[attr-defined]
    items = detail.items  # type: ignore[attr-defined]
    edited = await app.call(
        OrdersUpdate(
            order_id=order_id,
            items=[
                OrderItemInput(
                    item_id=items[0].item_id,
                    name="Кабель ВВГнг 3х2,5",
                    quantity=Decimal(200),
                    unit=Unit("м"),
                ),
                OrderItemInput(item_id=items[1].item_id, name="Гайка М8", quantity=Decimal(75)),
            ],
            reason="уточнили по телефону",
            actor="user:anna",
        )
    )
    assert [(i.name, i.quantity, i.unit.value) for i in edited.items] == [
        ("Кабель ВВГнг 3х2,5", 200, "м"),
        ("Гайка М8", 75, "шт"),
    ]
    assert (await app.call(OrdersDraftClarification(order_id=order_id))).lines == []
    replaced = next(a for a in edited.audit if a.action == "order.items_replaced")
    assert replaced.actor == "user:anna" and replaced.after is not None
    assert replaced.after["reason"] == "уточнили по телефону"


async def test_an_analogue_read_from_the_answer_arrives_marked(app: App) -> None:
    detail, request = await _quoted_order(app)
    await app.publish(
        quote_parsed(
            request_id=request.request_id,  # type: ignore[attr-defined]
            rfq_number=request.rfq_number,  # type: ignore[attr-defined]
            email="s@m.example",
            lines=[
                {
                    "position": 1,
                    "name": "Болт M8x30 DIN933 (аналог: Болт M8x30 ГОСТ 7798)",
                    "analogue_name": "Болт M8x30 ГОСТ 7798",
                    "unit_price": "9.50",
                }
            ],
        )
    )
    await app.wait_rows("SELECT id FROM orders.quotes", count=2)
    order = await app.call(OrdersGet(order_id=detail.order.order_id))  # type: ignore[attr-defined]
    [line] = order.quotes[-1].lines
    bolt = detail.items[0].item_id  # type: ignore[attr-defined]
    assert (line.item_id, line.analogue) == (bolt, True)
