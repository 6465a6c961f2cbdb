"""Backup and restore of the whole system, with every piece real.

The mail gateway (Dovecot over IMAP), the parser and the orders service turn a client's
email into an order; a malformed event is dead-lettered. ``snab-backup create`` takes it
all; ``snab-backup restore`` puts it into a new database, a new nats-server (streams made
by ``snab-bus migrate``) and a new storage folder. The services started on the restored
state still have the one order (the republished events and the mailbox, read again, do not
make a second), the dead letter and the raw email; the next email becomes the next order.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import asyncpg
import nats
import pytest

from snab_contracts.rpc.orders import OrderPage, OrdersList
from snab_kit.backup import export_objects, folder_size, import_objects, libpq_url, read_manifest
from snab_kit.bus import BusNames
from snab_kit.dlq import dead_letters
from snab_kit.embedded import EmbeddedNats
from snab_kit.rpc import RpcClient
from snab_kit.settings import ServiceSettings
from snab_kit.storage import LocalStorage, make_storage
from snab_kit.testing import wait_for
from tests.e2e.system import ServiceProcess, base_env, running
from tests.e2e.test_procurement_flow import client_request, dovecot, smtp  # noqa: F401
from tests.peers import DovecotServer, S3Peer, SmtpPeer

SERVICES = ["mail", "parser", "orders"]


def tool(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def run(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Run a command-line tool; returns how long it took and what it printed."""
    started = time.monotonic()
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    took = time.monotonic() - started
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return took, result.stdout


@pytest.fixture
def restore_database_url(new_database: Callable[[str], str]) -> str:
    return new_database("snab_restore")


@pytest.fixture
def fresh_nats(tmp_path: Path) -> Iterator[str]:
    server = EmbeddedNats(tmp_path / "nats-restored")
    try:
        yield server.start()
    finally:
        server.stop()


def mail_env(env: dict[str, str], imap: DovecotServer, peer: SmtpPeer) -> dict[str, str]:
    return {
        **env,
        "EMAIL_USERNAME": imap.user,
        "EMAIL_PASSWORD": imap.password,
        "EMAIL_FROM": f"Снабжение <{imap.user}>",
        "IMAP_SERVER": imap.host,
        "IMAP_PORT": str(imap.port),
        "IMAP_SECURITY": "none",
        "IMAP_POLL_SECONDS": "1",
        "SMTP_SERVER": peer.host,
        "SMTP_PORT": str(peer.port),
        "SMTP_SECURITY": "none",
        "OPENAI_API_KEY": "",
    }


async def orders(rpc: RpcClient) -> OrderPage:
    page: OrderPage = await rpc.call(OrdersList())
    return page


