"""``snab-gateway`` (or ``python -m snab_gateway``):

    snab-gateway [serve] [--migrate]     the API (migrating first with --migrate)
    snab-gateway migrate                 the gateway's schema only
    snab-gateway create-user NAME [--role admin|manager] [--full-name TEXT] [--password-stdin]

``create-user`` asks for the password twice (or reads one line from stdin); next to a
running ``make run`` it finds its database by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

from snab_gateway.auth.models import User
from snab_gateway.auth.rules import Role
from snab_gateway.main import run
from snab_gateway.settings import GatewaySettings
from snab_kit.cli import service_main
from snab_kit.errors import DomainError
from snab_kit.logging import configure_logging
from snab_kit.settings import use_local_run

MIGRATIONS = "snab_gateway.migrations"


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "create-user":
        sys.exit(create_user(args[1:]))
    service_main(
        prog="snab-gateway",
        settings=GatewaySettings,
        run=run,  # type: ignore[arg-type]
        migrations=MIGRATIONS,
        argv=args,
    )


def create_user(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="snab-gateway create-user")
    parser.add_argument("username")
    parser.add_argument("--role", choices=[r.value for r in Role], default=Role.MANAGER.value)
    parser.add_argument("--full-name", default="")
    parser.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin"
    )
    args = parser.parse_args(argv)
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Пароль: ")
        if getpass.getpass("Ещё раз: ") != password:
            print("пароли не совпадают", file=sys.stderr)
            return 1
    configure_logging(service="gateway", level="WARNING", fmt="console")
    use_local_run()
    settings = GatewaySettings()
    from snab_kit.migrations import upgrade

    upgrade(MIGRATIONS, settings.database_url)
    try:
        user = asyncio.run(
            _create(settings, args.username, password, Role(args.role), args.full_name)
        )
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    print(f"{user.username}: {user.role.value}, id {user.user_id}")
    return 0


async def _create(
    settings: GatewaySettings, username: str, password: str, role: Role, full_name: str
) -> User:
    from snab_gateway.auth import users
    from snab_kit.db import make_engine, make_sessionmaker

    engine = make_engine(settings.database_url, pool_size=1)
    try:
        async with make_sessionmaker(engine)() as session:
            return await users.create_user(
                session=session,
                username=username,
                password=password,
                role=role,
                full_name=full_name,
                created_by="command line",
            )
    finally:
        await engine.dispose()


if __name__ == "__main__":
    main()
