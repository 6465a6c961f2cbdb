"""Pieces shared by the cluster tests and the cluster benchmark (``bench/cluster.py``).

The mail gateway's part is played here: each client request is stored as the gateway
stores it (the raw .eml under its sha256) and announced on ``mail.received``. The parser and
orders run as real processes, as many replicas of each as asked, against one NATS server
or a cluster.
"""

from __future__ import annotations

import asyncio
import hashlib
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import asyncpg
from nats.js import JetStreamContext

from snab_contracts.mail import MailAddress, MailFlags, MailReceived
from snab_kit.bus import BusNames
from snab_kit.migrations import upgrade
from snab_kit.storage import LocalStorage
from tests.e2e.system import ServiceProcess, base_env

ITEMS = (
    ("Болт М{n}х{l} DIN 933 оцинкованный", "шт"),
    ("Гайка М{n} DIN 934", "шт"),
    ("Шайба плоская {n} DIN 125", "шт"),
    ("Кабель ВВГнг-LS 3х{n},5", "м"),
    ("Саморез {n}х{l} по металлу", "шт"),
)


def request_email(n: int, run: str) -> bytes:
    """A client's request for three to five positions, from a sender of its own."""
    message = EmailMessage()
    message["From"] = f"Ольга Миронова <snab{n}@zavod{n % 53}.example>"
    message["To"] = "zakupki@broker.example"
    message["Subject"] = f"Запрос цен №{n}"
    message["Date"] = format_datetime(datetime.now().astimezone())
    message["Message-ID"] = f"<cluster-{run}-{n}@zavod.example>"
    lines = [
        f"{i + 1}. {name.format(n=6 + (n + i) % 10, l=20 + 5 * i)} — {5 * (i + 1) + n % 9} {unit}"
        for i, (name, unit) in enumerate(ITEMS[: 3 + n % 3])
    ]
    message.set_content(
        "Здравствуйте!\n\nПрошу выставить счёт или КП на:\n\n"
        + "\n".join(lines)
        + f"\n\nС уважением,\nОльга Миронова\nАО «Завод металлоконструкций {n}»\n"
        f"ИНН 50{n:08d}\n"
    )
    return message.as_bytes()


async def stored_requests(storage_dir: Path, count: int, run: str) -> list[MailReceived]:
    """``count`` requests stored as the mail gateway stores them, with their events."""
    storage = LocalStorage(storage_dir)
    events = []
    for n in range(count):
        raw = request_email(n, run)
        sha = hashlib.sha256(raw).hexdigest()
        key = await storage.put(f"mail/raw/{sha[:2]}/{sha}.eml", raw, "message/rfc822")
        events.append(
            MailReceived(
                mail_id=uuid.uuid4(),
                account="zakupki@broker.example",
                from_=MailAddress(email=f"snab{n}@zavod{n % 53}.example", name="Ольга Миронова"),
                mail_subject=f"Запрос цен №{n}",
                date=datetime.now(UTC),
                text="",
                raw_key=key,
                raw_sha256=sha,
                size=len(raw),
                flags=MailFlags(),
                received_at=datetime.now(UTC),
            )
        )
    return events


async def publish_all(
    js: JetStreamContext, names: BusNames, events: list[MailReceived], *, window: int = 64
) -> int:
    """Publish every event, ``window`` at a time, as an outbox relay does: a publish that
    fails (a node died, a stream leader is being elected) is tried again with the same
    Nats-Msg-Id, which the stream deduplicates. Returns how many tries failed."""
    failures = 0

    async def one(event: MailReceived) -> None:
        nonlocal failures
        while True:
            try:
                await js.publish(
                    names.subject("mail.received"),
                    event.model_dump_json().encode(),
                    headers={"Nats-Msg-Id": str(event.id)},
                    timeout=5,
                )
                return
            except Exception:
                failures += 1
                await asyncio.sleep(0.25)

    for start in range(0, len(events), window):
        await asyncio.gather(*(one(event) for event in events[start : start + window]))
    return failures


