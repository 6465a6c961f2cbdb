"""``snab``: the desk from a terminal, against a running orders service.

The command runs as a user runs it (a process, settings from the environment); the
orders service is real, on a fresh database and bus namespace.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from uuid import uuid4

import nats
import pytest_asyncio

from snab_cli.main import order_reference
from snab_contracts.base import Event
from snab_contracts.mail import MailAddress
from snab_contracts.parsing import OrderParsed, QuoteLine, QuoteParsed, RequestItem
from snab_contracts.rpc.orders import OrdersGet
from snab_kit.bus import BusNames
from snab_kit.migrations import upgrade
from snab_kit.service import Service
from snab_kit.testing import wait_for
from snab_orders.main import build
from snab_orders.settings import OrdersSettings

SNAB = Path(sys.executable).with_name("snab")


@dataclass
class Desk:
    env: dict[str, str]
    service: Service
    nc: nats.NATS
    bus: BusNames

    async def snab(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run the command without blocking the loop (the service answers from it)."""
        return await asyncio.to_thread(
            subprocess.run,
            [str(SNAB), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    async def publish(self, event: Event) -> None:
        await self.nc.jetstream().publish(
            self.bus.subject(event.subject),
            event.model_dump_json().encode(),
            headers={"Nats-Msg-Id": str(event.id)},
        )


@pytest_asyncio.fixture(loop_scope="session")
async def desk(
    nats_url: str, fresh_database_url: str, bus: BusNames, tmp_path: Path
) -> AsyncIterator[Desk]:
    await asyncio.to_thread(upgrade, "snab_orders.migrations", fresh_database_url)
    settings = OrdersSettings(
        nats_url=nats_url,
        database_url=fresh_database_url,
        bus_namespace=bus.namespace,
        outbox_poll_seconds=0.05,
    )
    service = build(settings, sweep=False)
    await service.start()
    nc = await nats.connect(nats_url)
    env = {
        **os.environ,
        "NATS_URL": nats_url,
        "BUS_NAMESPACE": bus.namespace,
        "HOME": str(tmp_path),
    }
    try:
        yield Desk(env=env, service=service, nc=nc, bus=bus)
    finally:
        await nc.drain()
        await service.stop()


def _request(mail_id: object) -> OrderParsed:
    return OrderParsed.model_validate(
        {
            "mail_id": mail_id,
            "from": MailAddress(email="zakupki@romashka.example", name="Ирина Соколова"),
            "mail_subject": "Заявка на крепёж",
            "received_at": "2026-12-01T09:00:00+00:00",
            "items": [
                RequestItem(name="Болт М8х30 DIN 933", quantity=Decimal(150), unit="шт"),
                RequestItem(name="Гайка М8 DIN 934", quantity=Decimal(75), unit="шт"),
            ],
            "company": "ООО «Ромашка»",
            "confidence": 0.9,
            "extractor": "rules",
        }
    )


async def test_a_manager_drives_an_order_from_the_terminal(desk: Desk) -> None:
    added = await desk.snab("suppliers", "add", "ООО «Метизы»", "sales@metizy.example")
    assert added.returncode == 0, added.stderr
    assert "Добавлен: ООО «Метизы» <sales@metizy.example>" in added.stdout

    await desk.publish(_request(uuid4()))

    async def listed_order() -> str | None:
        return _ok(await desk.snab("orders", "list"))

    listed = await wait_for(listed_order, timeout=15, interval=0.2)
    assert "ORD-2026-0001" in listed and "новая" in listed and "ООО «Ромашка»" in listed

    shown = await desk.snab("orders", "show", "2026-1")
    assert shown.returncode == 0, shown.stderr
    assert "ORD-2026-0001 · новая" in shown.stdout
    assert "Болт М8х30 DIN 933" in shown.stdout and "150 шт" in shown.stdout

    sent = await desk.snab("send-requests", "ORD-2026-0001", "sales@metizy.example")
    assert sent.returncode == 0, sent.stderr
    assert "RFQ-2026-0001-1 → ООО «Метизы» <sales@metizy.example>: в очереди" in sent.stdout
    after = await desk.snab("orders", "show", "ORD-2026-0001")
    assert "ORD-2026-0001 · запросы отправлены" in after.stdout
    assert "RFQ-2026-0001-1" in after.stdout

    # A proposal needs an answer first: the rule's own words reach the terminal.
    early = await desk.snab("proposal", "build", "ORD-2026-0001")
    assert early.returncode == 1
    assert "КП собирается, когда есть ответы поставщиков" in early.stderr

    detail = await desk.service.rpc_client.call(OrdersGet(number="ORD-2026-0001"))
    request = detail.requests[0]
    await desk.publish(
        QuoteParsed.model_validate(
            {
                "mail_id": uuid4(),
                "from": MailAddress(email="sales@metizy.example"),
                "mail_subject": f"Re: [{request.rfq_number}]",
                "received_at": "2026-12-01T10:00:00+00:00",
                "thread": {"request_id": request.request_id, "rfq_number": request.rfq_number},
                "vat_included": True,
                "lines": [
                    QuoteLine(position=1, name="Болт М8х30", unit_price=Decimal("12.00")),
                    QuoteLine(position=2, name="Гайка М8", unit_price=Decimal("3.00")),
                ],
                "confidence": 0.9,
                "extractor": "rules",
            }
        )
    )

    async def answered() -> bool:
        return "есть ответы" in (await desk.snab("orders", "show", "1")).stdout

    await wait_for(answered, timeout=15)
    built = await desk.snab("proposal", "build", "ORD-2026-0001", "--markup", "10")
    assert built.returncode == 0, built.stderr
    # 12.00 × 1.10 × 150 + 3.00 × 1.10 × 75 = 1980.00 + 247.50
    assert "KP-2026-0001-1 · формируется · итого 2 227,50 ₽" in built.stdout


async def test_mistakes_get_a_clear_answer(desk: Desk) -> None:
    missing = await desk.snab("orders", "show", "ORD-2026-0999")
    assert missing.returncode == 1
    assert "заявка не найдена" in missing.stderr
    unknown = await desk.snab("send-requests", "1", "nobody@nowhere.example")
    assert unknown.returncode in (1, 2)
    garbled = await desk.snab("orders", "show", "заявка номер один")
    assert garbled.returncode == 2
    assert "не понимаю номер заявки" in garbled.stderr
    bad_mail = await desk.snab("suppliers", "add", "ООО «Х»", "not-an-address")
    assert bad_mail.returncode == 2
    assert "emails" in bad_mail.stderr


def test_without_a_running_system_it_says_so(tmp_path: Path) -> None:
    env = {**os.environ, "NATS_URL": "nats://127.0.0.1:1", "HOME": str(tmp_path)}
    result = subprocess.run(
        [str(SNAB), "orders", "list"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "нет связи с NATS (nats://127.0.0.1:1)" in result.stderr


def test_order_numbers_as_people_type_them() -> None:
    from datetime import UTC, datetime

    today = datetime(2026, 12, 6, tzinfo=UTC)
    for typed in ("ORD-2026-0042", "ord-2026-42", "2026-0042", "42"):
        assert order_reference(typed, today=today).number == "ORD-2026-0042"


def _ok(result: subprocess.CompletedProcess[str]) -> str | None:
    return result.stdout if result.returncode == 0 and "ORD-" in result.stdout else None