async def fetch(url: str, query: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(dsn=libpq_url(url))
    try:
        return list(await conn.fetch(query))
    finally:
        await conn.close()


def logs(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def dump_logs(procs: dict[str, ServiceProcess]) -> None:
    for proc in procs.values():
        print(f"----- {proc.name} -----\n{proc.tail(200)}")


async def test_backup_restore_into_fresh_servers_and_carry_on(
    tmp_path: Path,
    nats_url: str,
    fresh_database_url: str,
    restore_database_url: str,
    fresh_nats: str,
    bus: BusNames,
    dovecot: DovecotServer,  # noqa: F811
    smtp: SmtpPeer,  # noqa: F811
) -> None:
    storage_before = tmp_path / "storage"
    storage_after = tmp_path / "storage-restored"
    backup_dir = tmp_path / "backup"
    before = mail_env(
        base_env(
            nats_url=nats_url,
            database_url=fresh_database_url,
            namespace=bus.namespace,
            storage=storage_before,
        ),
        dovecot,
        smtp,
    )
    after = {
        **before,
        "NATS_URL": fresh_nats,
        "DATABASE_URL": restore_database_url,
        "STORAGE_DIR": str(storage_after),
    }

    # 1. The first email becomes an order; a malformed event goes to the DLQ.
    nc = await nats.connect(nats_url)
    rpc = RpcClient(nc, bus, timeout=10)
    js = nc.jetstream()
    with running(SERVICES, before, logs(tmp_path / "logs-before")) as procs:
        try:
            dovecot.append(client_request(dovecot.user))
            first = await wait_for(lambda: _total(rpc, 1), timeout=60, interval=0.3)
            await js.publish(
                bus.subject("mail.received"), b"{not json", headers={"Nats-Msg-Id": "bad-1"}
            )
            [letter] = await wait_for(lambda: dead_letters(js, bus), timeout=30, interval=0.3)

            # 2. The backup is taken while the services run.
            create_seconds, out = await asyncio.to_thread(
                run, [tool("snab-backup"), "create", str(backup_dir)], before
            )
        except BaseException:
            dump_logs(procs)
            raise
        finally:
            await nc.drain()
    print(out)
    first_id = first.items[0].order_id
    manifest = read_manifest(backup_dir)
    assert set(manifest["schemas"]) >= {"mail", "parser", "orders"}
    assert all(s["alembic_version"] for s in manifest["schemas"].values())
    assert manifest["streams"]["DLQ"]["messages"] == 1
    assert manifest["streams"]["MAIL"]["messages"] >= 2  # the email and the malformed one
    assert manifest["objects"]["count"] >= 1
    [raw_row] = await fetch(fresh_database_url, "SELECT raw_key FROM mail.inbound_messages")
    raw = await LocalStorage(storage_before).get(raw_row["raw_key"])
    size = folder_size(backup_dir)

    # 3. Restore into a new database, a new nats-server and a new storage folder.
    await asyncio.to_thread(run, [tool("snab-bus"), "migrate"], after)
    restore_seconds, out = await asyncio.to_thread(
        run, [tool("snab-backup"), "restore", str(backup_dir)], after
    )
    print(out)
    print(
        f"backup: {create_seconds:.1f}s, {size} bytes "
        f"({manifest['objects']['count']} objects); restore: {restore_seconds:.1f}s"
    )
    assert await LocalStorage(storage_after).get(raw_row["raw_key"]) == raw
    [count] = await fetch(restore_database_url, "SELECT count(*) AS n FROM orders.orders")
    assert count["n"] == 1

    # A second restore changes nothing: the database is refused, the rest is done already.
    refused = subprocess.run(
        [tool("snab-backup"), "restore", str(backup_dir)], env=after, capture_output=True, text=True
    )
    assert refused.returncode == 2, refused.stderr
    assert "already has" in refused.stderr and "--force" in refused.stderr
    await asyncio.to_thread(
        run,
        [tool("snab-backup"), "restore", str(backup_dir), "--only", "streams", "--only", "objects"],
        after,
    )

    # 4. The services carry on from the restored state.
    nc = await nats.connect(fresh_nats)
    rpc = RpcClient(nc, bus, timeout=10)
    js = nc.jetstream()
    try:
        [restored] = await dead_letters(js, bus)
        assert (restored.subject, restored.data, restored.error) == (
            letter.subject,
            letter.data,
            letter.error,
        )
        mail_stream = await js.stream_info(bus.stream("MAIL"))
        assert mail_stream.state.messages == manifest["streams"]["MAIL"]["messages"]
        # The parser's consumer is lost, as if the restore had not recreated it: the parser
        # makes it anew from the start of MAIL and is given the handled email again (its
        # inbox skips it) and the malformed event (its dead letter carries the same
        # Nats-Msg-Id as the restored one, and JetStream drops the repeat).
        parser_durable = bus.durable("parser", "mail.received")
        await js.delete_consumer(bus.stream("MAIL"), parser_durable)
        with running(SERVICES, after, logs(tmp_path / "logs-after")) as procs:
            try:

                async def redelivered() -> bool:
                    info = await js.consumer_info(bus.stream("MAIL"), parser_durable)
                    return info.delivered.stream_seq >= 2 and info.num_ack_pending == 0

                await wait_for(redelivered, timeout=30, interval=0.3)
                await asyncio.sleep(2)  # time for a (wrong) second order to appear
                page = await orders(rpc)
                assert [o.order_id for o in page.items] == [first_id]
                dovecot.append(client_request(dovecot.user))
                page = await wait_for(lambda: _total(rpc, 2), timeout=60, interval=0.3)
                await asyncio.sleep(2)
                page = await orders(rpc)
                assert page.total == 2
                assert sorted(str(o.order_id) for o in page.items).count(str(first_id)) == 1
                mails = await fetch(
                    restore_database_url, "SELECT count(*) AS n FROM mail.inbound_messages"
                )
                assert mails[0]["n"] == 2
                assert len(await dead_letters(js, bus)) == 1  # nothing new failed
            except BaseException:
                dump_logs(procs)
                raise
    finally:
        await nc.drain()


async def _total(rpc: RpcClient, wanted: int) -> OrderPage | None:
    page = await orders(rpc)
    return page if page.total >= wanted else None


def s3_settings(peer: S3Peer) -> ServiceSettings:
    return ServiceSettings.model_validate({k.lower(): v for k, v in peer.env().items()})


async def test_objects_go_from_one_bucket_to_another_once(tmp_path: Path) -> None:
    """S3 to a backup folder to another S3 bucket; a second run copies nothing again."""
    objects = {
        "mail/raw/ab/abcdef.eml": b"From: a@b.example\r\n\r\n",
        "documents/2026/kp-1.pdf": b"%PDF-1.7 ...",
    }
    folder = tmp_path / "objects"
    with S3Peer(bucket="snab-source") as source, S3Peer(bucket="snab-target") as target:
        from_storage = make_storage(s3_settings(source))
        to_storage = make_storage(s3_settings(target))
        for key, data in objects.items():
            await from_storage.put(key, data)
        assert await export_objects(from_storage, folder) == {
            "count": 2,
            "copied": 2,
            "bytes": sum(len(d) for d in objects.values()),
        }
        assert (await export_objects(from_storage, folder))["copied"] == 0
        assert await import_objects(to_storage, folder) == {"count": 2, "uploaded": 2}
        assert await import_objects(to_storage, folder) == {"count": 2, "uploaded": 0}
        assert target.keys() == sorted(objects)
        for key, data in objects.items():
            assert target.get(key) == data
        head = target.client().head_object(Bucket=target.bucket, Key="documents/2026/kp-1.pdf")
        assert head["ContentType"] == "application/pdf"
