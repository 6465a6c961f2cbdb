"""`make run` from a clean clone: every service healthy within 60 s; data survives a restart;
a killed service is started again while the others stay up; a port already taken stops
it before anything starts, naming the setting that moves the port; the commands of the
README work as written next to a running make run."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import nats
import pytest

from snab_kit.embedded import free_port

ROOT = Path(__file__).resolve().parents[2]
PORT_VARS = (
    "GATEWAY_PORT",
    "MAIL_HTTP_PORT",
    "PARSER_HTTP_PORT",
    "ORDERS_HTTP_PORT",
    "DOCUMENTS_HTTP_PORT",
    "NOTIFIER_HTTP_PORT",
)


def _health(port: int) -> dict[str, object] | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as resp:
            return json.loads(resp.read()) if resp.status == 200 else None
    except Exception:
        return None


class MakeRun:
    def __init__(self, clone: Path, env: dict[str, str], log: str = "make-run.log") -> None:
        self.clone = clone
        self.env = env
        self.log = clone / log
        self.process: subprocess.Popen[bytes] | None = None

    starts = 0

    def start(self) -> None:
        self.starts += 1
        self.process = subprocess.Popen(
            ["make", "run"],
            cwd=self.clone,
            env=self.env,
            stdout=open(self.log, "ab"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_healthy(self, ports: list[int], timeout: float) -> float:
        started = time.monotonic()
        pending = set(ports)
        while pending:
            assert self.process is not None
            if self.process.poll() is not None:
                pytest.fail(f"make run exited early:\n{self.tail()}")
            if time.monotonic() - started > timeout:
                pytest.fail(
                    f"not healthy within {timeout}s: ports {sorted(pending)}\n{self.tail()}"
                )
            for port in list(pending):
                body = _health(port)
                if body and body.get("status") == "ok":
                    pending.discard(port)
            time.sleep(0.2)
        return time.monotonic() - started

    def interrupt(self) -> None:
        """Ctrl-C: SIGINT to the whole foreground process group, as a terminal does.
        make itself dies of the signal; the runner must stop everything and say so."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            raise
        log = self.log.read_text(errors="replace")
        assert log.count("stopped; data kept in .data/") == self.starts, self.tail()
        assert "Traceback" not in log, self.tail()

    def tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-40:])

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_environment(self) -> None:
        """Creating the environment is not part of the 60 s: wait for `uv sync` to finish."""
        deadline = time.monotonic() + 600
        while not (self.clone / ".venv" / ".synced").exists():
            if self.process and self.process.poll() is not None:
                pytest.fail(f"make run exited early:\n{self.tail()}")
            assert time.monotonic() < deadline, self.tail()
            time.sleep(0.2)

    def service_pids(self) -> dict[str, int]:
        """Module name (snab_parser, ...) → pid of each service under this make run."""
        assert self.process is not None
        children: dict[int, list[int]] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                pid, rest = stat.read_text().split(" (", 1)
                ppid = int(rest.rsplit(") ", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(pid))
        found: dict[str, int] = {}
        todo = [self.process.pid]
        while todo:
            pid = todo.pop()
            todo.extend(children.get(pid, []))
            try:
                argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"-m" in argv[:-1]:
                module = argv[argv.index(b"-m") + 1].decode()
                if module.startswith("snab_"):
                    found[module] = pid
        return found


@pytest.fixture(scope="module")
def clone() -> Iterator[Path]:
    # Not under pytest's temporary folder: a pytest starting meanwhile (another checkout
    # on the same machine) makes /tmp/pytest-of-<user> private again, and the embedded
    # PostgreSQL, which runs as its own user when we are root, could no longer stop.
    top = Path(tempfile.mkdtemp(prefix="snab-make-run-"))
    clone = top / "snab"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    # The clone gets the working tree as committed; tests run on uncommitted changes too,
    # so copy the sources over the clone (never the environment or data).
    for sub in ("libs", "services", "deploy", "Makefile", "pyproject.toml", "uv.lock", "README.md"):
        src = ROOT / sub
        dst = clone / sub
        if src.is_dir():
            shutil.copytree(
                src, dst, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
            )
        else:
            shutil.copy2(src, dst)
    try:
        yield clone
    finally:
        shutil.rmtree(top, ignore_errors=True)


def run_env() -> tuple[dict[str, str], dict[str, int]]:
    """The environment of a make run on free ports, and those ports by setting."""
    ports = {var: free_port() for var in PORT_VARS}
    env = {k: v for k, v in os.environ.items() if k not in ("NATS_URL", "DATABASE_URL")}
    env.pop("VIRTUAL_ENV", None)
    env.update({var: str(port) for var, port in ports.items()})
    env["EMBEDDED_NATS_PORT"] = str(free_port())
    return env, ports


def test_a_port_in_use_stops_make_run_before_anything_starts(clone: Path) -> None:
    env, ports = run_env()
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", ports["PARSER_HTTP_PORT"]))
        squatter.listen()
        run = MakeRun(clone, env, "make-run-port.log")
        run.start()
        assert run.process is not None
        run.wait_environment()
        try:
            code = run.process.wait(120)
        except subprocess.TimeoutExpired:
            run.interrupt()
            pytest.fail(f"make run did not refuse the taken port:\n{run.tail()}")
    log = run.text()
    assert code != 0
    port = ports["PARSER_HTTP_PORT"]
    assert f"parser: port {port} is in use: set PARSER_HTTP_PORT to another port in .env" in log
    assert "nothing started" in log
    assert "embedded" not in log and "Traceback" not in log, run.tail()


def test_make_run_from_clean_clone_is_healthy_and_keeps_data(clone: Path) -> None:
    env, by_var = run_env()
    ports = list(by_var.values())

    run = MakeRun(clone, env)
    run.start()
    try:
        run.wait_environment()
        took = run.wait_healthy(ports, timeout=60)
        print(f"all six services healthy {took:.1f}s after the environment was ready")

        servers = dict(
            line.split("=", 1) for line in (clone / ".data" / "run.env").read_text().splitlines()
        )
        _leave_a_mark(servers["NATS_URL"], servers["DATABASE_URL"])
    finally:
        run.interrupt()

    # The services start before the servers and wait for run.env: one left from an earlier
    # run (here pointing nowhere) must not send them to servers that are gone.
    (clone / ".data" / "run.env").write_text(
        "NATS_URL=nats://127.0.0.1:9\nDATABASE_URL=postgresql://nobody@127.0.0.1:9/none\n"
    )
    run.start()
    try:
        run.wait_healthy(ports, timeout=60)
        assert _mark_is_there(servers["NATS_URL"], servers["DATABASE_URL"])
    finally:
        run.interrupt()


class Watch:
    """Polls /health of some services in a thread and records every time one was not ok."""

    def __init__(self, ports: dict[str, int]) -> None:
        self.ports = ports
        self.failures: list[str] = []
        self.polls = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, port in self.ports.items():
                body = _health(port)
                if not body or body.get("status") != "ok":
                    self.failures.append(f"{time.monotonic():.1f} {name}: {body}")
            self.polls += 1
            self._stop.wait(0.25)

    def __enter__(self) -> Watch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)


