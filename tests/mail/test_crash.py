"""The gateway as a separate process, killed with SIGKILL in the middle of its work."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from snab_kit.bus import BusNames
from snab_kit.embedded import free_port
from snab_kit.testing import wait_for
from tests.mail.support import Published, letter, outbox_drained, scalar, stream_count
from tests.peers import DovecotServer

TOTAL = 200


class GatewayProcess:
    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.env = env
        self.cwd = cwd
        self.process: subprocess.Popen[bytes] | None = None
        self.log = cwd / "gateway.log"

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "snab_mail"],
                env=self.env,
                cwd=self.cwd,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def health(self) -> dict[str, object] | None:
        url = f"http://127.0.0.1:{self.env['MAIL_HTTP_PORT']}/health"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                body: dict[str, object] = json.loads(response.read())
                return body
        except OSError:
            return None


@pytest.fixture
def imap() -> Iterator[DovecotServer]:
    with DovecotServer() as server:
        yield server


@pytest.fixture
def gateway_process(
    imap: DovecotServer, nats_url: str, database_url: str, bus: BusNames, tmp_path: Path
) -> Iterator[GatewayProcess]:
    env = {
        **os.environ,
        "NATS_URL": nats_url,
        "DATABASE_URL": database_url,
        "BUS_NAMESPACE": bus.namespace,
        "MAIL_HTTP_PORT": str(free_port()),
        "STORAGE_DIR": str(tmp_path / "storage"),
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
        "EMAIL_USERNAME": imap.user,
        "EMAIL_PASSWORD": imap.password,
        "EMAIL_FROM": "zakupki@broker.example",
        "IMAP_SERVER": imap.host,
        "IMAP_PORT": str(imap.port),
        "IMAP_SECURITY": "none",
        "IMAP_BATCH_SIZE": "20",
        "IMAP_LEASE_SECONDS": "2",
        "LOG_LEVEL": "INFO",
    }
    process = GatewayProcess(env, tmp_path)
    try:
        yield process
    finally:
        process.stop()
        if os.environ.get("KEEP_GATEWAY_LOG"):
            print(process.log.read_text(errors="replace"))


def _append_all(imap: DovecotServer, messages: list[bytes]) -> None:
    client = imap.connect()
    try:
        for raw in messages:
            status, _ = client.append("INBOX", None, None, raw)
            assert status == "OK"
    finally:
        client.logout()


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
        asyncio.to_thread(_append_all, imap, [raw for raw, _ in letters])
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
