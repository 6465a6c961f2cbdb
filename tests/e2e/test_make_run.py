"""`make run` from a clean clone: every service healthy within 60 s; data survives a restart."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
import urllib.request
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
    def __init__(self, clone: Path, env: dict[str, str]) -> None:
        self.clone = clone
        self.env = env
        self.log = clone / "make-run.log"
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


def test_make_run_from_clean_clone_is_healthy_and_keeps_data(tmp_path: Path) -> None:
    clone = tmp_path / "snab"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    # The clone gets the working tree as committed; tests run on uncommitted changes too,
    # so copy the sources over the clone (never the environment or data).
    for sub in ("libs", "services", "deploy", "Makefile", "pyproject.toml", "uv.lock"):
        src = ROOT / sub
        dst = clone / sub
        if src.is_dir():
            shutil.copytree(
                src, dst, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
            )
        else:
            shutil.copy2(src, dst)

    ports = [free_port() for _ in PORT_VARS]
    env = {k: v for k, v in os.environ.items() if k not in ("NATS_URL", "DATABASE_URL")}
    env.pop("VIRTUAL_ENV", None)
    env.update({var: str(port) for var, port in zip(PORT_VARS, ports, strict=True)})
    nats_port = free_port()
    env["EMBEDDED_NATS_PORT"] = str(nats_port)

    run = MakeRun(clone, env)
    run.start()
    try:
        # Creating the environment is not part of the 60 s: wait for `uv sync` to finish.
        deadline = time.monotonic() + 600
        while not (clone / ".venv" / ".synced").exists():
            if run.process and run.process.poll() is not None:
                pytest.fail(f"make run exited early:\n{run.tail()}")
            assert time.monotonic() < deadline, run.tail()
            time.sleep(0.2)
        took = run.wait_healthy(ports, timeout=60)
        print(f"all six services healthy {took:.1f}s after the environment was ready")

        run_env = dict(
            line.split("=", 1) for line in (clone / ".data" / "run.env").read_text().splitlines()
        )
        _leave_a_mark(run_env["NATS_URL"], run_env["DATABASE_URL"])
    finally:
        run.interrupt()

    run.start()
    try:
        run.wait_healthy(ports, timeout=60)
        assert _mark_is_there(run_env["NATS_URL"], run_env["DATABASE_URL"])
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
