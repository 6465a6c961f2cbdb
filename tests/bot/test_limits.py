"""Telegram's limits and outages: a 429 is waited out, a server down for 30 s delays
notifications and loses none, and a burst becomes a digest instead of a flood."""

from __future__ import annotations

import asyncio
import time
from uuid import uuid4

from snab_contracts.orders import OrderCreated
from snab_kit.testing import wait_for
from tests.bot.support import ADMIN, SECOND_ADMIN, Bots, Desk, wait_message
from tests.peers.telegram import FakeTelegram

OUTAGE_SECONDS = 30


def order_created(n: int) -> OrderCreated:
    return OrderCreated(
        order_id=uuid4(),
        number=f"ORD-2026-{n:04d}",
        client_name=f"Клиент {n}",
        items_count=n % 7 + 1,
    )


async def test_a_429_is_waited_out_and_the_message_sent_once(
    telegram: FakeTelegram, bots: Bots, desk: Desk
) -> None:
    telegram.fail_next("sendMessage", status=429, retry_after=2)
    await bots.start(telegram_admin_ids=[ADMIN])
    await desk.publish(order_created(1))

    message = await wait_message(telegram, ADMIN)
    assert "ORD-2026-0001" in message.plain
    refused, sent = telegram.calls_of("sendMessage", ok=False)
    assert (refused.status, sent.status) == (429, 200)
    assert sent.at - refused.at >= 2.0, "retried only after retry_after"
    assert len(telegram.messages(ADMIN)) == 1


async def test_thirty_seconds_without_telegram_lose_nothing(
    telegram: FakeTelegram, bots: Bots, desk: Desk
) -> None:
    notifier = await bots.start(telegram_admin_ids=[ADMIN])
    telegram.say(ADMIN, "/help")
    await wait_message(telegram, ADMIN)
    telegram.down()
    started = time.monotonic()
    events = [order_created(n) for n in range(1, 6)]
    for event in events[:3]:
        await desk.publish(event)

    # The outage: notifications wait (never given up), the breaker stops hammering.
    published_late = False
    while time.monotonic() - started < OUTAGE_SECONDS:
        if not published_late and time.monotonic() - started > OUTAGE_SECONDS / 2:
            for event in events[3:]:
                await desk.publish(event)
            published_late = True
        statuses = {r.status for r in await desk.rows("SELECT status FROM notifier.notifications")}
        assert statuses <= {"queued", "sending"}, statuses
        await asyncio.sleep(0.5)
    assert notifier.breaker.consecutive_failures >= 3
    assert await desk.scalar("SELECT count(*) FROM notifier.notifications") == 5

    telegram.up()
    await telegram.until(
        lambda: sum(1 for m in telegram.messages(ADMIN) if "ORD-2026" in m.plain), timeout=30
    )

    async def all_delivered() -> bool:
        rows = await desk.rows("SELECT status FROM notifier.notifications WHERE kind != 'digest'")
        return len(rows) == 5 and all(r.status in ("sent", "folded") for r in rows)

    await wait_for(all_delivered, timeout=30, interval=0.2)
    # Five waited for the chat: one digest tells of all of them, nothing twice.
    shown = "\n".join(m.plain for m in telegram.messages(ADMIN))
    assert "Новые заявки: 5" in shown, telegram.transcript([ADMIN])
    assert "ORD-2026-0005" in shown
    # And the bot hears its managers again.
    telegram.say(ADMIN, "/help")
    await wait_message(telegram, ADMIN, lambda m: "что умеет бот" in m.plain, after=1)


async def test_a_burst_of_200_orders_becomes_a_digest_not_200_pings(
    telegram: FakeTelegram, bots: Bots, desk: Desk
) -> None:
    await bots.start()
    for n in range(1, 201):
        await desk.publish(order_created(n))

    async def settled() -> bool:
        waiting = await desk.scalar(
            "SELECT count(*) FROM notifier.notifications WHERE status IN ('queued', 'sending')"
        )
        total = await desk.scalar(
            "SELECT count(*) FROM notifier.notifications WHERE kind = 'order_created'"
        )
        return waiting == 0 and total == 400

    await wait_for(settled, timeout=90, interval=0.3)

    for chat in (ADMIN, SECOND_ADMIN):
        messages = telegram.messages(chat)
        assert len(messages) <= 4, telegram.transcript([chat])
        rows = await desk.rows(
            "SELECT status, count(*) AS n FROM notifier.notifications "
            "WHERE chat_id = :chat AND kind = 'order_created' GROUP BY status",
            chat=chat,
        )
        counts = {r.status: r.n for r in rows}
        assert counts.get("sent", 0) + counts.get("folded", 0) == 200, counts
        digests = [m for m in messages if m.plain.startswith("📥")]
        assert digests, telegram.transcript([chat])
        folded = sum(
            int(line.split(": ")[1])
            for d in digests
            for line in d.plain.splitlines()
            if line.startswith("Новые заявки: ")
        )
        assert folded == counts["folded"], (folded, counts)
        shown = "\n".join(m.plain for m in messages)
        assert "ORD-2026-0200" in shown  # the newest order is named
    assert not [c for c in telegram.refused if c.status == 429], "the pacer kept to the limits"
