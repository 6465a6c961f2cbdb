"""``make run``: the whole system on one machine.

Starts an embedded NATS (JetStream) and an embedded PostgreSQL under ``.data/`` side by
side unless ``NATS_URL`` / ``DATABASE_URL`` are set, creates the streams, and prints the
URLs once every service answers. The services start at the same moment as the servers:
each imports its code meanwhile, waits for ``.data/run.env`` (written when the servers and
streams are ready), then migrates its own schema (``--migrate``) and serves, its log lines
prefixed by its name.

A service that exits is started again after a pause (1 s, doubling up to 30 s while it
keeps failing; back to 1 s once it has stayed up for a minute), and the console says why
it exited. Ctrl-C (SIGINT, SIGTERM or SIGHUP to the runner) stops everything: the services
first, the embedded servers last. A service port that is already taken stops the runner
before anything starts, naming the setting that moves it. Data stays in ``.data/``.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import functools
import importlib
import os
import re
import signal
import socket
import sys
import time
import urllib.request
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dotenv import dotenv_values
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from snab_kit.bus import BusNames, migrate_url
from snab_kit.embedded import (
    EmbeddedNats,
    EmbeddedPostgres,
    ensure_database,
    port_open,
    with_database,
)
from snab_kit.settings import SERVERS_FILE_VARIABLE, nats_servers

sys.path.insert(0, str(Path(__file__).resolve().parent))
import envdoc  # next to this file

ROOT = Path(__file__).resolve().parents[2]


class RunSettings(BaseSettings):
    """Settings of ``make run`` itself (the services have their own)."""

    model_config = SettingsConfigDict(env_file=ROOT / ".env", extra="ignore", env_ignore_empty=True)

    snab_data_dir: Path = Field(
        default=Path(".data"),
        description="Where make run keeps the embedded servers' data, the object storage "
        "and the mail outbox (relative to the repository root).",
    )
    embedded_nats_port: int = Field(
        default=14222,
        ge=1,
        le=65535,
        description="Port of the embedded NATS when NATS_URL is unset; when it is taken, "
        "make run picks a free one and says so.",
    )


@dataclass(frozen=True)
class Svc:
    name: str
    module: str
    color: str


SERVICES = (
    Svc("mail", "snab_mail", "36"),
    Svc("parser", "snab_parser", "35"),
    Svc("orders", "snab_orders", "33"),
    Svc("documents", "snab_documents", "34"),
    Svc("notifier", "snab_notifier", "32"),
    Svc("gateway", "snab_gateway", "31"),
)

# Restart policy: first pause, longest pause, and the uptime after which a service
# counts as healthy again (its next exit waits FIRST_DELAY again).
FIRST_DELAY = 1.0
MAX_DELAY = 30.0
STABLE_AFTER = 60.0
STOP_TIMEOUT = 20.0
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def say(text: str) -> None:
    out(f"\033[1mrun\033[0m   | {text}\n".encode())


def out(data: bytes) -> None:
    """To the console; a console that went away (closed terminal, `| head`) stops nothing."""
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


# -- ports ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Binding:
    """Where a service listens, and which settings say so."""

    host: str
    port: int
    host_var: str
    port_var: str

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "", "::") else self.host  # noqa: S104
        return f"http://{host}:{self.port}"

    def problem(self) -> str | None:
        """Why the service could not listen there now, or None."""
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
            try:
                sock.bind((self.host, self.port))
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    return (
                        f"port {self.port} is in use: set {self.port_var} to another port in .env"
                    )
                return (
                    f"cannot listen on {self.host}:{self.port} ({exc.strerror}): "
                    f"check {self.host_var} and {self.port_var} in .env"
                )
        return None


def binding(svc: Svc, env: dict[str, str]) -> Binding:
    module = importlib.import_module(f"{svc.module}.settings")
    classes = [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, BaseSettings)
        and value.__module__ == module.__name__
    ]
    host_var, host, port_var, port = envdoc.http_binding(classes[0])
    value = env.get(port_var) or str(port)
    try:
        number = int(value)
    except ValueError:
        raise SystemExit(f"{port_var}={value} is not a port number") from None
    return Binding(env.get(host_var) or host, number, host_var, port_var)


def port_problems(bindings: dict[str, Binding]) -> list[str]:
    problems: list[str] = []
    taken: dict[int, str] = {}
    for name, where in bindings.items():
        if where.port in taken:
            problems.append(
                f"{name} and {taken[where.port]} are both set to port {where.port}: "
                f"set {where.port_var} to another port in .env"
            )
            continue
        taken[where.port] = name
        problem = where.problem()
        if problem:
            problems.append(f"{name}: {problem}")
    return problems


# -- servers and migrations ----------------------------------------------------------------


def start_servers(
    env: dict[str, str], data: Path, nats_port: int, stops: list[tuple[str, Callable[[], None]]]
) -> None:
    """The embedded NATS and PostgreSQL (those not given by URL), started side by side."""
    data.mkdir(parents=True, exist_ok=True)

    def start_nats() -> None:
        port: int | None = nats_port
        if port_open("127.0.0.1", nats_port):
            say(
                f"port {nats_port} is in use: the embedded NATS takes a free port instead "
                "(EMBEDDED_NATS_PORT in .env chooses another)"
            )
            port = None
        nats = EmbeddedNats(data / "nats", port=port)
        env["NATS_URL"] = nats.start()
        stops.append(("embedded NATS", nats.stop))
        say(f"embedded NATS (JetStream) at {env['NATS_URL']}, data in {data / 'nats'}")

    def start_postgres() -> None:
        pg = EmbeddedPostgres(data / "postgres")
        env["DATABASE_URL"] = with_database(pg.start(), "snab")
        stops.append(("embedded PostgreSQL", pg.stop))
        say(f"embedded PostgreSQL 16, data in {data / 'postgres'}")

    starts = [
        start
        for start, given in ((start_nats, "NATS_URL"), (start_postgres, "DATABASE_URL"))
        if not env.get(given)
    ]
    with ThreadPoolExecutor(max_workers=2) as pool:
        for future in [pool.submit(start) for start in starts]:
            future.result()
    ensure_database(env["DATABASE_URL"])


def prepare(
    env: dict[str, str],
    data: Path,
    nats_port: int,
    stops: list[tuple[str, Callable[[], None]]],
    ready: Path,
) -> None:
    """Servers, database and streams; then ``ready`` (run.env) says where they are, which
    lets the services (started meanwhile, importing their code) go on."""
    start_servers(env, data, nats_port, stops)
    migrate_bus(env)
    partial = ready.with_suffix(".tmp")
    partial.write_text(f"NATS_URL={env['NATS_URL']}\nDATABASE_URL={env['DATABASE_URL']}\n")
    partial.replace(ready)  # whole or absent: a service never reads half of it


def migrate_bus(env: dict[str, str]) -> None:
    """Streams and KV buckets. Each service migrates its own schema as it starts
    (``--migrate``), so the six run side by side."""
    names = BusNames(env.get("BUS_NAMESPACE", ""))
    replicas = int(env.get("BUS_REPLICAS") or 1)
    for line in asyncio.run(migrate_url(nats_servers(env["NATS_URL"]), names, replicas=replicas)):
        say(f"bus: {line}")


# -- supervision ---------------------------------------------------------------------------

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# The last line of a traceback: "pydantic_core._pydantic_core.ValidationError: 1 validation..."
EXCEPTION = re.compile(r"^(?:\w+\.)*([A-Z]\w*(?:Error|Exception|Exit|Interrupt))(?::\s*(.*))?$")


def why(lines: list[str], limit: int = 200) -> str:
    """In a few words, why a process that wrote ``lines`` last failed."""
    for at in range(len(lines) - 1, -1, -1):
        found = EXCEPTION.match(lines[at])
        if found:
            name, message = found.groups()
            details = [
                line for line in lines[at + 1 : at + 3] if not line.startswith("For further")
            ]
            text = " ".join([f"{name}: {message}" if message else name, *details])
            break
    else:
        text = lines[-1] if lines else ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class Child:
    """One service as make run keeps it running."""

    name: str
    argv: list[str]
    env: dict[str, str]
    color: str
    binding: Binding | None = None
    output: deque[str] = field(default_factory=lambda: deque(maxlen=40), repr=False)
    restarts: int = 0
    exited_at: float = 0.0
    process: asyncio.subprocess.Process | None = field(default=None, repr=False)

    @property
    def health_url(self) -> str | None:
        return f"{self.binding.url}/health" if self.binding else None


class Supervisor:
    """Keeps every child running until ``stop`` is set; then stops them all."""

    def __init__(
        self,
        children: list[Child],
        *,
        first_delay: float = FIRST_DELAY,
        max_delay: float = MAX_DELAY,
        stable_after: float = STABLE_AFTER,
        stop_timeout: float = STOP_TIMEOUT,
        report: Callable[[str], None] = say,
    ) -> None:
        self.children = children
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.stable_after = stable_after
        self.stop_timeout = stop_timeout
        self.say = report
        self.stop = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()

    async def run(self, *, signals: bool = True) -> int:
        if signals:
            loop = asyncio.get_running_loop()
            for sig in STOP_SIGNALS:
                loop.add_signal_handler(sig, self.stop.set)
        keepers = [asyncio.create_task(self._keep(child)) for child in self.children]
        announcer = asyncio.create_task(self._announce())
        await self.stop.wait()
        self.say("stopping…")
        announcer.cancel()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*keepers, announcer, *self._tasks, return_exceptions=True)
        return 0

    def delay(self, failures: int) -> float:
        return float(min(self.first_delay * 2 ** (failures - 1), self.max_delay))

    async def _keep(self, child: Child) -> None:
        failures = 0
        while not self.stop.is_set():
            child.output.clear()
            proc = await asyncio.create_subprocess_exec(
                *child.argv,
                env=child.env,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,  # a terminal's Ctrl-C is for us; we stop it
            )
            child.process = proc
            started = time.monotonic()
            assert proc.stdout is not None
            pipe = asyncio.create_task(self._pipe(child, proc.stdout))
            if child.restarts:
                self._spawn(self._watch_recovery(child, proc))
            exited = asyncio.create_task(proc.wait())
            stopping = asyncio.create_task(self.stop.wait())
            await asyncio.wait({exited, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if not exited.done():
                await self._terminate(proc)
                await _settle(pipe)
                return
            await _settle(pipe)
            child.exited_at = time.monotonic()
            if child.exited_at - started >= self.stable_after:
                failures = 0
            failures += 1
            delay = self.delay(failures)
            self.say(
                f"{child.name} exited ({self._reason(child, proc)}); restarting in {delay:g} s"
            )
            try:
                await asyncio.wait_for(self.stop.wait(), delay)
            except TimeoutError:
                child.restarts += 1

    def _reason(self, child: Child, proc: asyncio.subprocess.Process) -> str:
        code = proc.returncode
        if child.binding and (problem := child.binding.problem()):
            return f"code {code}; {problem}"
        if code is not None and code < 0:
            try:
                return f"code {code}, {signal.Signals(-code).name}"
            except ValueError:
                return f"code {code}"
        text = why(list(child.output))
        return f"code {code}: {text}" if text and code else f"code {code}"

    async def _terminate(self, proc: asyncio.subprocess.Process) -> None:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.wait(), self.stop_timeout)
        except TimeoutError:
            proc.kill()
            await proc.wait()

    async def _pipe(self, child: Child, stream: asyncio.StreamReader) -> None:
        prefix = f"\033[{child.color}m{child.name:<9}\033[0m| ".encode()
        pending = b""
        while chunk := await stream.read(65536):
            *lines, pending = (pending + chunk).split(b"\n")
            self._write(child, prefix, lines)
        if pending:
            self._write(child, prefix, [pending])

    @staticmethod
    def _write(child: Child, prefix: bytes, lines: list[bytes]) -> None:
        out(b"".join(prefix + line + b"\n" for line in lines))
        for line in lines:
            text = ANSI.sub("", line.decode(errors="replace")).strip()
            if text:
                child.output.append(text)

    async def _watch_recovery(self, child: Child, proc: asyncio.subprocess.Process) -> None:
        url = child.health_url
        if url is None:
            return
        while proc.returncode is None and not self.stop.is_set():
            if await asyncio.to_thread(healthy, url):
                self.say(
                    f"{child.name} is up again "
                    f"(healthy {time.monotonic() - child.exited_at:.1f} s after it exited)"
                )
                return
            await asyncio.sleep(0.3)

    async def _announce(self) -> None:
        urls = {c.name: c.binding.url for c in self.children if c.binding}
        deadline = time.monotonic() + 90
        pending = set(urls)
        while pending and time.monotonic() < deadline:
            for name in list(pending):
                if await asyncio.to_thread(healthy, urls[name] + "/health"):
                    pending.discard(name)
            await asyncio.sleep(0.3)
        if pending:
            self.say(f"not healthy yet: {', '.join(sorted(pending))}")
            return
        self.say("all services are up:")
        if "gateway" in urls:
            self.say(f"  web admin       {urls['gateway']}/admin")
            self.say(f"  API docs        {urls['gateway']}/api/docs")
        for name, url in urls.items():
            self.say(f"  {name:<15} {url}/health  {url}/metrics")
        self.say("press Ctrl-C to stop")

    def _spawn(self, coro: Any) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


async def _settle(task: asyncio.Task[None]) -> None:
    """Let a pipe drain what the process wrote (a grandchild may hold it open)."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(task, 5)


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310 - our own localhost URL
            return bool(resp.status == 200)
    except Exception:
        return False


