"""Notifications reach each manager's chat exactly once, through the real aiogram client
and a Bot API server at the protocol level: across a redelivered event and restarts, and
a later event about the same thing edits the earlier message."""

from __future__ import annotations

import json
from decimal import Decimal
from uuid import uuid4

from snab_contracts.documents import DocumentFailed
from snab_contracts.orders import OrderCreated, QuoteReceived
from snab_contracts.rpc.orders import OrdersList
from snab_contracts.values import Money
from snab_kit.testing import wait_for
from snab_notifier.bot.callbacks import OrderAct, OrderCb
from tests.bot.support import ADMIN, SECOND_ADMIN, Bots, Desk, order_parsed, wait_message
from tests.peers.telegram import FakeTelegram


async def test_new_order_once_per_chat_across_redelivery_and_restart(
    telegram: FakeTelegram, bots: Bots, orders: object, desk: Desk
) -> None:
    notifier = await bots.start()
    await desk.publish(order_parsed())

    first = {chat: await wait_message(telegram, chat) for chat in (ADMIN, SECOND_ADMIN)}
    [order] = (await desk.call(OrdersList())).items
    for chat, message in first.items():
        assert message.plain.startswith(f"🆕 Новая заявка {order.number}"), message.plain
        assert "ООО «Ромашка»" in message.plain
        assert "4 позиции:" in message.plain
        assert "• Болт М8х30 DIN 933 оцинкованный — 100 шт" in message.plain
        assert "и ещё 1" in message.plain  # three items shown, the fourth counted
        assert message.labels == ["Открыть", "Выбрать поставщиков"], chat
        actions = [OrderCb.unpack(b.data or "") for row in message.buttons for b in row]
        assert [(a.act, a.id) for a in actions] == [
            (OrderAct.OPEN, order.order_id),
            (OrderAct.PICK, order.order_id),
        ]

    # The same event again (a redelivery: another Nats-Msg-Id so JetStream takes it).
    [raw] = await desk.rows(
        "SELECT payload FROM orders.outbox WHERE subject = 'order.created' ORDER BY seq"
    )
    event = OrderCreated.model_validate(json.loads(bytes(raw.payload)))
    seq = await desk.publish(event, msg_id=f"again-{event.id}")
    await desk.consumer_idle("order.created", seq)
    await notifier.sender.run_once()

    # A restart: the new process has nothing left to say.
    await bots.stop(notifier)
    notifier = await bots.start()
    await desk.consumer_idle("order.created", seq)
    await notifier.sender.run_once()

    for chat in (ADMIN, SECOND_ADMIN):
        assert len(telegram.messages(chat)) == 1, telegram.transcript([chat])
    assert len(telegram.calls_of("sendMessage")) == 2
    statuses = await desk.rows("SELECT chat_id, status FROM notifier.notifications ORDER BY id")
    assert sorted((r.chat_id, r.status) for r in statuses) == [
        (ADMIN, "sent"),
        (SECOND_ADMIN, "sent"),
    ]


async def test_queued_before_a_restart_is_sent_once_after_it(
    telegram: FakeTelegram, bots: Bots, desk: Desk
) -> None:
    """Telegram unreachable while the event is handled, the notifier stopped with the
    notification still queued: the next process sends it, once."""
    telegram.down()
    notifier = await bots.start(telegram_admin_ids=[ADMIN])
    event = OrderCreated(
        order_id=uuid4(), number="ORD-2026-0777", client_name="ООО «Вектор»", items_count=2
    )
    await desk.publish(event)
    await desk.consumer_idle("order.created", 1)

    async def tried_and_waiting() -> bool:
        row = (await desk.rows("SELECT status, attempts FROM notifier.notifications"))[0]
        return row.status == "queued" and row.attempts >= 1

    await wait_for(tried_and_waiting, timeout=10)
    await bots.stop(notifier)

    telegram.up()
    await bots.start(telegram_admin_ids=[ADMIN])
    message = await wait_message(telegram, ADMIN)
    assert "ORD-2026-0777" in message.plain
    assert "ООО «Вектор»" in message.plain
    assert "2 позиции" in message.plain  # the orders service does not know it: from the event
    assert len(telegram.messages(ADMIN)) == 1


