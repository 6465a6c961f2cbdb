"""IMAP intake against a real Dovecot: IDLE and polling, restarts, UIDVALIDITY changes."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from snab_kit.bus import BusNames
from snab_kit.testing import wait_for
from snab_mail.main import MailGateway, assemble
from snab_mail.services import intake as intake_module
from snab_mail.settings import MailgatewaySettings
from tests.mail.support import Published, letter, outbox_drained, running, scalar, stream_count
from tests.peers import DovecotServer


def imap_settings(
    make: Callable[..., MailgatewaySettings], imap: DovecotServer, **more: Any
) -> MailgatewaySettings:
    values: dict[str, Any] = {
        "imap_server": imap.host,
        "imap_port": imap.port,
        "imap_security": "none",
        "email_username": imap.user,
        "email_password": imap.password,
        **more,
    }
    return make(**values)


async def cursor(engine: AsyncEngine) -> int:
    return int(await scalar(engine, "SELECT coalesce(max(last_uid), 0) FROM mail.mailboxes") or 0)


async def settled(engine: AsyncEngine, uid: int) -> bool:
    return await cursor(engine) >= uid and await outbox_drained(engine)


async def ready(gateway: MailGateway) -> None:
    assert gateway.poller is not None
    await asyncio.wait_for(gateway.poller.ready.wait(), 20)


@pytest.fixture(params=[True, False], ids=["idle", "polling"])
def dovecot(request: pytest.FixtureRequest) -> Iterator[DovecotServer]:
    with DovecotServer(idle=request.param) as server:
        yield server


@pytest.fixture
def imap() -> Iterator[DovecotServer]:
    with DovecotServer() as server:
        yield server


async def test_an_appended_message_gives_exactly_one_event_and_stays_unseen(
    dovecot: DovecotServer,
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
    published: Published,
    nats_url: str,
    bus: BusNames,
) -> None:
    # With IDLE the poll interval is long: only IDLE can deliver the message in time. IDLE
    # is re-issued every 0.3 s here (every 9 minutes by default), a few times before the
    # message arrives.
    poll = 60.0 if dovecot.idle else 0.3
    settings = imap_settings(make_settings, dovecot, imap_poll_seconds=poll, imap_idle_seconds=0.3)
    async with running(assemble(settings)) as gateway:
        await ready(gateway)
        await wait_for(lambda: gateway.poller.waits >= 3, timeout=10)  # type: ignore[union-attr]
        raw, message_id = letter(
            "Заявка: кабель ВВГнг",
            "Здравствуйте! Нужно 300 м кабеля ВВГнг 3х2,5 до 15 декабря.",
            charset="koi8-r",
        )
        uid = await asyncio.to_thread(dovecot.append, raw)
        [event] = await published.wait("mail.received", 1, timeout=15)
        await wait_for(lambda: settled(mail_db, uid), timeout=10)
        assert await stream_count(nats_url, bus, "mail.received") == 1

    assert event["source"] == "imap"
    assert event["account"] == dovecot.user and event["folder"] == "INBOX"
    assert event["uid"] == uid
    assert event["message_id"] == message_id
    assert event["mail_subject"] == "Заявка: кабель ВВГнг"
    assert "300 м кабеля ВВГнг" in event["text"]
    assert event["from"]["email"] == "o.smirnova@stroymontazh.example"
    stored = await gateway.storage.get(event["raw_key"])
    assert stored.replace(b"\r\n", b"\n") == raw.replace(b"\r\n", b"\n")
    flags = await asyncio.to_thread(dovecot.fetch_flags, uid)
    assert "\\Seen" not in flags


async def test_history_before_the_first_start_is_left_alone_and_restarts_lose_nothing(
    imap: DovecotServer,
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
    published: Published,
    nats_url: str,
    bus: BusNames,
) -> None:
    old, _ = letter("Старое письмо")
    await asyncio.to_thread(imap.append, old)
    settings = imap_settings(make_settings, imap)
    async with running(assemble(settings)) as gateway:
        await ready(gateway)
        first, first_id = letter("Первая заявка")
        await asyncio.to_thread(imap.append, first)
        await published.wait("mail.received", 1)
    # Mail that arrives while the service is down is taken in after the restart.
    second, second_id = letter("Вторая заявка")
    third, third_id = letter("Третья заявка")
    await asyncio.to_thread(imap.append, second)
    uid = await asyncio.to_thread(imap.append, third)
    async with running(assemble(settings)):
        await published.wait("mail.received", 3)
        await wait_for(lambda: settled(mail_db, uid), timeout=10)
        assert await stream_count(nats_url, bus, "mail.received") == 3
    ids = [event["message_id"] for event in published.of("mail.received")]
    assert ids == [first_id, second_id, third_id]


async def test_uidvalidity_change_publishes_nothing_twice(
    imap: DovecotServer,
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
    published: Published,
    nats_url: str,
    bus: BusNames,
) -> None:
    # Default IDLE cycle and timeouts: the rebuild ends the IDLE session (BYE, then the
    # server goes down), which must be noticed at once, not after a timeout.
    settings = imap_settings(make_settings, imap)
    async with running(assemble(settings)) as gateway:
        await ready(gateway)
        sent = [letter(f"Заявка №{n}") for n in range(3)]
        for raw, _ in sent:
            await asyncio.to_thread(imap.append, raw)
        await published.wait("mail.received", 3)
        before = await scalar(mail_db, "SELECT uidvalidity FROM mail.mailboxes")

        # The server loses its index: same messages, new UIDVALIDITY, UIDs from 1 again.
        after = await asyncio.to_thread(imap.recreate_mailbox)
        late, late_id = letter("Заявка после перестройки ящика")
        uid = await asyncio.to_thread(imap.append, late)
        await published.wait("mail.received", 4, timeout=20)
        await wait_for(
            lambda: scalar(mail_db, "SELECT uidvalidity = :v FROM mail.mailboxes", v=after),
            timeout=10,
        )
        await wait_for(lambda: settled(mail_db, uid), timeout=10)
        assert await stream_count(nats_url, bus, "mail.received") == 4
    assert before != after
    ids = [event["message_id"] for event in published.of("mail.received")]
    assert ids == [message_id for _, message_id in sent] + [late_id]
    assert await scalar(mail_db, "SELECT count(*) FROM mail.inbound_messages") == 4


async def test_a_30_mb_message_is_flagged_and_the_next_one_still_arrives(
    imap: DovecotServer,
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
    published: Published,
) -> None:
    settings = imap_settings(make_settings, imap)
    async with running(assemble(settings)) as gateway:
        await ready(gateway)
        big, big_id = letter("Прайс-лист", "Прайс во вложении. " + "Ж" * (15 * 1024 * 1024))
        good, good_id = letter("Заявка на цемент", "Цемент М500 — 40 мешков.")
        await asyncio.to_thread(imap.append, big)
        await asyncio.to_thread(imap.append, good)
        events = await published.wait("mail.received", 2, timeout=30)
    assert [e["message_id"] for e in events] == [big_id, good_id]
    assert events[0]["flags"]["unparseable"] and events[0]["size"] > 25 * 1024 * 1024
    assert not events[1]["flags"]["unparseable"] and "40 мешков" in events[1]["text"]


async def test_only_one_replica_reads_the_mailbox_and_a_standby_takes_over(
    imap: DovecotServer,
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
    published: Published,
    nats_url: str,
    bus: BusNames,
) -> None:
    settings = imap_settings(make_settings, imap, imap_lease_seconds=2.0)
    replicas = [assemble(settings), assemble(settings)]
    for replica in replicas:
        await replica.service.start()
    try:
        await wait_for(lambda: any(r.poller.leader for r in replicas), timeout=10)  # type: ignore[union-attr]
        leader, standby = sorted(replicas, key=lambda r: not r.poller.leader)  # type: ignore[union-attr]
        assert not standby.poller.leader  # type: ignore[union-attr]
        await ready(leader)

        async def standing_by() -> bool:
            ok, checks = await standby.service.health()
            return ok and checks["imap"] == "standby"

        await wait_for(standing_by, timeout=5)  # ready: a rolling update is not held up
        raw, _ = letter("Заявка до переключения")
        await asyncio.to_thread(imap.append, raw)
        await published.wait("mail.received", 1)

        await leader.service.stop()  # a graceful stop hands the lease over at once
        replicas.remove(leader)
        await wait_for(lambda: standby.poller.leader, timeout=4)  # type: ignore[union-attr]
        await ready(standby)
        raw, _ = letter("Заявка после переключения")
        uid = await asyncio.to_thread(imap.append, raw)
        await published.wait("mail.received", 2)
        await wait_for(lambda: settled(mail_db, uid), timeout=10)
        assert await stream_count(nats_url, bus, "mail.received") == 2
    finally:
        for replica in replicas:
            await replica.service.stop()


@pytest.mark.parametrize("security", ["ssl", "starttls"])
async def test_intake_over_tls(
    security: str,
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
    published: Published,
) -> None:
    with DovecotServer(tls=True) as imap:
        assert imap.cert is not None and imap.tls_port is not None
        settings = imap_settings(
            make_settings,
            imap,
            imap_security=security,
            imap_port=imap.tls_port if security == "ssl" else imap.port,
            imap_ca_file=imap.cert.cert_path,
        )
        async with running(assemble(settings)) as gateway:
            await ready(gateway)
            raw, message_id = letter("Заявка по защищённому каналу")
            await asyncio.to_thread(imap.append, raw)
            [event] = await published.wait("mail.received", 1)
    assert event["message_id"] == message_id


async def test_a_message_that_keeps_failing_is_set_aside_not_blocking(
    imap: DovecotServer,
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
    published: Published,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_parse = intake_module.parse_timed

    def parse_timed(raw: bytes, limits: Any) -> Any:
        if b"POISON" in raw:
            raise ValueError("a bug this message triggers")
        return real_parse(raw, limits)

    monkeypatch.setattr(intake_module, "parse_timed", parse_timed)
    gateway = assemble(imap_settings(make_settings, imap))
    poison, poison_id = letter("POISON", "POISON")
    good, good_id = letter("Заявка на гвозди", "Гвозди 100 мм — 50 кг.")
    async with running(gateway):
        await ready(gateway)
        # The batch that holds the poison fails whole, then its messages go one by one.
        await asyncio.to_thread(imap.append, poison)
        await asyncio.to_thread(imap.append, good)
        events = await published.wait("mail.received", 2, timeout=20)
    assert [e["message_id"] for e in events] == [poison_id, good_id]
    assert events[0]["flags"]["unparseable"]
    assert "a bug this message triggers" in events[0]["flags"]["defects"][0]
    assert not events[1]["flags"]["unparseable"] and "Гвозди" in events[1]["text"]


async def test_backfill_takes_the_last_days_of_history(
    imap: DovecotServer,
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
    published: Published,
) -> None:
    now = datetime.now(UTC)
    dated = [(letter(f"Письмо {days} дн. назад"), days) for days in (30, 10, 3, 1)]
    for (raw, _), days in dated:
        when = (now - timedelta(days=days)).strftime("%d-%b-%Y %H:%M:%S +0000")
        await asyncio.to_thread(imap.append, raw, "INBOX", (), when)
    settings = imap_settings(make_settings, imap, imap_backfill_days=7)
    async with running(assemble(settings)) as gateway:
        await ready(gateway)
        events = await published.wait("mail.received", 2)
        await wait_for(lambda: settled(mail_db, 4), timeout=10)
    assert [e["message_id"] for e in events] == [m for (_, m), days in dated if days < 7]
