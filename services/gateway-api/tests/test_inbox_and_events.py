"""The inbox over HTTP (upload, pasted text, parse results, unmatched mail and linking)
and the change stream (server-sent events, resumed with Last-Event-ID)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from gateway_testkit import ADMIN, Stack, log_in, read_events

from snab_contracts.mail import MailAddress
from snab_contracts.parsing import QuoteLine, QuoteParsed
from snab_kit.testing import wait_for

CORPUS = Path(__file__).resolve().parents[2] / "parser" / "tests" / "corpus"


async def upload(stack: Stack, raw: bytes, name: str = "request.eml") -> dict[str, Any]:
    resp = await stack.http.post(
        "/api/v1/inbox/upload",
        files={"file": (name, raw, "message/rfc822")},
        headers=await stack.manager(),
    )
    assert resp.status_code == 202, resp.text
    return dict(resp.json())


async def order_of(stack: Stack, mail_id: str) -> dict[str, Any]:
    async def made() -> dict[str, Any] | None:
        detail = await stack.get(f"/api/v1/inbox/mail/{mail_id}")
        return detail if detail["outcome"] else None

    return dict(await wait_for(made, timeout=30, interval=0.2))


async def test_upload_paste_and_parse_results(stack: Stack) -> None:
    raw = (CORPUS / "001.eml").read_bytes()
    ingested = await upload(stack, raw)
    assert ingested["duplicate"] is False
    again = await upload(stack, raw)
    assert again["duplicate"] is True and again["mail_id"] == ingested["mail_id"]

    detail = await order_of(stack, ingested["mail_id"])
    outcome = detail["outcome"]
    assert outcome["kind"] == "order" and outcome["order_number"].startswith("ORD-")
    assert outcome["lines_count"] == 5 and outcome["extractor"] == "rules"
    assert detail["mail"]["from"]["email"] == "r.akhmetov@kamaprom.example"
    assert "Подшипник" in detail["mail"]["text"]

    order = await stack.get(f"/api/v1/orders/{outcome['order_id']}")
    assert order["order"]["source_mail_id"] == ingested["mail_id"]

    raw_back = await stack.http.get(
        f"/api/v1/inbox/mail/{ingested['mail_id']}/raw", headers=await stack.manager()
    )
    assert raw_back.status_code == 200 and raw_back.content == raw
    assert raw_back.headers["content-type"].startswith("message/rfc822")
    assert raw_back.headers["content-disposition"].startswith("attachment;")

    pasted = await stack.send(
        "POST",
        "/api/v1/inbox/text",
        {
            "text": "Добрый день! Нужны болты М10х40 — 50 шт и гайки М10 — 50 шт.",
            "from_email": "ivanov@zavod.example",
            "from_name": "Иван Иванов",
            "subject": "Заявка по телефону",
        },
        status=202,
    )
    await order_of(stack, pasted["mail_id"])

    listed = await stack.get("/api/v1/inbox/mail")
    assert listed["total"] == 2
    assert [m["mail"]["mail_id"] for m in listed["items"]] == [
        pasted["mail_id"],
        ingested["mail_id"],
    ]
    assert {m["outcome"]["kind"] for m in listed["items"]} == {"order"}
    uploads = await stack.get("/api/v1/inbox/mail", params={"q": "kamaprom"})
    assert [m["mail"]["mail_id"] for m in uploads["items"]] == [ingested["mail_id"]]

    manager = await stack.manager()
    empty = await stack.http.post(
        "/api/v1/inbox/upload",
        files={"file": ("e.eml", b"  \n", "message/rfc822")},
        headers=manager,
    )
    assert empty.status_code == 422 and empty.json()["detail"] == "файл пустой"
    huge = await stack.http.post(
        "/api/v1/inbox/upload",
        files={"file": ("big.eml", b"x" * (stack.settings.max_upload_bytes + 1), "message/rfc822")},
        headers=manager,
    )
    assert huge.status_code == 422 and huge.json()["errors"][0]["type"] == "too_large"
    too_big = await stack.http.post(
        "/api/v1/inbox/text",
        content=b"{" + b" " * (stack.settings.max_request_bytes + 10) + b"}",
        headers={**manager, "content-type": "application/json"},
    )
    assert too_big.status_code == 413 and too_big.json()["code"] == "too_large"
    missing = await stack.http.get(f"/api/v1/inbox/mail/{uuid.uuid4()}", headers=manager)
    assert missing.status_code == 404 and missing.json()["detail"] == "письмо не найдено"


def supplier_reply(*, sender: str, mail_id: uuid.UUID | None = None) -> QuoteParsed:
    return QuoteParsed(
        mail_id=mail_id or uuid.uuid4(),
        from_=MailAddress(email=sender, name="Продажи"),
        mail_subject="Цены",
        received_at=datetime.now(UTC),
        lines=[
            QuoteLine(position=1, name="Болт М8х30", unit_price=Decimal("12.50")),
            QuoteLine(position=2, name="Что-то другое", unit_price=Decimal("3.10")),
        ],
        vat_included=True,
        confidence=0.9,
        extractor="rules",
    )


async def order_with_request(stack: Stack) -> tuple[dict[str, Any], dict[str, Any]]:
    pasted = await stack.send(
        "POST",
        "/api/v1/inbox/text",
        {
            "text": "Нужны: 1. Болт М8х30 — 100 шт\n2. Гайка М8 — 100 шт",
            "from_email": "petrov@romashka.example",
            "subject": "Заявка",
        },
        status=202,
    )
    outcome = (await order_of(stack, pasted["mail_id"]))["outcome"]
    supplier = await stack.send(
        "POST",
        "/api/v1/suppliers",
        {"company": "ООО «Метиз»", "emails": ["sales@metiz.example"]},
        status=201,
    )
    sent = await stack.send(
        "POST",
        f"/api/v1/orders/{outcome['order_id']}/requests",
        {"supplier_ids": [supplier["supplier_id"]]},
        status=201,
    )
    return outcome, sent["requests"][0]


async def test_unmatched_mail_linked_by_hand_and_lines_remapped(stack: Stack) -> None:
    order, request = await order_with_request(stack)
    stray = supplier_reply(sender="someone@elsewhere.example")
    await stack.publish(stray)

    async def queued() -> Any:
        page = await stack.get("/api/v1/inbox/unmatched")
        return page if page["total"] else None

    page = await wait_for(queued, timeout=20)
    [item] = page["items"]
    assert item["mail_id"] == str(stray.mail_id) and item["reason"] == "unmatched_quote"
    only_spam = await stack.get("/api/v1/inbox/unmatched", params={"reason": "spam"})
    assert only_spam["total"] == 0

    linked = await stack.send(
        "POST",
        f"/api/v1/inbox/mail/{stray.mail_id}/link",
        {"request_id": request["request_id"]},
    )
    assert linked["order_id"] == order["order_id"] and linked["quote_id"]
    again = await stack.http.post(
        f"/api/v1/inbox/mail/{stray.mail_id}/link",
        json={"request_id": request["request_id"] + 1000},
        headers=await stack.manager(),
    )
    assert again.status_code == 404

    # The matcher missed line 2; a manager maps it to the nut.
    detail = await stack.get(f"/api/v1/orders/{order['order_id']}")
    [quote] = detail["quotes"]
    bolt, nut = (i["item_id"] for i in detail["items"])
    assert [line["item_id"] for line in quote["lines"]] == [bolt, None]
    mapped = await stack.send(
        "PUT",
        f"/api/v1/quote-lines/{quote['lines'][1]['quote_line_id']}/item",
        {"item_id": nut},
    )
    assert [line["item_id"] for line in mapped["lines"]] == [bolt, nut]
    taken = await stack.http.put(
        f"/api/v1/quote-lines/{quote['lines'][0]['quote_line_id']}/item",
        json={"item_id": nut},
        headers=await stack.manager(),
    )
    assert taken.status_code == 409 and "строка 2" in taken.json()["detail"]
    comparison = await stack.get(f"/api/v1/orders/{order['order_id']}/comparison")
    assert [len(row["cells"]) for row in comparison["rows"]] == [1, 1]
    audit = (await stack.get(f"/api/v1/orders/{order['order_id']}"))["audit"]
    assert any(a["action"] == "quote.line_mapped" and a["actor"] == "user:anna" for a in audit)

    # A proposal with 15 %: built, its PDF not there (no documents service here).
    built = await stack.send(
        "POST",
        f"/api/v1/orders/{order['order_id']}/proposals",
        {"markup_percent": "15"},
        status=201,
    )
    assert built["status"] == "generating"
    assert abs(Decimal(built["lines"][0]["markup_percent"]) - 15) < Decimal("0.1")  # kopecks
    listed = await stack.get(f"/api/v1/orders/{order['order_id']}/proposals")
    assert [p["proposal_id"] for p in listed["items"]] == [built["proposal_id"]]
    manager = await stack.manager()
    pdf = await stack.http.get(
        f"/api/v1/orders/{order['order_id']}/proposals/{built['proposal_id']}/pdf",
        headers=manager,
    )
    assert pdf.status_code == 409 and "PDF ещё не готов" in pdf.json()["detail"]
    send = await stack.http.post(
        f"/api/v1/orders/{order['order_id']}/proposals/{built['proposal_id']}/send",
        json={},
        headers=manager,
    )
    assert send.status_code == 409
    elsewhere = await stack.http.get(
        f"/api/v1/orders/{uuid.uuid4()}/proposals/{built['proposal_id']}", headers=manager
    )
    assert elsewhere.status_code == 404
    documents = await stack.http.get(f"/api/v1/documents/{uuid.uuid4()}", headers=manager)
    assert documents.status_code == 503 and documents.headers["retry-after"] == "5"
    assert documents.json()["code"] == "unavailable" and "rpc." not in documents.text


async def test_event_stream(stack: Stack) -> None:
    manager = await stack.manager()
    url = "/api/v1/events"
    async with stack.http.stream("GET", url, headers=manager) as stream:
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        wanted = ["order.created", "order.updated", "order.updated", "quote.received"]
        started = asyncio.create_task(
            read_events(stream, until=lambda ev: sorted(e["event"] for e in ev[1:]) == wanted)
        )
        order, _ = await order_with_request(stack)
        await stack.publish(supplier_reply(sender="sales@metiz.example"))
        events = await started
    kinds = [e["event"] for e in events]
    # In order within a stream (order.* among themselves); streams interleave freely.
    assert kinds[0] == "ready"
    assert [k for k in kinds if k.startswith("order.")] == wanted[:3]
    created = events[1]["data"]
    assert created["order_id"] == order["order_id"] and created["number"] == order["order_number"]
    order_events = [e["data"] for e in events if e["event"] == "order.updated"]
    assert [e["status_after"] for e in order_events] == ["rfq_sent", "quoting"]
    rfq_sent = order_events[0]
    assert (rfq_sent["status_before"], rfq_sent["status_after"], rfq_sent["actor"]) == (
        "new",
        "rfq_sent",
        "user:anna",
    )
    ids = [e["id"] for e in events]
    assert len(set(ids)) == len(ids)

    # Reconnecting after the second change gives the rest, nothing twice; so does the
    # query parameter; the "ready" id of the first connection replays everything.
    for headers, params in (
        ({**manager, "Last-Event-ID": ids[2]}, {}),
        (manager, {"last_event_id": ids[2]}),
    ):
        async with stack.http.stream("GET", url, headers=headers, params=params) as again:
            replay = await read_events(again, until=lambda ev: len(ev) >= len(events) - 2)
        # The same changes (streams may interleave differently), ending at the same place.
        assert replay[0]["event"] == "ready" and replay[0]["id"] == ids[2]
        assert sorted(str(e["data"]) for e in replay[1:]) == sorted(
            str(e["data"]) for e in events[3:]
        )
        assert replay[-1]["id"] == ids[-1]
    async with stack.http.stream("GET", url, headers={**manager, "Last-Event-ID": ids[0]}) as full:
        replay = await read_events(full, until=lambda ev: len(ev) >= len(events))
    assert sorted(e["event"] for e in replay[1:]) == wanted

    # Only one order's changes.
    other, _ = await order_with_request(stack)
    async with stack.http.stream(
        "GET",
        url,
        headers={**manager, "Last-Event-ID": ids[0]},
        params={"order_id": other["order_id"]},
    ) as only:
        mine = await read_events(only, until=lambda ev: len(ev) >= 3)
    assert {e["data"]["order_id"] for e in mine[1:]} == {other["order_id"]}

    bad = await stack.http.get(url, headers={**manager, "Last-Event-ID": "o1.q2"})
    assert bad.status_code == 422
    assert (await stack.http.get(url)).status_code == 401


async def test_heartbeat_keeps_an_idle_stream_alive(
    nats_url: str, database_url: str, bus: Any, engine: Any, tmp_path: Path
) -> None:
    from gateway_testkit import running_stack

    async with (
        running_stack(
            nats_url=nats_url,
            database_url=database_url,
            bus=bus,
            engine=engine,
            tmp_path=tmp_path,
            services=("orders",),
            events_heartbeat_seconds=0.2,
        ) as stack,
        stack.http.stream("GET", "/api/v1/events", headers=await stack.manager()) as s,
    ):
        seen: list[str] = []

        async def two_pings() -> None:
            async for line in s.aiter_lines():
                seen.append(line)
                if sum(x.startswith(":") for x in seen) >= 2:
                    return

        await asyncio.wait_for(two_pings(), 10)
    assert seen[0].startswith("retry:")


def letter_with_attachments() -> bytes:
    message = EmailMessage()
    message["From"] = "Снабжение Вектор <zakaz@vektor.example>"
    message["To"] = "sales@our.example"
    message["Subject"] = "Заявка, список во вложении"
    message["Message-ID"] = f"<{uuid.uuid4()}@vektor.example>"
    message.set_content("Добрый день! Список позиций во вложении.\n")
    message.add_attachment(
        XLSX, maintype="application", subtype=XLSX_TYPE.split("/")[1], filename="Заявка №7.xlsx"
    )
    message.add_attachment(
        b"<script>alert(1)</script>", maintype="text", subtype="html", filename="page.html"
    )
    return message.as_bytes()


XLSX = b"PK\x03\x04 not really a workbook, but bytes to get back the same"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def test_an_attachment_is_downloaded_as_received(stack: Stack) -> None:
    """From the API and from the admin's mail page: the bytes as sent, always as a download,
    HTML (or any type a browser would run) only as a plain file."""
    letter = letter_with_attachments()
    mail_id = (await upload(stack, letter))["mail_id"]
    detail = await stack.get(f"/api/v1/inbox/mail/{mail_id}")
    assert [a["filename"] for a in detail["mail"]["attachments"]] == ["Заявка №7.xlsx", "page.html"]

    manager = await stack.manager()
    xlsx = await stack.http.get(f"/api/v1/inbox/mail/{mail_id}/attachments/0", headers=manager)
    assert xlsx.status_code == 200 and xlsx.content == XLSX
    assert xlsx.headers["content-type"] == "application/octet-stream"
    assert xlsx.headers["content-disposition"].startswith("attachment;")
    assert quote("Заявка №7.xlsx") in xlsx.headers["content-disposition"]
    page = await stack.http.get(f"/api/v1/inbox/mail/{mail_id}/attachments/1", headers=manager)
    assert page.status_code == 200 and page.content == b"<script>alert(1)</script>"
    assert page.headers["content-type"] == "application/octet-stream"
    assert page.headers["x-content-type-options"] == "nosniff"

    missing = await stack.http.get(f"/api/v1/inbox/mail/{mail_id}/attachments/2", headers=manager)
    assert missing.status_code == 404 and missing.json()["detail"] == "вложение не найдено"
    anonymous = await stack.http.get(f"/api/v1/inbox/mail/{mail_id}/attachments/0")
    assert anonymous.status_code == 401

    async with httpx.AsyncClient(base_url=stack.url, timeout=30) as browser:
        assert (await browser.get(f"/admin/inbox/{mail_id}/attachments/0")).status_code in (
            303,
            401,
        )
        await log_in(browser, *ADMIN)
        shown = (await browser.get(f"/admin/inbox/{mail_id}")).text
        link = f'href="/admin/inbox/{mail_id}/attachments/0" download>Заявка №7.xlsx</a>'
        assert link in shown
        got = await browser.get(f"/admin/inbox/{mail_id}/attachments/0")
        assert got.status_code == 200 and got.content == XLSX
        assert got.headers["content-disposition"].startswith("attachment;")
        whole = await browser.get(f"/admin/inbox/{mail_id}/raw")
        assert whole.status_code == 200 and whole.content == letter
        assert whole.headers["content-disposition"].startswith("attachment;")
