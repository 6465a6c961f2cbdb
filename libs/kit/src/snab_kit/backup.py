"""Backup and restore of a whole installation into one folder: PostgreSQL (one ``pg_dump``
archive per service schema), JetStream (every stream's messages and the positions of the
durable consumers) and object storage (raw mail, attachments, documents).

The folder::

    manifest.json           what was taken, when, with which tools (written last)
    postgres/<schema>.dump  pg_dump -Fc --schema=<schema>
    streams/<STREAM>.jsonl  one message a line: original sequence, time, subject, headers, data
    streams/consumers.json  durable consumers: configuration and acknowledged position
    objects/<key>           the objects under their own (content-addressed) keys

Restoring republishes the messages into the streams of a fresh server (``Nats-Msg-Id``
kept) and recreates each durable consumer to start after the last message it had
acknowledged; what a service handled before that is in its schema's inbox table anyway.
"""

from __future__ import annotations

import asyncio
import base64
import importlib.util
import json
import mimetypes
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import asyncpg
import nats.errors
from nats.js import JetStreamContext
from nats.js.api import ConsumerConfig, DeliverPolicy, PubAck, RawStreamMsg
from nats.js.errors import NotFoundError

from snab_kit.bus import STREAMS, BusNames, connect_once, migrate
from snab_kit.dlq import _headers
from snab_kit.settings import ServiceSettings
from snab_kit.storage import ObjectStorage, make_storage

MANIFEST = "manifest.json"
FORMAT = 1
RESTORED_SEQ_HEADER = "Snab-Backup-Seq"
"""Added to each republished message: the sequence it had in the backed-up stream (lets a
restore that stopped half-way resume where it stopped)."""


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says what to do."""


# --------------------------------------------------------------------------- PostgreSQL


@dataclass(frozen=True, slots=True)
class PgTool:
    path: Path
    major: int
    version: str


def libpq_url(url: str) -> str:
    """DATABASE_URL as pg_dump and asyncpg read it (no SQLAlchemy driver suffix)."""
    return re.sub(r"^postgres(?:ql)?\+\w+://", "postgresql://", url)


def tool_version(binary: Path) -> PgTool | None:
    """``pg_dump (PostgreSQL) 16.4`` → major 16; None for a binary that does not run."""
    try:
        out = subprocess.run(
            [str(binary), "--version"], capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"\)\s*(\d+)(?:\.(\d+))?", out)
    return PgTool(binary, int(found.group(1)), out) if found else None


def tool_dirs(extra: Path | None = None) -> list[Path]:
    """Where PostgreSQL client binaries may be: the given folder, PATH, Debian's
    /usr/lib/postgresql/<major>/bin and the folder of the ``pgserver`` package."""
    dirs: list[Path] = [extra] if extra else []
    on_path = shutil.which("pg_dump")
    if on_path:
        dirs.append(Path(on_path).parent)
    dirs.extend(sorted(Path("/usr/lib/postgresql").glob("*/bin")))
    # Located, not imported: importing pgserver sets up its runtime folders.
    spec = importlib.util.find_spec("pgserver")
    if spec and spec.submodule_search_locations:
        dirs.append(Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin")
    unique: list[Path] = []
    for folder in dirs:
        if folder.is_dir() and folder not in unique:
            unique.append(folder)
    return unique


def pick_tool(name: str, min_major: int, dirs: Iterable[Path]) -> PgTool:
    """The ``name`` binary (pg_dump, pg_restore) of the lowest major version that is not
    older than ``min_major``: pg_dump refuses a newer server, pg_restore a newer archive."""
    found = [tool for d in dirs if (tool := tool_version(d / name)) is not None]
    fitting = sorted((t for t in found if t.major >= min_major), key=lambda t: t.major)
    if fitting:
        return fitting[0]
    seen = ", ".join(f"{t.path} ({t.major})" for t in found) or "none"
    raise BackupError(
        f"no {name} of PostgreSQL {min_major} or newer (found: {seen}); install "
        f"postgresql-client-{min_major} or point --pg-bin at its bin folder"
    )


async def server_major(conn: asyncpg.Connection) -> int:
    return int(await conn.fetchval("SHOW server_version_num")) // 10000


async def service_schemas(conn: asyncpg.Connection) -> dict[str, str | None]:
    """Each schema holding an ``alembic_version`` table (one per service) → its revision."""
    rows = await conn.fetch(
        "SELECT table_schema FROM information_schema.tables "
        "WHERE table_name = 'alembic_version' ORDER BY table_schema"
    )
    found: dict[str, str | None] = {}
    for row in rows:
        schema = row["table_schema"]
        found[schema] = await conn.fetchval(
            f'SELECT version_num FROM "{schema}".alembic_version LIMIT 1'
        )
    return found


async def schema_objects(conn: asyncpg.Connection, schema: str) -> int | None:
    """How many tables, sequences, views... ``schema`` holds; None when it does not exist."""
    exists = await conn.fetchval("SELECT 1 FROM pg_namespace WHERE nspname = $1", schema)
    if not exists:
        return None
    return int(
        await conn.fetchval(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = $1",
            schema,
        )
    )


def run_tool(args: list[str]) -> None:
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed ({result.returncode}): {result.stderr}")


def dump_schema(
    tool: PgTool, url: str, schema: str, target: Path, *, snapshot: str | None = None
) -> None:
    at = [f"--snapshot={snapshot}"] if snapshot else []
    run_tool([str(tool.path), "-Fc", f"--schema={schema}", *at, "-f", str(target), "-d", url])


def restore_schema(tool: PgTool, url: str, archive: Path, *, no_owner: bool) -> None:
    extra = ["--no-owner", "--no-privileges"] if no_owner else []
    run_tool(
        [str(tool.path), "--exit-on-error", "--single-transaction", *extra, "-d", url, str(archive)]
    )


# ---------------------------------------------------------------------------- JetStream


def durable_base(names: BusNames, durable: str) -> str:
    """A durable consumer's name without the namespace (``ns__orders__...`` → ``orders__...``)."""
    prefix = f"{names.namespace}__"
    return durable[len(prefix) :] if names.namespace and durable.startswith(prefix) else durable


