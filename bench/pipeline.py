"""The whole pipeline as a user runs it: `make run`, a real mailbox, bursts of requests.

    .venv/bin/python bench/pipeline.py [--burst 1000] [--bursts 3] [--full 1000]
                                       [--steady-seconds 30]

Starts a private Dovecot (IMAP, IDLE) and an SMTP peer, then ``deploy/local/run.py`` (the
``make run`` runner: embedded NATS and PostgreSQL, all six services) on free ports, and
measures, in one run on this machine:

- start: seconds from launching the runner until every service answers /health "ok";
- RSS of every service at idle, after each burst, and the growth across bursts;
- bursts: N client requests APPENDed to the INBOX as fast as IMAP takes them; emails/s from
  the first APPEND until the last order is committed, and per-email latency (APPEND →
  order committed) percentiles;
- full mailbox: N requests APPENDed to another folder, then moved into the INBOX with one
  MOVE, so the running gateway finds them all at once; mails/s from the MOVE until the last
  is stored (and until its ``mail.received`` is published), then on to the orders;
- steady: 10 emails/s with IDLE, latency p50/p99;
- bare stages on the same letters: IMAP fetch alone, MIME parse alone, rule parse alone,
  and the durable bus alone (libs/kit/bench/bus_throughput.py on the same servers).

Needs root (Dovecot) like the tests. Prints a table next to the targets; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import imaplib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
import psutil  # noqa: E402

from snab_kit.embedded import free_port  # noqa: E402
from tests.peers import DovecotServer, SmtpPeer  # noqa: E402

SERVICES = {
    "mail": ("snab_mail", "MAIL_HTTP_PORT"),
    "parser": ("snab_parser", "PARSER_HTTP_PORT"),
    "orders": ("snab_orders", "ORDERS_HTTP_PORT"),
    "documents": ("snab_documents", "DOCUMENTS_HTTP_PORT"),
    "notifier": ("snab_notifier", "NOTIFIER_HTTP_PORT"),
    "gateway": ("snab_gateway", "GATEWAY_PORT"),
}
TARGETS = {
    "start_s": 8.0,
    "burst_per_s": 60.0,
    "intake_per_s": 150.0,
    "steady_p99_s": 1.5,
    "idle_rss_mb": 120.0,
    "burst_rss_mb": 200.0,
}
ITEMS = [
    ("Болт М{n}х{l} DIN 933 оцинк.", "шт"),
    ("Гайка М{n} DIN 934", "шт"),
    ("Шайба {n} DIN 125", "шт"),
    ("Кабель ВВГнг-LS 3х{n},5", "м"),
    ("Саморез {n}х{l} по металлу", "шт"),
    ("Анкер клиновой М{n}х{l}", "шт"),
    ("Перчатки х/б с ПВХ, размер {n}", "пар"),
]


def letter(n: int, mailbox: str) -> tuple[str, bytes]:
    """A client's request: five to seven lines, a company, an INN, its own sender."""
    message = EmailMessage()
    company = f"ООО «Стройкомплект-{n}»"
    message["From"] = f"Ирина Лебедева <zakaz{n}@stroykomplekt{n % 97}.example>"
    message["To"] = mailbox
    message["Subject"] = f"Заявка на поставку №{n}"
    message["Date"] = format_datetime(datetime.now().astimezone())
    message_id = f"<bench-{n}-{os.getpid()}@stroykomplekt.example>"
    message["Message-ID"] = message_id
    lines = [
        f"{i + 1}. {name.format(n=6 + (n + i) % 10, l=20 + 5 * (i % 6))} — "
        f"{10 * (i + 1) + n % 7} {unit}"
        for i, (name, unit) in enumerate(ITEMS[: 5 + n % 3])
    ]
    message.set_content(
        "Добрый день!\n\nПросим прислать коммерческое предложение на следующие позиции:\n\n"
        + "\n".join(lines)
        + f"\n\nСрок поставки — до конца месяца.\n\nС уважением,\nИрина Лебедева\n{company}\n"
        f"ИНН 77{n:08d}\nтел. +7 (495) 123-{n % 100:02d}-{n % 89:02d}\n"
    )
    return message_id, message.as_bytes()


# -- the running system ----------------------------------------------------------------------


