"""The subjects the gateway needs: browsing with cursors and full-text search, mapping a
quote line by hand, and what became of received mail."""

from __future__ import annotations

from uuid import uuid4

import pytest
from orders_testkit import App, order_parsed, quote_parsed
from sqlalchemy import text

from snab_contracts.mail import MailClassified
from snab_contracts.orders import OrderStatus
from snab_contracts.rpc.directory import SupplierInput, SuppliersCreate
from snab_contracts.rpc.orders import (
    OrdersBrowse,
    OrdersGet,
    OrdersMailOutcomes,
    OrdersMapQuoteLine,
    OrdersSendRequests,
    OrdersUpdate,
)
from snab_kit.rpc import Conflict, InvalidTransition, NotFound, ValidationFailed
from snab_orders.domain.search import search_terms
from snab_orders.services.browse import search_condition

ORDERS = [
    # subject, company, email, items
    ("Заявка на болты", "ООО «Ромашка»", "zakupki@romashka.example", [("Болты М8х30", "10", "шт")]),
    ("Нужны гайки", "АО «Василёк»", "snab@vasilek.example", [("Гайка М10", "5", "шт")]),
    ("Кабель", "ООО «Ромашка»", "zakupki@romashka.example", [("Кабель ВВГнг 3х2,5", "100", "м")]),
    ("Шайбы и болты", "ИП Петров", "petrov@mail.example", [("Шайба 8", "40", "шт")]),
    ("Лист стальной", "АО «Завод»", "buy@zavod.example", [("Лист 2 мм", "3", "лист")]),
    ("Анкеры", "АО «Завод»", "buy@zavod.example", [("Анкер клиновой", "25", "шт")]),
    ("Срочно: болт", "ООО «Берёза»", "b@bereza.example", [("Болт М12", "7", "шт")]),
]


async def seed_orders(app: App) -> list[str]:
    events = [order_parsed(subject=s, company=c, email=e, items=items) for s, c, e, items in ORDERS]
    for event in events:
        await app.publish(event)  # one at a time: created_at follows the list
        await app.wait_rows(
            "SELECT id FROM orders.orders WHERE source_mail_id = :m", m=event.mail_id
        )
    rows = await app.rows("SELECT number FROM orders.orders ORDER BY created_at")
    return [r.number for r in rows]


async def test_browse_slices_filters_and_search(app: App) -> None:
    numbers = await seed_orders(app)

    # Newest first, three at a time, until the cursor runs out; nothing twice or missing.
    seen: list[str] = []
    after = None
    while True:
        page = await app.call(OrdersBrowse(limit=3, after=after))
        seen += [o.number for o in page.items]
        after = page.next_cursor
        if after is None:
            break
    assert seen == list(reversed(numbers))
    oldest = await app.call(OrdersBrowse(sort="created_at", limit=2, with_total=True))
    assert [o.number for o in oldest.items] == numbers[:2] and oldest.total == 7

    # An order made meanwhile does not shift the slices already handed out.
    first = await app.call(OrdersBrowse(limit=3))
    await app.publish(
        order_parsed(subject="Новая заявка", company="ООО «Новое»", items=[("Труба 20", "1", "м")])
    )
    await app.wait_rows("SELECT id FROM orders.orders", count=8)
    second = await app.call(OrdersBrowse(limit=3, after=first.next_cursor))
    assert [o.number for o in second.items] == list(reversed(numbers))[3:6]

    async def found(query: str) -> set[str]:
        page = await app.call(OrdersBrowse(query=query, limit=50))
        return {o.mail_subject for o in page.items}

    # Words in any form, word beginnings, items, clients and numbers.
    assert await found("болт") == {"Заявка на болты", "Шайбы и болты", "Срочно: болт"}
    assert await found("болтов") >= {"Заявка на болты", "Срочно: болт"}
    assert await found("кабел") == {"Кабель"}
    assert await found("ромаш") == {"Заявка на болты", "Кабель"}
    assert await found("анкер клиновой") == {"Анкеры"}
    assert await found("ВВГнг") == {"Кабель"}
    assert await found(numbers[4].replace("ORD-", "").replace("-", " ")) == {"Лист стальной"}
    assert await found(numbers[4]) == {"Лист стальной"}
    assert await found("нет такого слова") == set()
    # Query syntax is not ours to interpret: operators are just characters.
    assert await found("болт & | ! ( ) :* '") >= {"Срочно: болт"}

    needs_review = await app.call(OrdersBrowse(needs_review=True))
    assert needs_review.items == []
    cancelled = await app.call(OrdersBrowse(statuses=[OrderStatus.CANCELLED], with_total=True))
    assert cancelled.total == 0

    with pytest.raises(ValidationFailed):
        await app.call(OrdersBrowse(after="not-a-cursor"))
    with pytest.raises(ValidationFailed):
        await app.call(OrdersBrowse(sort="updated_at", after=first.next_cursor))


