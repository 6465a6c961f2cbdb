"""Exactly-once effect through outbox → JetStream → inbox, across SIGKILLs, and the DLQ."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import nats
import pytest
from kit_busapp import Ping, Poison, effects, messaging
from kit_busapp import build as build_app
from prometheus_client import REGISTRY
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from snab_kit.bus import BusNames
from snab_kit.consume import Tx
from snab_kit.errors import NotFoundError
from snab_kit.outbox import add_events
from snab_kit.settings import ServiceSettings
from snab_kit.testing import wait_for

BUSAPP = Path(__file__).with_name("kit_busapp.py")
TOTAL = 1000


class Proc:
    """A busapp process that can be killed and restarted."""

    def __init__(self, mode: str, env: dict[str, str]) -> None:
        self.mode = mode
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(BUSAPP), self.mode],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture(params=[0, 50], ids=["per-message", "batch-50"])
def procs(
    request: pytest.FixtureRequest, nats_url: str, database_url: str, bus: BusNames
) -> Iterator[dict[str, Proc]]:
    env = {
        **os.environ,
        "NATS_URL": nats_url,
        "DATABASE_URL": database_url,
        "BUS_NAMESPACE": bus.namespace,
        "HANDLER_DELAY": "0.003",
        "CONSUMER_WORKERS": "4",
        "RELAY_BATCH": "20",
        "ACK_WAIT_SECONDS": "3",
        "CONSUMER_BATCH": str(request.param),
        "PYTHONPATH": str(BUSAPP.parent),
    }
    made = {"relay": Proc("relay", env), "consume": Proc("consume", env)}
    try:
        yield made
    finally:
        for proc in made.values():
            proc.stop()


async def _count(engine: AsyncEngine, stmt: object) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(stmt) or 0)  # type: ignore[call-overload]


async def test_each_event_has_exactly_one_effect_despite_sigkills(
    kit_db: AsyncEngine, procs: dict[str, Proc]
) -> None:
    events = [Ping(n=i) for i in range(TOTAL)]
    async with kit_db.begin() as conn:
        for start in range(0, TOTAL, 100):
            await add_events(conn, messaging, events[start : start + 100])

    published = (
        select(func.count())
        .select_from(messaging.outbox)
        .where(messaging.outbox.c.published_at.is_not(None))
    )
    effect_rows = select(func.count()).select_from(effects)

    relay, consumer = procs["relay"], procs["consume"]
    relay.start()
    consumer.start()

    # Kill the relay in the middle of its work, then bring it back.
    await wait_for(lambda: _count(kit_db, published), timeout=60, interval=0.005)
    relay.kill()
    done_at_kill = await _count(kit_db, published)
    assert done_at_kill < TOTAL, "relay finished before it could be killed mid-way"
    relay.start()

    # Kill the consumer mid-way too.
    await wait_for(lambda: _gt(_count(kit_db, effect_rows), TOTAL // 3), timeout=60, interval=0.005)
    consumer.kill()
    effects_at_kill = await _count(kit_db, effect_rows)
    assert effects_at_kill < TOTAL, "consumer finished before it could be killed mid-way"
    consumer.start()

    await wait_for(lambda: _gt(_count(kit_db, effect_rows), TOTAL - 1), timeout=120)
    await asyncio.sleep(1.0)  # give any duplicate a chance to land before counting
    assert await _count(kit_db, effect_rows) == TOTAL
    distinct = select(func.count(func.distinct(effects.c.event_id)))
    assert await _count(kit_db, distinct) == TOTAL
    assert await _count(kit_db, published) == TOTAL


async def _gt(value: object, threshold: int) -> bool:
    return await value > threshold  # type: ignore[operator,no-any-return]


async def test_failing_handler_ends_in_dlq_with_error_and_metric(
    kit_db: AsyncEngine, nats_url: str, database_url: str, bus: BusNames
) -> None:
    settings = ServiceSettings(
        nats_url=nats_url,
        database_url=database_url,
        bus_namespace=bus.namespace,
        max_deliver=3,
        retry_backoff_seconds=[0.1],
        consumer_workers=1,
        dlq_watch_seconds=0.1,
    )
    service = build_app(settings)
    attempts: list[int] = []

    @service.on(Poison)
    async def always_fails(event: Poison, tx: object) -> None:
        attempts.append(1)
        raise RuntimeError("поставщик не найден")

    def dlq_count() -> float:
        value = REGISTRY.get_sample_value(
            "snab_dlq_messages_total", {"service": "kittest", "subject": "order.poison"}
        )
        return value or 0.0

    before = dlq_count()
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    dlq_sub = await js.subscribe(bus.subject("dlq.order.poison"), stream=bus.stream("DLQ"))
    poison = Poison()
    async with service.running():
        await js.publish(bus.subject(poison.subject), poison.model_dump_json().encode())
        msg = await dlq_sub.next_msg(timeout=20)
        await asyncio.sleep(0.5)
    await nc.drain()

    assert len(attempts) == 3
    assert msg.headers is not None
    assert "поставщик не найден" in msg.headers["Snab-Error"]
    assert msg.headers["Snab-Delivered"] == "3"
    assert Poison.model_validate_json(msg.data).id == poison.id
    assert dlq_count() == before + 1
    waiting = REGISTRY.get_sample_value(
        "snab_dlq_size", {"service": "kittest", "subject": "order.poison"}
    )
    assert waiting == 1.0


async def test_a_broken_business_rule_goes_to_dlq_without_retries(
    kit_db: AsyncEngine, nats_url: str, database_url: str, bus: BusNames
) -> None:
    """A domain error (a supplier that does not exist) would break again on redelivery:
    one attempt, then the DLQ with the rule's message."""
    settings = ServiceSettings(
        nats_url=nats_url,
        database_url=database_url,
        bus_namespace=bus.namespace,
        max_deliver=5,
        retry_backoff_seconds=[0.1],
    )
    service = build_app(settings)
    attempts: list[int] = []

    @service.on(Poison)
    async def refers_to_nothing(event: Poison, tx: object) -> None:
        attempts.append(1)
        raise NotFoundError("поставщик не найден", supplier_id="42")

    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    dlq_sub = await js.subscribe(bus.subject("dlq.order.poison"), stream=bus.stream("DLQ"))
    async with service.running():
        await js.publish(bus.subject("order.poison"), Poison().model_dump_json().encode())
        msg = await dlq_sub.next_msg(timeout=10)
    await nc.drain()
    assert attempts == [1]
    assert msg.headers is not None
    assert msg.headers["Snab-Delivered"] == "1"
    assert "поставщик не найден" in msg.headers["Snab-Error"]


