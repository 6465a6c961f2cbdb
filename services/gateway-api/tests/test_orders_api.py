"""Orders over HTTP: filters, full-text search and cursor pages over a few hundred orders
(compared with what the database says), the detail, edits, requests, outcome."""

from __future__ import annotations

import email
import email.policy
import uuid
from pathlib import Path
from typing import Any

from gateway_testkit import Stack

from snab_kit.testing import wait_for

N = 300
STATUSES = ["new", "needs_review", "rfq_sent", "quoting", "proposal_sent", "won", "lost"]

SEED = [
    """
    INSERT INTO orders.clients (id, name, inn, created_at, updated_at) VALUES
      ('00000000-0000-0000-0000-0000000000c1', 'ООО «Ромашка»', '7707083893', now(), now()),
      ('00000000-0000-0000-0000-0000000000c2', 'АО «Василёк»', NULL, now(), now()),
      ('00000000-0000-0000-0000-0000000000c3', 'ИП Лютиков', NULL, now(), now())
    """,
    # Orders every 2 hours back from a fixed Moscow noon; ties in created_at on purpose
    # (every 50th order shares its neighbour's time) so the cursor must break them by id.
    f"""
    INSERT INTO orders.orders (id, number, year, seq, status, client_id, mail_subject,
        from_email, company, needs_review, created_at, updated_at)
    SELECT gen_random_uuid(), 'ORD-2026-' || lpad(n::text, 4, '0'), 2026, n,
        (ARRAY{STATUSES!r})[1 + n % {len(STATUSES)}],
        CASE n % 4 WHEN 1 THEN '00000000-0000-0000-0000-0000000000c1'::uuid
                   WHEN 2 THEN '00000000-0000-0000-0000-0000000000c2'::uuid
                   WHEN 3 THEN '00000000-0000-0000-0000-0000000000c3'::uuid END,
        CASE WHEN n % 10 = 0 THEN 'Кабель и провод, заявка ' || n ELSE 'Заявка №' || n END,
        'buyer' || n || '@client.example', NULL, n % 7 = 0,
        timestamptz '2026-11-30 12:00:00+03' - ((n - n % 50 / 49) * interval '2 hours'),
        timestamptz '2026-11-30 12:00:00+03' - ((n - n % 50 / 49) * interval '2 hours')
    FROM generate_series(1, {N}) AS n
    """,
    """
    INSERT INTO orders.order_items (id, order_id, position, name, quantity, unit)
    SELECT gen_random_uuid(), o.id, 1,
        CASE WHEN o.seq % 15 = 0 THEN 'Кабель ВВГнг 3х2,5' ELSE 'Болт М' || (6 + o.seq % 6) END,
        10, 'шт'
    FROM orders.orders o
    """,
]


async def seed(stack: Stack) -> None:
    for statement in SEED:
        await stack.sql(statement)


async def expected(
    stack: Stack, where: str = "true", order: str = "created_at DESC, id DESC"
) -> list[str]:
    rows = await stack.sql(f"SELECT number FROM orders.orders o WHERE {where} ORDER BY {order}")
    return [r.number for r in rows]


async def walk(stack: Stack, params: dict[str, Any], limit: int) -> tuple[list[str], int]:
    """Every page of a listing, following the cursor; the numbers and the page count."""
    numbers: list[str] = []
    cursor = None
    pages = 0
    while True:
        query = {**params, "limit": limit, **({"cursor": cursor} if cursor else {})}
        page = await stack.get("/api/v1/orders", params=query)
        pages += 1
        numbers += [o["number"] for o in page["items"]]
        assert len(page["items"]) <= limit
        cursor = page["next_cursor"]
        if cursor is None:
            return numbers, pages
        assert pages < 1000


