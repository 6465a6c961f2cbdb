"""The whole workflow through the bus and rpc: request → RFQs → quotes → comparison →
proposal with a 15 % markup → sent → won; audit and analytics at the end."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

from orders_testkit import NOW, App, order_parsed, quote_parsed

from snab_contracts.documents import DocumentGenerated, DocumentRequested
from snab_contracts.mail import MailAddress, MailSend, MailSent
from snab_contracts.orders import OrderCreated, OrderStatus, QuoteReceived, RequestStatus
from snab_contracts.rpc.analytics import (
    AnalyticsPriceHistory,
    AnalyticsSummary,
    AnalyticsSuppliers,
)
from snab_contracts.rpc.directory import (
    CategoriesCreate,
    SupplierInput,
    SuppliersCreate,
    SupplierView,
)
from snab_contracts.rpc.orders import (
    OrderDetail,
    OrdersBuildProposal,
    OrdersGet,
    OrdersMarkOutcome,
    OrdersSendProposal,
    OrdersSendRequests,
    OrdersSuggestSuppliers,
    ProposalStatus,
)

SHA = "a" * 64


async def make_suppliers(app: App) -> list[SupplierView]:
    category = await app.call(CategoriesCreate(name="Крепёж", actor="user:1"))
    made = []
    for company, email in (
        ("ООО «Метизы-Центр»", "sales@metizy.example"),
        ("ООО «Крепёж Импорт»", "info@krepimport.example"),
        ("ИП Сидоров", "sidorov@hardware.example"),
    ):
        made.append(
            await app.call(
                SuppliersCreate(
                    supplier=SupplierInput(
                        company=company, emails=[email], category_ids=[category.category_id]
                    ),
                    actor="user:1",
                ),
            )
        )
    return made


async def create_order(app: App, **kwargs: object) -> OrderDetail:
    event = order_parsed(**kwargs)  # type: ignore[arg-type]
    await app.publish(event)
    rows = await app.wait_rows(
        "SELECT id FROM orders.orders WHERE source_mail_id = :m", m=event.mail_id
    )
    return await app.call(OrdersGet(order_id=rows[0].id))


async def test_request_to_won_order(app: App) -> None:
    suppliers = await make_suppliers(app)
    metizy, importer, sidorov = suppliers

    # 1. The client's email becomes an order with its items and a new client.
    detail = await create_order(app)
    order = detail.order
    assert order.number == f"ORD-{NOW.year}-0001"
    assert order.status == OrderStatus.NEW
    assert [(i.position, i.name, i.quantity) for i in detail.items] == [
        (1, "Болт М8х30 DIN 933", Decimal("150")),
        (2, "Гайка М8 DIN 934", Decimal("75")),
        (3, "Шайба 8 DIN 125", Decimal("33")),
    ]
    assert order.client_name == "ООО «Ромашка»"
    created = await app.emitted("order.created")
    assert [(e.number, e.items_count) for e in created] == [(order.number, 3)]
    assert isinstance(created[0], OrderCreated)

    suggestions = await app.call(OrdersSuggestSuppliers(order_id=order.order_id))
    assert {s.supplier_id for s in suggestions.suggestions} == {s.supplier_id for s in suppliers}

    # 2. Requests to three suppliers: one RFQ email each, through the outbox.
    sent = await app.call(
        OrdersSendRequests(
            order_id=order.order_id,
            supplier_ids=[s.supplier_id for s in suppliers],
            message="Интересует оцинкованный крепёж.",
            actor="user:1",
        ),
    )
    assert [r.rfq_number for r in sent.requests] == [
        f"RFQ-{NOW.year}-0001-1",
        f"RFQ-{NOW.year}-0001-2",
        f"RFQ-{NOW.year}-0001-3",
    ]
    assert all(r.status == RequestStatus.QUEUED for r in sent.requests)
    mails = await app.emitted("mail.send")
    assert len(mails) == 3
    first: MailSend = mails[0]
    assert first.purpose == "rfq"
    assert first.to[0].email == "sales@metizy.example"
    # EMAIL_FROM as people write it: the supplier's Reply goes to our mailbox.
    assert first.reply_to == MailAddress(email="snab@broker.example", name="Снабжение")
    assert f"[{sent.requests[0].rfq_number}]" in first.mail_subject
    assert "Болт М8х30 DIN 933 | — | 150 | шт" in first.text
    assert "Интересует оцинкованный крепёж." in first.text
    assert (
        "Ответ просим прислать до 03.12.2026" in first.text
        or "Ответ просим прислать до" in first.text
    )
    assert first.request_id == sent.requests[0].request_id
    by_supplier = {r.supplier_id: r for r in sent.requests}

    # 3. mail-gateway reports the emails sent.
    for request, mail in zip(sent.requests, mails, strict=True):
        await app.publish(
            MailSent(
                command_id=mail.id,
                message_id=f"<rfq.{request.request_id}.tok@broker.example>",
                sent_at=NOW,
                purpose="rfq",
                order_id=order.order_id,
                request_id=request.request_id,
            )
        )
    await app.wait_rows("SELECT id FROM orders.supplier_requests WHERE status = 'sent'", count=3)

    # 4. Two replies: by request id (Message-ID) and by the subject tag only.
    a_request = by_supplier[metizy.supplier_id]
    b_request = by_supplier[importer.supplier_id]
    await app.publish(
        quote_parsed(
            request_id=a_request.request_id,
            rfq_number=a_request.rfq_number,
            lines=[
                {
                    "position": 1,
                    "name": "Болт M8x30 DIN933",
                    "unit_price": "12.50",
                    "lead_time_days": 3,
                },
                {"position": 2, "name": "Гайка M8", "unit_price": "4.20", "lead_time_days": 3},
                {
                    "position": 3,
                    "name": "Шайба 8 оцинк.",
                    "unit_price": "1.15",
                    "lead_time_days": 3,
                },
            ],
            total="2218.95",
        ),
        quote_parsed(
            rfq_number=b_request.rfq_number,
            email="info@krepimport.example",
            currency="USD",
            vat_included=False,
            lines=[
                {"position": 1, "name": "Болт М8х30", "unit_price": "0.11", "lead_time_days": 10},
                {"position": 2, "name": "Гайка М8", "unit_price": "0.035", "lead_time_days": 10},
            ],
        ),
    )
    await app.wait_rows("SELECT id FROM orders.quotes", count=2)
    detail = await app.call(OrdersGet(order_id=order.order_id))
    assert detail.order.status == OrderStatus.QUOTING
    statuses = {r.supplier_id: r.status for r in detail.requests}
    assert statuses == {
        metizy.supplier_id: RequestStatus.ANSWERED,
        importer.supplier_id: RequestStatus.ANSWERED,
        sidorov.supplier_id: RequestStatus.SENT,
    }
    quotes = {q.supplier_id: q for q in detail.quotes}
    item_ids = [i.item_id for i in detail.items]
    assert [line.item_id for line in quotes[metizy.supplier_id].lines] == item_ids
    assert [line.item_id for line in quotes[importer.supplier_id].lines] == item_ids[:2]
    received = await app.emitted("quote.received")
    assert len(received) == 2 and all(isinstance(e, QuoteReceived) for e in received)
    assert received[-1].requests_answered == 2 and received[-1].requests_total == 3

    # 5. Comparison: RUB with VAT; USD 0.11 × 95.5 × 1.22 = 12.82; 0.035 → 4.08.
    assert detail.comparison is not None
    rows = detail.comparison.rows
    cells = [{c.supplier_name: c for c in row.cells} for row in rows]
    m, k = "ООО «Метизы-Центр»", "ООО «Крепёж Импорт»"
    assert cells[0][k].unit_price == Decimal("12.82")
    assert cells[1][k].unit_price == Decimal("4.08")
    assert (cells[0][m].best_price, cells[0][k].best_price) == (True, False)
    assert (cells[1][m].best_price, cells[1][k].best_price) == (False, True)
    assert (cells[1][m].fastest, cells[1][k].fastest) == (True, False)
    assert cells[2][m].best_price and cells[2][m].fastest and k not in cells[2]
    assert [r.currency for r in detail.comparison.exchange_rates] == ["USD"]

    # 6. Proposal with a 15 % markup: 14.38×150 + 4.69×75 + 1.32×33 = 2552.31.
    proposal = await app.call(
        OrdersBuildProposal(order_id=order.order_id, markup_percent=Decimal(15), actor="user:1"),
    )
    assert [(line.cost_price, line.unit_price, line.amount) for line in proposal.lines] == [
        (Decimal("12.50"), Decimal("14.38"), Decimal("2157.00")),
        (Decimal("4.08"), Decimal("4.69"), Decimal("351.75")),
        (Decimal("1.15"), Decimal("1.32"), Decimal("43.56")),
    ]
    assert proposal.total == Decimal("2552.31")
    assert proposal.vat_amount == Decimal("460.25")
    assert proposal.subtotal == Decimal("2092.06")
    assert proposal.cost_total == Decimal("2218.95")
    assert proposal.margin_amount == Decimal("333.36")
    assert proposal.number == f"KP-{NOW.year}-0001-1"
    assert proposal.status == ProposalStatus.GENERATING
    [render] = await app.emitted("document.requested")
    assert isinstance(render, DocumentRequested)
    assert render.proposal.total == Decimal("2552.31")
    assert render.proposal.client.name == "ООО «Ромашка»"

    # 7. The PDF arrives; the proposal goes to the client in the request's thread.
    await app.publish(
        DocumentGenerated(
            request_event_id=render.id,
            order_id=order.order_id,
            proposal_id=proposal.proposal_id,
            document_id=uuid4(),
            document_version=1,
            storage_key=f"documents/{proposal.number}/v1.pdf",
            filename=f"{proposal.number}.pdf",
            sha256=SHA,
            size=1234,
        )
    )
    await app.wait_rows("SELECT id FROM orders.proposals WHERE status = 'ready'")
    sent_proposal = await app.call(
        OrdersSendProposal(proposal_id=proposal.proposal_id, actor="user:1")
    )
    assert sent_proposal.status == ProposalStatus.SENDING
    to_client: MailSend = (await app.emitted("mail.send"))[-1]
    assert to_client.purpose == "proposal"
    assert [a.email for a in to_client.to] == ["zakupki@romashka-zavod.ru"]
    assert to_client.attachments[0].storage_key == f"documents/{proposal.number}/v1.pdf"
    assert to_client.mail_subject.startswith("Re: Заявка на крепёж")
    await app.publish(
        MailSent(
            command_id=to_client.id,
            message_id="<kp.1@broker.example>",
            sent_at=NOW,
            purpose="proposal",
            order_id=order.order_id,
            proposal_id=proposal.proposal_id,
        )
    )
    await app.wait_rows("SELECT id FROM orders.proposals WHERE status = 'sent'")

    # 8. Won.
    summary = await app.call(
        OrdersMarkOutcome(order_id=order.order_id, outcome="won", actor="user:1")
    )
    assert summary.status == OrderStatus.WON
    assert summary.total is not None and summary.total.amount == Decimal("2552.31")

    # Audit: every state change, in order, with actors.
    detail = await app.call(OrdersGet(order_id=order.order_id))
    changes = [
        (a.before or {}).get("status", "-") + "→" + (a.after or {}).get("status", "")
        for a in reversed(detail.audit)
        if a.action == "order.status"
    ]
    assert changes == [
        "new→rfq_sent",
        "rfq_sent→quoting",
        "quoting→proposal_ready",
        "proposal_ready→proposal_sent",
        "proposal_sent→won",
    ]
    actions = [a.action for a in reversed(detail.audit)]
    assert actions[0] == "order.created"
    assert actions.count("request.created") == 3
    assert actions.count("quote.received") == 2
    assert {"proposal.built", "proposal.document", "proposal.send", "proposal.sent"} <= set(actions)
    won = next(a for a in detail.audit if a.after and a.after.get("status") == "won")
    assert won.actor == "user:1"
    updates = await app.emitted("order.updated")
    assert [u.status_after for u in updates][-1] == OrderStatus.WON

    # Analytics over what just happened.
    report = await app.call(AnalyticsSummary(granularity="day"))
    assert report.orders_total == 1 and report.won == 1 and report.conversion_to_won == 1.0
    assert report.revenue == Decimal("2552.31") and report.margin == Decimal("333.36")
    stats = await app.call(AnalyticsSuppliers())
    rate = {r.name: (r.requests_sent, r.answered, r.quotes_chosen, r.win_rate) for r in stats.rows}
    assert rate[m] == (1, 1, 1, 1.0)
    assert rate[k] == (1, 1, 1, 1.0)
    assert rate["ИП Сидоров"] == (1, 0, 0, None)
    prices = await app.call(AnalyticsPriceHistory(query="Болт"))
    assert sorted(str(p.unit_price.amount) for p in prices.points) == ["0.11", "12.50"]
