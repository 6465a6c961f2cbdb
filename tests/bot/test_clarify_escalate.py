"""A manager asks the client what a request left out, and asks more suppliers when too few
answered: the real bot (aiogram) against a fake Telegram, the real orders service behind
it; each final press acts once, as the manager."""

from __future__ import annotations

import os
from pathlib import Path

from snab_contracts.orders import EscalationSupplier, RequestEscalation
from snab_contracts.rpc.orders import OrdersGet, OrdersList, OrdersSendRequests
from tests.bot.support import (
    ADMIN,
    DONE_OR_RUNNING,
    Bots,
    Desk,
    add_suppliers,
    order_parsed,
    refused_as_second,
    wait_message,
)
from tests.bot.test_transcript import check_phone_rules
from tests.peers.telegram import FakeTelegram


def keep_transcript(telegram: FakeTelegram, name: str, title: str, tmp_path: Path) -> None:
    """The chat written out (HTML for a screenshot), and what would read badly on a phone."""
    out = Path(os.environ.get("BOT_TRANSCRIPT_DIR") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.html").write_text(telegram.transcript_html([ADMIN], title=title))
    assert check_phone_rules(telegram.messages(ADMIN)) == []


def incomplete_order() -> object:
    parsed = order_parsed()
    items = list(parsed.items)
    items[1] = items[1].model_copy(update={"quantity_stated": False})
    return parsed.model_copy(update={"items": items})


async def test_clarification_drafted_edited_and_sent_once(
    telegram: FakeTelegram, bots: Bots, orders: object, desk: Desk, tmp_path: Path
) -> None:
    await bots.start(telegram_admin_ids=[ADMIN])
    await desk.publish(incomplete_order())  # type: ignore[arg-type]
    note = await wait_message(telegram, ADMIN, lambda m: "Новая заявка" in m.plain)
    [summary] = (await desk.call(OrdersList())).items

    telegram.press(ADMIN, note, "Открыть")
    card = await wait_message(telegram, ADMIN, lambda m: m.plain.startswith(summary.number))
    assert "Уточнить" in card.labels
    telegram.press(ADMIN, card, "Уточнить")
    draft = await wait_message(telegram, ADMIN, lambda m: m.plain.startswith("✉️ Уточнение по"))
    assert "2. Гайка М8 DIN 934 — нет количества" in draft.plain
    assert "Кому: zakupki@romashka.example" in draft.plain and "Черновик письма:" in draft.plain
    assert draft.labels == ["Отправить клиенту", "Изменить текст", "Отмена"]

    telegram.press(ADMIN, draft, "Изменить текст")
    await wait_message(telegram, ADMIN, lambda m: m.plain.startswith("Пришлите текст письма"))
    telegram.say(ADMIN, "Иван, сколько гаек М8 нужно?")
    edited = await wait_message(telegram, ADMIN, lambda m: "Ваш текст:" in m.plain)
    assert "Иван, сколько гаек М8 нужно?" in edited.plain

    last = telegram.messages(ADMIN)[-1].message_id
    first = telegram.press(ADMIN, edited, "Отправить клиенту")
    second = telegram.press(ADMIN, edited, "Отправить клиенту")
    await telegram.until(lambda: "отправляется" in edited.plain)
    await telegram.until(lambda: telegram.answer_for(first))
    await refused_as_second(telegram, ADMIN, second, after=last)
    assert edited.labels == []

    rows = await desk.rows("SELECT text FROM orders.clarifications")
    assert [r.text.startswith("Иван, сколько гаек М8 нужно?") for r in rows] == [True]
    detail = await desk.call(OrdersGet(order_id=summary.order_id))
    sent = [a.actor for a in detail.audit if a.action == "clarification.send"]
    assert sent == [f"bot:{ADMIN}"]
    keep_transcript(telegram, "clarification", "Уточнение у клиента", tmp_path)


async def test_escalation_notice_asks_the_next_suppliers_in_one_press(
    telegram: FakeTelegram, bots: Bots, orders: object, desk: Desk, tmp_path: Path
) -> None:
    suppliers = await add_suppliers(desk)
    await bots.start(telegram_admin_ids=[ADMIN])
    await desk.publish(order_parsed())
    await wait_message(telegram, ADMIN, lambda m: "Новая заявка" in m.plain)
    [summary] = (await desk.call(OrdersList())).items
    first = suppliers[0]
    sent = await desk.call(
        OrdersSendRequests(order_id=summary.order_id, supplier_ids=[first.supplier_id])
    )
    [request] = sent.requests
    others = [s for s in suppliers if s.supplier_id != first.supplier_id]
    await desk.publish(
        RequestEscalation(
            order_id=summary.order_id,
            order_number=summary.number,
            request_id=request.request_id,
            rfq_number=request.rfq_number,
            quotes_answered=0,
            min_quotes=2,
            suppliers=[
                EscalationSupplier(supplier_id=s.supplier_id, name=s.company, score=0.5)
                for s in others
            ],
        )
    )
    notice = await wait_message(telegram, ADMIN, lambda m: "Мало ответов" in m.plain)
    assert f"Мало ответов по заказу {summary.number}\nОтветили 0 из 2 нужных." in notice.plain
    assert "Предлагаю запросить: " + ", ".join(s.company for s in others) in notice.plain
    assert notice.labels[0] == "Запросить"

    last = telegram.messages(ADMIN)[-1].message_id
    one = telegram.press(ADMIN, notice, "Запросить")
    two = telegram.press(ADMIN, notice, "Запросить")
    await telegram.until(lambda: notice.plain.startswith("📨 Запросы отправлены"))
    await telegram.until(lambda: telegram.answer_for(one) and telegram.answer_for(two))
    # The two presses may be taken in either order: one does the work, the other is told
    # it is done or under way.
    answers = [(telegram.answer_for(press) or {}).get("text") or "" for press in (one, two)]
    if "Выполняю…" in answers and not any(a in DONE_OR_RUNNING for a in answers):
        # the refused one waited behind the other past the answer deadline: told as a message
        await wait_message(telegram, ADMIN, lambda m: m.plain in DONE_OR_RUNNING, after=last)
    else:
        assert sum(a in DONE_OR_RUNNING for a in answers) == 1, answers
    assert f"Заявка {summary.number}:" in notice.plain and notice.labels == ["Открыть заявку"]

    after = await desk.call(OrdersGet(order_id=summary.order_id))
    assert len(after.requests) == len(suppliers)
    created = [a.actor for a in after.audit if a.action == "request.created"]
    assert created.count(f"bot:{ADMIN}") == len(others)
    keep_transcript(telegram, "escalation", "Мало ответов", tmp_path)
