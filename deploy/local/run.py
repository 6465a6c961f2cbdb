"""``make run``: the whole system on one machine.

Starts an embedded NATS (JetStream) and an embedded PostgreSQL under ``.data/`` unless
``NATS_URL`` / ``DATABASE_URL`` are set, creates the streams, migrates every schema,
starts every service with its log lines prefixed by its name, prints the URLs, and stops
everything cleanly on Ctrl-C. Data stays in ``.data/`` between runs.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from dotenv import dotenv_values

from snab_kit.bus import BusNames, migrate_url
from snab_kit.embedded import (
    EmbeddedNats,
    EmbeddedPostgres,
    ensure_database,
    port_open,
    with_database,
)
from snab_kit.migrations import upgrade

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("SNAB_DATA_DIR", ROOT / ".data"))
EMBEDDED_NATS_PORT = int(os.environ.get("EMBEDDED_NATS_PORT", "14222"))


@dataclass(frozen=True)
class Svc:
    name: str
    module: str
    port_var: str
    port: int
    color: str


SERVICES = (
    Svc("mail", "snab_mail", "MAIL_HTTP_PORT", 8101, "36"),
    Svc("parser", "snab_parser", "PARSER_HTTP_PORT", 8102, "35"),
    Svc("orders", "snab_orders", "ORDERS_HTTP_PORT", 8103, "33"),
    Svc("documents", "snab_documents", "DOCUMENTS_HTTP_PORT", 8104, "34"),
    Svc("notifier", "snab_notifier", "NOTIFIER_HTTP_PORT", 8105, "32"),
    Svc("gateway", "snab_gateway", "GATEWAY_PORT", 8000, "31"),
)


def say(text: str) -> None:
    print(f"\033[1mrun\033[0m   | {text}", flush=True)


def start_servers(env: dict[str, str], stops: list[object]) -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    if not env.get("NATS_URL"):
        port = EMBEDDED_NATS_PORT if not port_open("127.0.0.1", EMBEDDED_NATS_PORT) else None
        nats = EmbeddedNats(DATA / "nats", port=port)
        env["NATS_URL"] = nats.start()
        stops.append(nats.stop)
        say(f"embedded NATS (JetStream) at {env['NATS_URL']}, data in {DATA / 'nats'}")
    if not env.get("DATABASE_URL"):
        pg = EmbeddedPostgres(DATA / "postgres")
        env["DATABASE_URL"] = with_database(pg.start(), "snab")
        stops.append(pg.stop)
        say(f"embedded PostgreSQL 16, data in {DATA / 'postgres'}")
    ensure_database(env["DATABASE_URL"])
    (DATA / "run.env").write_text(
        f"NATS_URL={env['NATS_URL']}\nDATABASE_URL={env['DATABASE_URL']}\n"
    )


def migrate(env: dict[str, str]) -> None:
    names = BusNames(env.get("BUS_NAMESPACE", ""))
    for line in asyncio.run(migrate_url(env["NATS_URL"], names)):
        say(f"bus: {line}")
    for svc in SERVICES:
        upgrade(f"{svc.module}.migrations", env["DATABASE_URL"])
    say("database: every schema is up to date")


async def pipe(name: str, color: str, stream: asyncio.StreamReader) -> None:
    prefix = f"\033[{color}m{name:<9}\033[0m| ".encode()
    while line := await stream.readline():
        sys.stdout.buffer.write(prefix + line)
        sys.stdout.buffer.flush()


async def supervise(env: dict[str, str]) -> int:
    procs: list[asyncio.subprocess.Process] = []
    pipes: list[asyncio.Task[None]] = []
    for svc in SERVICES:
        child_env = {**env, svc.port_var: env.get(svc.port_var) or str(svc.port)}
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            svc.module,
            env=child_env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
        )
        procs.append(proc)
        assert proc.stdout is not None
        pipes.append(asyncio.create_task(pipe(svc.name, svc.color, proc.stdout)))

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    async def announce() -> None:
        urls = {
            svc.name: f"http://127.0.0.1:{env.get(svc.port_var) or svc.port}" for svc in SERVICES
        }
        deadline = time.monotonic() + 90
        pending = set(urls)
        while pending and time.monotonic() < deadline and not stop.is_set():
            for name in list(pending):
                if await asyncio.to_thread(_healthy, urls[name] + "/health"):
                    pending.discard(name)
            await asyncio.sleep(0.3)
        if pending:
            say(f"not healthy yet: {', '.join(sorted(pending))}")
            return
        say("all services are up:")
        say(f"  API docs        {urls['gateway']}/api/docs")
        for name, url in urls.items():
            say(f"  {name:<15} {url}/health  {url}/metrics")
        say("press Ctrl-C to stop")

    announcer = asyncio.create_task(announce())
    waiters = [asyncio.create_task(p.wait()) for p in procs]
    stopper = asyncio.create_task(stop.wait())
    done, _ = await asyncio.wait([stopper, *waiters], return_when=asyncio.FIRST_COMPLETED)
    code = 0
    if stopper not in done:
        dead = [svc.name for svc, w in zip(SERVICES, waiters, strict=True) if w in done]
        say(f"service exited: {', '.join(dead)}; stopping the rest")
        code = 1
    say("stopping…")
    announcer.cancel()
    for proc in procs:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(asyncio.gather(*(p.wait() for p in procs)), 20)
    except TimeoutError:
        for proc in procs:
            if proc.returncode is None:
                proc.kill()
    await asyncio.gather(*pipes, return_exceptions=True)
    return code


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310 - our own localhost URL
            return bool(resp.status == 200)
    except Exception:
        return False


def main() -> int:
    env = {k: v for k, v in dotenv_values(ROOT / ".env").items() if v is not None}
    env.update(os.environ)
    env.setdefault("LOG_FORMAT", "console")
    env.setdefault("STORAGE_DIR", str(DATA / "storage"))
    stops: list[object] = []
    try:
        start_servers(env, stops)
        migrate(env)
        return asyncio.run(supervise(env))
    except KeyboardInterrupt:
        return 0
    finally:
        for stop_fn in reversed(stops):
            stop_fn()  # type: ignore[operator]
        say("stopped; data kept in .data/")


if __name__ == "__main__":
    sys.exit(main())