def durable_in(names: BusNames, base: str) -> str:
    return f"{names.namespace}__{base}" if names.namespace else base


def stream_message(msg: Any, names: BusNames) -> dict[str, Any]:
    """One stored message as a JSON line (headers read as UTF-8, as the DLQ writes them)."""
    return {
        "seq": msg.seq,
        "time": msg.time.isoformat() if msg.time else None,
        "subject": names.logical(msg.subject or ""),
        "headers": _headers(msg.hdrs),
        "data": base64.b64encode(msg.data or b"").decode(),
    }


@dataclass(slots=True)
class StreamCut:
    """Where a stream's part of the backup ends: at ``last``, without ``dropped``."""

    last: int
    dropped: set[int] = field(default_factory=set)


READ_AHEAD = 64
"""Messages asked for at once when reading a stream (one request each, in parallel)."""


async def stored_messages(
    js: JetStreamContext, stream: str, *, after: int = 0, upto: int | None = None
) -> AsyncIterator[RawStreamMsg]:
    """The stream's messages with a sequence in (``after``, ``upto``], in order, deleted
    ones skipped. nats-py has no snapshot API: each message is one direct request, a
    batch of them in flight at a time."""
    try:
        info = await js.stream_info(stream)
    except NotFoundError:
        return
    last = info.state.last_seq if upto is None else min(upto, info.state.last_seq)
    seq = max(after + 1, info.state.first_seq)
    while seq <= last:
        batch = range(seq, min(seq + READ_AHEAD, last + 1))
        for msg in await asyncio.gather(*(_stored(js, stream, n) for n in batch)):
            if msg is not None:
                yield msg
        seq = batch.stop


async def _stored(js: JetStreamContext, stream: str, seq: int) -> RawStreamMsg | None:
    try:
        return await js.get_msg(stream, seq=seq)
    except NotFoundError:
        return None  # deleted (a replayed dead letter) or aged out meanwhile


async def export_stream(
    js: JetStreamContext, names: BusNames, logical: str, target: Path, cut: StreamCut
) -> dict[str, Any]:
    """The stream's messages up to the cut, in order, with original sequence and time."""
    count = first = 0
    with target.open("w", encoding="utf-8") as out:
        async for msg in stored_messages(js, names.stream(logical), upto=cut.last):
            if msg.seq in cut.dropped:
                continue
            out.write(json.dumps(stream_message(msg, names), ensure_ascii=False) + "\n")
            count += 1
            first = first or (msg.seq or 0)
    return {
        "file": f"streams/{target.name}",
        "messages": count,
        "first_seq": first,
        "last_seq": cut.last,
        "left_out": len(cut.dropped),
    }