@dataclass
class System:
    process: subprocess.Popen[bytes]
    ports: dict[str, int]
    data: Path
    log: Path
    started_at: float
    database_url: str = ""
    pids: dict[str, int] = field(default_factory=dict)

    ready_at: dict[str, float] = field(default_factory=dict)
    """Seconds from launch until each service first answered /health "ok"."""

    def healthy(self) -> bool:
        for name, port in self.ports.items():
            if name in self.ready_at:
                continue
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                    if json.loads(r.read()).get("status") == "ok":
                        self.ready_at[name] = time.monotonic() - self.started_at
            except Exception:  # noqa: S112 - not up yet: asked again on the next round
                continue
        return len(self.ready_at) == len(self.ports)

    def ready_order(self) -> str:
        return "  ".join(
            f"{name} {at:.1f}" for name, at in sorted(self.ready_at.items(), key=lambda i: i[1])
        )

    def find_pids(self) -> None:
        children: dict[str, int] = {}
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                stat = (proc / "stat").read_text()
                cmdline = (proc / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid != self.process.pid:
                continue
            for name, (module, _) in SERVICES.items():
                if module.encode() in cmdline:
                    children[name] = int(proc.name)
        self.pids = children

    def rss_mb(self) -> dict[str, float]:
        self.find_pids()
        out = {}
        for name, pid in self.pids.items():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    out[name] = int(line.split()[1]) / 1024
        return out

    def cpu_seconds(self) -> dict[str, float]:
        """CPU seconds used so far by each service (its own child processes included) and
        by the rest of the runner's processes ("servers": PostgreSQL and NATS)."""
        runner = psutil.Process(self.process.pid)
        used: dict[str, float] = {}
        for one in runner.children(recursive=True):
            try:
                times = one.cpu_times()
                pid = one.pid
                parents = {pid, *(parent.pid for parent in one.parents())}
            except psutil.NoSuchProcess:
                continue
            name = next((n for n, p in self.pids.items() if p in parents), "servers")
            used[name] = used.get(name, 0.0) + times.user + times.system
        return used

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()


def start_system(work: Path, imap: DovecotServer, smtp: SmtpPeer) -> System:
    ports = {name: free_port() for name in SERVICES}
    env = {k: v for k, v in os.environ.items() if k not in ("NATS_URL", "DATABASE_URL")}
    env.update({var: str(ports[name]) for name, (_, var) in SERVICES.items()})
    env.update(
        SNAB_DATA_DIR=str(work / "data"),
        EMBEDDED_NATS_PORT=str(free_port()),
        LOG_LEVEL="WARNING",
        EMAIL_USERNAME=imap.user,
        EMAIL_PASSWORD=imap.password,
        EMAIL_FROM=f"Снабжение <{imap.user}>",
        IMAP_SERVER=imap.host,
        IMAP_PORT=str(imap.port),
        IMAP_SECURITY="none",
        SMTP_SERVER=smtp.host,
        SMTP_PORT=str(smtp.port),
        SMTP_SECURITY="none",
        SMTP_USERNAME="bench",
        SMTP_PASSWORD="bench-secret",  # noqa: S106 - the local SMTP peer's own
        OPENAI_API_KEY="",
        TELEGRAM_BOT_TOKEN="",
    )
    log = work / "run.log"
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "deploy" / "local" / "run.py")],
        env=env,
        cwd=ROOT,
        stdout=open(log, "wb"),  # noqa: SIM115 - closed with the process
        stderr=subprocess.STDOUT,
    )
    system = System(process, ports, work / "data", log, started)
    deadline = started + 180
    while not system.healthy():
        if process.poll() is not None or time.monotonic() > deadline:
            system.stop()
            raise RuntimeError(f"make run did not become healthy:\n{log.read_text()[-3000:]}")
        time.sleep(0.05)
    run_env = dict(
        line.split("=", 1) for line in (work / "data" / "run.env").read_text().splitlines()
    )
    system.database_url = run_env["DATABASE_URL"]
    system.nats_url = run_env["NATS_URL"]  # type: ignore[attr-defined]
    return system


# -- measuring ------------------------------------------------------------------------------


def fetch(database_url: str, sql: str, *args: object) -> list[asyncpg.Record]:
    """The rows of one query, on a connection of its own."""

    async def query() -> list[asyncpg.Record]:
        conn = await asyncpg.connect(database_url)
        try:
            rows: list[asyncpg.Record] = await conn.fetch(sql, *args)
            return rows
        finally:
            await conn.close()

    return asyncio.run(query())