def _kill_and_wait(run: MakeRun, module: str, port: int) -> tuple[float, float]:
    """SIGKILL one service; seconds until a new process runs, and until it is healthy."""
    name = module.removeprefix("snab_")
    said = run.text().count(f"{name} is up again")
    old = run.service_pids()[module]
    os.kill(old, signal.SIGKILL)
    killed = time.monotonic()
    restarted: float | None = None
    healthy = 0.0
    deadline = killed + 60
    while True:
        assert time.monotonic() < deadline, f"{module} not back in 60 s:\n{run.tail()}"
        assert run.process is not None and run.process.poll() is None, run.tail()
        pid = run.service_pids().get(module)
        if restarted is None and pid is not None and pid != old:
            restarted = time.monotonic() - killed
        if restarted is not None:
            body = _health(port)
            if body and body.get("status") == "ok":
                healthy = time.monotonic() - killed
                break
        time.sleep(0.1)
    # ... and the console says so
    while run.text().count(f"{name} is up again") == said:
        assert time.monotonic() < deadline, run.tail()
        time.sleep(0.1)
    assert restarted is not None
    return restarted, healthy


def test_a_killed_service_is_restarted_and_the_others_stay_up(clone: Path) -> None:
    env, ports = run_env()
    run = MakeRun(clone, env, "make-run-kill.log")
    run.start()
    try:
        run.wait_environment()
        run.wait_healthy(list(ports.values()), timeout=60)
        pids = run.service_pids()
        assert len(pids) == 6, pids
        others = {var: port for var, port in ports.items() if var != "PARSER_HTTP_PORT"}
        with Watch(others) as watch:
            first = _kill_and_wait(run, "snab_parser", ports["PARSER_HTTP_PORT"])
            second = _kill_and_wait(run, "snab_parser", ports["PARSER_HTTP_PORT"])
        print(
            f"killed parser back in {first[0]:.1f} s, healthy in {first[1]:.1f} s; "
            f"killed again: back in {second[0]:.1f} s, healthy in {second[1]:.1f} s"
        )
        assert watch.polls > 10 and not watch.failures, watch.failures[:5]
        now = run.service_pids()
        assert {m: p for m, p in now.items() if m != "snab_parser"} == {
            m: p for m, p in pids.items() if m != "snab_parser"
        }, "another service was restarted"
        log = run.text()
        assert "parser exited (code -9, SIGKILL); restarting in 1 s" in log, run.tail()
        assert "parser exited (code -9, SIGKILL); restarting in 2 s" in log, run.tail()
        assert log.count("parser is up again") == 2, run.tail()
        assert first[0] < 10 and second[0] < 12
    finally:
        run.interrupt()


