"""What a manager does about an incomplete request, too few answers and exchange rates,
over HTTP against the real orders and mail services: the clarification drafted and sent
in the client's thread, more suppliers asked, a manual rate set (admins only)."""

from __future__ import annotations

import email
import email.policy
import uuid
from pathlib import Path

from gateway_testkit import CLIENT_MESSAGE_ID, ORDER, Stack, read_events, seed_incomplete

from snab_contracts.orders import EscalationSupplier, RequestEscalation
from snab_kit.testing import wait_for


def outbox_mail(tmp_path: Path) -> list[email.message.EmailMessage]:
    outbox = tmp_path / "outbox"
    found = sorted(outbox.rglob("*.eml")) if outbox.exists() else []
    return [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)  # type: ignore[misc]
        for p in found
    ]


async def test_clarification_drafted_edited_and_sent_in_the_clients_thread(
    stack: Stack, tmp_path: Path
) -> None:
    await seed_incomplete(stack)
    draft = await stack.get(f"/api/v1/orders/{ORDER}/clarification")
    assert draft["status"] == "draft" and draft["to"] == ["buyer@client.example"]
    assert [(line["position"], line["gaps"]) for line in draft["lines"]] == [(2, ["quantity"])]
    assert "Кабель ВВГнг 3х2,5" in draft["text"] and draft["in_reply_to"] == CLIENT_MESSAGE_ID
    assert await stack.sql("SELECT 1 FROM orders.clarifications") == []  # a draft stores nothing

    text = "Ирина, добрый день! Сколько метров кабеля ВВГнг 3х2,5 нужно?"
    sent = await stack.send(
        "POST", f"/api/v1/orders/{ORDER}/clarification", {"text": text}, status=202
    )
    assert sent["status"] in ("sending", "sent") and sent["clarification_id"]

    [message] = await wait_for(lambda: outbox_mail(tmp_path), timeout=20)
    assert message["To"] == "buyer@client.example"
    assert message["In-Reply-To"] == CLIENT_MESSAGE_ID
    assert message.get_body(("plain",)).get_content().startswith(text)  # type: ignore[union-attr]
    detail = await stack.get(f"/api/v1/orders/{ORDER}")
    assert [a["actor"] for a in detail["audit"] if a["action"] == "clarification.send"] == [
        "user:anna"
    ]

    empty = await stack.http.post(
        f"/api/v1/orders/{ORDER}/clarification", json={"text": ""}, headers=await stack.manager()
    )
    assert empty.status_code == 422


async def test_escalation_asks_the_next_suppliers_then_says_nobody_is_left(
    stack: Stack,
) -> None:
    await seed_incomplete(stack)
    first, second = [
        await stack.send(
            "POST",
            "/api/v1/suppliers",
            {"company": name, "emails": [mail]},
            status=201,
        )
        for name, mail in (
            ("ООО «Метиз»", "sales@metiz.example"),
            ("ООО «Крепёж»", "sales@krepezh.example"),
        )
    ]
    await stack.send(
        "POST",
        f"/api/v1/orders/{ORDER}/requests",
        {"supplier_ids": [first["supplier_id"]]},
        status=201,
    )
    more = await stack.send("POST", f"/api/v1/orders/{ORDER}/escalation", {}, status=201)
    assert [r["supplier_name"] for r in more["requests"]] == ["ООО «Крепёж»"]
    again = await stack.http.post(
        f"/api/v1/orders/{ORDER}/escalation", json={}, headers=await stack.manager()
    )
    assert again.status_code == 422 and "спросить больше некого" in again.json()["detail"]
    assert second["supplier_id"] in {r["supplier_id"] for r in more["requests"]}


async def test_manual_rate_is_for_admins(stack: Stack) -> None:
    body = {"currency": "USD", "on_date": "2026-12-07", "rate": "92.5"}
    manager = await stack.http.put("/api/v1/rates", json=body, headers=await stack.manager())
    assert manager.status_code == 403
    rate = await stack.send("PUT", "/api/v1/rates", body, headers=await stack.admin())
    assert (rate["currency"], rate["rate"], rate["source"]) == ("USD", "92.5", "manual")
    assert rate["updated_by"] == "user:admin"
    refreshed = await stack.send("POST", "/api/v1/rates/refresh", {}, headers=await stack.admin())
    assert refreshed["ok"] is False and "выключено" in refreshed["error"]


async def test_escalation_reaches_the_event_stream(stack: Stack) -> None:
    await seed_incomplete(stack)
    url = "/api/v1/events"
    event = RequestEscalation(
        order_id=ORDER,
        order_number="ORD-2026-0001",
        request_id=1,
        rfq_number="RFQ-2026-0001-1",
        quotes_answered=0,
        min_quotes=2,
        suppliers=[EscalationSupplier(supplier_id=uuid.uuid4(), name="ООО «Крепёж»", score=0.7)],
    )
    await stack.publish(event)
    # From the start of every stream: the escalation is among the order's changes.
    params = {"order_id": ORDER, "last_event_id": "o0.q0.r0.d0"}
    async with stack.http.stream("GET", url, headers=await stack.manager(), params=params) as s:
        events = await read_events(
            s, until=lambda ev: any(e["event"] == "request.escalation" for e in ev)
        )
    [told] = [e["data"] for e in events if e["event"] == "request.escalation"]
    assert told["order_id"] == ORDER and told["quotes_answered"] == 0
    assert [s["name"] for s in told["suppliers"]] == ["ООО «Крепёж»"]
