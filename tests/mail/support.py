"""Helpers shared by the mail-gateway integration tests."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
from nats.aio.msg import Msg
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from snab_kit.bus import BusNames
from snab_kit.embedded import free_port
from snab_kit.testing import wait_for
from snab_mail.main import MailGateway
from tests.peers import DovecotServer


@asynccontextmanager
async def running(gateway: MailGateway) -> AsyncIterator[MailGateway]:
    await gateway.service.start()
    try:
        yield gateway
    finally:
        await gateway.service.stop()


class Published:
    """Everything published on ``mail.>`` in the test's namespace, in order."""

    def __init__(self, bus: BusNames) -> None:
        self.bus = bus
        self.messages: list[tuple[str, dict[str, Any]]] = []

    async def _on(self, msg: Msg) -> None:
        self.messages.append((self.bus.logical(msg.subject), json.loads(msg.data)))

    def of(self, subject: str) -> list[dict[str, Any]]:
        return [body for name, body in self.messages if name == subject]

    async def wait(self, subject: str, count: int, timeout: float = 15.0) -> list[dict[str, Any]]:
        await wait_for(lambda: len(self.of(subject)) >= count, timeout=timeout)
        return self.of(subject)


async def http_get(gateway: MailGateway, path: str) -> httpx.Response:
    """GET ``path`` (/health, /metrics) of the running gateway, as an operator would: the
    service's own HTTP app, called in process."""
    transport = httpx.ASGITransport(app=gateway.service.asgi())
    async with httpx.AsyncClient(transport=transport, base_url="http://mail") as client:
        return await client.get(path)


async def health(gateway: MailGateway) -> tuple[int, dict[str, Any], str]:
    """(HTTP status, the JSON body, the body as text) of GET /health."""
    response = await http_get(gateway, "/health")
    return response.status_code, response.json(), response.text


async def scalar(engine: AsyncEngine, sql: str, **params: Any) -> Any:
    async with engine.connect() as conn:
        return (await conn.execute(text(sql), params)).scalar()


async def outbox_drained(engine: AsyncEngine) -> bool:
    pending = await scalar(engine, "SELECT count(*) FROM mail.outbox WHERE published_at IS NULL")
    return bool(pending == 0)


def letter(
    subject: str = "Заявка на крепёж",
    body: str = "Добрый день! Прошу выставить счёт: болт М8х30 DIN 933 — 200 шт.",
    *,
    sender: str = "Ольга Смирнова <o.smirnova@stroymontazh.example>",
    message_id: str | None = None,
    charset: str = "utf-8",
    **headers: str,
) -> tuple[bytes, str]:
    """A Russian client letter with a unique Message-ID; returns (raw, Message-ID)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "Снабжение <zakupki@broker.example>"
    message["Subject"] = subject
    message["Date"] = "Tue, 01 Dec 2026 10:15:00 +0300"
    message_id = message_id or f"<{uuid.uuid4().hex}@stroymontazh.example>"
    message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body, charset=charset)
    return message.as_bytes(), message_id


async def stream_count(nats_url: str, bus: BusNames, subject: str) -> int:
    """How many messages the MAIL stream holds on ``subject`` (after JetStream dedupe)."""
    import nats

    nc = await nats.connect(nats_url)
    try:
        info = await nc.jetstream().stream_info(
            bus.stream("MAIL"), subjects_filter=bus.subject(subject)
        )
        return int((info.state.subjects or {}).get(bus.subject(subject), 0))
    finally:
        await nc.close()


def append_all(imap: DovecotServer, messages: list[bytes]) -> None:
    """APPEND the messages to INBOX one after another over one connection (blocking)."""
    client = imap.connect()
    try:
        for raw in messages:
            status, _ = client.append("INBOX", None, None, raw)
            assert status == "OK"
    finally:
        client.logout()


# -- the gateway as a separate process ---------------------------------------------------


def gateway_env(
    imap: DovecotServer,
    *,
    nats_url: str,
    database_url: str,
    bus: BusNames,
    folder: Path,
    **overrides: str,
) -> dict[str, str]:
    """The environment of a ``python -m snab_mail`` reading ``imap``'s INBOX, with its own
    HTTP port; replicas started from it share the mail, the bus and the database."""
    env = {
        **os.environ,
        "NATS_URL": nats_url,
        "DATABASE_URL": database_url,
        "BUS_NAMESPACE": bus.namespace,
        "MAIL_HTTP_PORT": str(free_port()),
        "STORAGE_DIR": str(folder / "storage"),
        "MAIL_OUTBOX_DIR": str(folder / "outbox"),
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
    env.update(overrides)
    return env


class GatewayProcess:
    """``python -m snab_mail`` as a child process: started, killed (SIGKILL) or stopped
    (SIGTERM) by the test, read through its /health and /metrics like an operator would."""

    def __init__(self, env: dict[str, str], cwd: Path, name: str = "gateway") -> None:
        self.env = env
        self.cwd = cwd
        self.name = name
        self.process: subprocess.Popen[bytes] | None = None
        self.log = cwd / f"{name}.log"

    @property
    def port(self) -> int:
        return int(self.env["MAIL_HTTP_PORT"])

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

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

    def terminate(self) -> None:
        """Send SIGTERM (a graceful stop) and return at once."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)

    def wait(self, timeout: float) -> int:
        """Wait for the process to exit; its exit code."""
        assert self.process is not None
        return self.process.wait(timeout)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def _get(self, path: str) -> bytes | None:
        url = f"http://127.0.0.1:{self.port}{path}"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                body: bytes = response.read()
                return body
        except urllib.error.HTTPError as exc:
            return bytes(exc.read())  # 503 while starting: the body still says why
        except OSError:
            return None

    def health(self) -> dict[str, Any] | None:
        body = self._get("/health")
        return json.loads(body) if body is not None else None

    def metrics(self) -> str | None:
        body = self._get("/metrics")
        return body.decode() if body is not None else None

    def samples(self, name: str) -> list[Sample] | None:
        """The samples of one metric family on /metrics; None when nobody answers."""
        text = self.metrics()
        if text is None:
            return None
        for family in text_string_to_metric_families(text):
            if family.name == name:
                return list(family.samples)
        return []

    def leader(self) -> bool | None:
        """The lease gauge: True while this replica holds the mailbox lease, None when
        the process does not answer."""
        samples = self.samples("snab_mail_imap_leader")
        if samples is None:
            return None
        return any(sample.value == 1 for sample in samples)

    def received(self) -> dict[str, int]:
        """Messages this process took in from IMAP since it started, by outcome."""
        return {
            sample.labels["outcome"]: int(sample.value)
            for sample in self.samples("snab_mail_received") or []
            if sample.name == "snab_mail_received_total" and sample.labels["source"] == "imap"
        }

    def imap_connections(self, imap: DovecotServer) -> int:
        """Open TCP connections from this process to the IMAP server."""
        import psutil

        if not self.alive:
            return 0
        try:
            connections = psutil.Process(self.pid).net_connections(kind="tcp")
        except psutil.NoSuchProcess:
            return 0
        return sum(
            1
            for c in connections
            if c.raddr and c.raddr.port == imap.port and c.status == psutil.CONN_ESTABLISHED
        )