def migrate(nats_url: str, database_url: str, replicas: int, namespace: str = "") -> None:
    """Streams (with the real ``snab-bus migrate``) and the two schemas."""
    bus = Path(sys.executable).parent / "snab-bus"
    env = base_env(
        nats_url=nats_url, database_url=database_url, namespace=namespace, storage=Path()
    )
    subprocess.run(
        [str(bus), "migrate", "--replicas", str(replicas)],
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )
    upgrade("snab_parser.migrations", database_url)
    upgrade("snab_orders.migrations", database_url)


async def count_orders(database_url: str) -> tuple[int, int]:
    """(orders, distinct source emails) in the orders schema."""
    conn = await asyncpg.connect(database_url)
    try:
        row = await conn.fetchrow(
            "SELECT count(*) AS n, count(DISTINCT source_mail_id) AS d FROM orders.orders"
        )
        assert row is not None
        return int(row["n"]), int(row["d"])
    finally:
        await conn.close()


@dataclass
class Share:
    """How many messages each replica handled (summed over its lives: a replica that was
    killed counts what it had reported just before)."""

    subject: str
    lives: dict[str, list[float]] = field(default_factory=dict)

    def note(self, label: str, value: float | None, restarted: bool) -> None:
        runs = self.lives.setdefault(label, [0.0])
        if restarted:
            runs.append(0.0)
        if value is not None:
            runs[-1] = max(runs[-1], value)

    def totals(self) -> dict[str, int]:
        return {label: int(sum(runs)) for label, runs in self.lives.items()}


class Replicas:
    """``count`` replicas of the parser and of orders as real processes."""

    def __init__(self, env: dict[str, str], logdir: Path, count: int) -> None:
        env = {**env, "PARSER_WORKERS": "1", "LOG_LEVEL": "WARNING"}
        self.procs = {
            f"{name}-{i + 1}": ServiceProcess(name, env, logdir, label=f"{name}-{i + 1}")
            for name in ("parser", "orders")
            for i in range(count)
        }
        self.shares = {
            "parser": Share("mail.received"),
            "orders": Share("order.parsed"),
        }
        self._restarted: set[str] = set()
        self._stop = threading.Event()
        self._watch: threading.Thread | None = None

    def start(self) -> None:
        for proc in self.procs.values():
            proc.start()
        for proc in self.procs.values():
            proc.wait_healthy(timeout=90)
        self._watch = threading.Thread(target=self._sample, daemon=True)
        self._watch.start()

    def kill(self, label: str) -> None:
        self.procs[label].kill()

    def restart(self, label: str) -> None:
        self._restarted.add(label)
        self.procs[label].start()
        self.procs[label].wait_healthy(timeout=90)

    def _sample(self) -> None:
        while not self._stop.wait(0.3):
            self.sample()

    def sample(self) -> None:
        for label, proc in self.procs.items():
            share = self.shares[proc.name]
            value = proc.metric("snab_messages_handled_total", subject=share.subject, outcome="ok")
            restarted = label in self._restarted
            self._restarted.discard(label)
            share.note(label, value, restarted)

    def stop(self) -> None:
        self._stop.set()
        if self._watch is not None:
            self._watch.join()
        self.sample()
        for proc in self.procs.values():
            proc.stop()


@contextmanager
def replicas(env: dict[str, str], logdir: Path, count: int) -> Iterator[Replicas]:
    group = Replicas(env, logdir, count)
    try:
        group.start()
        yield group
    finally:
        group.stop()


async def wait_orders(database_url: str, total: int, timeout: float) -> float:
    """Seconds until ``total`` orders exist; raises with the count reached."""
    started = time.monotonic()
    while True:
        orders, _ = await count_orders(database_url)
        if orders >= total:
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"{orders} of {total} orders after {timeout:.0f}s")
        await asyncio.sleep(0.25)
