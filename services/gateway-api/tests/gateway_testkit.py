"""The gateway with the services behind it, in this process, on the test's NATS namespace
and database: orders, mail-gateway (uploads, local outbox), the parser (rules), and the
gateway itself served by uvicorn on a free port, so tests talk real HTTP to it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from snab_contracts.base import Event
from snab_gateway.main import build as build_gateway
from snab_gateway.settings import GatewaySettings
from snab_kit.bus import BusNames
from snab_kit.embedded import free_port
from snab_kit.service import Service
from snab_kit.testing import wait_for

ADMIN = ("admin", "admin-password-1")
SCHEMAS = {
    "orders": "snab_orders.db.tables",
    "mail": "snab_mail.db.tables",
    "parser": "snab_parser.db.tables",
    "gateway": "snab_gateway.db.tables",
}
MIGRATIONS = [f"snab_{name}.migrations" for name in SCHEMAS]


async def empty_schemas(engine: AsyncEngine) -> None:
    import importlib

    names = []
    for schema, module in SCHEMAS.items():
        metadata = importlib.import_module(module).metadata
        names += [f'"{schema}"."{t.name}"' for t in metadata.sorted_tables]
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Any:  # the test runner keeps its signals
        yield


@dataclass
class Stack:
    url: str
    http: httpx.AsyncClient
    settings: GatewaySettings
    engine: AsyncEngine
    bus: BusNames
    services: dict[str, Service]
    tokens: dict[str, str] = field(default_factory=dict)

    async def token(self, username: str, password: str) -> str:
        resp = await self.http.post(
            "/api/v1/auth/token", data={"username": username, "password": password}
        )
        assert resp.status_code == 200, resp.text
        body = resp.json()
        assert body["token_type"] == "bearer"
        return str(body["access_token"])

    async def admin(self) -> dict[str, str]:
        if "admin" not in self.tokens:
            self.tokens["admin"] = await self.token(*ADMIN)
        return {"Authorization": f"Bearer {self.tokens['admin']}"}

    async def user(self, username: str, role: str = "manager") -> dict[str, str]:
        """Headers of a user of ``role``, created on first use (password: name twice)."""
        if username not in self.tokens:
            password = f"{username}-{username}-pw"
            resp = await self.http.post(
                "/api/v1/users",
                json={"username": username, "password": password, "role": role},
                headers=await self.admin(),
            )
            assert resp.status_code == 201, resp.text
            self.tokens[username] = await self.token(username, password)
        return {"Authorization": f"Bearer {self.tokens[username]}"}

    async def manager(self) -> dict[str, str]:
        return await self.user("anna")

    async def get(self, path: str, headers: dict[str, str] | None = None, **kw: Any) -> Any:
        resp = await self.http.get(path, headers=headers or await self.manager(), **kw)
        assert resp.status_code == 200, resp.text
        return resp.json()

    async def send(
        self, method: str, path: str, body: Any = None, *, status: int = 200, **kw: Any
    ) -> Any:
        headers = kw.pop("headers", None) or await self.manager()
        resp = await self.http.request(method, path, json=body, headers=headers, **kw)
        assert resp.status_code == status, resp.text
        return resp.json() if resp.content else None

    async def publish(self, *events: Event) -> None:
        """Events on the bus as if another service had published them."""
        js = self.services["orders"].js
        for event in events:
            await js.publish(
                self.bus.subject(event.subject),
                event.model_dump_json().encode(),
                headers={"Nats-Msg-Id": str(event.id)},
            )

    def services_sessions(self) -> Any:
        """A session on the gateway's schema, as the gateway's own use cases get it."""
        from snab_kit.db import make_sessionmaker

        return make_sessionmaker(self.engine)()

    async def sql(self, statement: str, **params: Any) -> list[Any]:
        async with self.engine.begin() as conn:
            result = await conn.execute(text(statement), params)
            return list(result.all()) if result.returns_rows else []


@contextlib.asynccontextmanager
async def running_stack(
    *,
    nats_url: str,
    database_url: str,
    bus: BusNames,
    engine: AsyncEngine,
    tmp_path: Path,
    services: tuple[str, ...] = ("orders", "mail", "parser"),
    **gateway_settings: Any,
) -> AsyncIterator[Stack]:
    common: dict[str, Any] = {
        "nats_url": nats_url,
        "database_url": database_url,
        "bus_namespace": bus.namespace,
        "storage_dir": tmp_path / "storage",
        "outbox_poll_seconds": 0.05,
        "retry_backoff_seconds": [0.1, 0.2, 0.3],
    }
    started: dict[str, Service] = {}
    for name in services:
        started[name] = _service(name, common, tmp_path)
    for service in started.values():
        await service.start()
    settings = GatewaySettings(
        _env_file=None,  # type: ignore[call-arg]
        **common,
        admin_username=ADMIN[0],
        admin_password=ADMIN[1],
        secret_key="x" * 40,
        **gateway_settings,
    )
    port = free_port()
    app = build_gateway(settings)
    server = _Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=1
        )
    )
    task = asyncio.create_task(server.serve())
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:

            async def healthy() -> bool:
                if task.done():
                    task.result()
                try:
                    return (await http.get("/health")).status_code == 200
                except httpx.TransportError:
                    return False

            await wait_for(healthy, timeout=30, interval=0.05)
            yield Stack(
                url=url,
                http=http,
                settings=settings,
                engine=engine,
                bus=bus,
                services=started,
            )
    finally:
        server.should_exit = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 10)
        for service in reversed(list(started.values())):
            with contextlib.suppress(Exception):
                await service.stop()


def _service(name: str, common: dict[str, Any], tmp_path: Path) -> Service:
    if name == "orders":
        from snab_orders.main import build as build_orders
        from snab_orders.settings import OrdersSettings

        return build_orders(
            OrdersSettings(
                _env_file=None,  # type: ignore[call-arg]
                **common,
                currency_rates="USD=95.5,EUR=103.2",
                cbr_rates_url="off",
                email_from="Снабжение <snab@broker.example>",
            ),
            sweep=False,
        )
    if name == "mail":
        from snab_mail.main import assemble
        from snab_mail.settings import MailgatewaySettings

        return assemble(
            MailgatewaySettings(
                _env_file=None,  # type: ignore[call-arg]
                **common,
                mail_outbox_dir=tmp_path / "outbox",
                email_from="Снабжение <snab@broker.example>",
                smtp_poll_seconds=0.2,
            )
        ).service
    if name == "parser":
        from snab_parser.main import build as build_parser
        from snab_parser.settings import ParserSettings

        return build_parser(ParserSettings(_env_file=None, **common, openai_api_key=None))  # type: ignore[call-arg]
    raise ValueError(name)


ORDER = "00000000-0000-4000-8000-0000000000a1"
CLIENT_MESSAGE_ID = "<req-1@client.example>"


async def seed_incomplete(stack: Stack) -> None:
    """An order read from an email: the cable's quantity was not stated."""
    await stack.sql(
        """
        INSERT INTO orders.orders (id, number, year, seq, status, mail_subject, from_email,
            from_name, source_message_id, needs_review, created_at, updated_at)
        VALUES (:id, 'ORD-2026-0001', 2026, 1, 'new', 'Заявка на кабель',
            'buyer@client.example', 'Ирина', :mid, false, now(), now())
        """,
        id=ORDER,
        mid=CLIENT_MESSAGE_ID,
    )
    await stack.sql(
        """
        INSERT INTO orders.order_items (id, order_id, position, name, quantity, unit,
            quantity_stated)
        VALUES (gen_random_uuid(), :id, 1, 'Болт М8х30', 100, 'шт', true),
               (gen_random_uuid(), :id, 2, 'Кабель ВВГнг 3х2,5', 1, 'м', false)
        """,
        id=ORDER,
    )


