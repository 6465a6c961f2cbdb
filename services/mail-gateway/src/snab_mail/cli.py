"""``snab ingest FILE.eml …``: put messages into intake without IMAP.

Each file goes through the same path as mail read from the mailbox (stored, parsed,
recorded with its ``mail.received`` event in the outbox). The event is published right
away when NATS answers, otherwise by the running mail service's outbox relay.
``snab serve`` and ``snab migrate`` are ``python -m snab_mail [serve|migrate]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from snab_kit.bus import connect_once
from snab_kit.cli import service_main
from snab_kit.logging import configure_logging
from snab_kit.outbox import OutboxRelay
from snab_kit.service import Service
from snab_kit.settings import use_local_run
from snab_mail.main import assemble, build
from snab_mail.services.intake import Origin
from snab_mail.settings import MailgatewaySettings


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("serve", "migrate", "--migrate"):
        service_main(
            prog="snab",
            settings=MailgatewaySettings,
            run=lambda settings: build(settings).run(),  # type: ignore[arg-type]
            migrations="snab_mail.migrations",
            argv=args,
        )
        return
    parser = argparse.ArgumentParser(prog="snab", description="Mail intake without IMAP.")
    commands = parser.add_subparsers(dest="command", required=True)
    ingest = commands.add_parser("ingest", help="put .eml files into intake")
    ingest.add_argument("files", nargs="+", type=Path, metavar="FILE.eml")
    parsed = parser.parse_args(args)
    sys.exit(asyncio.run(_ingest(parsed.files)))


async def _ingest(files: list[Path]) -> int:
    use_local_run()
    settings = MailgatewaySettings()
    # The JSON lines on stdout are the output; the service's own logs (warnings only) go to
    # stderr.
    configure_logging(service="snab", level="WARNING", fmt="console")
    gateway = assemble(settings)
    failures = 0
    try:
        for path in files:
            try:
                raw = path.read_bytes()
            except OSError as exc:
                print(json.dumps({"file": str(path), "error": str(exc)}, ensure_ascii=False))
                failures += 1
                continue
            result = await gateway.intake.ingest(
                raw, Origin(source="upload", account=settings.account, folder="upload")
            )
            print(
                json.dumps(
                    {
                        "file": str(path),
                        "mail_id": str(result.mail_id),
                        "duplicate": result.duplicate,
                        "message_id": result.message_id,
                        "unparseable": result.unparseable,
                    },
                    ensure_ascii=False,
                )
            )
        published = await _publish(gateway.service, settings)
        if published is None:
            print(
                "snab: NATS not reachable; the mail service publishes the events when it runs",
                file=sys.stderr,
            )
    finally:
        await gateway.service.engine.dispose()
    return 1 if failures else 0


async def _publish(service: Service, settings: MailgatewaySettings) -> int | None:
    assert service.tables is not None
    try:
        nc = await connect_once(settings.nats_servers)
    except Exception:
        return None
    try:
        relay = OutboxRelay(
            service=service.name,
            engine=service.engine,
            tables=service.tables,
            js=nc.jetstream(),
            names=service.names,
        )
        total = 0
        while sent := await relay.relay_once():
            total += sent
        return total
    finally:
        await nc.drain()


if __name__ == "__main__":
    main()