async def stream_ends(js: JetStreamContext, names: BusNames) -> dict[str, int]:
    """The last sequence of each stream now (0 for a stream that does not exist)."""
    ends: dict[str, int] = {}
    for spec in STREAMS:
        try:
            info = await js.stream_info(names.stream(spec.name))
        except NotFoundError:
            ends[spec.name] = 0
            continue
        ends[spec.name] = info.state.last_seq
    return ends


async def window_ids(
    js: JetStreamContext, names: BusNames, logical: str, after: int, upto: int
) -> dict[int, str]:
    """Sequence → Nats-Msg-Id of the messages published between two reads of the end."""
    return {
        msg.seq or 0: _headers(msg.hdrs).get("Nats-Msg-Id", "")
        async for msg in stored_messages(js, names.stream(logical), after=after, upto=upto)
    }


async def outbox_ids(conn: asyncpg.Connection, schemas: Iterable[str], ids: set[str]) -> set[str]:
    """Which of ``ids`` are events in the outbox of a service schema (as the open
    transaction sees it)."""
    uuids = [i for i in ids if _is_uuid(i)]
    if not uuids:
        return set()
    found: set[str] = set()
    for schema in schemas:
        has_outbox = await conn.fetchval(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = $1 "
            "AND table_name = 'outbox'",
            schema,
        )
        if has_outbox:
            rows = await conn.fetch(
                f'SELECT id::text FROM "{schema}".outbox WHERE id = ANY($1::uuid[])', uuids
            )
            found.update(row["id"] for row in rows)
    return found


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


async def cut_streams(
    js: JetStreamContext,
    names: BusNames,
    conn: asyncpg.Connection,
    schemas: Iterable[str],
    before: dict[str, int],
    after: dict[str, int],
) -> dict[str, StreamCut]:
    """Cut each stream where the database snapshot was taken.

    ``before`` and ``after`` are the streams' ends read just before and just after the
    snapshot. Events are published after their transaction commits, so those up to
    ``before`` are in the snapshot. Of the few published in between, an event stays when
    its outbox row is in the snapshot (the restored outbox may send it again: the duplicate
    window and the inbox absorb it) and is left out otherwise: it comes from a transaction
    the snapshot does not have (e.g. an email read after it, which the restored mail
    gateway reads again), or from a consumer's dead-lettering the restored consumer will
    repeat."""
    cuts: dict[str, StreamCut] = {}
    for logical, upto in after.items():
        window = await window_ids(js, names, logical, before.get(logical, 0), upto)
        kept = await outbox_ids(conn, schemas, set(window.values()))
        cuts[logical] = StreamCut(
            last=upto, dropped={seq for seq, msg_id in window.items() if msg_id not in kept}
        )
    return cuts


async def export_consumers(js: JetStreamContext, names: BusNames) -> list[dict[str, Any]]:
    """Each durable consumer: its configuration and the last message it acknowledged."""
    found: list[dict[str, Any]] = []
    for spec in STREAMS:
        try:
            infos = await js.consumers_info(names.stream(spec.name))
        except NotFoundError:
            continue
        for info in infos:
            if not info.config.durable_name:
                continue  # ephemeral: nothing to keep
            found.append(
                {
                    "stream": spec.name,
                    "name": durable_base(names, info.config.durable_name),
                    "config": info.config.as_dict(),
                    "ack_floor": info.ack_floor.stream_seq if info.ack_floor else 0,
                    "num_pending": info.num_pending,
                    "num_ack_pending": info.num_ack_pending,
                }
            )
    return found