# -- main ----------------------------------------------------------------------------------


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


async def run_all(children: list[Child], prepare_servers: Callable[[], None]) -> int:
    """The services under the supervisor, and the servers they wait for, side by side."""
    supervisor = Supervisor(children)
    kept = asyncio.create_task(supervisor.run())
    servers = asyncio.create_task(asyncio.to_thread(prepare_servers))
    await asyncio.wait({kept, servers}, return_when=asyncio.FIRST_COMPLETED)
    if servers.done() and servers.exception() is not None:
        supervisor.stop.set()  # the services wait for servers that will not come
        await kept
        raise servers.exception()  # type: ignore[misc]
    code = await kept
    with contextlib.suppress(Exception):
        await servers  # stopped while they started: let them finish, then they are stopped
    return code


def main() -> int:
    # Until the supervisor takes over, SIGTERM (or a closed terminal) stops us like Ctrl-C.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _interrupt)
    # Empty values count as unset, as they do for the services (env_ignore_empty).
    env = {k: v for k, v in dotenv_values(ROOT / ".env").items() if v}
    env.update({k: v for k, v in os.environ.items() if v})
    settings = RunSettings()
    data = settings.snab_data_dir
    data = data if data.is_absolute() else ROOT / data
    env.setdefault("LOG_FORMAT", "console")
    env.setdefault("STORAGE_DIR", str(data / "storage"))
    env.setdefault("MAIL_OUTBOX_DIR", str(data / "outbox"))

    bindings = {svc.name: binding(svc, env) for svc in SERVICES}
    problems = port_problems(bindings)
    if problems:
        for problem in problems:
            say(problem)
        say("nothing started: free those ports or move the services (see .env.example)")
        return 1

    stops: list[tuple[str, Callable[[], None]]] = []
    try:
        # The services start at once and import their code while the servers start; each
        # waits for run.env (a stale one from the last run would send it to old servers).
        ready = data / "run.env"
        data.mkdir(parents=True, exist_ok=True)
        ready.unlink(missing_ok=True)
        children = [
            Child(
                name=svc.name,
                argv=[sys.executable, "-m", svc.module, "--migrate"],
                env={
                    **env,
                    bindings[svc.name].port_var: str(bindings[svc.name].port),
                    SERVERS_FILE_VARIABLE: str(ready),
                },
                color=svc.color,
                binding=bindings[svc.name],
            )
            for svc in SERVICES
        ]
        servers = functools.partial(prepare, env, data, settings.embedded_nats_port, stops, ready)
        return asyncio.run(run_all(children, servers))
    except KeyboardInterrupt:
        return 0
    finally:
        # A second Ctrl-C must not leave the embedded servers running.
        for sig in STOP_SIGNALS:
            signal.signal(sig, signal.SIG_IGN)
        failed = []
        for name, stop_fn in reversed(stops):
            try:
                stop_fn()
            except Exception as exc:  # stop the others all the same
                say(f"could not stop the {name}: {type(exc).__name__}: {exc}")
                failed.append(name)
        if failed:
            say(f"stopped, except the {' and the '.join(failed)}; data kept in {_shown(data)}/")
        else:
            say(f"stopped; data kept in {_shown(data)}/")


if __name__ == "__main__":
    sys.exit(main())