def order_times(database_url: str, ids: set[str]) -> dict[str, float]:
    """Message-ID → epoch seconds at which its order was committed."""

    rows = fetch(
        database_url,
        "SELECT m.message_id, extract(epoch FROM o.created_at) AS at "
        "FROM orders.orders o JOIN mail.inbound_messages m ON m.id = o.source_mail_id "
        "WHERE m.message_id = ANY($1::text[])",
        list(ids),
    )
    return {row["message_id"]: float(row["at"]) for row in rows}


def stage_counts(database_url: str) -> dict[str, int]:
    """Rows so far in each stage: mail taken in, mail read by the parser, orders."""

    (row,) = fetch(
        database_url,
        "SELECT (SELECT count(*) FROM mail.inbound_messages) AS mail, "
        "(SELECT count(*) FROM parser.parse_attempts) AS parser, "
        "(SELECT count(*) FROM orders.orders) AS orders",
    )
    return dict(row)


def wait_orders(database_url: str, ids: set[str], timeout: float) -> dict[str, float]:
    deadline = time.monotonic() + timeout
    while True:
        done = order_times(database_url, ids)
        if len(done) == len(ids) or time.monotonic() > deadline:
            return done
        time.sleep(0.2)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def append_all(
    imap: DovecotServer, letters: list[tuple[str, bytes]], folder: str = "INBOX"
) -> dict[str, float]:
    """APPEND every letter on one IMAP session; Message-ID → epoch seconds appended."""
    at: dict[str, float] = {}
    client = imap.connect()
    try:
        for message_id, raw in letters:
            client.append(folder, "", imaplib.Time2Internaldate(time.time()), raw)
            at[message_id] = time.time()
    finally:
        client.logout()
    return at


def burst(system: System, imap: DovecotServer, start: int, count: int) -> dict[str, float]:
    letters = [letter(n, imap.user) for n in range(start, start + count)]
    before = stage_counts(system.database_url)
    finished: dict[str, float] = {}
    watching = True

    def watch() -> None:  # when each stage has taken in the whole burst
        while watching and len(finished) < len(before):
            now = stage_counts(system.database_url)
            for stage, n in now.items():
                if stage not in finished and n - before[stage] >= count:
                    finished[stage] = time.time()
            time.sleep(0.2)

    watcher = threading.Thread(target=watch, daemon=True)
    first = time.time()
    watcher.start()
    appended = append_all(imap, letters)
    append_rate = count / (time.time() - first)
    done = wait_orders(system.database_url, set(appended), timeout=600)
    watching = False
    watcher.join()
    if len(done) < count:
        print(f"  ! only {len(done)} of {count} orders after 600 s")
    last = max(done.values())
    latencies = [done[m] - appended[m] for m in done]
    return {
        "emails": count,
        "append_per_s": append_rate,
        "per_s": len(done) / (last - first),
        "p50_s": percentile(latencies, 0.5),
        "p99_s": percentile(latencies, 0.99),
        **{f"{stage}_done_s": at - first for stage, at in finished.items()},
    }


def intake_times(database_url: str, ids: set[str], since: float) -> dict[str, float]:
    """Of the mails with these Message-IDs, taken in after ``since`` (epoch seconds): how
    many are stored and published, and the epoch seconds of the first and last stored and
    of the last ``mail.received`` published."""

    (row,) = fetch(
        database_url,
        "WITH m AS (SELECT id, received_at FROM mail.inbound_messages "
        "  WHERE message_id = ANY($1::text[])), "
        "o AS (SELECT (convert_from(payload, 'UTF8')::jsonb ->> 'mail_id')::uuid AS id, "
        "  published_at FROM mail.outbox "
        "  WHERE subject = 'mail.received' AND created_at >= to_timestamp($2)) "
        "SELECT count(*) AS stored, count(o.published_at) AS published, "
        "extract(epoch FROM min(m.received_at)) AS first_stored, "
        "extract(epoch FROM max(m.received_at)) AS last_stored, "
        "extract(epoch FROM max(o.published_at)) AS last_published "
        "FROM m LEFT JOIN o USING (id)",
        list(ids),
        since,
    )
    return {k: float(v) if v is not None else float("nan") for k, v in row.items()}


