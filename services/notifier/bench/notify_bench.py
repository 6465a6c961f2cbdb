"""Notifier benchmark: a burst of events into Telegram's limits, and the latency of single
events, against the fake Bot API server (tests/peers/telegram.py) driven by the real
aiogram client. Uses NATS_URL / DATABASE_URL when set, else embedded servers.

1. Burst: ``--events`` (1,000) ``order.created`` published at once, ``--chats`` (3)
   managers; the fake server enforces 1 message/s per chat and 30/s overall (429 beyond).
   Figures: notifications (event × chat) delivered per second until the last one shows in
   its chat (as its own message or inside the chat's digest), Bot API calls, pings (new
   messages), 429 answers. Baseline in the same run: the aiogram client alone sending
   ``sendMessage`` as fast as it can to the same server with its limits off.
2. Latency: ``--singles`` (100) events published one by one at ``--rate`` (5) per second
   into one chat. (a) with Telegram's limits: from publish until the chat shows the event
   (its own ``sendMessage`` or the digest edit that counts it); (b) the pipeline alone
   (limits lifted, no digest): from publish until the fake server receives its
   ``sendMessage``.

    .venv/bin/python services/notifier/bench/notify_bench.py [--events 1000] [--chats 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nats
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from aiogram import Bot  # noqa: E402
from aiogram.client.session.aiohttp import AiohttpSession  # noqa: E402
from aiogram.client.telegram import TelegramAPIServer  # noqa: E402

from snab_contracts.orders import OrderCreated  # noqa: E402
from snab_kit.bus import BusNames, migrate  # noqa: E402
from snab_kit.db import make_engine  # noqa: E402
from snab_kit.embedded import (  # noqa: E402
    EmbeddedNats,
    EmbeddedPostgres,
    drop_database,
    ensure_database,
    with_database,
)
from snab_kit.logging import configure_logging  # noqa: E402
from snab_kit.migrations import upgrade  # noqa: E402
from snab_kit.testing import wait_for  # noqa: E402
from snab_notifier.main import assemble  # noqa: E402
from snab_notifier.settings import NotifierSettings  # noqa: E402
from tests.peers.telegram import FakeTelegram  # noqa: E402

TOKEN = "7000001:bench-token"  # noqa: S105 - the fake server's
FIRST_CHAT = 5_000_001


def order(n: int) -> OrderCreated:
    return OrderCreated(
        order_id=uuid.uuid4(), number=f"ORD-2026-{n:05d}", client_name=f"Клиент {n}", items_count=3
    )


def settings_for(
    nats_url: str, database_url: str, names: BusNames, tg: FakeTelegram, chats: int, **extra: Any
) -> NotifierSettings:
    values: dict[str, Any] = {
        "nats_url": nats_url,
        "database_url": database_url,
        "bus_namespace": names.namespace,
        "telegram_bot_token": TOKEN,
        "telegram_admin_ids": list(range(FIRST_CHAT, FIRST_CHAT + chats)),
        "telegram_api_url": tg.base_url,
        "telegram_polling_timeout": 5,
        "notifier_poll_seconds": 0.2,
        "outbox_poll_seconds": 0.1,
        "log_level": "WARNING",
        **extra,
    }
    return NotifierSettings(**values)


async def clean(database_url: str) -> None:
    engine = make_engine(database_url, pool_size=1)
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "TRUNCATE notifier.notifications, notifier.inbox, notifier.outbox RESTART IDENTITY"
            )
        )
    await engine.dispose()


async def fresh_bus(nc: Any) -> BusNames:
    names = BusNames(f"bench{uuid.uuid4().hex[:8]}")
    await migrate(nc.jetstream(), names)
    return names


async def client_alone(n: int = 1000) -> float:
    """sendMessage per second of the aiogram client alone, limits off (the ceiling)."""
    with FakeTelegram(token=TOKEN, chat_interval=0, global_rate=10**9) as tg:
        api = TelegramAPIServer.from_base(tg.base_url)
        bot = Bot(TOKEN, session=AiohttpSession(api=api))
        sem = asyncio.Semaphore(16)

        async def one(i: int) -> None:
            async with sem:
                await bot.send_message(FIRST_CHAT + i % 3, f"Сообщение {i}")

        started = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(n)))
        rate = n / (time.perf_counter() - started)
        await bot.session.close()
    return rate


async def burst(nats_url: str, database_url: str, events: int, chats: int) -> dict[str, Any]:
    await clean(database_url)
    nc = await nats.connect(nats_url)
    names = await fresh_bus(nc)
    engine = make_engine(database_url, pool_size=2)
    with FakeTelegram(token=TOKEN, chat_interval=1.0, global_rate=30) as tg:
        notifier = assemble(settings_for(nats_url, database_url, names, tg, chats))
        await notifier.service.start()
        js = nc.jetstream()
        batch = [order(n) for n in range(1, events + 1)]
        started = time.perf_counter()
        acks = [
            await js.publish_async(
                names.subject(e.subject),
                e.model_dump_json().encode(),
                headers={"Nats-Msg-Id": str(e.id)},
            )
            for e in batch
        ]
        await asyncio.gather(*acks)
        published = time.perf_counter() - started
        total = events * chats
        await delivered(engine, total)
        elapsed = time.perf_counter() - started
        async with engine.connect() as conn:
            spans = (
                await conn.execute(
                    text(
                        "SELECT extract(epoch FROM max(created_at) - min(created_at)) AS queued, "
                        "extract(epoch FROM max(delivered_at) - min(created_at)) AS shown "
                        "FROM notifier.notifications WHERE kind = 'order_created'"
                    )
                )
            ).one()
        await notifier.service.stop()
        if notifier.bot is not None:
            await notifier.bot.close()
        calls = [c for c in tg.calls if c.method in ("sendMessage", "editMessageText")]
        per_chat_gap = min(
            (
                b.at - a.at
                for chat in range(FIRST_CHAT, FIRST_CHAT + chats)
                for a, b in zip(
                    [c for c in calls if int(c.params["chat_id"]) == chat and c.status == 200],
                    [c for c in calls if int(c.params["chat_id"]) == chat and c.status == 200][1:],
                    strict=False,
                )
            ),
            default=None,
        )
        result = {
            "events": events,
            "chats": chats,
            "queued_s": float(spans.queued),
            "shown_s": float(spans.shown),
            "published_s": published,
            "elapsed_s": elapsed,
            "notifications_per_s": total / elapsed,
            "events_per_s": events / elapsed,
            "api_calls": len([c for c in calls if c.status == 200]),
            "pings": len(tg.calls_of("sendMessage")),
            "edits": len(tg.calls_of("editMessageText")),
            "429": len([c for c in tg.refused if c.status == 429]),
            "min_gap_in_chat_s": per_chat_gap,
        }
    await engine.dispose()
    await nc.drain()
    return result


async def delivered(engine: Any, count: int) -> None:
    """Until ``count`` order notifications show in their chats (sent or folded)."""

    async def enough() -> bool:
        async with engine.connect() as conn:
            done = await conn.scalar(
                text(
                    "SELECT count(*) FROM notifier.notifications WHERE kind = 'order_created' "
                    "AND status IN ('sent', 'folded')"
                )
            )
        return int(done or 0) >= count

    await wait_for(enough, timeout=600, interval=0.05)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def singles(
    nats_url: str, database_url: str, count: int, rate: float, *, limits: bool
) -> dict[str, Any]:
    await clean(database_url)
    nc = await nats.connect(nats_url)
    names = await fresh_bus(nc)
    engine = make_engine(database_url, pool_size=2)
    interval = 1.0 if limits else 0.0
    extra: dict[str, Any] = {"telegram_chat_interval_seconds": interval}
    if not limits:
        extra["telegram_digest_threshold"] = 10**6
    with FakeTelegram(
        token=TOKEN, chat_interval=interval, global_rate=30 if limits else 10**9
    ) as tg:
        notifier = assemble(settings_for(nats_url, database_url, names, tg, 1, **extra))
        await notifier.service.start()
        js = nc.jetstream()
        published_at: dict[str, tuple[float, datetime]] = {}
        start = time.monotonic()
        for n in range(1, count + 1):
            event = order(n)
            await asyncio.sleep(max(0.0, start + (n - 1) / rate - time.monotonic()))
            published_at[event.number] = (time.monotonic(), datetime.now(UTC))
            await js.publish(
                names.subject(event.subject),
                event.model_dump_json().encode(),
                headers={"Nats-Msg-Id": str(event.id)},
            )
        await delivered(engine, count)
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    text(
                        "SELECT payload->>'number' AS number, status, delivered_at "
                        "FROM notifier.notifications WHERE kind = 'order_created'"
                    )
                )
            ).all()
        await notifier.service.stop()
        if notifier.bot is not None:
            await notifier.bot.close()
        shown = [(r.delivered_at - published_at[r.number][1]).total_seconds() for r in rows]
        own = []
        for call in tg.calls_of("sendMessage"):
            for number, (mono, _) in published_at.items():
                if f"Новая заявка {number}" in str(call.params.get("text")):
                    own.append(call.at - mono)
        folded = sum(1 for r in rows if r.status == "folded")
    await engine.dispose()
    await nc.drain()
    return {
        "count": count,
        "own_messages": len(own),
        "folded": folded,
        "shown_p50": percentile(shown, 50),
        "shown_p99": percentile(shown, 99),
        "send_p50": percentile(own, 50) if own else None,
        "send_p99": percentile(own, 99) if own else None,
        "mean_shown": statistics.mean(shown),
    }


async def run(nats_url: str, database_url: str, args: argparse.Namespace) -> None:
    ceiling = await client_alone()
    result = await burst(nats_url, database_url, args.events, args.chats)
    limited = await singles(nats_url, database_url, args.singles, args.rate, limits=True)
    pipeline = await singles(nats_url, database_url, args.singles, args.rate, limits=False)

    print(f"## Burst: {args.events} order.created at once, {args.chats} chats")
    print(
        "| aiogram client alone, limits off | notifier under Telegram's limits | all queued after "
        "| Bot API calls | new messages (pings) | edits | 429 | closest two calls in a chat |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    gap = result["min_gap_in_chat_s"]
    gap_text = f"{gap:.2f} s" if gap is not None else "—"
    print(
        f"| {ceiling:,.0f} msg/s | **{result['notifications_per_s']:,.0f} notifications/s** "
        f"({result['elapsed_s']:.1f} s) | {result['queued_s']:.1f} s | {result['api_calls']} | "
        f"{result['pings']} | {result['edits']} | {result['429']} | {gap_text} |"
    )
    print()
    print(f"## Single events at {args.rate:g}/s, {args.singles} events, one chat")
    print("| case | own messages | folded into the digest | p50 | p99 |")
    print("|---|---:|---:|---:|---:|")
    print(
        f"| Telegram's limits (1/s per chat): publish → shown in the chat | "
        f"{limited['own_messages']} | {limited['folded']} | "
        f"{limited['shown_p50'] * 1000:,.0f} ms | {limited['shown_p99'] * 1000:,.0f} ms |"
    )
    p50, p99 = (pipeline["send_p50"] or 0) * 1000, (pipeline["send_p99"] or 0) * 1000
    print(
        f"| limits lifted, no digest: publish → sendMessage received | "
        f"{pipeline['own_messages']} | {pipeline['folded']} | {p50:,.0f} ms | {p99:,.0f} ms |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--chats", type=int, default=3)
    parser.add_argument("--singles", type=int, default=100)
    parser.add_argument("--rate", type=float, default=5.0)
    args = parser.parse_args()
    configure_logging(service="notifier-bench", level="WARNING", fmt="console")

    stops = []
    workdir = Path(tempfile.mkdtemp(prefix="snab-notifier-bench-"))
    nats_url = os.environ.get("NATS_URL")
    if not nats_url:
        embedded_nats = EmbeddedNats(workdir / "nats")
        nats_url = embedded_nats.start()
        stops.append(embedded_nats.stop)
    server_url = os.environ.get("DATABASE_URL")
    if not server_url:
        pg = EmbeddedPostgres(workdir / "pg")
        server_url = pg.start()
        stops.append(pg.stop)
    database_url = with_database(server_url, f"snab_bench_{uuid.uuid4().hex[:8]}")
    ensure_database(database_url)
    try:
        upgrade("snab_notifier.migrations", database_url)
        asyncio.run(run(nats_url, database_url, args))
    finally:
        drop_database(database_url)
        for stop in reversed(stops):
            stop()


if __name__ == "__main__":
    main()
