"""Suppliers that learn: over a history of orders, the ranking of suggest_suppliers moves
as a supplier wins an order and as it lets requests time out. Categories come from the
item names (CATEGORY_KEYWORDS) for a client nobody has seen."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID, uuid4

from orders_testkit import NOW, App, quote_parsed
from sqlalchemy import text
from test_workflow import SHA, create_order

from snab_contracts.documents import DocumentGenerated
from snab_contracts.mail import MailSend, MailSent
from snab_contracts.rpc.directory import CategoriesCreate, SupplierInput, SuppliersCreate
from snab_contracts.rpc.orders import (
    OrdersBuildProposal,
    OrdersMarkOutcome,
    OrdersSendProposal,
    OrdersSendRequests,
    OrdersSuggestSuppliers,
    SupplierSuggestions,
)
from snab_orders.domain.suppliers import AnswerStats, infer_category, score_supplier

ITEMS = [("Болт М8х30 DIN 933", "100", "шт")]


def test_categories_are_inferred_from_names() -> None:
    keywords = {"Крепёж": ["болт", "гайк"], "Кабель и провод": ["кабел", "провод"]}
    assert infer_category("Болты М8х40 оцинк.", keywords) == "Крепёж"
    assert infer_category("Кабель ВВГнг 3х2,5", keywords) == "Кабель и провод"
    assert infer_category("Краска белая", keywords) is None


def test_wins_and_prices_raise_the_score() -> None:
    plain = score_supplier(
        items_count=1, by_category=[], by_history=[], stats=AnswerStats(2, 2, 3600)
    )
    winner = score_supplier(
        items_count=1,
        by_category=[],
        by_history=[],
        stats=AnswerStats(2, 2, 3600, wins=1, chances=1, competitiveness=1.0),
    )
    assert winner.score > plain.score
    assert "выиграл 1 из 1 закрытых заказов" in winner.reasons


async def _ranking(app: App, order_id: UUID) -> list[str]:
    found: SupplierSuggestions = await app.call(OrdersSuggestSuppliers(order_id=order_id))
    return [s.name for s in found.suggestions]


async def _quote(app: App, request_id: int, rfq: str, email: str, price: str) -> None:
    await app.publish(
        quote_parsed(
            request_id=request_id,
            rfq_number=rfq,
            email=email,
            lines=[{"position": 1, "name": "Болт М8х30", "unit_price": price}],
        )
    )


async def _win(app: App, order_id: UUID) -> None:
    """Build, render, send and win the proposal of an order."""
    proposal = await app.call(OrdersBuildProposal(order_id=order_id))
    await app.publish(
        DocumentGenerated(
            request_event_id=uuid4(),
            order_id=order_id,
            proposal_id=proposal.proposal_id,
            document_id=uuid4(),
            document_version=1,
            storage_key=f"documents/{proposal.number}/v1.pdf",
            filename=f"{proposal.number}.pdf",
            sha256=SHA,
            size=1234,
        )
    )
    await app.wait_rows(
        "SELECT id FROM orders.proposals WHERE id = :p AND status = 'ready'",
        p=proposal.proposal_id,
    )
    await app.call(OrdersSendProposal(proposal_id=proposal.proposal_id))
    mail: MailSend = (await app.emitted("mail.send"))[-1]
    await app.publish(
        MailSent(
            command_id=mail.id,
            message_id=f"<kp.{proposal.proposal_id.hex[:8]}@broker.example>",
            sent_at=NOW,
            purpose="proposal",
            order_id=order_id,
            proposal_id=proposal.proposal_id,
        )
    )
    await app.wait_rows(
        "SELECT id FROM orders.proposals WHERE id = :p AND status = 'sent'",
        p=proposal.proposal_id,
    )
    await app.call(OrdersMarkOutcome(order_id=order_id, outcome="won"))


async def test_ranking_follows_wins_and_timeouts(app: App) -> None:
    fasteners = await app.call(CategoriesCreate(name="Крепёж"))
    made = {}
    for company, email in (("Альфа", "a@alpha.example"), ("Бета", "b@beta.example")):
        made[company] = await app.call(
            SuppliersCreate(
                supplier=SupplierInput(
                    company=company, emails=[email], category_ids=[fasteners.category_id]
                )
            )
        )
    alpha, beta = made["Альфа"], made["Бета"]

    # A new client's bolts: no category set, inferred "Крепёж"; both suppliers serve it.
    probe = (await create_order(app, items=ITEMS, email="new@probe.example")).order
    first = await app.call(OrdersSuggestSuppliers(order_id=probe.order_id))
    assert {s.name for s in first.suggestions} == {"Альфа", "Бета"}
    assert all("категория подходит к 1 поз." in s.reasons for s in first.suggestions)
    assert await _ranking(app, probe.order_id) == ["Альфа", "Бета"]  # a tie: by name

    # History 1: both answer at once; Beta is cheaper, its offer wins the order.
    past = (await create_order(app, items=ITEMS, email="old@past.example")).order
    sent = await app.call(
        OrdersSendRequests(
            order_id=past.order_id, supplier_ids=[alpha.supplier_id, beta.supplier_id]
        )
    )
    a_req, b_req = sent.requests
    async with app.engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE orders.supplier_requests SET status = 'sent', "
                "sent_at = now() - interval '2 hours'"
            )
        )
    await _quote(app, a_req.request_id, a_req.rfq_number, "a@alpha.example", "12.00")
    await _quote(app, b_req.request_id, b_req.rfq_number, "b@beta.example", "10.00")
    await app.wait_rows("SELECT id FROM orders.quotes", count=2)
    await _win(app, past.order_id)
    ranked = await app.call(OrdersSuggestSuppliers(order_id=probe.order_id))
    assert [s.name for s in ranked.suggestions] == ["Бета", "Альфа"]
    beta_view = ranked.suggestions[0]
    assert "выиграл 1 из 1 закрытых заказов" in beta_view.reasons
    assert beta_view.response_rate == 1.0

    # History 2: Beta lets three requests time out; Alpha answers them.
    for n in range(3):
        order = (await create_order(app, items=ITEMS, email=f"c{n}@client{n}.example")).order
        await app.call(
            OrdersSendRequests(
                order_id=order.order_id, supplier_ids=[alpha.supplier_id, beta.supplier_id]
            )
        )
    async with app.engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE orders.supplier_requests SET sent_at = now() - interval '3 days', "
                "status = CASE WHEN supplier_id = :b THEN 'timeout' ELSE 'answered' END, "
                "answered_at = CASE WHEN supplier_id = :b THEN NULL "
                "ELSE now() - interval '3 days' + interval '1 hour' END "
                "WHERE status IN ('queued', 'sent')"
            ),
            {"b": beta.supplier_id},
        )
    ranked = await app.call(OrdersSuggestSuppliers(order_id=probe.order_id))
    assert [s.name for s in ranked.suggestions] == ["Альфа", "Бета"]
    by_name = {s.name: s for s in ranked.suggestions}
    assert by_name["Бета"].response_rate == 0.25
    assert "отвечает на 25 % запросов в категории «Крепёж»" in by_name["Бета"].reasons
    assert by_name["Альфа"].response_rate == 1.0
    assert Decimal(str(by_name["Альфа"].score)) > Decimal(str(by_name["Бета"].score))
