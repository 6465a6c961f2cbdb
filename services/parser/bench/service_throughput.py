"""Parser service throughput end to end: mail.received in, a parsed event out, on NATS.

Publishes N ``mail.received`` events (their raw .eml stored first, as the mail gateway
does) and times until N results (``order.parsed``, ``quote.parsed`` or ``mail.classified``)
have been published by the service's outbox relay. The service runs with the rule
extractor. The baseline, measured in the same run on the same messages, is the parse engine
alone in this process (load the raw message, parse it, extract: no bus, no database).
Uses NATS_URL / DATABASE_URL when set, else embedded servers.

    .venv/bin/python services/parser/bench/service_throughput.py [--messages 1000] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import nats
from nats.aio.msg import Msg

from snab_contracts.mail import MailAddress, MailFlags, MailReceived
from snab_kit.bus import BusNames, migrate
from snab_kit.embedded import (
    EmbeddedNats,
    EmbeddedPostgres,
    drop_database,
    ensure_database,
    with_database,
)
from snab_kit.logging import configure_logging
from snab_kit.migrations import upgrade
from snab_kit.storage import LocalStorage
from snab_mailparse import parse_message
from snab_parser.extractors import ParseEngine
from snab_parser.main import build
from snab_parser.settings import ParserSettings

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "tests" / "corpus"
OUTPUTS = ("order.parsed", "quote.parsed", "mail.classified")


def load_samples() -> list[bytes]:
    samples = [p.read_bytes() for p in sorted(CORPUS.glob("*.eml"))]
    if not samples:
        raise SystemExit(f"no .eml files in {CORPUS}")
    return samples


async def event_for(storage: LocalStorage, raw: bytes) -> MailReceived:
    sha = hashlib.sha256(raw).hexdigest()
    key = await storage.put(f"mail/raw/{sha[:2]}/{sha}.eml", raw, "message/rfc822")
    mail = parse_message(raw)
    sender = mail.from_addr
    return MailReceived(
        mail_id=uuid.uuid4(),
        account="bench@broker.example",
        from_=MailAddress(email=sender.email, name=sender.name) if sender else None,
        mail_subject=mail.subject[:998],
        date=mail.date,
        text=mail.text[:100_000],
        raw_key=key,
        raw_sha256=sha,
        size=len(raw),
        flags=MailFlags(auto_reply=mail.auto_reply, bounce=mail.bounce),
        received_at=datetime.now(UTC),
    )


async def baseline(samples: list[bytes], n: int) -> float:
    """Messages per second of the parse engine alone (rules), in this process."""
    engine = ParseEngine(llm=None)
    await engine.parse(parse_message(samples[0]))  # warm-up: dictionaries, regexes
    started = time.perf_counter()
    for i in range(n):
        await engine.parse(await asyncio.to_thread(parse_message, samples[i % len(samples)]))
    return n / (time.perf_counter() - started)


async def end_to_end(
    nats_url: str, database_url: str, samples: list[bytes], n: int, workers: int
) -> tuple[float, dict[str, int]]:
    names = BusNames(f"bench{uuid.uuid4().hex[:8]}")
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    await migrate(js, names)
    with tempfile.TemporaryDirectory(prefix="snab-parser-bench-") as tmp:
        storage = LocalStorage(Path(tmp))
        events = [await event_for(storage, samples[i % len(samples)]) for i in range(n)]
        settings = ParserSettings(
            nats_url=nats_url,
            database_url=database_url,
            bus_namespace=names.namespace,
            storage_dir=Path(tmp),
            extractor="rules",
            consumer_workers=workers,
            outbox_poll_seconds=0.05,
            log_level="WARNING",
        )
        service = build(settings)
        counts = dict.fromkeys(OUTPUTS, 0)
        done = asyncio.Event()

        async def on_result(msg: Msg) -> None:
            counts[names.logical(msg.subject)] += 1
            if sum(counts.values()) >= n:
                done.set()

        for subject in OUTPUTS:
            await nc.subscribe(names.subject(subject), cb=on_result)
        async with service.running():
            started = time.perf_counter()
            acks = [
                await js.publish_async(
                    names.subject("mail.received"),
                    e.model_dump_json().encode(),
                    headers={"Nats-Msg-Id": str(e.id)},
                )
                for e in events
            ]
            await asyncio.gather(*acks)
            await asyncio.wait_for(done.wait(), timeout=max(120.0, n / 5))
            elapsed = time.perf_counter() - started
    await nc.drain()
    return n / elapsed, counts


async def measure(
    nats_url: str, database_url: str, samples: list[bytes], n: int, workers: int
) -> tuple[float, float, dict[str, int]]:
    alone = await baseline(samples, min(n, 300))
    rate, counts = await end_to_end(nats_url, database_url, samples, n, workers)
    return alone, rate, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=ParserSettings().consumer_workers)
    args = parser.parse_args()
    configure_logging(service="parser-bench", level="WARNING", fmt="console")

    samples = load_samples()
    stops = []
    workdir = Path(tempfile.mkdtemp(prefix="snab-parser-bench-servers-"))
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
        upgrade("snab_parser.migrations", database_url)
        alone, rate, counts = asyncio.run(
            measure(nats_url, database_url, samples, args.messages, args.workers)
        )
    finally:
        drop_database(database_url)
        for stop in reversed(stops):
            stop()

    print(f"messages: {args.messages} ({len(samples)} distinct emails), workers: {args.workers}")
    print(f"results: {counts}")
    print("| parse engine alone (rules) | service end to end (NATS in, NATS out) | ratio |")
    print("|---:|---:|---:|")
    print(f"| {alone:,.0f} msg/s | **{rate:,.0f} msg/s** | {rate / alone:.2f} |")


if __name__ == "__main__":
    main()
