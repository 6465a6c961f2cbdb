"""The pieces of ``snab-backup``, each against real servers where it talks to one."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import nats
import pytest
import pytest_asyncio
from nats.aio.client import Client
from nats.js.api import AckPolicy, ConsumerConfig

from snab_kit.backup import (
    FORMAT,
    MANIFEST,
    BackupError,
    StreamCut,
    build_manifest,
    cut_streams,
    dump_schema,
    export_consumers,
    export_stream,
    libpq_url,
    pick_tool,
    read_manifest,
    republish_stream,
    restore_consumer,
    restore_database,
    start_after,
    stream_ends,
    tool_dirs,
    write_manifest,
)
from snab_kit.bus import BusNames
from snab_kit.settings import ServiceSettings
from snab_kit.testing import fresh_namespace


def test_libpq_url_drops_the_driver() -> None:
    assert libpq_url("postgresql+asyncpg://u:p@h:5/db") == "postgresql://u:p@h:5/db"
    assert libpq_url("postgres://h/db") == "postgres://h/db"


def fake_tool(folder: Path, name: str, version: str) -> None:
    folder.mkdir(parents=True)
    script = folder / name
    script.write_text(f"#!/bin/sh\necho '{name} (PostgreSQL) {version}'\n")
    script.chmod(0o755)


def test_pick_tool_takes_the_oldest_that_is_not_older_than_the_server(tmp_path: Path) -> None:
    for major in ("14.9", "17.2", "16.4"):
        fake_tool(tmp_path / major, "pg_dump", major)
    dirs = [tmp_path / m for m in ("14.9", "17.2", "16.4")]
    assert pick_tool("pg_dump", 15, dirs).major == 16
    assert pick_tool("pg_dump", 17, dirs).path == tmp_path / "17.2" / "pg_dump"
    with pytest.raises(BackupError, match=r"no pg_dump of PostgreSQL 18 or newer .*14\.9"):
        pick_tool("pg_dump", 18, dirs)


def test_manifest_round_trip_and_what_is_not_a_backup(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="not a backup folder"):
        read_manifest(tmp_path)
    manifest = build_manifest(
        started=datetime(2026, 5, 1, 3, 0, tzinfo=UTC),
        namespace="",
        schemas={"orders": {"file": "postgres/orders.dump", "alembic_version": "orders_0007"}},
        streams={"DLQ": {"file": "streams/DLQ.jsonl", "messages": 2, "last_seq": 9}},
        consumers=3,
        objects={"count": 4, "copied": 4, "bytes": 100},
        tools={"pg_dump": "pg_dump (PostgreSQL) 15.20"},
    )
    write_manifest(tmp_path, manifest)
    read = read_manifest(tmp_path)
    assert read == manifest
    assert read["time"] == "2026-05-01T03:00:00+00:00"
    assert read["format"] == FORMAT
    (tmp_path / MANIFEST).write_text(json.dumps({**manifest, "format": FORMAT + 1}))
    with pytest.raises(BackupError, match="format"):
        read_manifest(tmp_path)


def test_a_consumer_resumes_after_the_last_message_it_acknowledged() -> None:
    positions = {3: 1, 5: 2, 8: 3}  # original → restored (4, 6, 7 were deleted)
    assert start_after(0, positions) == 1
    assert start_after(4, positions) == 2
    assert start_after(5, positions) == 3
    assert start_after(8, positions) == 4  # all acknowledged: past the end
    assert start_after(0, {}) == 1


# ------------------------------------------------------------------------------ database


@pytest.fixture
def target_url(new_database: Callable[[str], str]) -> str:
    return new_database("snab_restore")


async def sql(url: str, *statements: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(dsn=url)
    try:
        rows: list[asyncpg.Record] = []
        for statement in statements:
            rows = list(await conn.fetch(statement))
        return rows
    finally:
        await conn.close()


async def test_restore_refuses_a_schema_that_has_anything_in_it(
    fresh_database_url: str, target_url: str, tmp_path: Path
) -> None:
    await sql(
        fresh_database_url,
        "CREATE SCHEMA bk_demo",
        "CREATE TABLE bk_demo.alembic_version (version_num text PRIMARY KEY)",
        "INSERT INTO bk_demo.alembic_version VALUES ('demo_0001')",
        "CREATE TABLE bk_demo.items (id int PRIMARY KEY, name text)",
        "INSERT INTO bk_demo.items VALUES (1, 'болт'), (2, 'гайка')",
    )
    conn = await asyncpg.connect(dsn=fresh_database_url)
    major = int(await conn.fetchval("SHOW server_version_num")) // 10000
    await conn.close()
    tool = pick_tool("pg_dump", major, tool_dirs())
    (tmp_path / "postgres").mkdir()
    dump_schema(tool, fresh_database_url, "bk_demo", tmp_path / "postgres" / "bk_demo.dump")
    manifest = {
        "schemas": {"bk_demo": {"file": "postgres/bk_demo.dump", "alembic_version": "demo_0001"}},
        "tools": {"pg_dump_major": str(tool.major)},
    }
    settings = ServiceSettings(database_url=target_url)

    async def restore(force: bool) -> None:
        await restore_database(
            settings, tmp_path, manifest, force=force, no_owner=False, pg_bin=None
        )

    await sql(target_url, "CREATE SCHEMA bk_demo")  # empty: no reason to refuse
    await restore(force=False)
    rows = await sql(target_url, "SELECT name FROM bk_demo.items ORDER BY id")
    assert [r["name"] for r in rows] == ["болт", "гайка"]

    await sql(target_url, "INSERT INTO bk_demo.items VALUES (3, 'шайба')")
    with pytest.raises(BackupError, match=r"already has bk_demo \(\d+ objects\).*--force"):
        await restore(force=False)
    assert len(await sql(target_url, "SELECT * FROM bk_demo.items")) == 3  # untouched

    await restore(force=True)
    assert len(await sql(target_url, "SELECT * FROM bk_demo.items")) == 2


# ------------------------------------------------------------------------------- streams


@pytest_asyncio.fixture(loop_scope="session")
async def nc(nats_url: str) -> AsyncIterator[Client]:
    client = await nats.connect(nats_url)
    try:
        yield client
    finally:
        await client.drain()


@pytest_asyncio.fixture(loop_scope="session")
async def other_bus(nc: Client) -> AsyncIterator[BusNames]:
    """A second namespace: the restore target."""
    async with fresh_namespace(nc.jetstream()) as names:
        yield names


async def test_streams_come_back_in_order_with_ids_and_consumer_positions(
    nc: Client, bus: BusNames, other_bus: BusNames, tmp_path: Path
) -> None:
    js = nc.jetstream()
    ids = [str(uuid.uuid4()) for _ in range(5)]
    for n, msg_id in enumerate(ids):
        await js.publish(
            bus.subject("order.created"),
            f"заказ {n}".encode(),
            headers={"Nats-Msg-Id": msg_id, "Snab-Error": "ошибка"},
        )
    await js.delete_msg(bus.stream("ORDERS"), 2)  # a gap, as the DLQ has after a replay
    durable = bus.durable("orders", "order.created")
    await js.add_consumer(
        bus.stream("ORDERS"),
        ConsumerConfig(
            durable_name=durable,
            filter_subject=bus.subject("order.created"),
            ack_policy=AckPolicy.EXPLICIT,
        ),
    )
    sub = await js.pull_subscribe_bind(durable, bus.stream("ORDERS"))
    for msg in await sub.fetch(2, timeout=5):  # sequences 1 and 3
        await msg.ack_sync()
    await sub.unsubscribe()

    consumers = await export_consumers(js, bus)
    [entry] = [c for c in consumers if c["stream"] == "ORDERS"]
    entry["namespace"] = bus.namespace
    assert entry["name"] == "orders__order_created" and entry["ack_floor"] == 3
    ends = await stream_ends(js, bus)
    exported = await export_stream(
        js, bus, "ORDERS", tmp_path / "ORDERS.jsonl", StreamCut(ends["ORDERS"])
    )
    assert (exported["messages"], exported["first_seq"], exported["last_seq"]) == (4, 1, 5)

    positions = await republish_stream(
        js, other_bus, "ORDERS", tmp_path / "ORDERS.jsonl", force=False
    )
    assert positions == {1: 1, 3: 2, 4: 3, 5: 4}
    again = await republish_stream(js, other_bus, "ORDERS", tmp_path / "ORDERS.jsonl", force=False)
    assert again == positions  # a second run adds nothing
    assert await restore_consumer(js, other_bus, entry, positions) == "from 3"
    assert await restore_consumer(js, other_bus, entry, positions) == "exists"

    restored = await js.pull_subscribe_bind(
        other_bus.durable("orders", "order.created"), other_bus.stream("ORDERS")
    )
    got = await restored.fetch(10, timeout=5)
    assert [m.data.decode() for m in got] == ["заказ 3", "заказ 4"]
    assert [m.headers["Nats-Msg-Id"] for m in got if m.headers] == ids[3:]
    assert [m.subject for m in got] == [other_bus.subject("order.created")] * 2
    for msg in got:
        await msg.ack_sync()
    await restored.unsubscribe()

    await js.publish(other_bus.subject("order.created"), b"live", headers={"Nats-Msg-Id": "x"})
    with pytest.raises(BackupError, match="not restored from a backup"):
        await republish_stream(js, other_bus, "ORDERS", tmp_path / "ORDERS.jsonl", force=False)
    positions = await republish_stream(
        js, other_bus, "ORDERS", tmp_path / "ORDERS.jsonl", force=True
    )
    assert sorted(positions) == [1, 3, 4, 5]


async def test_the_streams_are_cut_where_the_database_snapshot_was_taken(
    nc: Client, bus: BusNames, fresh_database_url: str
) -> None:
    """Of the events published while the snapshot was being taken, those whose outbox row
    the snapshot has stay; the others (and dead letters) are left out."""
    js = nc.jetstream()
    in_outbox, elsewhere = str(uuid.uuid4()), str(uuid.uuid4())
    await sql(
        fresh_database_url,
        "CREATE SCHEMA bk_cut",
        "CREATE TABLE bk_cut.outbox (seq bigserial PRIMARY KEY, id uuid UNIQUE)",
        f"INSERT INTO bk_cut.outbox (id) VALUES ('{in_outbox}')",
    )
    await js.publish(bus.subject("order.created"), b"1", headers={"Nats-Msg-Id": "early"})
    before = await stream_ends(js, bus)
    for msg_id in (in_outbox, elsewhere, "dlq:orders:x"):
        await js.publish(bus.subject("order.created"), b"2", headers={"Nats-Msg-Id": msg_id})
    after = await stream_ends(js, bus)
    conn = await asyncpg.connect(dsn=fresh_database_url)
    try:
        cuts = await cut_streams(js, bus, conn, ["bk_cut"], before, after)
    finally:
        await conn.close()
    assert cuts["ORDERS"] == StreamCut(last=4, dropped={3, 4})
    assert cuts["MAIL"] == StreamCut(last=0)