def read_lines(path: Path) -> Iterable[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


async def restored_positions(js: JetStreamContext, stream: str) -> dict[int, int]:
    """Original sequence → sequence in ``stream``, for messages an earlier restore put there.
    Raises when the stream holds anything else (a live stream is not a restore target)."""
    positions: dict[int, int] = {}
    async for msg in stored_messages(js, stream):
        original = _headers(msg.hdrs).get(RESTORED_SEQ_HEADER)
        if not original:
            raise BackupError(
                f"stream {stream} already holds messages that were not restored from a "
                "backup: restore into a fresh NATS, or pass --force to purge it first"
            )
        positions[int(original)] = msg.seq or 0
    return positions


async def republish_stream(
    js: JetStreamContext, names: BusNames, logical: str, source: Path, *, force: bool
) -> dict[int, int]:
    """Publish the backed-up messages in their order (skipping those a previous run put
    there); returns original sequence → new sequence."""
    stream = names.stream(logical)
    if force:
        await js.purge_stream(stream)
    positions = await restored_positions(js, stream)
    pending: list[tuple[int, asyncio.Future[PubAck]]] = []
    for entry in read_lines(source):
        original = int(entry["seq"])
        if original in positions:
            continue
        headers = {**entry["headers"], RESTORED_SEQ_HEADER: str(original)}
        # In flight together but sent in order on one connection: stored in order.
        ack = await js.publish_async(
            names.subject(entry["subject"]),
            base64.b64decode(entry["data"]),
            stream=stream,
            headers=headers,
        )
        pending.append((original, ack))
        if len(pending) >= PUBLISH_AHEAD:
            await _settle(pending, positions)
    await _settle(pending, positions)
    return positions


PUBLISH_AHEAD = 256
ACK_TIMEOUT_SECONDS = 30.0


async def _settle(
    pending: list[tuple[int, asyncio.Future[PubAck]]], positions: dict[int, int]
) -> None:
    """Wait for the acks of what is in flight; a failure raises (a rerun resumes)."""
    async with asyncio.timeout(ACK_TIMEOUT_SECONDS):  # an ack that never comes
        acks = await asyncio.gather(*(ack for _, ack in pending))
    positions.update((original, ack.seq) for (original, _), ack in zip(pending, acks, strict=True))
    pending.clear()


def start_after(ack_floor: int, positions: dict[int, int]) -> int:
    """The new sequence a consumer resumes from: that of the first message after the one it
    last acknowledged (past the end when it had acknowledged them all)."""
    later = [new for original, new in positions.items() if original > ack_floor]
    if later:
        return min(later)
    return max(positions.values(), default=0) + 1


def consumer_config(entry: dict[str, Any], names: BusNames, start: int) -> ConsumerConfig:
    config: ConsumerConfig = ConsumerConfig.from_response(dict(entry["config"]))
    durable = durable_in(names, entry["name"])
    config.durable_name = durable
    config.name = durable
    if config.filter_subject:
        config.filter_subject = names.subject(_logical_subject(entry, config.filter_subject))
    config.deliver_policy = DeliverPolicy.BY_START_SEQUENCE
    config.opt_start_seq = start
    config.opt_start_time = None
    return config


def _logical_subject(entry: dict[str, Any], subject: str) -> str:
    namespace = entry.get("namespace") or ""
    return BusNames(namespace).logical(subject)


async def restore_consumer(
    js: JetStreamContext, names: BusNames, entry: dict[str, Any], positions: dict[int, int]
) -> str:
    stream = names.stream(entry["stream"])
    durable = durable_in(names, entry["name"])
    try:
        await js.consumer_info(stream, durable)
        return "exists"
    except NotFoundError:
        pass
    start = start_after(int(entry["ack_floor"]), positions)
    await js.add_consumer(stream, config=consumer_config(entry, names, start))
    return f"from {start}"


# ------------------------------------------------------------------------ object storage


async def export_objects(storage: ObjectStorage, target: Path) -> dict[str, int]:
    """Copy every object into ``target`` under its key; keys are content-addressed, so one
    already there is the same object and is not fetched again."""
    keys = await storage.keys("")
    copied = size = 0
    for key in keys:
        path = target / key
        if not path.exists():
            data = await storage.get(key)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".part")
            tmp.write_bytes(data)
            os.replace(tmp, path)
            copied += 1
        size += path.stat().st_size
    return {"count": len(keys), "copied": copied, "bytes": size}


def object_files(source: Path) -> list[tuple[str, Path]]:
    if not source.is_dir():
        return []
    return sorted(
        (p.relative_to(source).as_posix(), p)
        for p in source.rglob("*")
        if p.is_file() and not p.name.endswith(".part")
    )