def full_mailbox(system: System, imap: DovecotServer, start: int, count: int) -> dict[str, float]:
    """The gateway, running and idle, finds ``count`` requests in its INBOX at once: they are
    APPENDed to another folder first, then moved into the INBOX with one MOVE, as a mailbox
    fills while the gateway is away. Intake is timed from the end of the MOVE until the last
    is stored and its event published; the gateway hears of them by IDLE, which Dovecot
    announces half a second after a change."""
    letters = [letter(n, imap.user) for n in range(start, start + count)]
    imap.create_mailbox("Backlog")
    append_all(imap, letters, folder="Backlog")
    ids = {message_id for message_id, _ in letters}
    system.find_pids()
    cpu_before = system.cpu_seconds()
    client = imap.connect()
    try:
        client.select("Backlog")
        status, _ = client.uid("MOVE", "1:*", "INBOX")
        moved = time.time()
    finally:
        client.logout()
    if status != "OK":
        raise RuntimeError(f"MOVE into the INBOX refused: {status}")
    deadline = time.monotonic() + 600
    while True:
        taken = intake_times(system.database_url, ids, moved - 1)
        if taken["published"] >= count or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    cpu = system.cpu_seconds()
    if taken["published"] < count:
        print(f"  ! only {taken['stored']:.0f} stored, {taken['published']:.0f} published")
    done = wait_orders(system.database_url, ids, timeout=600)
    return {
        "emails": count,
        "stored_per_s": taken["stored"] / (taken["last_stored"] - moved),
        "published_per_s": taken["published"] / (taken["last_published"] - moved),
        "first_stored_s": taken["first_stored"] - moved,
        "stored_s": taken["last_stored"] - moved,
        "published_s": taken["last_published"] - moved,
        "orders_per_s": len(done) / (max(done.values()) - moved),
        "orders_s": max(done.values()) - moved,
        **{f"{name}_cpu_s": cpu[name] - cpu_before.get(name, 0.0) for name in cpu},
    }


def steady(
    system: System, imap: DovecotServer, start: int, seconds: float, rate: float
) -> dict[str, float]:
    count = int(seconds * rate)
    letters = [letter(n, imap.user) for n in range(start, start + count)]
    appended: dict[str, float] = {}
    client = imap.connect()
    began = time.monotonic()
    try:
        for i, (message_id, raw) in enumerate(letters):
            pause = began + i / rate - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            client.append("INBOX", "", imaplib.Time2Internaldate(time.time()), raw)
            appended[message_id] = time.time()
    finally:
        client.logout()
    done = wait_orders(system.database_url, set(appended), timeout=120)
    latencies = [done[m] - appended[m] for m in done]
    return {
        "emails": len(done),
        "p50_s": percentile(latencies, 0.5),
        "p99_s": percentile(latencies, 0.99),
        "max_s": max(latencies),
    }


def bare_stages(imap: DovecotServer, system: System, count: int) -> dict[str, float]:
    from snab_mailparse import parse_message
    from snab_parser.rules import RuleExtractor

    client = imap.connect()
    try:
        client.select("INBOX", readonly=True)
        _, data = client.uid("SEARCH", "ALL")
        uids = data[0].split()[-count:]
        t0 = time.perf_counter()
        raws: list[bytes] = []
        for i in range(0, len(uids), 100):
            chunk = b",".join(uids[i : i + 100])
            _, fetched = client.uid("FETCH", chunk.decode(), "(BODY.PEEK[])")
            raws += [part[1] for part in fetched if isinstance(part, tuple)]
        fetch_rate = len(raws) / (time.perf_counter() - t0)
    finally:
        client.logout()
    t0 = time.perf_counter()
    parsed = [parse_message(raw) for raw in raws]
    mime_rate = len(raws) / (time.perf_counter() - t0)
    extractor = RuleExtractor()
    extractor.extract(parsed[0])  # dictionaries loaded
    t0 = time.perf_counter()
    for mail in parsed:
        extractor.extract(mail)
    rules_rate = len(parsed) / (time.perf_counter() - t0)
    bus = subprocess.run(
        [
            sys.executable,
            str(ROOT / "libs" / "kit" / "bench" / "bus_throughput.py"),
            "--events",
            "2000",
        ],
        env={**os.environ, "NATS_URL": system.nats_url, "DATABASE_URL": system.database_url},  # type: ignore[attr-defined]
        capture_output=True,
        text=True,
        check=False,
    )
    durable = next(
        (
            float(line.split()[-1])
            for line in bus.stdout.splitlines()
            if line.startswith("durable:")
        ),
        float("nan"),
    )
    return {
        "imap_fetch_per_s": fetch_rate,
        "mime_parse_per_s": mime_rate,
        "rule_parse_per_s": rules_rate,
        "durable_bus_per_s": durable,
    }


