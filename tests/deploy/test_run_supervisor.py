"""The supervisor of `make run` (deploy/local/run.py) on stand-in services: plain Python
processes that crash, get killed or run until stopped. No servers needed; the pauses are
scaled down (the real ones are 1 s doubling to 30 s)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from tests.deploy.local_runner import run

FOREVER = "import time\nprint('ready', flush=True)\nwhile True: time.sleep(1)"


def child(name: str, code: str) -> run.Child:
    return run.Child(name=name, argv=[sys.executable, "-c", code], env=dict(os.environ), color="0")


def last(c: run.Child) -> str:
    return c.output[-1] if c.output else ""


async def until(predicate: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


async def supervised(
    children: list[run.Child],
    body: Callable[[run.Supervisor, list[str]], Awaitable[None]],
    **policy: float,
) -> list[str]:
    said: list[str] = []
    sup = run.Supervisor(children, report=said.append, **policy)
    task = asyncio.create_task(sup.run(signals=False))
    try:
        await body(sup, said)
    finally:
        sup.stop.set()
        assert await asyncio.wait_for(task, 30) == 0
    return said


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_a_crashing_service_is_retried_with_a_growing_pause_and_the_reason() -> None:
    crash = child("parser", "import sys\nprint('ValueError: OPENAI_MODEL is empty')\nsys.exit(3)")

    async def body(sup: run.Supervisor, said: list[str]) -> None:
        await until(lambda: sum("restarting" in line for line in said) >= 4)

    said = await supervised([crash], body, first_delay=0.05, max_delay=0.2, stable_after=60)
    restarts = [line for line in said if "restarting" in line]
    assert restarts[:4] == [
        f"parser exited (code 3: ValueError: OPENAI_MODEL is empty); restarting in {d:g} s"
        for d in (0.05, 0.1, 0.2, 0.2)
    ]


async def test_a_killed_service_is_restarted_and_the_others_keep_running() -> None:
    victim, other = child("parser", FOREVER), child("orders", FOREVER)

    async def body(sup: run.Supervisor, said: list[str]) -> None:
        await until(lambda: bool(victim.process and other.process))
        await until(lambda: last(victim) == "ready" and last(other) == "ready")
        assert victim.process and other.process
        first, other_pid = victim.process.pid, other.process.pid
        os.kill(first, signal.SIGKILL)
        await until(lambda: victim.process is not None and victim.process.pid != first)
        await until(lambda: last(victim) == "ready")
        assert other.process.pid == other_pid and other.process.returncode is None
        assert "parser exited (code -9, SIGKILL); restarting in 0.05 s" in said
        # A second crash soon after: the pause doubles.
        second = victim.process.pid
        os.kill(second, signal.SIGKILL)
        await until(lambda: victim.process is not None and victim.process.pid != second)
        assert "parser exited (code -9, SIGKILL); restarting in 0.1 s" in said

    await supervised([victim, other], body, first_delay=0.05, max_delay=1, stable_after=60)
    assert victim.process and victim.process.returncode is not None
    assert other.process and other.process.returncode is not None


async def test_the_pause_starts_over_after_a_service_stayed_up() -> None:
    victim = child("mail", FOREVER)

    async def body(sup: run.Supervisor, said: list[str]) -> None:
        for _ in range(2):
            await until(lambda: last(victim) == "ready")
            assert victim.process
            pid = victim.process.pid
            await asyncio.sleep(0.6)  # longer than stable_after: a healthy stretch
            os.kill(pid, signal.SIGKILL)
            await until(lambda pid=pid: victim.process is not None and victim.process.pid != pid)

    said = await supervised([victim], body, first_delay=0.05, max_delay=1, stable_after=0.5)
    assert [line for line in said if "restarting" in line] == [
        "mail exited (code -9, SIGKILL); restarting in 0.05 s"
    ] * 2


async def test_stop_ends_every_service_and_a_pending_restart() -> None:
    crash = child("documents", "import sys\nsys.exit(1)")
    steady = child("notifier", FOREVER)

    async def body(sup: run.Supervisor, said: list[str]) -> None:
        await until(lambda: any("restarting in 30 s" in line for line in said))
        await until(lambda: last(steady) == "ready")

    started = time.monotonic()
    said = await supervised([crash, steady], body, first_delay=30, max_delay=30)
    assert time.monotonic() - started < 15, "stop waited for the pause"
    assert steady.process and steady.process.returncode == -signal.SIGTERM
    assert not alive(steady.process.pid)
    assert said[-1] == "stopping…"


async def test_a_service_that_ignores_sigterm_is_killed_after_the_timeout() -> None:
    stubborn = child(
        "gateway",
        "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "print('ready', flush=True)\nwhile True: time.sleep(1)",
    )

    async def body(sup: run.Supervisor, said: list[str]) -> None:
        await until(lambda: last(stubborn) == "ready")

    await supervised([stubborn], body, stop_timeout=0.5)
    assert stubborn.process and stubborn.process.returncode == -signal.SIGKILL


async def test_the_reason_is_the_error_a_service_died_of() -> None:
    bad = child(
        "parser",
        "import os\nos.environ['PARSER_EXTRACTOR'] = 'bogus'\n"
        "from snab_parser.settings import ParserSettings\nParserSettings(_env_file=None)",
    )

    async def body(sup: run.Supervisor, said: list[str]) -> None:
        await until(lambda: any("restarting" in line for line in said))

    said = await supervised([bad], body, first_delay=5)
    assert next(line for line in said if "restarting" in line) == (
        "parser exited (code 1: ValidationError: 1 validation error for ParserSettings "
        "PARSER_EXTRACTOR Input should be 'auto', 'rules' or 'llm' [type=literal_error, "
        "input_value='bogus', input_type=str]); restarting in 5 s"
    )


async def test_a_service_whose_port_was_taken_meanwhile_is_told_which_setting_moves_it() -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        bound = child("notifier", "import sys\nprint('address already in use')\nsys.exit(3)")
        bound.binding = run.Binding("127.0.0.1", port, "HTTP_HOST", "NOTIFIER_HTTP_PORT")

        async def body(sup: run.Supervisor, said: list[str]) -> None:
            await until(lambda: any("restarting" in line for line in said))

        said = await supervised([bound], body, first_delay=5)
    assert next(line for line in said if "restarting" in line) == (
        f"notifier exited (code 3; port {port} is in use: set NOTIFIER_HTTP_PORT to another "
        "port in .env); restarting in 5 s"
    )


def test_why_reads_the_end_of_a_traceback_or_the_last_line() -> None:
    assert run.why(["Traceback (most recent call last):", '  File "x.py"', "OSError: gone"]) == (
        "OSError: gone"
    )
    assert run.why(["starting", "[error] cannot reach the database"]) == (
        "[error] cannot reach the database"
    )
    assert run.why(["KeyboardInterrupt"]) == "KeyboardInterrupt"
    assert run.why([]) == ""
    assert len(run.why(["x" * 500])) == 200


def test_ports_in_use_name_the_setting_that_moves_them() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            free = probe.getsockname()[1]
        bindings = {
            "gateway": run.Binding("127.0.0.1", taken, "GATEWAY_HOST", "GATEWAY_PORT"),
            "mail": run.Binding("127.0.0.1", free, "HTTP_HOST", "MAIL_HTTP_PORT"),
            "parser": run.Binding("127.0.0.1", free, "HTTP_HOST", "PARSER_HTTP_PORT"),
        }
        assert run.port_problems(bindings) == [
            f"gateway: port {taken} is in use: set GATEWAY_PORT to another port in .env",
            f"parser and mail are both set to port {free}: "
            "set PARSER_HTTP_PORT to another port in .env",
        ]


def test_ports_and_their_settings_come_from_the_services_settings() -> None:
    bindings = {svc.name: run.binding(svc, {}) for svc in run.SERVICES}
    assert bindings["gateway"] == run.Binding("127.0.0.1", 8000, "GATEWAY_HOST", "GATEWAY_PORT")
    assert bindings["parser"] == run.Binding("127.0.0.1", 8102, "HTTP_HOST", "PARSER_HTTP_PORT")
    moved = run.binding(run.SERVICES[0], {"MAIL_HTTP_PORT": "9101", "HTTP_HOST": "0.0.0.0"})
    assert moved.port == 9101 and moved.url == "http://127.0.0.1:9101"
    with pytest.raises(SystemExit, match="MAIL_HTTP_PORT=x is not a port number"):
        run.binding(run.SERVICES[0], {"MAIL_HTTP_PORT": "x"})


def test_run_settings_read_dotenv_and_treat_empty_as_unset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SNAB_DATA_DIR", raising=False)
    monkeypatch.setenv("EMBEDDED_NATS_PORT", "")
    dotenv = tmp_path / ".env"
    dotenv.write_text("SNAB_DATA_DIR=/srv/snab\n")
    settings = run.RunSettings(_env_file=dotenv)
    assert settings.snab_data_dir == Path("/srv/snab")
    assert settings.embedded_nats_port == 14222
