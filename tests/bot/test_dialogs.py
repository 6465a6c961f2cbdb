"""Dialogs keep their state in PostgreSQL: a supplier half entered survives a restart of
the notifier; the bot also works by webhook, and without a token it writes to its log."""

from __future__ import annotations

import asyncio
import json
import logging
from uuid import uuid4

import aiohttp
import pytest

from snab_contracts.orders import OrderCreated
from snab_contracts.rpc.directory import SupplierInput, SuppliersCreate, SuppliersGet, SuppliersList
from snab_kit.embedded import free_port
from snab_kit.testing import wait_for
from snab_notifier.services.transports import LogTransport
from tests.bot.support import ADMIN, TOKEN, Bots, Desk, wait_message
from tests.peers.telegram import FakeTelegram


async def test_a_supplier_dialog_survives_a_restart(
    telegram: FakeTelegram, bots: Bots, orders: object, desk: Desk
) -> None:
    notifier = await bots.start(telegram_admin_ids=[ADMIN])
    telegram.say(ADMIN, "/suppliers")
    listing = await wait_message(telegram, ADMIN, lambda m: m.plain.startswith("Поставщики"))
    assert "Пока никого" in listing.plain
    telegram.press(ADMIN, listing, "Добавить поставщика")
    await wait_message(telegram, ADMIN, lambda m: "Как называется компания" in m.plain)
    telegram.say(ADMIN, "ООО «Метиз & Ко»")
    asked = await wait_message(telegram, ADMIN, lambda m: m.plain.startswith("Почта для"))

    await bots.stop(notifier)  # mid-dialog
    await bots.start(telegram_admin_ids=[ADMIN])

    telegram.say(ADMIN, "sales@metiz, продажи")
    wrong = await wait_message(telegram, ADMIN, lambda m: "не похоже на адрес" in m.plain)
    assert "sales@metiz" in wrong.plain
    telegram.say(ADMIN, "Sales@Metiz.example, opt@metiz.example")
    cats = await wait_message(
        telegram, ADMIN, lambda m: m.plain.startswith("Категории"), after=asked.message_id
    )
    telegram.say(ADMIN, "Крепёж")
    cats = await wait_message(
        telegram, ADMIN, lambda m: "Выбрано: Крепёж" in m.plain, after=cats.message_id
    )
    telegram.press(ADMIN, cats, "Готово")
    await telegram.until(lambda: cats.plain.startswith("Проверьте"))
    assert "Компания: ООО «Метиз & Ко»" in cats.plain
    assert "Почта: sales@metiz.example, opt@metiz.example" in cats.plain
    first = telegram.press(ADMIN, cats, "Сохранить")
    second = telegram.press(ADMIN, cats, "Сохранить")
    await telegram.until(lambda: cats.plain.startswith("✅ Поставщик"))
    await telegram.until(lambda: telegram.answer_for(first) and telegram.answer_for(second))

    page = await desk.call(SuppliersList())
    assert [(s.company, s.emails, [c.name for c in s.categories]) for s in page.items] == [
        ("ООО «Метиз & Ко»", ["sales@metiz.example", "opt@metiz.example"], ["Крепёж"])
    ]
    assert await desk.scalar("SELECT count(*) FROM notifier.fsm_states") == 0


async def test_updates_by_webhook_need_the_secret_token(
    telegram: FakeTelegram, bots: Bots, desk: Desk
) -> None:
    port = free_port()
    await bots.start(
        telegram_admin_ids=[ADMIN],
        telegram_webhook_url="https://bot.broker.example/telegram/webhook",
        telegram_webhook_secret="s3cret-token_1",
        telegram_webhook_port=port,
    )
    [hook] = await telegram.until(lambda: telegram.calls_of("setWebhook"))
    assert hook.params["url"] == "https://bot.broker.example/telegram/webhook"
    assert hook.params["secret_token"] == "s3cret-token_1"
    assert not telegram.calls_of("getUpdates"), "no long polling in webhook mode"

    update = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": ADMIN, "type": "private"},
            "from": {"id": ADMIN, "is_bot": False, "first_name": "Анна"},
            "text": "/help",
        },
    }
    url = f"http://127.0.0.1:{port}/telegram/webhook"
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json=update) as resp:
            assert resp.status == 401
        headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token_1"}
        async with http.post(url, data=json.dumps(update), headers=headers) as resp:
            assert resp.status == 200
    reply = await wait_message(telegram, ADMIN)
    assert "что умеет бот" in reply.plain
    assert len(telegram.messages(ADMIN)) == 1