async def import_objects(storage: ObjectStorage, source: Path) -> dict[str, int]:
    """Upload the objects storage does not have yet."""
    files = object_files(source)
    uploaded = 0
    for key, path in files:
        if await storage.exists(key):
            continue
        content_type = mimetypes.guess_type(key)[0] or "application/octet-stream"
        await storage.put(key, path.read_bytes(), content_type)
        uploaded += 1
    return {"count": len(files), "uploaded": uploaded}


# ------------------------------------------------------------------------------ manifest


def build_manifest(
    *,
    started: datetime,
    namespace: str,
    schemas: dict[str, Any],
    streams: dict[str, Any],
    consumers: int,
    objects: dict[str, int],
    tools: dict[str, str],
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "time": started.isoformat(timespec="seconds"),
        "namespace": namespace,
        "schemas": schemas,
        "streams": streams,
        "consumers": consumers,
        "objects": objects,
        "tools": tools,
    }


def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    tmp = folder / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, folder / MANIFEST)


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.exists():
        raise BackupError(f"{path} not found: not a backup folder, or its backup did not finish")
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: format {manifest.get('format')!r}, this tool reads {FORMAT}")
    return manifest


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


# ------------------------------------------------------------------------------- actions


def say(line: str) -> None:
    print(line, flush=True)


async def create(
    settings: ServiceSettings, folder: Path, *, pg_bin: Path | None = None
) -> dict[str, Any]:
    """Take a backup of a running system into ``folder``, consistent at the moment of the
    database snapshot: the consumers' positions are read first (the snapshot can only be
    ahead of them: redeliveries the inbox absorbs), the streams are cut where the snapshot
    was taken (see ``cut_streams``), objects are copied last (each is stored before the
    transaction that refers to it commits)."""
    started = datetime.now(UTC)
    clock = time.monotonic()
    names = BusNames(settings.bus_namespace)
    for part in ("postgres", "streams", "objects"):
        (folder / part).mkdir(parents=True, exist_ok=True)
    nc = await connect_once(settings.nats_url, timeout=5)
    try:
        js = nc.jetstream()
        consumers = await export_consumers(js, names)
        for entry in consumers:
            entry["namespace"] = names.namespace
        (folder / "streams" / "consumers.json").write_text(
            json.dumps(consumers, indent=2, ensure_ascii=False, default=str) + "\n",
            encoding="utf-8",
        )
        say(f"consumers: {len(consumers)}")
        schemas, cuts, tools = await dump_database(
            libpq_url(settings.database_url), folder / "postgres", pg_bin, js, names
        )
        streams: dict[str, Any] = {}
        for spec in STREAMS:
            target = folder / "streams" / f"{spec.name}.jsonl"
            streams[spec.name] = await export_stream(js, names, spec.name, target, cuts[spec.name])
            say(f"stream {spec.name}: {streams[spec.name]['messages']} message(s)")
        tools["nats-server"] = str(nc._server_info.get("version", "?"))
    finally:
        await nc.drain()
    objects = await export_objects(make_storage(settings), folder / "objects")
    say(f"objects: {objects['count']} ({objects['copied']} new)")
    tools["snab-kit"] = metadata.version("snab-kit")
    manifest = build_manifest(
        started=started,
        namespace=names.namespace,
        schemas=schemas,
        streams=streams,
        consumers=len(consumers),
        objects=objects,
        tools=tools,
    )
    write_manifest(folder, manifest)
    say(f"backup done in {time.monotonic() - clock:.1f}s, {folder_size(folder)} bytes: {folder}")
    return manifest


async def dump_database(
    url: str, target: Path, pg_bin: Path | None, js: JetStreamContext, names: BusNames
) -> tuple[dict[str, Any], dict[str, StreamCut], dict[str, str]]:
    """pg_dump each service schema from one exported snapshot (all schemas at the same
    moment), and cut the streams at that moment."""
    conn = await asyncpg.connect(dsn=url)
    try:
        major = await server_major(conn)
        tool = pick_tool("pg_dump", major, tool_dirs(pg_bin))
        server_version = str(await conn.fetchval("SHOW server_version"))
        before = await stream_ends(js, names)
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            snapshot = str(await conn.fetchval("SELECT pg_export_snapshot()"))
            after = await stream_ends(js, names)
            found = await service_schemas(conn)
            if not found:
                raise BackupError(
                    "no service schema (none has an alembic_version table): wrong DATABASE_URL?"
                )
            cuts = await cut_streams(js, names, conn, found, before, after)
            schemas: dict[str, Any] = {}
            for schema, revision in found.items():
                path = target / f"{schema}.dump"
                dump_schema(tool, url, schema, path, snapshot=snapshot)
                size = path.stat().st_size
                schemas[schema] = {
                    "file": f"postgres/{path.name}",
                    "alembic_version": revision,
                    "bytes": size,
                }
                say(f"schema {schema}: {size} bytes (alembic {revision})")
    finally:
        await conn.close()
    tools = {
        "postgresql": server_version,
        "pg_dump": tool.version,
        "pg_dump_major": str(tool.major),
    }
    return schemas, cuts, tools