def _leave_a_mark(nats_url: str, database_url: str) -> None:
    import asyncio

    async def mark() -> None:
        conn = await asyncpg.connect(database_url)
        await conn.execute("CREATE TABLE IF NOT EXISTS public.restart_mark (note text)")
        await conn.execute("INSERT INTO public.restart_mark VALUES ('до перезапуска')")
        await conn.close()
        nc = await nats.connect(nats_url)
        await nc.jetstream().publish("order.restart_mark", b"mark")
        await nc.drain()

    asyncio.run(mark())


def _mark_is_there(nats_url: str, database_url: str) -> bool:
    import asyncio

    async def check() -> bool:
        conn = await asyncpg.connect(database_url)
        rows = await conn.fetchval("SELECT count(*) FROM public.restart_mark")
        await conn.close()
        nc = await nats.connect(nats_url)
        msg = await nc.jetstream().get_last_msg("ORDERS", "order.restart_mark")
        await nc.drain()
        return rows == 1 and msg.data == b"mark"

    return asyncio.run(check())


def readme_commands(readme: str) -> tuple[list[str], list[str]]:
    """The lines of the README's sh blocks: make targets, and everything else."""
    make, other = [], []
    for block in re.findall(r"```sh\n(.*?)```", readme, re.S):
        for line in block.splitlines():
            command = line.split("  #", 1)[0].strip()
            if command:
                (make if command.startswith("make ") else other).append(command)
    return make, other


def test_the_readme_commands_work_as_written_next_to_make_run(clone: Path) -> None:
    readme = (clone / "README.md").read_text()
    make, commands = readme_commands(readme)
    assert any(c.startswith(".venv/bin/snab ingest ") for c in commands), "no ingest example"
    env, ports = run_env()
    run = MakeRun(clone, env, "make-run-readme.log")
    run.start()
    try:
        run.wait_environment()
        run.wait_healthy(list(ports.values()), timeout=60)
        servers = dict(
            line.split("=", 1) for line in (clone / ".data" / "run.env").read_text().splitlines()
        )
        before = _orders(servers["DATABASE_URL"])
        for command in commands:
            done = subprocess.run(
                ["bash", "-c", command], cwd=clone, env=env, capture_output=True, timeout=120
            )
            assert done.returncode == 0, (command, done.stdout[-2000:], done.stderr[-2000:])
        for command in make:  # every make target named exists
            target = command.split()[1]
            assert subprocess.run(["make", "-n", target], cwd=clone, env=env).returncode == 0
        # Every program the README names in running text is there too.
        for program in set(re.findall(r"`(\.venv/bin/[\w-]+)", readme)):
            assert (clone / program).exists(), program
        # The ingested request went through parser and orders.
        deadline = time.monotonic() + 60
        while _orders(servers["DATABASE_URL"]) <= before:
            assert time.monotonic() < deadline, f"no order from the ingested mail\n{run.tail()}"
            time.sleep(0.3)
    finally:
        run.interrupt()


def _orders(database_url: str) -> int:
    import asyncio

    async def count() -> int:
        conn = await asyncpg.connect(database_url)
        try:
            return int(await conn.fetchval("SELECT count(*) FROM orders.orders"))
        finally:
            await conn.close()

    return asyncio.run(count())