async def test_search_uses_the_indexes(app: App) -> None:
    """The vectors of domain/search.py are the ones the migration indexed."""
    await seed_orders(app)
    terms = search_terms("болт")
    assert terms == "болт:*"
    condition = search_condition(terms)
    compiled = condition.compile(compile_kwargs={"literal_binds": True})
    async with app.engine.connect() as conn:
        await conn.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(
            r[0]
            for r in await conn.execute(
                text(f"EXPLAIN SELECT id FROM orders.orders WHERE {compiled}")
            )
        )
    for index in ("ix_orders_search", "ix_order_items_search", "ix_clients_search"):
        assert index in plan, plan


async def _quoted_order(app: App) -> tuple[object, object]:
    supplier = await app.call(
        SuppliersCreate(supplier=SupplierInput(company="ООО «Метизы»", emails=["s@m.example"]))
    )
    event = order_parsed()
    await app.publish(event)
    [row] = await app.wait_rows(
        "SELECT id FROM orders.orders WHERE source_mail_id = :m", m=event.mail_id
    )
    sent = await app.call(
        OrdersSendRequests(order_id=row.id, supplier_ids=[supplier.supplier_id], actor="user:anna")
    )
    request = sent.requests[0]
    await app.publish(
        quote_parsed(
            request_id=request.request_id,
            rfq_number=request.rfq_number,
            email="s@m.example",
            lines=[
                {"position": 1, "name": "Болт M8x30 DIN933", "unit_price": "12.50"},
                {"position": 2, "name": "Что-то совсем другое", "unit_price": "4.20"},
            ],
        )
    )
    await app.wait_rows("SELECT id FROM orders.quotes")
    detail = await app.call(OrdersGet(order_id=row.id))
    return detail, request


async def test_map_quote_line_by_hand(app: App) -> None:
    detail, _ = await _quoted_order(app)
    quote = detail.quotes[0]  # type: ignore[attr-defined]
    bolt, nut, washer = (i.item_id for i in detail.items)  # type: ignore[attr-defined]
    first, second = quote.lines
    assert first.item_id == bolt and second.item_id is None

    mapped = await app.call(
        OrdersMapQuoteLine(quote_line_id=second.quote_line_id, item_id=nut, actor="user:anna")
    )
    assert [line.item_id for line in mapped.lines] == [bolt, nut]
    again = await app.call(
        OrdersMapQuoteLine(quote_line_id=second.quote_line_id, item_id=nut, actor="user:anna")
    )
    assert again == mapped
    audit = await app.rows(
        "SELECT actor, after FROM orders.audit_log WHERE action = 'quote.line_mapped'"
    )
    assert [(a.actor, a.after["item_id"]) for a in audit] == [("user:anna", str(nut))]
    comparison = (await app.call(OrdersGet(order_id=detail.order.order_id))).comparison  # type: ignore[attr-defined]
    assert comparison is not None
    assert [len(row.cells) for row in comparison.rows] == [1, 1, 0]

    # One line per item within a quote; items of this order only; lines that exist.
    with pytest.raises(Conflict) as taken:
        await app.call(OrdersMapQuoteLine(quote_line_id=second.quote_line_id, item_id=bolt))
    assert "строка 1" in taken.value.message
    with pytest.raises(ValidationFailed):
        await app.call(OrdersMapQuoteLine(quote_line_id=second.quote_line_id, item_id=uuid4()))
    with pytest.raises(NotFound):
        await app.call(OrdersMapQuoteLine(quote_line_id=uuid4(), item_id=washer))

    freed = await app.call(OrdersMapQuoteLine(quote_line_id=first.quote_line_id, item_id=None))
    assert [line.item_id for line in freed.lines] == [None, nut]

    # A closed order keeps its quotes as they were.
    await app.call(OrdersUpdate(order_id=detail.order.order_id, cancel=True))  # type: ignore[attr-defined]
    with pytest.raises(InvalidTransition):
        await app.call(OrdersMapQuoteLine(quote_line_id=first.quote_line_id, item_id=washer))


async def test_mail_outcomes(app: App) -> None:
    detail, request = await _quoted_order(app)
    order_mail = detail.order.source_mail_id  # type: ignore[attr-defined]
    quote_mail = detail.quotes[0].mail_id  # type: ignore[attr-defined]
    spam_mail = uuid4()
    await app.publish(
        MailClassified(mail_id=spam_mail, reason="spam", confidence=0.9, extractor="rules")
    )
    await app.wait_rows("SELECT mail_id FROM orders.unmatched_mail")
    unknown = uuid4()
    outcomes = await app.call(
        OrdersMailOutcomes(mail_ids=[unknown, spam_mail, quote_mail, order_mail])
    )
    by_id = {o.mail_id: o for o in outcomes.items}
    assert unknown not in by_id
    assert [o.mail_id for o in outcomes.items] == [spam_mail, quote_mail, order_mail]
    assert by_id[order_mail].kind == "order" and by_id[order_mail].lines_count == 3
    assert by_id[order_mail].order_number == detail.order.number  # type: ignore[attr-defined]
    assert by_id[quote_mail].kind == "quote"
    assert by_id[quote_mail].rfq_number == request.rfq_number  # type: ignore[attr-defined]
    assert by_id[quote_mail].lines_count == 2
    assert by_id[spam_mail].kind == "unmatched" and by_id[spam_mail].reason == "spam"
