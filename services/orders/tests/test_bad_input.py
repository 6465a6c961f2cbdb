"""Bad input gets a clear, typed outcome and leaves nothing half-written."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

import pytest
from orders_testkit import App, order_parsed, quote_parsed

from snab_contracts.mail import MailClassified, MailFailed, MailSent
from snab_contracts.orders import OrderStatus, RequestFailed, RequestStatus
from snab_contracts.rpc.directory import SupplierInput, SuppliersCreate, SupplierView
from snab_contracts.rpc.orders import (
    OrderDetail,
    OrdersBuildProposal,
    OrdersGet,
    OrdersLinkMail,
    OrdersMarkOutcome,
    OrdersSendRequests,
    OrdersUnmatchedMail,
    OrdersUpdate,
    SentRequests,
)
from snab_kit.rpc import Conflict, InvalidTransition, NotFound, ValidationFailed
from snab_kit.testing import wait_for


async def _order_with_request(app: App) -> tuple[OrderDetail, SentRequests, SupplierView]:
    supplier = await app.call(
        SuppliersCreate(
            supplier=SupplierInput(company="ООО «Метизы»", emails=["sales@metizy.example"])
        ),
    )
    event = order_parsed()
    await app.publish(event)
    [row] = await app.wait_rows("SELECT id FROM orders.orders")
    sent = await app.call(OrdersSendRequests(order_id=row.id, supplier_ids=[supplier.supplier_id]))
    detail = await app.call(OrdersGet(order_id=row.id))
    return detail, sent, supplier


async def test_quote_for_unknown_request_waits_for_a_manager_and_can_be_linked(app: App) -> None:
    detail, sent, _ = await _order_with_request(app)
    quote = quote_parsed(
        request_id=999999,
        rfq_number="RFQ-2026-9999-1",
        email="unknown@elsewhere.example",
        lines=[{"position": 1, "name": "Болт М8х30", "unit_price": "12.00"}],
    )
    await app.publish(quote)
    await app.wait_rows("SELECT mail_id FROM orders.unmatched_mail")
    assert await app.scalar("SELECT count(*) FROM orders.quotes") == 0
    assert await app.scalar("SELECT status FROM orders.supplier_requests") == "queued"
    [told] = await app.emitted("mail.classified")
    assert isinstance(told, MailClassified) and told.reason == "unmatched_quote"
    page = await app.call(OrdersUnmatchedMail())
    assert [m.mail_id for m in page.items] == [quote.mail_id]

    # A manager links it: the quote is read as an answer to the chosen request.
    request = sent.requests[0]
    linked = await app.call(
        OrdersLinkMail(mail_id=quote.mail_id, request_id=request.request_id, actor="user:7"),
    )
    assert linked.order_number == detail.order.number and linked.quote_id is not None
    after = await app.call(OrdersGet(order_id=detail.order.order_id))
    assert after.requests[0].status == RequestStatus.ANSWERED
    assert after.quotes[0].lines[0].item_id == after.items[0].item_id
    assert (await app.call(OrdersUnmatchedMail())).total == 0
    with pytest.raises(NotFound):
        await app.call(OrdersLinkMail(mail_id=uuid4(), request_id=request.request_id))
    # Linking again to the same request changes nothing.
    again = await app.call(OrdersLinkMail(mail_id=quote.mail_id, request_id=request.request_id))
    assert again.quote_id == linked.quote_id
    assert await app.scalar("SELECT count(*) FROM orders.quotes") == 1


async def test_quote_in_a_currency_without_rate(app: App) -> None:
    detail, sent, _ = await _order_with_request(app)
    request = sent.requests[0]
    await app.publish(
        quote_parsed(
            request_id=request.request_id,
            rfq_number=request.rfq_number,
            currency="CNY",
            lines=[{"position": 1, "name": "Болт М8х30 DIN 933", "unit_price": "0.9"}],
        )
    )
    await app.wait_rows("SELECT id FROM orders.quotes")
    after = await app.call(OrdersGet(order_id=detail.order.order_id))
    [quote] = after.quotes
    assert quote.needs_review and quote.currency == "CNY"
    reasons = await app.scalar("SELECT review_reasons FROM orders.quotes")
    assert "нет курса валюты CNY: цены не сравниваются" in reasons
    assert after.comparison is not None
    cell = after.comparison.rows[0].cells[0]
    assert cell.unit_price is None and cell.original_unit_price is not None
    assert cell.original_unit_price.amount == Decimal("0.9")
    with pytest.raises(ValidationFailed, match="нет ни одного предложения"):
        await app.call(OrdersBuildProposal(order_id=detail.order.order_id))
    with pytest.raises(ValidationFailed, match="нет курса для валюты CNY"):
        await app.call(
            OrdersBuildProposal(
                order_id=detail.order.order_id,
                choices={after.items[0].item_id: quote.lines[0].quote_line_id},
            ),
        )
    assert await app.scalar("SELECT count(*) FROM orders.proposals") == 0
    assert await app.scalar("SELECT status FROM orders.orders") == OrderStatus.QUOTING


async def test_request_with_no_items_reaches_a_manager(app: App) -> None:
    event = order_parsed(items=[])
    await app.publish(event)
    [row] = await app.wait_rows("SELECT id, status, review_reasons FROM orders.orders")
    assert row.status == OrderStatus.NEEDS_REVIEW
    assert "в письме не найдено ни одной позиции" in row.review_reasons
    [created] = await app.emitted("order.created")
    assert created.needs_review and created.items_count == 0
    supplier = await app.call(
        SuppliersCreate(
            supplier=SupplierInput(company="ООО «Метизы»", emails=["s@metizy.example"])
        ),
    )
    with pytest.raises(ValidationFailed, match="нет позиций"):
        await app.call(OrdersSendRequests(order_id=row.id, supplier_ids=[supplier.supplier_id]))
    assert await app.scalar("SELECT count(*) FROM orders.supplier_requests") == 0
    assert await app.scalar("SELECT rfq_seq FROM orders.orders") == 0


async def test_rpc_with_invalid_ids(app: App) -> None:
    with pytest.raises(ValidationFailed) as info:
        await app.rpc.call_raw("rpc.orders.get", _Raw({"order_id": "not-a-uuid"}))
    assert info.value.details["errors"]
    with pytest.raises(NotFound, match="заявка не найдена"):
        await app.call(OrdersGet(order_id=uuid4()))
    with pytest.raises(NotFound):
        await app.call(OrdersGet(number="ORD-2026-9999"))

    detail, _, supplier = await _order_with_request(app)
    order_id = detail.order.order_id
    before = await app.scalar("SELECT count(*) FROM orders.audit_log")
    with pytest.raises(NotFound, match="поставщик не найден"):
        await app.call(
            OrdersSendRequests(order_id=order_id, supplier_ids=[supplier.supplier_id, uuid4()]),
        )
    with pytest.raises(Conflict, match="уже отправлен"):
        await app.call(
            OrdersSendRequests(order_id=order_id, supplier_ids=[supplier.supplier_id]),
        )
    with pytest.raises(ValidationFailed, match="не из этой заявки"):
        await app.call(
            OrdersUpdate(
                order_id=order_id, items=[{"item_id": uuid4(), "name": "x", "quantity": 1}]
            ),
        )
    with pytest.raises(InvalidTransition, match="недопустим"):
        await app.call(OrdersMarkOutcome(order_id=order_id, outcome="won"))
    # Nothing of the refused commands was written.
    assert await app.scalar("SELECT count(*) FROM orders.audit_log") == before
    assert await app.scalar("SELECT count(*) FROM orders.supplier_requests") == 1
    assert await app.scalar("SELECT status FROM orders.orders") == OrderStatus.RFQ_SENT


async def test_failed_rfq_email_fails_the_request(app: App) -> None:
    detail, sent, _ = await _order_with_request(app)
    [mail] = await app.emitted("mail.send")
    await app.publish(
        MailFailed(
            command_id=mail.id,
            error="550 5.1.1 mailbox unavailable",
            permanent=True,
            attempts=3,
            purpose="rfq",
            order_id=detail.order.order_id,
            request_id=sent.requests[0].request_id,
        )
    )
    await app.wait_rows("SELECT id FROM orders.supplier_requests WHERE status = 'failed'")
    after = await app.call(OrdersGet(order_id=detail.order.order_id))
    assert after.requests[0].last_error == "550 5.1.1 mailbox unavailable"
    assert any(a.action == "request.status" and a.after["status"] == "failed" for a in after.audit)
    # Its only request got nowhere: the order is back where a manager picks suppliers,
    # and says why; the managers are told.
    assert after.order.status == OrderStatus.NEW
    [moved] = [e for e in await app.emitted("order.updated") if e.status_after == OrderStatus.NEW]
    assert moved.status_before == OrderStatus.RFQ_SENT
    assert moved.reason is not None and "550 5.1.1 mailbox unavailable" in moved.reason
    [failed] = await app.emitted("request.failed")
    assert isinstance(failed, RequestFailed)
    assert (failed.rfq_number, failed.supplier_name) == (
        sent.requests[0].rfq_number,
        "ООО «Метизы»",
    )
    assert failed.reason == "550 5.1.1 mailbox unavailable"
    assert (failed.requests_delivered, failed.order_status) == (0, OrderStatus.NEW)


async def test_one_failed_request_of_two_keeps_the_order_waiting(app: App) -> None:
    detail, sent, _ = await _order_with_request(app)
    other = await app.call(
        SuppliersCreate(supplier=SupplierInput(company="КрепТорг", emails=["opt@krep.example"]))
    )
    second = await app.call(
        OrdersSendRequests(order_id=detail.order.order_id, supplier_ids=[other.supplier_id])
    )
    first_mail, second_mail = await app.emitted("mail.send")
    await app.publish(
        MailSent(
            command_id=second_mail.id,
            message_id="<rfq.2.tok@broker.example>",
            sent_at=datetime.now(UTC),
            purpose="rfq",
            order_id=detail.order.order_id,
            request_id=second.requests[0].request_id,
        )
    )
    await app.wait_rows("SELECT id FROM orders.supplier_requests WHERE status = 'sent'")
    await app.publish(
        MailFailed(
            command_id=first_mail.id,
            error="550 5.1.1 mailbox unavailable",
            permanent=True,
            attempts=1,
            purpose="rfq",
            order_id=detail.order.order_id,
            request_id=sent.requests[0].request_id,
        )
    )
    [failed] = await wait_for(lambda: app.emitted("request.failed"))
    assert (failed.requests_delivered, failed.order_status) == (1, OrderStatus.RFQ_SENT)
    after = await app.call(OrdersGet(order_id=detail.order.order_id))
    assert after.order.status == OrderStatus.RFQ_SENT


async def test_same_email_never_makes_two_orders_and_repeats_are_flagged(app: App) -> None:
    mail_id = uuid4()
    await app.publish(order_parsed(mail_id=mail_id), order_parsed(mail_id=mail_id))
    first = order_parsed()  # the same client, the same items, another email
    await app.publish(first)
    rows = await app.wait_rows(
        "SELECT number, possible_duplicate_of FROM orders.orders ORDER BY seq", count=2
    )
    await wait_for(lambda: _n_created(app, 2))
    assert len(await app.rows("SELECT id FROM orders.orders")) == 2
    assert rows[0].possible_duplicate_of is None
    assert rows[1].possible_duplicate_of is not None
    created = await app.emitted("order.created")
    assert created[1].possible_duplicate_number == rows[0].number
    assert created[1].needs_review
    assert await app.scalar("SELECT count(*) FROM orders.clients") == 1


async def _n_created(app: App, n: int) -> bool:
    return len(await app.emitted("order.created")) == n


class _Raw:
    """A request body that the contracts would never let us build: for invalid input."""

    def __init__(self, body: dict[str, object]) -> None:
        self.body = body

    def model_dump_json(self) -> str:
        import json

        return json.dumps(self.body)