def _burst(folder: Path, count: int) -> list[Path]:
    """``count`` client requests as .eml files, each its own email (Message-ID)."""
    from email.message import EmailMessage
    from email.utils import format_datetime, make_msgid

    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for n in range(1, count + 1):
        msg = EmailMessage()
        msg["From"] = f"Закупки {n} <zakupki{n}@client{n}.example>"
        msg["To"] = "zakupki@broker.example"
        msg["Subject"] = f"Заявка № {n} на крепёж"
        msg["Message-ID"] = make_msgid(domain=f"client{n}.example")
        msg["Date"] = format_datetime(datetime.now(UTC))
        msg.set_content(
            "Добрый день!\n\nПросим выставить счёт на следующие позиции:\n"
            f"1. Болт М{8 + n % 5}х30 DIN 933 — {100 + n} шт\n"
            f"2. Гайка М{8 + n % 5} DIN 934 — {50 + n} шт\n\n"
            f"С уважением,\nООО «Клиент {n}»\nИНН 7707083893\n"
        )
        path = folder / f"{n:04d}.eml"
        path.write_bytes(bytes(msg))
        files.append(path)
    return files


def _order_counts(database_url: str) -> tuple[int, int]:
    import asyncio

    async def count() -> tuple[int, int]:
        conn = await asyncpg.connect(database_url)
        try:
            row = await conn.fetchrow(
                "SELECT count(*) AS n, count(DISTINCT source_mail_id) AS mails FROM orders.orders"
            )
            return int(row["n"]), int(row["mails"])
        finally:
            await conn.close()

    return asyncio.run(count())


def test_killing_parser_and_orders_mid_burst_loses_and_doubles_nothing(clone: Path) -> None:
    """200 emails arrive; parser and orders are SIGKILLed while they work on them. The
    runner restarts both, and every email is an order within 15 s of the restart, once."""
    total = 200
    env, ports = run_env()
    run = MakeRun(clone, env, "make-run-burst.log")
    run.start()
    try:
        run.wait_environment()
        run.wait_healthy(list(ports.values()), timeout=60)
        servers = dict(
            line.split("=", 1) for line in (clone / ".data" / "run.env").read_text().splitlines()
        )
        database_url = servers["DATABASE_URL"]
        before, _ = _order_counts(database_url)
        files = _burst(clone / ".data" / "burst", total)
        ingest = subprocess.Popen(
            [str(clone / ".venv" / "bin" / "snab"), "ingest", *map(str, files)],
            cwd=clone,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        # Kill both while they are in the middle of it.
        deadline = time.monotonic() + 120
        while _order_counts(database_url)[0] < before + 10:
            assert time.monotonic() < deadline, f"no orders from the burst\n{run.tail()}"
            time.sleep(0.05)
        pids = run.service_pids()
        os.kill(pids["snab_parser"], signal.SIGKILL)
        os.kill(pids["snab_orders"], signal.SIGKILL)
        killed_at = time.monotonic()
        at_kill = _order_counts(database_url)[0] - before
        _, stderr = ingest.communicate(timeout=300)
        assert ingest.returncode == 0, stderr.decode(errors="replace")[-2000:]

        # Both come back (new processes, healthy)...
        for var in ("PARSER_HTTP_PORT", "ORDERS_HTTP_PORT"):
            while (_health(ports[var]) or {}).get("status") != "ok":
                assert time.monotonic() < killed_at + 90, f"{var} not back\n{run.tail()}"
                time.sleep(0.1)
        restarted_at = time.monotonic()
        now = run.service_pids()
        assert now["snab_parser"] != pids["snab_parser"]
        assert now["snab_orders"] != pids["snab_orders"]

        # ... and every email becomes an order within 15 s of that, none twice.
        while _order_counts(database_url)[0] < before + total:
            waited = time.monotonic() - restarted_at
            assert waited < 15, (
                f"{_order_counts(database_url)[0] - before} of {total} orders "
                f"{waited:.1f} s after the restart\n{run.tail()}"
            )
            time.sleep(0.1)
        done_in = time.monotonic() - restarted_at
        time.sleep(2.0)  # a duplicate, if any, would land now
        orders, mails = _order_counts(database_url)
        assert orders - before == total, f"{orders - before} orders for {total} emails"
        assert orders == mails, "two orders from one email"
        print(
            f"killed at {at_kill} orders; parser and orders healthy again "
            f"{restarted_at - killed_at:.1f} s after the kill; all {total} orders "
            f"{done_in:.1f} s after that"
        )
    finally:
        run.interrupt()
