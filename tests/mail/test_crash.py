"""The gateway as a separate process, killed with SIGKILL in the middle of its work."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from snab_kit.bus import BusNames
from snab_kit.testing import wait_for
from tests.mail.support import (
    GatewayProcess,
    Published,
    append_all,
    gateway_env,
    letter,
    outbox_drained,
    scalar,
    stream_count,
)
from tests.peers import DovecotServer

TOTAL = 200


@pytest.fixture
def imap() -> Iterator[DovecotServer]:
    with DovecotServer() as server:
        yield server


@pytest.fixture
def gateway_process(
    imap: DovecotServer, nats_url: str, database_url: str, bus: BusNames, tmp_path: Path
) -> Iterator[GatewayProcess]:
    env = gateway_env(imap, nats_url=nats_url, database_url=database_url, bus=bus, folder=tmp_path)
    process = GatewayProcess(env, tmp_path)
    try:
        yield process
    finally:
        process.stop()
        if os.environ.get("KEEP_GATEWAY_LOG"):
            print(process.log.read_text(errors="replace"))


async def test_sigkill_in_the_middle_of_200_messages_publishes_each_exactly_once(
    imap: DovecotServer,
    gateway_process: GatewayProcess,
    mail_db: AsyncEngine,
    published: Published,
    nats_url: str,
    bus: BusNames,
) -> None:
    taken = "SELECT count(*) FROM mail.inbound_messages"
    gateway_process.start()
    await wait_for(lambda: scalar(mail_db, "SELECT count(*) FROM mail.mailboxes"), timeout=30)

    letters = [letter(f"Заявка №{n}", f"Болт М{n % 30 + 6} — {n + 1} шт.") for n in range(TOTAL)]
    appending = asyncio.ensure_future(  # noqa: RUF006 - awaited below
        asyncio.to_thread(append_all, imap, [raw for raw, _ in letters])
    )
    await wait_for(lambda: _at_least(scalar(mail_db, taken), 40), timeout=60, interval=0.005)
    gateway_process.kill()
    at_kill = int(await scalar(mail_db, taken))
    await appending
    assert at_kill < TOTAL, "intake finished before it could be killed"

    restarted = time.monotonic()
    gateway_process.start()
    await wait_for(lambda: _at_least(scalar(mail_db, taken), TOTAL), timeout=90)
    took = time.monotonic() - restarted
    await wait_for(lambda: outbox_drained(mail_db), timeout=30)
    print(
        f"killed after {at_kill} messages; the restarted process took in the other "
        f"{TOTAL - at_kill} in {took:.1f}s (including its start-up and the lease wait)"
    )

    assert await stream_count(nats_url, bus, "mail.received") == TOTAL
    await published.wait("mail.received", TOTAL, timeout=30)
    ids = [event["message_id"] for event in published.of("mail.received")]
    assert sorted(ids) == sorted(message_id for _, message_id in letters)
    assert await scalar(mail_db, taken) == TOTAL
    health = await asyncio.to_thread(gateway_process.health)
    assert health is not None and health["status"] == "ok", health


async def _at_least(value: object, threshold: int) -> bool:
    return int(await value) >= threshold  # type: ignore[misc]
