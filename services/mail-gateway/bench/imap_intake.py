"""IMAP intake throughput: N messages waiting in a real Dovecot INBOX, taken in from cold.

    .venv/bin/python services/mail-gateway/bench/imap_intake.py [N]

Starts an embedded NATS and PostgreSQL and a private Dovecot (root and dovecot-imapd
needed, as for the tests), appends N Russian letters while the gateway is stopped, then
starts it (IDLE mode) and reports how fast the backlog becomes ``mail.received`` events.
For comparison it also times the intake use case alone (no IMAP) on the same letters.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
import uuid
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from snab_kit.bus import BusNames, migrate_url  # noqa: E402
from snab_kit.embedded import (  # noqa: E402
    EmbeddedNats,
    EmbeddedPostgres,
    ensure_database,
    with_database,
)
from snab_kit.logging import configure_logging  # noqa: E402
from snab_kit.migrations import upgrade  # noqa: E402
from snab_mail.main import assemble  # noqa: E402
from snab_mail.services.intake import Origin  # noqa: E402
from snab_mail.settings import MailgatewaySettings  # noqa: E402
from tests.peers import DovecotServer  # noqa: E402


def letter(n: int) -> bytes:
    message = EmailMessage()
    message["From"] = "Ольга Смирнова <o.smirnova@stroymontazh.example>"
    message["To"] = "zakupki@broker.example"
    message["Subject"] = f"Заявка №{n}"
    message["Message-ID"] = f"<{uuid.uuid4().hex}@stroymontazh.example>"
    message.set_content(
        "Добрый день!\nПрошу выставить счёт:\n"
        + "\n".join(f"{i}. Болт М{6 + i}х30 DIN 933 — {100 * i} шт." for i in range(1, 15))
    )
    return message.as_bytes()


async def bench(total: int, work: Path, nats_url: str, database_url: str) -> None:
    names = BusNames(f"bench{uuid.uuid4().hex[:6]}")
    await migrate_url(nats_url, names)
    letters = [letter(n) for n in range(total)]
    with DovecotServer() as imap:
        settings = MailgatewaySettings(
            _env_file=None,  # type: ignore[call-arg]
            nats_url=nats_url,
            database_url=database_url,
            bus_namespace=names.namespace,
            storage_dir=work / "storage",
            imap_server=imap.host,
            imap_port=imap.port,
            imap_security="none",
            email_username=imap.user,
            email_password=imap.password,
            log_level="WARNING",
        )
        gateway = assemble(settings)
        await gateway.service.start()  # creates the cursor: "from now on"
        assert gateway.poller is not None
        await gateway.poller.ready.wait()
        await gateway.service.stop()
        client = imap.connect()
        for raw in letters:
            client.append("INBOX", None, None, raw)
        client.logout()

        gateway = assemble(settings)
        started = time.perf_counter()
        await gateway.service.start()
        async with gateway.service.engine.connect() as conn:
            while True:
                count = (
                    await conn.execute(text("SELECT count(*) FROM mail.inbound_messages"))
                ).scalar_one()
                await conn.commit()
                if count >= total:
                    break
                await asyncio.sleep(0.02)
        took = time.perf_counter() - started
        await gateway.service.stop()
        print(f"IMAP intake: {total} messages in {took:.2f}s = {total / took:.0f} msg/s")

        alone = assemble(settings.model_copy(update={"storage_dir": work / "storage2"}))
        fresh = [letter(n) for n in range(total)]
        started = time.perf_counter()
        for raw in fresh:
            await alone.intake.ingest(raw, Origin("upload", "bench", "upload"))
        took = time.perf_counter() - started
        await alone.service.engine.dispose()
        print(f"intake alone: {total} messages in {took:.2f}s = {total / took:.0f} msg/s")


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    work = Path(tempfile.mkdtemp(prefix="snab-bench-"))
    os.environ.setdefault("XDG_RUNTIME_DIR", str(work))
    nats_server = EmbeddedNats(work / "nats")
    pg = EmbeddedPostgres(work / "pg")
    try:
        nats_url = nats_server.start()
        database_url = with_database(pg.start(), "bench")
        ensure_database(database_url)
        upgrade("snab_mail.migrations", database_url)
        configure_logging(service="mail", level="WARNING", fmt="console")
        asyncio.run(bench(total, work, nats_url, database_url))
    finally:
        nats_server.stop()
        pg.stop()


if __name__ == "__main__":
    main()
