"""Proposal rendering: time per document and documents per second, against a baseline.

Measured in one run, on the same machine, after warm-up (process start excluded):

1. baseline: WeasyPrint rendering a bare one-line HTML page (same fonts, same process);
2. the shipped КП template rendered in this process, 1, 10 and 40 lines;
3. the service's path: the document's JSON sent to a pool worker and the PDF back
   (one worker, one at a time: the latency a request sees);
4. the service itself: document.requested published on NATS → document.generated
   received from NATS (rendered, stored, committed, relayed), one at a time (--service);
5. throughput: 10-line documents thrown at the pool all at once, pool of 1 and of 2.

    .venv/bin/python services/documents/bench/render_bench.py [--runs 50] [--service]

--service uses NATS_URL / DATABASE_URL when set, else embedded servers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from documents_testkit import proposal  # noqa: E402

from snab_contracts.documents import DocumentRequested  # noqa: E402
from snab_documents.render.pdf import ProposalRenderer, TemplateConfig  # noqa: E402
from snab_documents.render.pool import PoolOptions, RenderPool  # noqa: E402

SIZES = (1, 10, 40)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return p50 * 1000, p99 * 1000


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    fn()  # warm-up
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


def row(label: str, samples: list[float], baseline: float | None = None) -> None:
    p50, p99 = percentiles(samples)
    ratio = f"{p50 / baseline:>8.1f}×" if baseline else f"{'':>9}"
    print(f"{label:<52}{p50:>9.1f}{p99:>9.1f}{ratio}")


async def pool_latency(runs: int) -> dict[int, list[float]]:
    pool = RenderPool(TemplateConfig(), PoolOptions(size=1))
    await pool.start()
    try:
        found = {}
        for size in SIZES:
            payload = proposal(size).model_dump_json().encode()
            await pool.render(payload)
            samples = []
            for _ in range(runs):
                started = time.perf_counter()
                await pool.render(payload)
                samples.append(time.perf_counter() - started)
            found[size] = samples
        return found
    finally:
        await pool.close()


async def pool_throughput(size: int, documents: int) -> float:
    pool = RenderPool(TemplateConfig(), PoolOptions(size=size))
    await pool.start()
    await pool.warm()
    try:
        payload = proposal(10).model_dump_json().encode()
        await asyncio.gather(*(pool.render(payload) for _ in range(size)))
        started = time.perf_counter()
        await asyncio.gather(*(pool.render(payload) for _ in range(documents)))
        return documents / (time.perf_counter() - started)
    finally:
        await pool.close()


async def service_latency(runs: int) -> list[float]:
    import nats

    from snab_documents.main import assemble
    from snab_documents.settings import DocumentsSettings
    from snab_kit.bus import BusNames, migrate
    from snab_kit.embedded import (
        EmbeddedNats,
        EmbeddedPostgres,
        drop_database,
        ensure_database,
        with_database,
    )
    from snab_kit.migrations import upgrade

    workdir = Path(tempfile.mkdtemp(prefix="snab-bench-"))
    stops = []
    url = os.environ.get("NATS_URL")
    if not url:
        server = EmbeddedNats(workdir / "nats")
        url = server.start()
        stops.append(server.stop)
    db_server = os.environ.get("DATABASE_URL")
    if not db_server:
        pg = EmbeddedPostgres(workdir / "pg")
        db_server = pg.start()
        stops.append(pg.stop)
    database_url = with_database(db_server, f"snab_bench_{uuid.uuid4().hex[:8]}")
    await asyncio.to_thread(ensure_database, database_url)
    await asyncio.to_thread(upgrade, "snab_documents.migrations", database_url)
    names = BusNames(f"bench{uuid.uuid4().hex[:6]}")
    nc = await nats.connect(url)
    await migrate(nc.jetstream(), names)
    documents = assemble(
        DocumentsSettings(
            nats_url=url,
            database_url=database_url,
            bus_namespace=names.namespace,
            storage_dir=workdir / "storage",
            outbox_poll_seconds=0.01,
            documents_render_workers=1,
        )
    )
    await documents.service.start()
    answers: asyncio.Queue[bytes] = asyncio.Queue()

    async def on_answer(msg: Any) -> None:
        await answers.put(msg.data)

    # document.generated as the relay publishes it: the whole path, waited on without polling.
    await nc.subscribe(names.subject("document.generated"), cb=on_answer)
    samples = []
    try:
        for n in range(runs + 1):
            event = DocumentRequested(
                order_id=uuid.uuid4(), proposal_id=uuid.uuid4(), proposal=proposal(10)
            )
            started = time.perf_counter()
            await nc.jetstream().publish(
                names.subject(event.subject),
                event.model_dump_json().encode(),
                headers={"Nats-Msg-Id": str(event.id)},
            )
            answer = json.loads(await asyncio.wait_for(answers.get(), 60))
            assert answer["request_event_id"] == str(event.id)
            if n:  # the first one is the warm-up
                samples.append(time.perf_counter() - started)
    finally:
        await documents.service.stop()
        await nc.drain()
        await asyncio.to_thread(drop_database, database_url)
        for stop in stops:
            stop()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50, help="renders per measure")
    parser.add_argument("--documents", type=int, default=100, help="documents for throughput")
    parser.add_argument("--service", action="store_true", help="also the service on NATS+PG")
    args = parser.parse_args()

    renderer = ProposalRenderer(TemplateConfig())
    from weasyprint import HTML

    bare = "<html><body><p>Коммерческое предложение</p></body></html>"
    baseline = timed(lambda: HTML(string=bare).write_pdf(), args.runs)
    base_p50 = percentiles(baseline)[0]
    in_process = {
        size: timed(lambda size=size: renderer.render(proposal(size)), args.runs) for size in SIZES
    }
    latency = asyncio.run(pool_latency(args.runs))
    service = asyncio.run(service_latency(args.runs)) if args.service else None
    rates = {size: asyncio.run(pool_throughput(size, args.documents)) for size in (1, 2)}

    print(f"cores: {os.cpu_count()}; runs per measure: {args.runs}; after warm-up")
    print(f"{'render':<52}{'p50 ms':>9}{'p99 ms':>9}{'÷ base':>9}")
    row("baseline: WeasyPrint, bare one-line HTML page", baseline)
    for size in SIZES:
        row(f"КП {size} line(s), in process", in_process[size], base_p50)
    for size in SIZES:
        row(f"КП {size} line(s), pool worker round trip", latency[size], base_p50)
    if service is not None:
        row("КП 10 lines, service: requested → generated", service, base_p50)
    print(f"{'throughput, 10-line КП':<52}{'docs/s':>9}")
    for size, rate in rates.items():
        print(f"{f'pool of {size}':<52}{rate:>9.1f}")
    print(json.dumps({"baseline_p50_ms": round(base_p50, 1)}))


if __name__ == "__main__":
    main()