PARTS = ("database", "streams", "objects")


async def restore(
    settings: ServiceSettings,
    folder: Path,
    *,
    force: bool = False,
    parts: Iterable[str] = PARTS,
    no_owner: bool = False,
    pg_bin: Path | None = None,
) -> None:
    manifest = read_manifest(folder)
    clock = time.monotonic()
    wanted = set(parts)
    if "database" in wanted:
        await restore_database(
            settings, folder, manifest, force=force, no_owner=no_owner, pg_bin=pg_bin
        )
    if "streams" in wanted:
        await restore_streams(settings, folder, manifest, force=force)
    if "objects" in wanted:
        objects = await import_objects(make_storage(settings), folder / "objects")
        say(f"objects: {objects['count']} ({objects['uploaded']} uploaded)")
    say(f"restore done in {time.monotonic() - clock:.1f}s")


async def restore_database(
    settings: ServiceSettings,
    folder: Path,
    manifest: dict[str, Any],
    *,
    force: bool,
    no_owner: bool,
    pg_bin: Path | None,
) -> None:
    """Each schema by pg_restore, into a database where it is absent (or empty); an existing
    one with anything in it is refused, or dropped first with ``force``."""
    url = libpq_url(settings.database_url)
    schemas: dict[str, Any] = manifest["schemas"]
    conn = await asyncpg.connect(dsn=url)
    try:
        dumped_with = int(manifest["tools"].get("pg_dump_major", 0))
        tool = pick_tool(
            "pg_restore", max(await server_major(conn), dumped_with), tool_dirs(pg_bin)
        )
        occupied = {s: n for s in schemas if (n := await schema_objects(conn, s)) is not None}
        full = {s: n for s, n in occupied.items() if n}
        if full and not force:
            listed = ", ".join(f"{s} ({n} objects)" for s, n in sorted(full.items()))
            raise BackupError(
                f"the target database already has {listed}: restore into an empty database, "
                "or pass --force to drop those schemas first"
            )
        for schema in occupied:
            await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    finally:
        await conn.close()
    for schema, entry in schemas.items():
        restore_schema(tool, url, folder / entry["file"], no_owner=no_owner)
        say(f"schema {schema}: restored (alembic {entry['alembic_version']})")


async def restore_streams(
    settings: ServiceSettings, folder: Path, manifest: dict[str, Any], *, force: bool
) -> None:
    """Create the streams (as ``snab-bus migrate``), republish, recreate the consumers."""
    names = BusNames(settings.bus_namespace)
    consumers: list[dict[str, Any]] = json.loads(
        (folder / "streams" / "consumers.json").read_text(encoding="utf-8")
    )
    nc = await connect_once(settings.nats_url, timeout=5)
    try:
        js = nc.jetstream()
        await migrate(js, names)
        for logical, entry in manifest["streams"].items():
            positions = await republish_stream(
                js, names, logical, folder / entry["file"], force=force
            )
            say(f"stream {logical}: {len(positions)} message(s)")
            if force:
                for existing in await js.consumers_info(names.stream(logical)):
                    await js.delete_consumer(names.stream(logical), existing.name)
            for consumer in consumers:
                if consumer["stream"] == logical:
                    done = await restore_consumer(js, names, consumer, positions)
                    say(f"consumer {consumer['name']}: {done}")
    finally:
        await nc.drain()


def main_sync(coro: Any) -> int:
    try:
        asyncio.run(coro)
    except BackupError as exc:
        print(f"snab-backup: {exc}", file=sys.stderr)
        return 2
    except (OSError, TimeoutError, asyncpg.PostgresError, nats.errors.Error) as exc:
        # A server that cannot be reached: its address and the error, no traceback.
        print(f"snab-backup: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0