async def test_invalid_payload_goes_to_dlq_without_retries(
    kit_db: AsyncEngine, nats_url: str, database_url: str, bus: BusNames
) -> None:
    settings = ServiceSettings(
        nats_url=nats_url, database_url=database_url, bus_namespace=bus.namespace, max_deliver=5
    )
    service = build_app(settings)
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    dlq_sub = await js.subscribe(bus.subject("dlq.order.ping"), stream=bus.stream("DLQ"))
    async with service.running():
        await js.publish(bus.subject("order.ping"), b'{"n": "not a number"}')
        msg = await dlq_sub.next_msg(timeout=10)
    await nc.drain()
    assert msg.headers is not None
    assert msg.headers["Snab-Delivered"] == "1"
    assert "invalid order.ping payload" in msg.headers["Snab-Error"]


async def test_redelivered_event_is_handled_once(
    kit_db: AsyncEngine, nats_url: str, database_url: str, bus: BusNames
) -> None:
    """The same event published twice (past JetStream's dedupe) has one effect."""
    settings = ServiceSettings(
        nats_url=nats_url, database_url=database_url, bus_namespace=bus.namespace
    )
    service = build_app(settings)
    ping = Ping(n=7)
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    async with service.running():
        for _ in range(3):  # no Nats-Msg-Id: JetStream stores all three copies
            await js.publish(bus.subject(ping.subject), ping.model_dump_json().encode())
        await wait_for(lambda: _count(kit_db, select(func.count()).select_from(messaging.inbox)))
        await asyncio.sleep(0.5)
        handled = REGISTRY.get_sample_value(
            "snab_messages_handled_total",
            {"service": "kittest", "subject": "order.ping", "outcome": "duplicate"},
        )
    await nc.drain()
    assert await _count(kit_db, select(func.count()).select_from(effects)) == 1
    assert (handled or 0) >= 2


async def test_transaction_emits_through_outbox(
    kit_db: AsyncEngine, nats_url: str, database_url: str, bus: BusNames
) -> None:
    settings = ServiceSettings(
        nats_url=nats_url, database_url=database_url, bus_namespace=bus.namespace
    )
    service = build_app(settings)
    async with service.running():
        async with service.transaction() as tx:
            await tx.session.execute(insert(effects).values(event_id=Ping(n=0).id, n=-1))
            await tx.emit(Ping(n=42))
        # The relay publishes, the consumer handles: one more effect row with n=42.
        await wait_for(
            lambda: _count(
                kit_db, select(func.count()).select_from(effects).where(effects.c.n == 42)
            )
        )


async def test_after_commit_callbacks_run_only_after_a_commit(
    kit_db: AsyncEngine, nats_url: str, database_url: str, bus: BusNames
) -> None:
    settings = ServiceSettings(
        nats_url=nats_url, database_url=database_url, bus_namespace=bus.namespace
    )
    service = build_app(settings)
    calls: list[str] = []
    async with service.running():
        async with service.transaction() as tx:
            tx.after_commit(lambda: calls.append("committed"))
            assert calls == []
        assert calls == ["committed"]
        with pytest.raises(RuntimeError):
            async with service.transaction() as tx:
                tx.after_commit(lambda: calls.append("rolled back"))
                raise RuntimeError("откат")
    assert calls == ["committed"]


async def test_dead_letter_is_replayed_once_the_cause_is_fixed(
    kit_db: AsyncEngine, nats_url: str, database_url: str, bus: BusNames
) -> None:
    from snab_kit.dlq import dead_letters, replay

    settings = ServiceSettings(
        nats_url=nats_url,
        database_url=database_url,
        bus_namespace=bus.namespace,
        max_deliver=2,
        retry_backoff_seconds=[0.1],
    )
    service = build_app(settings)
    broken = {"yes": True}

    @service.on(Poison)
    async def sometimes_fails(event: Poison, tx: Tx) -> None:
        if broken["yes"]:
            raise RuntimeError("справочник недоступен")
        await tx.session.execute(insert(effects).values(event_id=event.id, n=-7))

    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    poison = Poison()
    handled = select(func.count()).select_from(effects).where(effects.c.n == -7)
    async with service.running():
        await js.publish(bus.subject(poison.subject), poison.model_dump_json().encode())
        letters = await wait_for(lambda: dead_letters(js, bus, "order.poison"), timeout=15)
        assert len(letters) == 1
        assert "справочник недоступен" in letters[0].error
        assert letters[0].delivered == 2

        broken["yes"] = False
        await replay(js, bus, letters[0])
        await wait_for(lambda: _count(kit_db, handled), timeout=15)
        assert await dead_letters(js, bus, "order.poison") == []
    await nc.drain()
    assert await _count(kit_db, handled) == 1