async def test_filters_search_and_pages(stack: Stack) -> None:
    await seed(stack)
    everything, pages = await walk(stack, {}, limit=37)
    assert everything == await expected(stack)
    assert len(everything) == N and pages == -(-N // 37)

    oldest, _ = await walk(stack, {"sort": "created_at"}, limit=50)
    assert oldest == await expected(stack, order="created_at, id")

    first = await stack.get("/api/v1/orders", params={"with_total": "true", "limit": 5})
    assert first["total"] == N and len(first["items"]) == 5
    assert (await stack.get("/api/v1/orders", params={"limit": 5}))["total"] is None

    cases: list[tuple[dict[str, Any], str]] = [
        ({"status": ["new", "quoting"]}, "status IN ('new', 'quoting')"),
        (
            {"client_id": "00000000-0000-0000-0000-0000000000c1"},
            "client_id = '00000000-0000-0000-0000-0000000000c1'",
        ),
        ({"needs_review": "true"}, "needs_review"),
        ({"needs_review": "false"}, "NOT needs_review"),
        (
            {"created_from": "2026-11-20", "created_to": "2026-11-22"},
            "created_at >= timestamptz '2026-11-20 00:00+03' "
            "AND created_at < timestamptz '2026-11-23 00:00+03'",
        ),
        ({"q": "кабель"}, "seq % 10 = 0 OR seq % 15 = 0"),
        ({"q": "Ромашка"}, "client_id = '00000000-0000-0000-0000-0000000000c1'"),
        ({"q": "ORD-2026-0042"}, "seq = 42"),
        ({"q": "0042"}, "seq = 42"),
        ({"q": "buyer77"}, "seq = 77"),
        (
            {
                "q": "кабель",
                "status": ["won", "lost"],
                "client_id": "00000000-0000-0000-0000-0000000000c2",
            },
            "(seq % 10 = 0 OR seq % 15 = 0) AND status IN ('won', 'lost') "
            "AND client_id = '00000000-0000-0000-0000-0000000000c2'",
        ),
        ({"q": "нет-такого-слова"}, "false"),
    ]
    for params, where in cases:
        want = await expected(stack, where)
        got, _ = await walk(stack, params, limit=23)
        assert got == want, params
        counted = await stack.get("/api/v1/orders", params={**params, "with_total": "true"})
        assert counted["total"] == len(want), params

    queue = await stack.get("/api/v1/inbox/needs-review", params={"limit": 200})
    assert [o["number"] for o in queue["items"]] == await expected(stack, "needs_review")


async def test_list_refuses_what_it_cannot_read(stack: Stack) -> None:
    for params in (
        {"cursor": "nonsense"},
        {"status": "lost-in-space"},
        {"limit": 0},
        {"limit": 201},
        {"created_from": "yesterday"},
        {"sort": "number"},
        {"unknown": "1"},
        {"q": "x" * 201},
    ):
        resp = await stack.http.get("/api/v1/orders", params=params, headers=await stack.manager())
        assert resp.status_code == 422, params
        body = resp.json()
        assert body["code"] == "validation" and body["errors"], params
    made_for_another_sort = await stack.get("/api/v1/orders", params={"limit": 1})
    await seed(stack)
    page = await stack.get("/api/v1/orders", params={"limit": 1})
    resp = await stack.http.get(
        "/api/v1/orders",
        params={"sort": "updated_at", "cursor": page["next_cursor"]},
        headers=await stack.manager(),
    )
    assert resp.status_code == 422 and "сортировки" in resp.json()["detail"]
    assert made_for_another_sort["items"] == []


async def test_order_detail_and_changes(stack: Stack, tmp_path: Path) -> None:
    await seed(stack)
    manager = await stack.manager()
    [row] = await stack.sql(
        "SELECT id, number FROM orders.orders WHERE seq = 1"
    )  # status: needs_review
    order_id = str(row.id)

    detail = await stack.get(f"/api/v1/orders/{order_id}")
    assert detail["order"]["number"] == row.number and len(detail["items"]) == 1
    by_number = await stack.get(f"/api/v1/orders/by-number/{row.number}")
    assert by_number["order"]["order_id"] == order_id
    missing = await stack.http.get(f"/api/v1/orders/{uuid.uuid4()}", headers=manager)
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found" and missing.json()["detail"] == "заявка не найдена"

    # Items replaced; the audit names the user.
    item_id = detail["items"][0]["item_id"]
    changed = await stack.send(
        "PUT",
        f"/api/v1/orders/{order_id}/items",
        {
            "items": [
                {"item_id": item_id, "name": "Болт М8х30", "quantity": "150", "unit": "шт"},
                {"name": "Гайка М8", "quantity": "150", "unit": "шт"},
            ],
            "reason": "уточнили по телефону",
        },
    )
    assert [(i["name"], i["quantity"]) for i in changed["items"]] == [
        ("Болт М8х30", "150"),
        ("Гайка М8", "150"),
    ]
    assert changed["audit"][0]["actor"] == "user:anna"
    assert changed["audit"][0]["action"] == "order.items_replaced"
    foreign = await stack.http.put(
        f"/api/v1/orders/{order_id}/items",
        json={"items": [{"item_id": str(uuid.uuid4()), "name": "x", "quantity": "1"}]},
        headers=manager,
    )
    assert foreign.status_code == 422 and foreign.json()["detail"] == "позиции не из этой заявки"
    bad_quantity = await stack.http.put(
        f"/api/v1/orders/{order_id}/items",
        json={"items": [{"name": "x", "quantity": "-1"}]},
        headers=manager,
    )
    assert bad_quantity.status_code == 422
    assert bad_quantity.json()["errors"][0]["loc"] == "body.items.0.quantity"

    reviewed = await stack.send(
        "PATCH",
        f"/api/v1/orders/{order_id}",
        {"resolve_review": True, "deadline": "2026-12-25", "reason": "проверено"},
    )
    assert reviewed["order"]["status"] == "new" and reviewed["order"]["deadline"] == "2026-12-25"

    # Requests to a supplier: one RFQ email each (the local outbox of mail-gateway).
    supplier = await stack.send(
        "POST",
        "/api/v1/suppliers",
        {"company": "ООО «Метиз»", "emails": ["sales@metiz.example"]},
        status=201,
    )
    suggestions = await stack.get(f"/api/v1/orders/{order_id}/supplier-suggestions")
    assert supplier["supplier_id"] in {s["supplier_id"] for s in suggestions["suggestions"]}
    sent = await stack.send(
        "POST",
        f"/api/v1/orders/{order_id}/requests",
        {"supplier_ids": [supplier["supplier_id"]], "message": "Срочно"},
        status=201,
    )
    assert [r["supplier_name"] for r in sent["requests"]] == ["ООО «Метиз»"]
    outbox = tmp_path / "outbox"

    def rfq_files() -> list[Path]:
        return list(outbox.rglob("*.eml")) if outbox.exists() else []

    [rfq] = await wait_for(rfq_files, timeout=20)
    message = email.message_from_bytes(rfq.read_bytes(), policy=email.policy.default)
    assert message["To"] == "sales@metiz.example"
    assert "Срочно" in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    after = await stack.get(f"/api/v1/orders/{order_id}")
    assert after["order"]["status"] == "rfq_sent"
    created = [a for a in after["audit"] if a["action"] == "request.created"]
    assert [a["actor"] for a in created] == ["user:anna"]

    # No quotes yet: no comparison; won is not a step from rfq_sent.
    no_quotes = await stack.http.get(f"/api/v1/orders/{order_id}/comparison", headers=manager)
    assert no_quotes.status_code == 404
    assert no_quotes.json()["detail"] == "по заявке ещё нет ответов поставщиков"
    won = await stack.http.post(
        f"/api/v1/orders/{order_id}/outcome", json={"outcome": "won"}, headers=manager
    )
    assert won.status_code == 409 and won.json()["code"] == "invalid_transition"
    assert "недопустим" in won.json()["detail"]
    lost = await stack.send(
        "POST", f"/api/v1/orders/{order_id}/outcome", {"outcome": "lost", "reason": "дорого"}
    )
    assert lost["status"] == "lost"
    closed = await stack.http.patch(
        f"/api/v1/orders/{order_id}", json={"deadline": "2026-12-30"}, headers=manager
    )
    assert closed.status_code == 409 and "закрыта" in closed.json()["detail"]

    [other] = await stack.sql("SELECT id FROM orders.orders WHERE seq = 3")  # quoting
    cancelled = await stack.send("POST", f"/api/v1/orders/{other.id}/cancel", {"reason": "дубль"})
    assert cancelled["order"]["status"] == "cancelled"
