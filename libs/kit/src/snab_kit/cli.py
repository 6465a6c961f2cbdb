"""Command-line entry points shared by the services."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable

from snab_kit.bus import BusNames, migrate_url
from snab_kit.migrations import upgrade
from snab_kit.settings import ServiceSettings


def bus_main(argv: list[str] | None = None) -> None:
    """``snab-bus migrate``: create or update the JetStream streams and KV buckets."""
    parser = argparse.ArgumentParser(prog="snab-bus")
    parser.add_argument("command", choices=["migrate"])
    args = parser.parse_args(argv)
    settings = ServiceSettings()
    if args.command == "migrate":
        for line in asyncio.run(migrate_url(settings.nats_url, BusNames(settings.bus_namespace))):
            print(line)


def service_main(
    *,
    prog: str,
    settings: Callable[[], ServiceSettings],
    run: Callable[[ServiceSettings], None],
    migrations: str | None,
    argv: list[str] | None = None,
) -> None:
    """``python -m snab_<service> [serve|migrate]``."""
    parser = argparse.ArgumentParser(prog=prog)
    parser.add_argument("command", nargs="?", default="serve", choices=["serve", "migrate"])
    parser.add_argument("--migrate", action="store_true", help="apply migrations before serving")
    args = parser.parse_args(argv)
    conf = settings()
    if args.command == "migrate" or args.migrate:
        if migrations:
            upgrade(migrations, conf.database_url)
            print(f"{prog}: schema up to date", file=sys.stderr)
        if args.command == "migrate":
            return
    run(conf)
