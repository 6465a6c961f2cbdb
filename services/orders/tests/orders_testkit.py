"""Helpers of the orders tests: a handle on a running service, sample messages."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID, uuid4

import nats
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from snab_contracts import event_class
from snab_contracts.base import Contract, Event, RpcRequest
from snab_contracts.mail import MailAddress
from snab_contracts.parsing import OrderParsed, QuoteLine, QuoteParsed, RequestItem
from snab_kit.bus import BusNames
from snab_kit.rpc import RpcClient
from snab_kit.service import Service
from snab_kit.testing import wait_for
from snab_orders.main import build
from snab_orders.settings import OrdersSettings

R = TypeVar("R", bound=Contract)

TEST_RATES = "USD=95.5,EUR=103.2"  # no CNY on purpose


@dataclass
class App:
    service: Service
    settings: OrdersSettings
    engine: AsyncEngine
    bus: BusNames
    nc: Any

    @property
    def rpc(self) -> RpcClient:
        return RpcClient(self.nc, self.bus, timeout=15.0)

    async def call(self, request: RpcRequest[R]) -> R:
        return await self.rpc.call(request)

    async def publish(self, *events: Event) -> None:
        js = self.nc.jetstream()
        for event in events:
            await js.publish(
                self.bus.subject(event.subject),
                event.model_dump_json().encode(),
                headers={"Nats-Msg-Id": str(event.id)},
            )

    async def rows(self, sql: str, **params: Any) -> list[Any]:
        async with self.engine.connect() as conn:
            return list((await conn.execute(text(sql), params)).all())

    async def scalar(self, sql: str, **params: Any) -> Any:
        async with self.engine.connect() as conn:
            return await conn.scalar(text(sql), params)

    async def emitted(self, subject: str) -> list[Any]:
        """Events this service wrote to its outbox on ``subject``, oldest first."""
        rows = await self.rows(
            "SELECT payload FROM orders.outbox WHERE subject = :s ORDER BY seq", s=subject
        )
        cls = event_class(subject)
        return [cls.model_validate(json.loads(bytes(r.payload))) for r in rows]

    async def wait_rows(
        self, sql: str, count: int = 1, timeout: float = 15.0, **params: Any
    ) -> list[Any]:
        async def enough() -> list[Any] | None:
            found = await self.rows(sql, **params)
            return found if len(found) >= count else None

        return list(await wait_for(enough, timeout=timeout))


async def start_app(
    settings: OrdersSettings, engine: AsyncEngine, bus: BusNames, *, sweep: bool = False
) -> tuple[App, Service]:
    service = build(settings, sweep=sweep)
    await service.start()
    nc = await nats.connect(settings.nats_url)
    return App(service, settings, engine, bus, nc), service


# -- sample messages --------------------------------------------------------------------

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def order_parsed(
    *,
    items: list[tuple[str, str, str]] | None = None,
    email: str = "zakupki@romashka-zavod.ru",
    name: str = "Ирина Соколова",
    company: str | None = "ООО «Ромашка»",
    inn: str | None = None,
    mail_id: UUID | None = None,
    subject: str = "Заявка на крепёж",
    **extra: Any,
) -> OrderParsed:
    """A client request; ``items`` as (name, quantity, unit)."""
    if items is None:
        items = [
            ("Болт М8х30 DIN 933", "150", "шт"),
            ("Гайка М8 DIN 934", "75", "шт"),
            ("Шайба 8 DIN 125", "33", "шт"),
        ]
    return OrderParsed.model_validate(
        {
            "mail_id": mail_id or uuid4(),
            "from": MailAddress(email=email, name=name),
            "mail_subject": subject,
            "received_at": NOW,
            "items": [
                RequestItem(name=n, quantity=Decimal(q), unit=u, source_line=f"{n} — {q} {u}")
                for n, q, u in items
            ],
            "company": company,
            "inn": inn,
            "confidence": 0.9,
            "extractor": "rules",
            "text_excerpt": "Добрый день! Просим выставить счёт.",
            **extra,
        }
    )


def quote_parsed(
    *,
    lines: list[dict[str, Any]],
    request_id: int | None = None,
    rfq_number: str | None = None,
    email: str = "sales@metizy.example",
    currency: str = "RUB",
    vat_included: bool | None = True,
    mail_id: UUID | None = None,
    **extra: Any,
) -> QuoteParsed:
    return QuoteParsed.model_validate(
        {
            "mail_id": mail_id or uuid4(),
            "from": MailAddress(email=email, name="Отдел продаж"),
            "mail_subject": f"Re: Запрос цены [{rfq_number}]" if rfq_number else "Цены",
            "received_at": NOW,
            "thread": {"request_id": request_id, "rfq_number": rfq_number},
            "currency": currency,
            "vat_included": vat_included,
            "lines": [QuoteLine.model_validate(line) for line in lines],
            "confidence": 0.85,
            "extractor": "rules",
            **extra,
        }
    )
