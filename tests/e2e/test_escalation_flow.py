"""Escalation end to end: a request times out with one quote in, and the next suppliers
are asked automatically — their RFQs reach the SMTP peer exactly once.

Four suppliers; the manager asks two. One answers through Dovecot, the other is reminded
and times out. MIN_QUOTES is 2, so orders emits ``request.escalation`` naming the two
suppliers not yet asked and, with AUTO_ESCALATE, sends them RFQs. When those time out in
turn nobody is left: the second escalation names no one and sends nothing.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import nats
import pytest

from snab_contracts.orders import RequestEscalation
from snab_contracts.rpc.directory import SupplierInput, SuppliersCreate
from snab_contracts.rpc.orders import (
    OrderDetail,
    OrderPage,
    OrdersGet,
    OrdersList,
    OrdersSendRequests,
)
from snab_kit.bus import BusNames
from snab_kit.rpc import RpcClient
from snab_kit.testing import wait_for
from tests.e2e.system import base_env, running
from tests.e2e.test_procurement_flow import QUOTE_A, client_request, supplier_reply
from tests.peers import DovecotServer, SmtpPeer, require_binary

REMINDER_SECONDS = 6
TIMEOUT_SECONDS = 12
SUPPLIERS = (
    ("ООО «Метиз-А»", "sales@metiz-a.example"),
    ("Болтов и партнёры", "info@boltov.example"),
    ("Винтик", "opt@vintik.example"),
    ("Гайкин", "zakaz@gaikin.example"),
)


@pytest.fixture
def dovecot() -> Iterator[DovecotServer]:
    require_binary("dovecot")
    with DovecotServer() as server:
        yield server


@pytest.fixture
def smtp(dovecot: DovecotServer) -> Iterator[SmtpPeer]:
    with SmtpPeer(credentials=(dovecot.user, dovecot.password)) as peer:
        yield peer


async def test_timeout_with_too_few_quotes_asks_the_next_suppliers_once(
    tmp_path: Path,
    nats_url: str,
    fresh_database_url: str,
    bus: BusNames,
    dovecot: DovecotServer,
    smtp: SmtpPeer,
) -> None:
    env = base_env(
        nats_url=nats_url,
        database_url=fresh_database_url,
        namespace=bus.namespace,
        storage=tmp_path,
    )
    env.update(
        EMAIL_USERNAME=dovecot.user,
        EMAIL_PASSWORD=dovecot.password,
        EMAIL_FROM=f"Снабжение <{dovecot.user}>",
        IMAP_SERVER=dovecot.host,
        IMAP_PORT=str(dovecot.port),
        IMAP_SECURITY="none",
        IMAP_POLL_SECONDS="1",
        SMTP_SERVER=smtp.host,
        SMTP_PORT=str(smtp.port),
        SMTP_SECURITY="none",
        REQUEST_REMINDER_HOURS=str(REMINDER_SECONDS / 3600),
        REQUEST_TIMEOUT_HOURS=str(TIMEOUT_SECONDS / 3600),
        SWEEPER_INTERVAL_SECONDS="1",
        OPENAI_API_KEY="",
        MIN_QUOTES="2",
        AUTO_ESCALATE="true",
    )
    nc = await nats.connect(nats_url)
    escalations: list[RequestEscalation] = []

    async def heard(msg: Any) -> None:
        escalations.append(RequestEscalation.model_validate(json.loads(msg.data)))

    await nc.subscribe(bus.subject("request.escalation"), cb=heard)
    rpc = RpcClient(nc, bus, timeout=10)
    with running(["mail", "parser", "orders"], env, tmp_path) as procs:
        try:
            await _flow(rpc, dovecot, smtp, escalations)
        except BaseException:
            for proc in procs.values():
                print(f"----- {proc.name} -----\n{proc.tail(200)}")
            raise
        finally:
            await nc.drain()


async def _flow(
    rpc: RpcClient, dovecot: DovecotServer, smtp: SmtpPeer, escalations: list[RequestEscalation]
) -> None:
    made = [
        await rpc.call(SuppliersCreate(supplier=SupplierInput(company=name, emails=[address])))
        for name, address in SUPPLIERS
    ]
    metiz, boltov, vintik, gaikin = made
    dovecot.append(client_request(dovecot.user))

    async def the_order() -> OrderPage | None:
        page = await rpc.call(OrdersList())
        return page if page.total else None

    order_id = (await wait_for(the_order, timeout=60, interval=0.3)).items[0].order_id
    await rpc.call(
        OrdersSendRequests(order_id=order_id, supplier_ids=[metiz.supplier_id, boltov.supplier_id])
    )
    rfqs = await smtp.wait_for_async(2, timeout=30)
    first = {m.rcpt_tos[0]: m.message for m in rfqs}
    dovecot.append(
        supplier_reply(first["sales@metiz-a.example"], "Анна <sales@metiz-a.example>", QUOTE_A)
    )

    # Boltov times out with one quote in: the two suppliers not yet asked are named and asked.
    detail = await wait_for(_escalated(rpc, order_id, 1), timeout=TIMEOUT_SECONDS + 60)
    assert len(detail.quotes) == 1
    event = escalations[0]
    assert (event.order_id, event.quotes_answered, event.min_quotes) == (order_id, 1, 2)
    assert event.rfq_number == next(
        r.rfq_number for r in detail.requests if r.supplier_id == boltov.supplier_id
    )
    assert [s.supplier_id for s in event.suppliers] == [vintik.supplier_id, gaikin.supplier_id]
    assert event.auto_requested

    # Those time out as well: nobody is left, the second escalation sends nothing.
    await wait_for(_escalated(rpc, order_id, 2), timeout=TIMEOUT_SECONDS + 60)
    assert escalations[1].suppliers == [] and not escalations[1].auto_requested
    rfqs_to = Counter(m.rcpt_tos[0] for m in smtp.messages if m.message["In-Reply-To"] is None)
    assert rfqs_to == Counter({address: 1 for _, address in SUPPLIERS})


def _escalated(rpc: RpcClient, order_id: UUID, times: int) -> Any:
    async def check() -> OrderDetail | None:
        detail = await rpc.call(OrdersGet(order_id=order_id))
        done = [a for a in detail.audit if a.action == "request.escalation"]
        return detail if len(done) >= times else None

    return check
