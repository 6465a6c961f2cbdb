"""The desk end to end through the REST API only, every service its own process.

A manager logs in, uploads a client's .eml; the order appears; RFQs go out and reach the
SMTP peer; the suppliers' replies (uploaded as they would arrive) become quotes in the
comparison; a proposal is built. The event stream (SSE) reports each step as it happens.

Then the PDF (rendered by the documents service) is read through the API and the
proposal is sent: the client's email at the SMTP peer carries the same bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from email.message import EmailMessage
from typing import Any

import httpx
import nats
import pytest
import pytest_asyncio

from snab_kit.bus import STREAMS, BusNames, migrate
from snab_kit.embedded import drop_database, ensure_database, with_database
from snab_kit.testing import wait_for
from tests.e2e.system import ServiceProcess, base_env, running
from tests.peers import SmtpPeer

OUR_BOX = "zakupki@broker.example"
ADMIN_PASSWORD = "flow-admin-secret"
COMPANY = {
    "COMPANY_NAME": "ООО «Снаб»",
    "COMPANY_INN": "7707083893",
    "COMPANY_KPP": "770701001",
    "COMPANY_OGRN": "1027700132195",
    "COMPANY_ADDRESS": "123456, г. Москва, ул. Складская, д. 1",
    "COMPANY_PHONE": "+7 (495) 123-45-67",
    "COMPANY_BANK_NAME": "ПАО «Сбербанк»",
    "COMPANY_BANK_BIK": "044525225",
    "COMPANY_BANK_ACCOUNT": "40702810900000012345",
    "COMPANY_BANK_CORR_ACCOUNT": "30101810400000000225",
}


def client_request() -> bytes:
    msg = EmailMessage()
    msg["From"] = "Иван Петров <petrov@romashka.example>"
    msg["To"] = OUR_BOX
    msg["Subject"] = "Заявка на крепёж"
    msg["Date"] = email.utils.format_datetime(email.utils.localtime())
    msg["Message-ID"] = email.utils.make_msgid(domain="romashka.example")
    msg.set_content(
        "Добрый день!\n\nПросим выставить коммерческое предложение:\n"
        "1. Болт М8х30 DIN 933 оцинкованный — 100 шт\n"
        "2. Гайка М8 DIN 934 — 100 шт\n"
        "3. Шайба 8 DIN 125 — 200 шт\n\n"
        "С уважением,\nИван Петров\nООО «Ромашка»\nИНН 7701234560\n"
    )
    return msg.as_bytes()


def supplier_reply(rfq: EmailMessage, sender: str, body: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = rfq["From"]
    msg["Subject"] = f"Re: {rfq['Subject']}"
    msg["Date"] = email.utils.format_datetime(email.utils.localtime())
    msg["Message-ID"] = email.utils.make_msgid(domain=sender.split("@")[1].rstrip(">"))
    msg["In-Reply-To"] = rfq["Message-ID"]
    msg["References"] = rfq["Message-ID"]
    msg.set_content(body)
    return msg.as_bytes()


QUOTE_A = (
    "Добрый день!\n\nНаши цены (с НДС):\n"
    "1. Болт М8х30 DIN 933 — 12,50 руб./шт, 100 шт\n"
    "2. Гайка М8 DIN 934 — 4,20 руб./шт, 100 шт\n"
    "3. Шайба 8 DIN 125 — 1,10 руб./шт, 200 шт\n"
    "Срок поставки 5 дней.\n\nС уважением,\nАнна, ООО «Метиз-А»"
)
QUOTE_B = (
    "Здравствуйте.\n\nЦены указаны без НДС:\n"
    "1. Болт М8х30 DIN 933 — 10,00 руб./шт, 100 шт\n"
    "2. Гайка М8 DIN 934 — 3,60 руб./шт, 100 шт\n"
    "3. Шайба 8 DIN 125 — 0,85 руб./шт, 200 шт\n"
    "Срок поставки 10 дней.\n\nКрепТорг"
)


@dataclass
class Flow:
    http: httpx.AsyncClient
    headers: dict[str, str]
    smtp: SmtpPeer
    procs: dict[str, ServiceProcess]
    events: list[dict[str, Any]] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)

    async def ok(self, method: str, path: str, status: int = 200, **kw: Any) -> Any:
        resp = await self.http.request(method, path, headers=self.headers, **kw)
        assert resp.status_code == status, f"{method} {path}: {resp.status_code} {resp.text}"
        return resp.json()

    async def upload(self, raw: bytes) -> dict[str, Any]:
        return dict(
            await self.ok(
                "POST",
                "/api/v1/inbox/upload",
                status=202,
                files={"file": ("mail.eml", raw, "message/rfc822")},
            )
        )

    async def event(self, kind: str, **match: Any) -> dict[str, Any]:
        """The first event of ``kind`` whose data has ``match``, waiting for it."""

        def found() -> dict[str, Any] | None:
            for e in self.events:
                if e["event"] == kind and all(e["data"].get(k) == v for k, v in match.items()):
                    return e
            return None

        return dict(await wait_for(found, timeout=60, interval=0.1))

    def tails(self) -> str:
        return "\n".join(f"----- {p.name} -----\n{p.tail(200)}" for p in self.procs.values())


async def _follow(http: httpx.AsyncClient, headers: dict[str, str], into: list[Any]) -> None:
    """Collect the event stream, reconnecting with Last-Event-ID as a browser would."""
    last: str | None = None
    while True:
        extra = {"Last-Event-ID": last} if last else {}
        with contextlib.suppress(httpx.HTTPError):
            async with http.stream("GET", "/api/v1/events", headers={**headers, **extra}) as s:
                current: dict[str, Any] = {}
                async for line in s.aiter_lines():
                    if not line:
                        if "data" in current:
                            current["data"] = json.loads(current["data"])
                            into.append(current)
                            last = current.get("id", last)
                        current = {}
                    elif not line.startswith((":", "retry:")):
                        key, _, value = line.partition(": ")
                        current[key] = value
        await asyncio.sleep(0.2)


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpPeer]:
    with SmtpPeer() as peer:
        yield peer


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def flow(
    nats_url: str, database_url: str, smtp: SmtpPeer, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Flow]:
    tmp = tmp_path_factory.mktemp("gateway-flow")
    names = BusNames(f"t{uuid.uuid4().hex[:12]}")
    nc = await nats.connect(nats_url)
    await migrate(nc.jetstream(), names)
    db = with_database(database_url, f"snab_test_{uuid.uuid4().hex[:10]}")
    await asyncio.to_thread(ensure_database, db)
    env = base_env(nats_url=nats_url, database_url=db, namespace=names.namespace, storage=tmp)
    env.update(
        EMAIL_FROM=f"Снабжение <{OUR_BOX}>",
        SMTP_SERVER=smtp.host,
        SMTP_PORT=str(smtp.port),
        SMTP_SECURITY="none",
        OPENAI_API_KEY="",
        VAT_RATE="22",
        ADMIN_USERNAME="admin",
        ADMIN_PASSWORD=ADMIN_PASSWORD,
        SECRET_KEY="flow-" + "k" * 40,
        **COMPANY,
    )
    try:
        with running(["mail", "parser", "orders", "documents", "gateway"], env, tmp) as procs:
            url = f"http://127.0.0.1:{procs['gateway'].port}"
            async with httpx.AsyncClient(base_url=url, timeout=30) as http:
                token = await _token(http, "admin", ADMIN_PASSWORD)
                admin = {"Authorization": f"Bearer {token}"}
                resp = await http.post(
                    "/api/v1/users",
                    json={"username": "maria", "password": "maria-secret-1", "role": "manager"},
                    headers=admin,
                )
                assert resp.status_code == 201, resp.text
                manager = {
                    "Authorization": f"Bearer {await _token(http, 'maria', 'maria-secret-1')}"
                }
                state = Flow(http=http, headers=manager, smtp=smtp, procs=procs)
                follower = asyncio.create_task(_follow(http, manager, state.events))
                await wait_for(lambda: any(e["event"] == "ready" for e in state.events), timeout=20)
                try:
                    yield state
                finally:
                    follower.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await follower
    finally:
        for spec in STREAMS:
            with contextlib.suppress(Exception):
                await nc.jetstream().delete_stream(names.stream(spec.name))
        await nc.drain()
        await asyncio.to_thread(drop_database, db)


async def _token(http: httpx.AsyncClient, username: str, password: str) -> str:
    resp = await http.post("/api/v1/auth/token", data={"username": username, "password": password})
    assert resp.status_code == 200, resp.text
    return str(resp.json()["access_token"])


async def test_upload_to_proposal(flow: Flow) -> None:
    try:
        await _to_proposal(flow)
    except BaseException:
        print(flow.tails())
        raise


async def _to_proposal(flow: Flow) -> None:
    suppliers = [
        await flow.ok(
            "POST", "/api/v1/suppliers", status=201, json={"company": name, "emails": [address]}
        )
        for name, address in (
            ("ООО «Метиз-А»", "sales@metiz-a.example"),
            ("КрепТорг", "opt@kreptorg.example"),
        )
    ]

    # 1. An uploaded .eml becomes an order, and the stream says so.
    ingested = await flow.upload(client_request())

    async def read() -> dict[str, Any] | None:
        detail = await flow.ok("GET", f"/api/v1/inbox/mail/{ingested['mail_id']}")
        return detail if detail["outcome"] else None

    outcome = (await wait_for(read, timeout=60, interval=0.3))["outcome"]
    assert outcome["kind"] == "order"
    order_id = outcome["order_id"]
    created = await flow.event("order.created", order_id=order_id)
    assert created["data"]["number"] == outcome["order_number"]
    order = await flow.ok("GET", f"/api/v1/orders/{order_id}")
    assert [i["quantity"] for i in order["items"]] == ["100", "100", "200"]
    listed = await flow.ok("GET", "/api/v1/orders", params={"q": "болт"})
    assert [o["order_id"] for o in listed["items"]] == [order_id]

    # 2. Requests for prices reach the suppliers' mailboxes (the SMTP peer).
    sent = await flow.ok(
        "POST",
        f"/api/v1/orders/{order_id}/requests",
        status=201,
        json={"supplier_ids": [s["supplier_id"] for s in suppliers]},
    )
    assert len(sent["requests"]) == 2
    rfqs = await flow.smtp.wait_for_async(2, timeout=60)
    by_supplier = {m.rcpt_tos[0]: m.message for m in rfqs}
    assert set(by_supplier) == {"sales@metiz-a.example", "opt@kreptorg.example"}
    for request in sent["requests"]:
        assert f"[{request['rfq_number']}]" in by_supplier[request["supplier_email"]]["Subject"]
    moved = await flow.event("order.updated", order_id=order_id, status_after="rfq_sent")
    assert moved["data"]["actor"] == "user:maria"

    # 3. The replies (as they would arrive) become quotes side by side.
    await flow.upload(
        supplier_reply(
            by_supplier["sales@metiz-a.example"], "Анна <sales@metiz-a.example>", QUOTE_A
        )
    )
    await flow.upload(
        supplier_reply(
            by_supplier["opt@kreptorg.example"], "КрепТорг <opt@kreptorg.example>", QUOTE_B
        )
    )
    for supplier in suppliers:
        await flow.event("quote.received", order_id=order_id, supplier_id=supplier["supplier_id"])
    await flow.event("order.updated", order_id=order_id, status_after="quoting")
    comparison = await flow.ok("GET", f"/api/v1/orders/{order_id}/comparison")
    metiz, krep = (s["supplier_id"] for s in suppliers)
    best = {
        row["position"]: {c["supplier_id"] for c in row["cells"] if c["best_price"]}
        for row in comparison["rows"]
    }
    assert best == {1: {krep}, 2: {metiz}, 3: {krep}}
    first_row = {c["supplier_id"]: Decimal(c["unit_price"]) for c in comparison["rows"][0]["cells"]}
    assert first_row == {metiz: Decimal("12.50"), krep: Decimal("12.20")}  # 10.00 + 22 %

    # 4. A proposal with 15 % on the cheapest offers, right to the kopeck.
    proposal = await flow.ok(
        "POST", f"/api/v1/orders/{order_id}/proposals", status=201, json={"markup_percent": "15"}
    )
    assert proposal["total"] == "2126.00" and proposal["vat_amount"] == "383.38"
    await flow.event("order.updated", order_id=order_id, status_after="proposal_ready")
    listed_proposals = await flow.ok("GET", f"/api/v1/orders/{order_id}/proposals")
    assert [p["proposal_id"] for p in listed_proposals["items"]] == [proposal["proposal_id"]]
    audit = (await flow.ok("GET", f"/api/v1/orders/{order_id}"))["audit"]
    assert {a["actor"] for a in audit if a["action"] == "proposal.built"} == {"user:maria"}
    flow.state.update(order_id=order_id, proposal=proposal)


async def test_proposal_pdf_and_send(flow: Flow) -> None:
    if "proposal" not in flow.state:
        pytest.fail("test_upload_to_proposal did not get to the proposal", pytrace=False)
    order_id, proposal = flow.state["order_id"], flow.state["proposal"]
    try:
        await _pdf_and_send(flow, order_id, proposal)
    except BaseException:
        print(flow.tails())
        raise


async def _pdf_and_send(flow: Flow, order_id: str, proposal: dict[str, Any]) -> None:
    generated = await flow.event("document.generated", proposal_id=proposal["proposal_id"])
    base = f"/api/v1/orders/{order_id}/proposals/{proposal['proposal_id']}"
    pdf = await flow.http.get(f"{base}/pdf", headers=flow.headers)
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith("inline;")
    assert generated["data"]["filename"] in pdf.headers["content-disposition"]
    assert pdf.content.startswith(b"%PDF")
    download = await flow.http.get(
        f"/api/v1/documents/{generated['data']['document_id']}", headers=flow.headers
    )
    assert download.status_code == 200 and download.content == pdf.content
    assert download.headers["content-disposition"].startswith("attachment;")

    sent = await flow.ok("POST", f"{base}/send", json={})
    assert sent["status"] in ("sending", "sent")
    received = await flow.smtp.wait_for_async(3, timeout=60)
    to_client = received[2]
    assert list(to_client.rcpt_tos) == ["petrov@romashka.example"]
    [attachment] = list(to_client.message.iter_attachments())
    assert attachment.get_content() == pdf.content
    await flow.event("order.updated", order_id=order_id, status_after="proposal_sent")