async def test_second_quote_edits_the_first_message(
    telegram: FakeTelegram, bots: Bots, desk: Desk
) -> None:
    await bots.start(telegram_admin_ids=[ADMIN])
    order_id = uuid4()

    def quote(supplier: str, total: str, answered: int) -> QuoteReceived:
        return QuoteReceived(
            order_id=order_id,
            order_number="ORD-2026-0042",
            request_id=answered,
            rfq_number=f"RFQ-2026-0042-{answered}",
            supplier_id=uuid4(),
            supplier_name=supplier,
            quote_id=uuid4(),
            lines_count=3,
            total=Money(amount=Decimal(total)),
            requests_answered=answered,
            requests_total=3,
        )

    await desk.publish(quote("ООО «Метиз-А»", "2126.00", 1))
    first = await wait_message(telegram, ADMIN)
    assert first.plain.startswith("💬 Ответы по ORD-2026-0042 · 1 из 3")
    assert "ООО «Метиз-А» · 2 126,00 ₽" in first.plain
    assert first.labels == ["Сравнить"]

    await desk.publish(quote("КрепТорг", "1892.40", 2))
    await telegram.until(lambda: first.edits == 1)
    assert len(telegram.messages(ADMIN)) == 1, "edited, not a second message"
    assert first.plain.startswith("💬 Ответы по ORD-2026-0042 · 2 из 3")
    lines = first.plain.splitlines()
    assert lines[1:3] == ["• КрепТорг · 1 892,40 ₽", "• ООО «Метиз-А» · 2 126,00 ₽"]

    await desk.publish(quote("Болтов и партнёры", "2300.00", 3))
    await telegram.until(lambda: first.edits == 2)
    assert "· 3 из 3" in first.plain
    assert "Ответили все — можно собирать КП." in first.plain
    assert first.labels == ["Сравнить", "Собрать КП"]
    assert len(telegram.calls_of("editMessageText")) == 2


async def test_quotes_arriving_together_make_one_message(
    telegram: FakeTelegram, bots: Bots, desk: Desk
) -> None:
    """Three quotes of one order handled in one batch (the notifier was down when they
    came): one message tells of all three; the earlier two are recorded as merged."""
    order_id = uuid4()
    for n, (supplier, total) in enumerate((("А", "300"), ("Б", "100"), ("В", "200")), start=1):
        await desk.publish(
            QuoteReceived(
                order_id=order_id,
                order_number="ORD-2026-0050",
                request_id=n,
                rfq_number=f"RFQ-2026-0050-{n}",
                supplier_id=uuid4(),
                supplier_name=supplier,
                quote_id=uuid4(),
                lines_count=1,
                total=Money(amount=Decimal(total)),
                requests_answered=n,
                requests_total=3,
            )
        )
    await bots.start(telegram_admin_ids=[ADMIN])
    message = await wait_message(telegram, ADMIN)
    await desk.consumer_idle("quote.received", 3)
    assert message.plain.splitlines()[1:4] == ["• Б · 100,00 ₽", "• В · 200,00 ₽", "• А · 300,00 ₽"]
    assert "3 из 3" in message.plain

    async def recorded() -> bool:  # Telegram has the message a moment before the row says so
        rows = await desk.rows("SELECT status FROM notifier.notifications ORDER BY id")
        return [r.status for r in rows] == ["merged", "merged", "sent"]

    await wait_for(recorded, timeout=10)
    assert len(telegram.messages(ADMIN)) == 1


async def test_a_proposal_that_could_not_be_made_tells_why_and_offers_to_rebuild(
    telegram: FakeTelegram, bots: Bots, desk: Desk
) -> None:
    await bots.start(telegram_admin_ids=[ADMIN])
    order_id = uuid4()
    await desk.publish(
        DocumentFailed(
            request_event_id=uuid4(),
            order_id=order_id,
            proposal_id=uuid4(),
            failure="requisites",
            reason="В реквизитах компании нет КПП и банковских реквизитов",
        )
    )
    told = await wait_message(telegram, ADMIN)
    assert told.plain.startswith("⚠️ КП не сформировано")
    assert "Причина: В реквизитах компании нет КПП и банковских реквизитов" in told.plain
    assert "Заполните реквизиты компании" in told.plain
    assert told.labels == ["Собрать заново", "Открыть заявку"]
    actions = [OrderCb.unpack(b.data or "") for row in told.buttons for b in row]
    assert [(a.act, a.id) for a in actions] == [
        (OrderAct.BUILD, order_id),
        (OrderAct.OPEN, order_id),
    ]
