"""Helpers shared by the mail-gateway integration tests."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from email.message import EmailMessage
from typing import Any

import httpx
from nats.aio.msg import Msg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from snab_kit.bus import BusNames
from snab_kit.testing import wait_for
from snab_mail.main import MailGateway


@asynccontextmanager
async def running(gateway: MailGateway) -> AsyncIterator[MailGateway]:
    await gateway.service.start()
    try:
        yield gateway
    finally:
        await gateway.service.stop()


class Published:
    """Everything published on ``mail.>`` in the test's namespace, in order."""

    def __init__(self, bus: BusNames) -> None:
        self.bus = bus
        self.messages: list[tuple[str, dict[str, Any]]] = []

    async def _on(self, msg: Msg) -> None:
        self.messages.append((self.bus.logical(msg.subject), json.loads(msg.data)))

    def of(self, subject: str) -> list[dict[str, Any]]:
        return [body for name, body in self.messages if name == subject]

    async def wait(self, subject: str, count: int, timeout: float = 15.0) -> list[dict[str, Any]]:
        await wait_for(lambda: len(self.of(subject)) >= count, timeout=timeout)
        return self.of(subject)


async def http_get(gateway: MailGateway, path: str) -> httpx.Response:
    """GET ``path`` (/health, /metrics) of the running gateway, as an operator would: the
    service's own HTTP app, called in process."""
    transport = httpx.ASGITransport(app=gateway.service.asgi())
    async with httpx.AsyncClient(transport=transport, base_url="http://mail") as client:
        return await client.get(path)


async def health(gateway: MailGateway) -> tuple[int, dict[str, Any], str]:
    """(HTTP status, the JSON body, the body as text) of GET /health."""
    response = await http_get(gateway, "/health")
    return response.status_code, response.json(), response.text


async def scalar(engine: AsyncEngine, sql: str, **params: Any) -> Any:
    async with engine.connect() as conn:
        return (await conn.execute(text(sql), params)).scalar()


async def outbox_drained(engine: AsyncEngine) -> bool:
    pending = await scalar(engine, "SELECT count(*) FROM mail.outbox WHERE published_at IS NULL")
    return bool(pending == 0)


def letter(
    subject: str = "Заявка на крепёж",
    body: str = "Добрый день! Прошу выставить счёт: болт М8х30 DIN 933 — 200 шт.",
    *,
    sender: str = "Ольга Смирнова <o.smirnova@stroymontazh.example>",
    message_id: str | None = None,
    charset: str = "utf-8",
    **headers: str,
) -> tuple[bytes, str]:
    """A Russian client letter with a unique Message-ID; returns (raw, Message-ID)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "Снабжение <zakupki@broker.example>"
    message["Subject"] = subject
    message["Date"] = "Tue, 01 Dec 2026 10:15:00 +0300"
    message_id = message_id or f"<{uuid.uuid4().hex}@stroymontazh.example>"
    message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body, charset=charset)
    return message.as_bytes(), message_id


async def stream_count(nats_url: str, bus: BusNames, subject: str) -> int:
    """How many messages the MAIL stream holds on ``subject`` (after JetStream dedupe)."""
    import nats

    nc = await nats.connect(nats_url)
    try:
        info = await nc.jetstream().stream_info(
            bus.stream("MAIL"), subjects_filter=bus.subject(subject)
        )
        return int((info.state.subjects or {}).get(bus.subject(subject), 0))
    finally:
        await nc.close()
