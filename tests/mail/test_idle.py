"""An IDLE connection that dies, against a real Dovecot, with the default IDLE cycle
(IMAP_IDLE_SECONDS=540): mail keeps arriving in time, once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from structlog.testing import capture_logs

from snab_kit.bus import BusNames
from snab_kit.testing import wait_for
from snab_mail.main import MailGateway, assemble
from snab_mail.settings import MailgatewaySettings
from tests.mail.support import (
    Published,
    health,
    letter,
    outbox_drained,
    running,
    scalar,
    stream_count,
)
from tests.peers import DovecotServer


@pytest.fixture
def imap() -> Iterator[DovecotServer]:
    with DovecotServer() as server:
        yield server


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


async def idling(gateway: MailGateway, imap: DovecotServer) -> None:
    """Wait until the gateway sits in IDLE and its session is the only one open."""
    assert gateway.poller is not None
    poller = gateway.poller
    await wait_for(lambda: poller.idling, timeout=20)
    await wait_for(lambda: len(imap.session_pids()) == 1, timeout=10)


async def settled(engine: AsyncEngine, uid: int) -> bool:
    last = await scalar(engine, "SELECT coalesce(max(last_uid), 0) FROM mail.mailboxes")
    return int(last or 0) >= uid and await outbox_drained(engine)


async def test_a_silently_dropped_idle_connection_is_noticed_within_a_minute(
    imap: DovecotServer,
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
    published: Published,
    nats_url: str,
    bus: BusNames,
) -> None:
    settings = imap_settings(make_settings, imap)
    assert settings.imap_idle_seconds == 540  # the defaults: no shortcut in this test
    assert settings.imap_timeout_seconds == 60
    with capture_logs() as logs:
        async with running(assemble(settings)) as gateway:
            before, before_id = letter("Заявка до обрыва связи")
            await idling(gateway, imap)
            await asyncio.to_thread(imap.append, before)
            await published.wait("mail.received", 1)
            await idling(gateway, imap)
            # The server side of the IDLE session freezes: no FIN, no RST, no answers,
            # as when a NAT or firewall forgets the connection.
            with imap.stalled() as frozen:
                assert len(frozen) == 1
                started = time.monotonic()
                after, after_id = letter("Заявка после обрыва связи")
                uid = await asyncio.to_thread(imap.append, after)
                events = await published.wait("mail.received", 2, timeout=60)
                took = time.monotonic() - started
                await wait_for(lambda: settled(mail_db, uid), timeout=10)
                _, body, _ = await health(gateway)
        assert await stream_count(nats_url, bus, "mail.received") == 2
    print(f"silently dropped IDLE connection: the new message arrived after {took:.1f}s")
    assert [e["message_id"] for e in events] == [before_id, after_id]
    assert events[1]["uid"] == uid
    assert await scalar(mail_db, "SELECT count(*) FROM mail.inbound_messages") == 2
    [dropped] = [e for e in logs if e["event"] == "imap_unreachable"]
    assert dropped["reason"] == "timeout" and dropped["log_level"] == "warning"
    assert body["checks"]["imap"] == "ok"


async def test_a_server_that_hangs_up_during_idle_is_noticed_at_once(
    imap: DovecotServer,
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
    published: Published,
    nats_url: str,
    bus: BusNames,
) -> None:
    # The server says BYE and closes (a restart, an admin's kick). aioimaplib tells a
    # waiting command nothing of the closed connection, so a wait that watched only the
    # answer used to sit out IMAP_TIMEOUT_SECONDS (60 s) — in a few kicks out of ten,
    # when the BYE was read before the close.
    settings = imap_settings(make_settings, imap)
    slowest = 0.0
    async with running(assemble(settings)) as gateway:
        for n in range(5):
            await idling(gateway, imap)
            await asyncio.to_thread(imap.kick)
            started = time.monotonic()
            raw, _ = letter(f"Заявка №{n} после разрыва")
            uid = await asyncio.to_thread(imap.append, raw)
            await published.wait("mail.received", n + 1, timeout=15)
            slowest = max(slowest, time.monotonic() - started)
        await wait_for(lambda: settled(mail_db, uid), timeout=10)
        assert await stream_count(nats_url, bus, "mail.received") == 5
    print(f"server hung up during IDLE: slowest arrival after {slowest:.1f}s")


async def test_mail_arriving_while_the_idle_is_renewed_is_not_missed(
    imap: DovecotServer,
    mail_db: AsyncEngine,
    make_settings: Callable[..., MailgatewaySettings],
    published: Published,
) -> None:
    # The IDLE is ended and started again every 0.5 s (20 s by default); the mailbox is
    # read again only every 540 s. Only IDLE's news can bring these messages in time.
    settings = imap_settings(make_settings, imap, imap_keepalive_seconds=0.5)
    with capture_logs() as logs:
        async with running(assemble(settings)) as gateway:
            await idling(gateway, imap)
            for n in range(5):
                raw, _ = letter(f"Заявка №{n}")
                await asyncio.to_thread(imap.append, raw)
                await published.wait("mail.received", n + 1, timeout=10)
    assert not [e for e in logs if e["event"] == "imap_unreachable"]