async def read_events(
    stream: httpx.Response, *, until: Any, timeout: float = 20.0
) -> list[dict[str, Any]]:
    """Server-sent events from ``stream`` until ``until(events)`` is true (or time runs out):
    each as {"event", "id", "data"} with data decoded from JSON."""
    events: list[dict[str, Any]] = []
    current: dict[str, Any] = {}
    lines = stream.aiter_lines()

    async def collect() -> None:
        nonlocal current
        async for line in lines:
            if line == "":
                if current.get("data") is not None:
                    current["data"] = json.loads(current["data"])
                    events.append(current)
                    if until(events):
                        return
                current = {}
            elif line.startswith(":") or line.startswith("retry:"):
                continue
            else:
                key, _, value = line.partition(": ")
                if key == "data" and "data" in current:
                    current["data"] += "\n" + value
                else:
                    current[key] = value

    await asyncio.wait_for(collect(), timeout)
    return events


# -- the admin as a browser without a browser ---------------------------------------------


@contextlib.asynccontextmanager
async def session(
    stack: Stack, username: str, password: str
) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """A browser-like client logged in to the admin, and its CSRF token."""
    async with httpx.AsyncClient(base_url=stack.url, timeout=30) as http:
        yield http, await log_in(http, username, password)


async def log_in(http: httpx.AsyncClient, username: str, password: str) -> str:
    """Logs ``http`` in to the admin as a browser would; the page's CSRF token."""
    login = await http.get("/admin/login")
    token = re.search(r'name="csrf" value="([^"]+)"', login.text)
    assert token is not None
    done = await http.post(
        "/admin/login", data={"csrf": token[1], "username": username, "password": password}
    )
    assert done.status_code == 303, done.text
    page = await http.get("/admin/orders")
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert csrf is not None
    return csrf[1]
