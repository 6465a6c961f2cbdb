"""Container health check: exit 0 when the service's ``/health`` answers 200, else 1.

    python /app/healthcheck.py           the port of the service running as PID 1
    python /app/healthcheck.py 8103      an explicit port

Without a port, the service is found on PID 1's command line (``python -m snab_orders``)
and its port is read from that service's settings, so ``ORDERS_HTTP_PORT`` and the like
are honoured exactly as the service honours them.
"""

from __future__ import annotations

import importlib
import sys
import urllib.request
from collections.abc import Sequence
from pathlib import Path

TIMEOUT_SECONDS = 4.0


def service_module(cmdline: Sequence[str]) -> str:
    """``snab_orders`` from ``["python", "-m", "snab_orders", "serve"]``."""
    for arg in cmdline:
        if arg.startswith("snab_") and arg.isidentifier():
            return arg
    raise LookupError(f"no snab service on the command line {list(cmdline)!r}")


def port_for(module: str) -> int:
    """The HTTP port the service ``module`` listens on, from its own settings class."""
    from snab_kit.settings import ServiceSettings

    settings_module = importlib.import_module(f"{module}.settings")
    for value in vars(settings_module).values():
        if (
            isinstance(value, type)
            and issubclass(value, ServiceSettings)
            and value is not ServiceSettings
        ):
            return int(value().http_port)
    raise LookupError(f"{module}.settings has no settings class")


def pid1_cmdline() -> list[str]:
    raw = Path("/proc/1/cmdline").read_bytes()
    return [part.decode() for part in raw.split(b"\0") if part]


def healthy(port: int) -> bool:
    url = f"http://127.0.0.1:{port}/health"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as resp:
            return bool(resp.status == 200)
    except Exception as exc:
        print(f"{url}: {exc}", file=sys.stderr)
        return False


def main(argv: Sequence[str]) -> int:
    port = int(argv[0]) if argv else port_for(service_module(pid1_cmdline()))
    return 0 if healthy(port) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