def show_rss(label: str, rss: dict[str, float], limit: float) -> None:
    cells = "  ".join(f"{name} {mb:.0f}" for name, mb in sorted(rss.items()))
    worst = max(rss.values())
    print(f"  RSS {label:<14} MB: {cells}   (max {worst:.0f}, target < {limit:.0f})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--burst", type=int, default=1000)
    parser.add_argument("--bursts", type=int, default=3)
    parser.add_argument("--full", type=int, default=1000, help="letters in the full mailbox")
    parser.add_argument("--steady-seconds", type=float, default=30.0)
    parser.add_argument("--rate", type=float, default=10.0)
    args = parser.parse_args()

    with (
        tempfile.TemporaryDirectory(prefix="snab-pipeline-") as tmp,
        DovecotServer() as imap,
        SmtpPeer(credentials=("bench", "bench-secret")) as smtp,
    ):
        work = Path(tmp)
        system = start_system(work, imap, smtp)
        try:
            start_s = time.monotonic() - system.started_at
            print(f"first start (PostgreSQL initialised): healthy {start_s:.1f} s after make run")
            print(f"  each service healthy after, s: {system.ready_order()}")
            time.sleep(5)
            idle = system.rss_mb()
            show_rss("idle", idle, TARGETS["idle_rss_mb"])
            after: list[dict[str, float]] = []
            n = 0
            for b in range(args.bursts):
                result = burst(system, imap, n, args.burst)
                n += args.burst
                time.sleep(3)
                after.append(system.rss_mb())
                print(
                    f"burst {b + 1}: {result['emails']:.0f} emails, "
                    f"APPEND {result['append_per_s']:.0f}/s; {result['per_s']:.1f} emails/s "
                    f"APPEND → order (target ≥ {TARGETS['burst_per_s']:.0f}); "
                    f"latency p50 {result['p50_s']:.2f} s, p99 {result['p99_s']:.2f} s"
                )
                stages = "  ".join(
                    f"{stage} {result[f'{stage}_done_s']:.1f} s"
                    for stage in ("mail", "parser", "orders")
                    if f"{stage}_done_s" in result
                )
                print(f"  the whole burst through each stage after: {stages}")
                show_rss(f"after burst {b + 1}", after[-1], TARGETS["burst_rss_mb"])
            if len(after) >= 2:
                growth = {k: after[-1][k] - after[0][k] for k in after[0] if k in after[-1]}
                print(
                    "  RSS growth from burst 1 to the last, MB: "
                    + "  ".join(f"{k} {v:+.0f}" for k, v in sorted(growth.items()))
                )
            if args.full > 0:
                result = full_mailbox(system, imap, n, args.full)
                n += args.full
                print(
                    f"full mailbox: {result['emails']:.0f} emails moved into the INBOX at once; "
                    f"{result['stored_per_s']:.1f} emails/s stored "
                    f"(target ≥ {TARGETS['intake_per_s']:.0f}), "
                    f"{result['published_per_s']:.1f}/s published"
                )
                print(
                    f"  after the MOVE: first stored {result['first_stored_s']:.2f} s, "
                    f"all stored {result['stored_s']:.1f} s, "
                    f"published {result['published_s']:.1f} s, "
                    f"all orders {result['orders_s']:.1f} s ({result['orders_per_s']:.1f}/s)"
                )
                print(
                    "  CPU seconds until published: "
                    + "  ".join(
                        f"{name[: -len('_cpu_s')]} {value:.1f}"
                        for name, value in sorted(result.items())
                        if name.endswith("_cpu_s") and value >= 0.05
                    )
                )
            if args.steady_seconds > 0:
                result = steady(system, imap, n, args.steady_seconds, args.rate)
                n += int(result["emails"])
                print(
                    f"steady {args.rate:.0f} emails/s for {args.steady_seconds:.0f} s: "
                    f"p50 {result['p50_s']:.2f} s, p99 {result['p99_s']:.2f} s "
                    f"(target < {TARGETS['steady_p99_s']} s), max {result['max_s']:.2f} s"
                )
            bare = bare_stages(imap, system, min(args.burst, 1000))
            print("bare stages on the same letters, messages/s:")
            for key, value in bare.items():
                print(f"  {key:<20} {value:>8.0f}")
        finally:
            system.stop()
        # Warm: the same data directory (PostgreSQL initialised, streams created).
        system = start_system(work, imap, smtp)
        warm_s = time.monotonic() - system.started_at
        system.stop()
        print(
            f"start again on the same data: healthy {warm_s:.1f} s after make run "
            f"(target < {TARGETS['start_s']:.0f} s)"
        )
        print(f"  each service healthy after, s: {system.ready_order()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
