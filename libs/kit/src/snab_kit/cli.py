"""Command-line entry points shared by the services."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import nats
from nats.js.errors import APIError

from snab_kit.access import users_conf
from snab_kit.bus import BusNames, migrate_url
from snab_kit.dlq import dead_letters, drop, replay
from snab_kit.migrations import upgrade
from snab_kit.roles import SCHEMAS, apply_roles, password_variable, passwords_from_env, role_name
from snab_kit.settings import (
    SERVERS_FILE_VARIABLE,
    ServiceSettings,
    use_local_run,
    wait_for_servers,
)


def bus_main(argv: list[str] | None = None) -> None:
    """``snab-bus migrate``: create or update the JetStream streams and KV buckets.
    ``snab-bus dlq list|replay|drop``: look at dead letters, send them again, discard them."""
    parser = argparse.ArgumentParser(prog="snab-bus")
    commands = parser.add_subparsers(dest="command", required=True)
    migrate = commands.add_parser("migrate", help="create or update streams and KV buckets")
    migrate.add_argument(
        "--replicas",
        type=int,
        help="copies of each stream and bucket (default BUS_REPLICAS; 3 on a 3-node cluster)",
    )
    commands.add_parser(
        "users", help="print nats-server's users block: one user per service, least privilege"
    )
    dlq = commands.add_parser("dlq", help="dead letters")
    dlq.add_argument("action", choices=["list", "replay", "drop"])
    dlq.add_argument("--subject", help="only this subject, e.g. order.parsed")
    dlq.add_argument("--seq", type=int, action="append", help="only these DLQ sequence numbers")
    args = parser.parse_args(argv)
    use_local_run()
    settings = ServiceSettings()
    names = BusNames(settings.bus_namespace)
    if args.command == "users":
        print(users_conf(names), end="")
    elif args.command == "migrate":
        replicas = args.replicas or settings.bus_replicas
        try:
            done = asyncio.run(migrate_url(settings.nats_servers, names, replicas=replicas))
        except APIError as exc:
            # e.g. three copies asked of a single server: the server's own words say why.
            sys.exit(f"snab-bus migrate: NATS refused ({exc.description}); it stopped there")
        for line in done:
            print(line)
    else:
        asyncio.run(_dlq(settings.nats_servers, names, args.action, args.subject, args.seq))


def db_main(argv: list[str] | None = None) -> None:
    """``snab-db roles``: one PostgreSQL login role per service, limited to its own schema
    (run with the admin's DATABASE_URL; passwords from DB_PASSWORD_<SERVICE>)."""
    parser = argparse.ArgumentParser(prog="snab-db")
    commands = parser.add_subparsers(dest="command", required=True)
    roles = commands.add_parser(
        "roles",
        help="create or update the services' roles and hand each its schema (idempotent)",
        description="Roles: "
        + ", ".join(f"{role_name(s)} ({password_variable(s)})" for s in SCHEMAS)
        + ". A role whose variable is unset is created without login; an existing one "
        "keeps its password.",
    )
    roles.add_argument(
        "--prefix",
        default="",
        help="put before every role name (tests; several deployments on one server)",
    )
    args = parser.parse_args(argv)
    use_local_run()
    settings = ServiceSettings()
    try:
        lines = asyncio.run(apply_roles(settings.database_url, passwords_from_env(), args.prefix))
    except ValueError as exc:  # a bad prefix or password, named without its value
        parser.error(str(exc))
    for line in lines:
        print(line)


async def _dlq(
    url: list[str], names: BusNames, action: str, subject: str | None, seqs: list[int] | None
) -> None:
    nc = await nats.connect(url, connect_timeout=5, max_reconnect_attempts=3)
    try:
        js = nc.jetstream()
        letters = [
            letter
            for letter in await dead_letters(js, names, subject)
            if not seqs or letter.seq in seqs
        ]
        for letter in letters:
            when = letter.time.isoformat(timespec="seconds") if letter.time else "?"
            print(
                f"{letter.seq}\t{when}\t{letter.subject}\t{letter.consumer}\t"
                f"delivered {letter.delivered}\t{letter.error}"
            )
            if action == "replay":
                await replay(js, names, letter)
            elif action == "drop":
                await drop(js, names, letter)
        if action != "list":
            print(f"{action}: {len(letters)} message(s)", file=sys.stderr)
    finally:
        await nc.drain()


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
    if args.command == "migrate":
        use_local_run()  # by hand next to `make run`: its embedded servers
    elif servers := os.environ.get(SERVERS_FILE_VARIABLE):
        wait_for_servers(Path(servers))  # started by `make run` while its servers start
    conf = settings()
    if args.command == "migrate" or args.migrate:
        if migrations:
            upgrade(migrations, conf.database_url)
            print(f"{prog}: schema up to date", file=sys.stderr)
        if args.command == "migrate":
            return
    run(conf)


def backup_main(argv: list[str] | None = None) -> None:
    """``snab-backup create DIR``: PostgreSQL (per service schema), JetStream streams and
    consumers, object storage into DIR. ``snab-backup restore DIR``: all of it back into an
    empty database, a fresh NATS and storage."""
    from snab_kit import backup

    parser = argparse.ArgumentParser(prog="snab-backup")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="take a backup into DIR")
    create.add_argument("dir", type=Path)
    restore = commands.add_parser("restore", help="restore the backup in DIR")
    restore.add_argument("dir", type=Path)
    restore.add_argument(
        "--force",
        action="store_true",
        help="drop non-empty target schemas and purge non-empty streams first",
    )
    restore.add_argument(
        "--only",
        action="append",
        choices=backup.PARTS,
        help="restore only this part (repeatable); default: all three",
    )
    restore.add_argument(
        "--no-owner",
        action="store_true",
        help="pg_restore --no-owner --no-privileges (the roles of the dump do not exist here)",
    )
    for command in (create, restore):
        command.add_argument(
            "--pg-bin", type=Path, help="folder of pg_dump/pg_restore (default: looked for)"
        )
    args = parser.parse_args(argv)
    use_local_run()
    settings = ServiceSettings()
    job: Coroutine[Any, Any, object]
    if args.command == "create":
        job = backup.create(settings, args.dir, pg_bin=args.pg_bin)
    else:
        job = backup.restore(
            settings,
            args.dir,
            force=args.force,
            parts=args.only or backup.PARTS,
            no_owner=args.no_owner,
            pg_bin=args.pg_bin,
        )
    sys.exit(backup.main_sync(job))