async def test_without_a_token_notifications_go_to_the_log(
    bots: Bots, desk: Desk, capfd: pytest.CaptureFixture[str]
) -> None:
    notifier = await bots.start(telegram_bot_token=None, telegram_admin_ids=[])
    assert notifier.bot is None
    assert isinstance(notifier.sender.transport, LogTransport)
    await desk.publish(
        OrderCreated(
            order_id=uuid4(), number="ORD-2026-0101", client_name="ООО «Лог»", items_count=1
        )
    )

    async def sent() -> bool:
        return await desk.scalar("SELECT status FROM notifier.notifications") == "sent"

    await wait_for(sent, timeout=10)
    assert await desk.scalar("SELECT chat_id FROM notifier.notifications") == 0
    out, err = capfd.readouterr()
    log = out + err
    assert log.count("telegram_disabled") == 1, "said once, at start"
    [line] = [x for x in log.splitlines() if "ORD-2026-0101" in x]
    assert "Новая заявка ORD-2026-0101" in line and "[Открыть]" in line


async def test_the_token_never_reaches_the_log(
    telegram: FakeTelegram,
    bots: Bots,
    desk: Desk,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    telegram.down()  # errors of every kind get logged now
    await bots.start(telegram_admin_ids=[ADMIN], telegram_polling_timeout=1)
    await desk.publish(OrderCreated(order_id=uuid4(), number="ORD-2026-0102", items_count=1))
    await desk.consumer_idle("order.created", 1)
    seen = ""
    for _ in range(100):
        out, err = capfd.readouterr()
        seen += out + err
        if seen.count("telegram_unreachable") >= 2:
            break
        await asyncio.sleep(0.1)
    assert "telegram_unreachable" in seen
    telegram.up()
    await wait_message(telegram, ADMIN)
    out, err = capfd.readouterr()
    seen += out + err + caplog.text
    secret = TOKEN.split(":", 1)[1]
    assert secret not in seen


async def test_a_supplier_is_edited_keeping_what_was_not_changed(
    telegram: FakeTelegram, bots: Bots, orders: object, desk: Desk
) -> None:
    created = await desk.call(
        SuppliersCreate(
            supplier=SupplierInput(
                company="КрепТорг", emails=["opt@kreptorg.example"], phone="+7 900 000-00-00"
            )
        )
    )
    await bots.start(telegram_admin_ids=[ADMIN])
    telegram.say(ADMIN, "/suppliers")
    card = await wait_message(telegram, ADMIN, lambda m: m.plain.startswith("Поставщики"))
    telegram.press(ADMIN, card, "1")
    await telegram.until(lambda: "Почта: opt@kreptorg.example" in card.plain)
    telegram.press(ADMIN, card, "Изменить")
    ask = await wait_message(telegram, ADMIN, lambda m: "Новое название" in m.plain)
    telegram.press(ADMIN, ask, "Оставить как есть")
    await wait_message(telegram, ADMIN, lambda m: m.plain.startswith("Почта сейчас"))
    telegram.say(ADMIN, "sales@kreptorg.example")
    cats = await wait_message(telegram, ADMIN, lambda m: m.plain.startswith("Категории"))
    telegram.press(ADMIN, cats, "Готово")
    await telegram.until(lambda: cats.plain.startswith("Проверьте"))
    telegram.press(ADMIN, cats, "Сохранить")
    await telegram.until(lambda: cats.plain.startswith("✅ Поставщик"))

    view = await desk.call(SuppliersGet(supplier_id=created.supplier_id))
    assert (view.company, view.emails, view.phone) == (
        "КрепТорг",
        ["sales@kreptorg.example"],
        "+7 900 000-00-00",
    )
    assert f"bot:{ADMIN}" in {
        r.actor
        for r in await desk.rows(
            "SELECT actor FROM orders.audit_log WHERE entity = 'supplier' ORDER BY id"
        )
    }
