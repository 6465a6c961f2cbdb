"""A manager at work: buttons and commands that act through the orders service, each once,
as the manager (``bot:<id>`` in the audit log); strangers get a refusal and no rpc."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from uuid import UUID

import pytest

from snab_contracts.orders import OrderStatus
from snab_contracts.rpc.orders import OrderDetail, OrdersGet, OrdersList, ProposalStatus
from tests.bot.support import (
    ADMIN,
    STRANGER,
    SUPPLIERS,
    Bots,
    Desk,
    add_suppliers,
    order_parsed,
    quote_parsed,
    refused_as_second,
    rpc_tap,
    wait_message,
)
from tests.peers.telegram import FakeTelegram


async def new_order(desk: Desk, telegram: FakeTelegram) -> tuple[OrderDetail, object]:
    await desk.publish(order_parsed())
    note = await wait_message(telegram, ADMIN, lambda m: "Новая заявка" in m.plain)
    [summary] = (await desk.call(OrdersList())).items
    return await desk.call(OrdersGet(order_id=summary.order_id)), note


@pytest.mark.parametrize("deadline", [1.5, 0.01], ids=["answered-in-time", "told-working-first"])
async def test_pick_two_suppliers_and_a_double_press_sends_once(
    telegram: FakeTelegram, bots: Bots, orders: object, desk: Desk, deadline: float
) -> None:
    # With a deadline too short for any press, the second press (waiting behind the first)
    # is told "Выполняю…" before it is refused: the refusal then comes as a message.
    await add_suppliers(desk)
    await bots.start(telegram_admin_ids=[ADMIN], telegram_callback_answer_seconds=deadline)
    detail, note = await new_order(desk, telegram)

    telegram.press(ADMIN, note, "Выбрать поставщиков")
    pick = await wait_message(telegram, ADMIN, lambda m: m.plain.startswith("Запросы цен"))
    assert f"Запросы цен по {detail.order.number}" in pick.plain
    assert [label.split(" ", 1)[1] for label in pick.labels[:3]] == sorted(n for n, _ in SUPPLIERS)
    assert pick.labels[-2:] == ["Отправить", "Отмена"]

    telegram.press(ADMIN, pick, "▫️ КрепТорг")
    await telegram.until(lambda: "Выбрано: 1" in pick.plain)
    telegram.press(ADMIN, pick, "▫️ ООО «Метиз-А»")
    await telegram.until(lambda: "Выбрано: 2" in pick.plain)
    assert "✅ КрепТорг" in pick.labels and "✅ ООО «Метиз-А»" in pick.labels
    assert "Отправить (2)" in pick.labels

    last = telegram.messages(ADMIN)[-1].message_id
    first = telegram.press(ADMIN, pick, "Отправить")
    second = telegram.press(ADMIN, pick, "Отправить")
    await telegram.until(lambda: pick.plain.startswith("✉️ Запросы по"))
    await telegram.until(lambda: telegram.answer_for(first))
    how = await refused_as_second(telegram, ADMIN, second, after=last)
    if deadline < 0.1:
        assert how == "message"
    assert pick.labels == []

    after = await desk.call(OrdersGet(order_id=detail.order.order_id))
    assert sorted(r.supplier_name for r in after.requests) == ["КрепТорг", "ООО «Метиз-А»"]
    assert after.order.status == OrderStatus.RFQ_SENT
    actors = {a.actor for a in after.audit if a.action == "request.created"}
    assert actors == {f"bot:{ADMIN}"}


async def test_build_a_proposal_with_a_preset_and_with_a_typed_markup(
    telegram: FakeTelegram, bots: Bots, orders: object, desk: Desk
) -> None:
    suppliers = await add_suppliers(desk)
    await bots.start(telegram_admin_ids=[ADMIN])
    detail, _ = await new_order(desk, telegram)
    from snab_contracts.rpc.orders import OrdersSendRequests

    sent = await desk.call(
        OrdersSendRequests(order_id=detail.order.order_id, supplier_ids=[suppliers[0].supplier_id])
    )
    [request] = sent.requests
    await desk.publish(
        quote_parsed(
            request_id=request.request_id,
            rfq_number=request.rfq_number,
            email=SUPPLIERS[0][1],
            prices=["12.50", "4.20", "1.10", "80.00"],
        )
    )
    quotes = await wait_message(telegram, ADMIN, lambda m: m.plain.startswith("💬"))
    assert "1 из 1" in quotes.plain
    assert quotes.labels == ["Сравнить", "Собрать КП"]

    telegram.press(ADMIN, quotes, "Сравнить")
    table = await wait_message(telegram, ADMIN, lambda m: m.plain.startswith("Сравнение"))
    assert "<pre>" in table.text
    assert "12,50" in table.plain and "★" in table.plain

    telegram.press(ADMIN, quotes, "Собрать КП")
    ask = await wait_message(telegram, ADMIN, lambda m: m.plain.startswith("КП по"))
    assert ask.labels == ["10 %", "15 %", "20 %", "25 %", "По правилам", "Другая…", "Отмена"]
    telegram.press(ADMIN, ask, "15 %")
    await telegram.until(lambda: "собирается" in ask.plain)
    # 100 × 14.38 + 100 × 4.83 + 200 × 1.27 + 20 × 92.00 (each price + 15 %)
    assert "итого 4 015,00 ₽" in ask.plain, ask.plain
    detail = await desk.call(OrdersGet(order_id=detail.order.order_id))
    [proposal] = detail.proposals
    assert proposal.status == ProposalStatus.GENERATING
    assert proposal.lines[0].unit_price == Decimal("14.38")

    # A markup typed by hand: the dialog asks, the manager writes "12,5".
    telegram.press(ADMIN, quotes, "Собрать КП")
    ask = await wait_message(
        telegram, ADMIN, lambda m: m.plain.startswith("КП по"), after=ask.message_id
    )
    telegram.press(ADMIN, ask, "Другая…")
    await wait_message(telegram, ADMIN, lambda m: "наценку в процентах" in m.plain)
    telegram.say(ADMIN, "сто")
    await wait_message(telegram, ADMIN, lambda m: m.plain.startswith("Нужно число"))
    telegram.say(ADMIN, "12,5")
    await wait_message(telegram, ADMIN, lambda m: "собирается" in m.plain, after=ask.message_id)
    detail = await desk.call(OrdersGet(order_id=detail.order.order_id))
    live = [p for p in detail.proposals if p.status != ProposalStatus.SUPERSEDED]
    assert [p.lines[0].unit_price for p in live] == [Decimal("14.06")]  # 12.50 + 12.5 %


async def test_a_stranger_is_refused_once_and_causes_no_rpc(
    telegram: FakeTelegram, bots: Bots, orders: object, desk: Desk, nats_url: str
) -> None:
    await bots.start(telegram_admin_ids=[ADMIN])
    async with rpc_tap(nats_url, desk.bus) as rpc:
        telegram.say(STRANGER, "/orders")
        telegram.say(STRANGER, "/start")
        refusal = await wait_message(telegram, STRANGER)
        assert "доступ только у сотрудников" in refusal.plain
        assert str(STRANGER) in refusal.plain
        forged = telegram.press_data(STRANGER, refusal, "o:open:" + "0" * 32)
        await telegram.until(lambda: telegram.answer_for(forged))
        assert (telegram.answer_for(forged) or {}).get("show_alert") in ("true", True)
        telegram.say(ADMIN, "/orders")  # the tap sees the manager's rpc: it works
        await wait_message(telegram, ADMIN, lambda m: m.plain.startswith("Заявки"))
    assert len(telegram.messages(STRANGER)) == 1, "one refusal, however often they write"
    assert rpc == [desk.bus.subject("rpc.orders.list")]


async def test_a_slow_rpc_still_answers_the_button_in_time(
    telegram: FakeTelegram, bots: Bots, desk: Desk
) -> None:
    """No orders service here: a responder that takes 4 s stands in for a slow one."""
    answered = asyncio.Event()

    async def slow(msg: object) -> None:
        await asyncio.sleep(4)
        reply = {"ok": False, "error": {"code": "not_found", "message": "заявка не найдена"}}
        await msg.respond(json.dumps(reply).encode())  # type: ignore[attr-defined]
        answered.set()

    await desk.nc.subscribe(desk.bus.subject("rpc.orders.get"), cb=slow)
    await bots.start(telegram_admin_ids=[ADMIN], telegram_callback_answer_seconds=1.0)
    telegram.say(ADMIN, "/help")
    help_ = await wait_message(telegram, ADMIN)
    query = telegram.press_data(ADMIN, help_, "o:open:" + UUID(int=1).hex)
    answer = await telegram.until(lambda: telegram.answer_for(query))
    assert answer["text"] == "Выполняю…"
    assert answer["after"] < 2.5
    await asyncio.wait_for(answered.wait(), 10)
    failure = await wait_message(telegram, ADMIN, lambda m: "Не найдено" in m.plain)
    assert "заявка не найдена" in failure.plain
