"""One NATS user per service, with the generated permissions, on a real nats-server.

mail → parser → orders run as their own users and a request becomes an order, which the
gateway's user can list; and each user is refused what is not its own: answering or
calling another's rpc, forging another's events, reading another's replies.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import nats
import pytest
import pytest_asyncio
from nats.aio.client import Client

from snab_contracts.mail import MailAddress, MailReceived
from snab_contracts.rpc.orders import OrderPage, OrdersList
from snab_kit.access import ACCESS, inbox_prefix, password_variable, users_conf
from snab_kit.bus import BusNames, migrate_url
from snab_kit.embedded import EmbeddedNats
from snab_kit.migrations import upgrade
from snab_kit.rpc import RpcClient, RpcFailure
from snab_kit.storage import LocalStorage
from snab_kit.testing import wait_for
from snab_orders.main import build as build_orders
from snab_orders.settings import OrdersSettings
from snab_parser.main import build as build_parser
from snab_parser.settings import ParserSettings

REQUEST = (
    "Добрый день!\n\nПросим выставить счёт:\n"
    "1. Болт М8х30 DIN 933 — 150 шт\n2. Гайка М8 DIN 934 — 75 шт\n\n"
    "С уважением,\nООО «Ромашка»\n"
)


@dataclass
class Server:
    port: int
    passwords: dict[str, str]

    def url(self, user: str) -> str:
        return f"nats://{user}:{self.passwords[user]}@127.0.0.1:{self.port}"

    async def connect(self, user: str, errors: list[str] | None = None) -> Client:
        async def record(error: Exception) -> None:
            if errors is not None:
                errors.append(str(error))

        return await nats.connect(
            self.url(user),
            inbox_prefix=inbox_prefix(user),
            error_cb=record,
            max_reconnect_attempts=1,
        )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Server]:
    passwords = {user: secrets.token_hex(12) for user in ACCESS}
    nats_server = EmbeddedNats(
        tmp_path_factory.mktemp("nats-users"),
        extra_config=users_conf(),
        env={password_variable(user): pw for user, pw in passwords.items()},
    )
    nats_server.start()
    try:
        yield Server(port=nats_server.port, passwords=passwords)
    finally:
        nats_server.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def running(
    server: Server, fresh_database_url: str, tmp_path: Path
) -> AsyncIterator[LocalStorage]:
    await migrate_url(server.url("admin"), BusNames())
    for schema in ("snab_parser.migrations", "snab_orders.migrations"):
        await asyncio.to_thread(upgrade, schema, fresh_database_url)
    storage = LocalStorage(tmp_path / "storage")
    orders = build_orders(
        OrdersSettings(nats_url=server.url("orders"), database_url=fresh_database_url),
        sweep=False,
    )
    parser = build_parser(
        ParserSettings(
            nats_url=server.url("parser"), database_url=fresh_database_url, extractor="rules"
        ),
        storage=storage,
    )
    async with orders.running(), parser.running():
        yield storage


async def test_the_services_work_under_their_own_users(
    server: Server, running: LocalStorage
) -> None:
    raw = (
        "From: Ирина <zakupki@romashka.example>\r\nTo: zakupki@broker.example\r\n"
        "Subject: Заявка на крепёж\r\nMessage-ID: <r1@romashka.example>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n" + REQUEST
    ).encode()
    sha = hashlib.sha256(raw).hexdigest()
    key = f"mail/raw/{sha[:2]}/{sha}.eml"
    await running.put(key, raw, "message/rfc822")
    event = MailReceived(
        mail_id=uuid4(),
        account="zakupki@broker.example",
        uid=1,
        from_=MailAddress(email="zakupki@romashka.example", name="Ирина"),
        mail_subject="Заявка на крепёж",
        text=REQUEST,
        raw_key=key,
        raw_sha256=sha,
        size=len(raw),
        received_at=datetime.now(UTC),
    )
    mail = await server.connect("mail")
    gateway = await server.connect("gateway")
    try:
        await mail.jetstream().publish(
            event.subject, event.model_dump_json().encode(), headers={"Nats-Msg-Id": str(event.id)}
        )
        rpc = RpcClient(gateway, BusNames(), timeout=5)

        async def an_order() -> OrderPage | None:
            page = await rpc.call(OrdersList(actor="user:anna"))
            return page if page.total else None

        page = await wait_for(an_order, timeout=30, interval=0.2)
        assert page.items[0].items_count == 2
    finally:
        await mail.drain()
        await gateway.drain()


async def test_each_user_is_refused_what_is_not_its_own(
    server: Server, running: LocalStorage
) -> None:
    errors: list[str] = []
    parser = await server.connect("parser", errors)
    gateway = await server.connect("gateway", errors)
    desk = await server.connect("desk", errors)
    try:
        # The parser cannot call the orders service's rpc...
        with pytest.raises(RpcFailure):
            await RpcClient(parser, BusNames(), timeout=1).call(OrdersList())
        # ... nor forge an order the orders service would announce ...
        with pytest.raises(Exception):  # noqa: B017 - no PubAck comes back
            await parser.jetstream().publish("order.created", b"{}", timeout=1)
        # ... nor answer the orders' rpc in its place.
        await parser.subscribe("rpc.orders.>")
        # The gateway cannot read the replies meant for the orders service.
        await gateway.subscribe(f"{inbox_prefix('orders')}.>")
        # The terminal desk may ask, never inject mail.
        await desk.publish("mail.received", b"{}")
        await asyncio.sleep(0.5)  # the server's -ERR lines arrive asynchronously
        refused = " ".join(errors).lower()  # nats-py lowers the server's -ERR text
        assert 'violation for publish to "rpc.orders.list"' in refused
        assert 'violation for publish to "order.created"' in refused
        assert 'violation for subscription to "rpc.orders.>"' in refused
        assert f'violation for subscription to "{inbox_prefix("orders").lower()}.>"' in refused
        assert 'violation for publish to "mail.received"' in refused
        # What is its own still works: the desk lists orders.
        page = await RpcClient(desk, BusNames(), timeout=5).call(OrdersList(actor="cli:anna"))
        assert page.total >= 0
    finally:
        for nc in (parser, gateway, desk):
            await nc.close()


def test_the_committed_server_configuration_is_generated(tmp_path: Path) -> None:
    committed = Path(__file__).resolve().parents[2] / "deploy" / "nats" / "users.conf"
    assert committed.read_text() == users_conf(), "run: .venv/bin/snab-bus users > " + str(
        committed.relative_to(committed.parents[2])
    )
