"""Runs snab services as real processes for end-to-end tests."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from snab_kit.embedded import free_port

MODULES = {
    "mail": ("snab_mail", "MAIL_HTTP_PORT"),
    "parser": ("snab_parser", "PARSER_HTTP_PORT"),
    "orders": ("snab_orders", "ORDERS_HTTP_PORT"),
    "documents": ("snab_documents", "DOCUMENTS_HTTP_PORT"),
    "notifier": ("snab_notifier", "NOTIFIER_HTTP_PORT"),
    "gateway": ("snab_gateway", "GATEWAY_PORT"),
}


class ServiceProcess:
    """One service as ``python -m snab_<name> --migrate``, its log in a file."""

    def __init__(
        self, name: str, env: dict[str, str], logdir: Path, *, label: str | None = None
    ) -> None:
        self.name = name
        self.label = label or name
        """Tells replicas of one service apart (its log file, messages)."""
        self.module, port_var = MODULES[name]
        self.port = free_port()
        self.env = {**env, port_var: str(self.port), "LOG_FORMAT": "console"}
        self.log_path = logdir / f"{self.label}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> ServiceProcess:
        self.process = subprocess.Popen(
            [sys.executable, "-m", self.module, "--migrate"],
            env=self.env,
            stdout=open(self.log_path, "ab"),  # noqa: SIM115 - closed with the process
            stderr=subprocess.STDOUT,
        )
        return self

    def wait_healthy(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.label} exited early:\n{self.tail()}")
            if self.health().get("status") == "ok":
                return
            time.sleep(0.1)
        raise TimeoutError(
            f"{self.label} not healthy in {timeout}s: {self.health()}\n{self.tail()}"
        )

    def health(self) -> dict[str, object]:
        try:
            url = f"http://127.0.0.1:{self.port}/health"
            with urllib.request.urlopen(url, timeout=2) as resp:
                return dict(json.loads(resp.read()))
        except urllib.error.HTTPError as exc:
            return dict(json.loads(exc.read() or b"{}"))
        except Exception:
            return {}

    def metric(self, name: str, **labels: str) -> float | None:
        """The sum of a metric's samples that carry ``labels``; None when unreachable."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/metrics", timeout=2) as r:
                text = r.read().decode()
        except OSError:
            return None
        from prometheus_client.parser import text_string_to_metric_families

        return sum(
            sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
            if sample.name == name
            and all(sample.labels.get(key) == value for key, value in labels.items())
        )

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def tail(self, lines: int = 60) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@contextmanager
def running(
    names: list[str], env: dict[str, str], logdir: Path
) -> Iterator[dict[str, ServiceProcess]]:
    """Start the named services, wait until each is healthy, stop them afterwards."""
    procs = {name: ServiceProcess(name, env, logdir) for name in names}
    try:
        for proc in procs.values():
            proc.start()
        for proc in procs.values():
            proc.wait_healthy()
        yield procs
    finally:
        for proc in procs.values():
            proc.stop()


def base_env(*, nats_url: str, database_url: str, namespace: str, storage: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IMAP_", "SMTP_", "EMAIL_"))}
    env.update(
        NATS_URL=nats_url,
        DATABASE_URL=database_url,
        BUS_NAMESPACE=namespace,
        STORAGE_DIR=str(storage),
        LOG_LEVEL="INFO",
    )
    return env
