"""JSON Schema snapshots of every contract, and the check that keeps them compatible.

One file per model in the snapshot folder (``libs/contracts/schemas``):

- an event: ``<subject>.v<version>.json`` (``order.created.v1.json``);
- an rpc request: ``<subject>.json`` and its result ``<subject>.result.json``;
- the rpc reply envelope: ``rpc.reply.json``.

When an event's version is bumped, the old snapshot stays (old consumers still read that
version) and the new version gets its own file. ``check`` reports an incompatible change
(see ``snab_contracts.compat``) of a model whose snapshot exists under the same name;
``export`` refuses to overwrite a snapshot with an incompatible schema.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from snab_contracts.base import Event, RpcRequest
from snab_contracts.compat import Schema, breaking_changes

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SNAPSHOT_DIR = Path(__file__).resolve().parents[2] / "schemas"
REPLY_FILE = "rpc.reply.json"

_EVENT_FILE = re.compile(r"^(?P<subject>.+)\.v(?P<version>\d+)\.json$")


def event_file(event: type[Event]) -> str:
    return f"{event.SUBJECT}.v{event.VERSION}.json"


def rpc_files(request: type[RpcRequest[Any]]) -> tuple[str, str]:
    return f"{request.SUBJECT}.json", f"{request.SUBJECT}.result.json"


def model_schema(model: type[BaseModel]) -> Schema:
    """The JSON Schema of what a consumer accepts (pydantic's validation mode)."""
    return {"$schema": DIALECT, **model.model_json_schema(mode="validation")}


def build_schemas(
    events: Iterable[type[Event]], requests: Iterable[type[RpcRequest[Any]]]
) -> dict[str, Schema]:
    """File name → schema for the given models."""
    from snab_contracts.rpc.common import RpcReply

    schemas: dict[str, Schema] = {}
    for event in events:
        schemas[event_file(event)] = model_schema(event)
    for request in requests:
        request_file, result_file = rpc_files(request)
        schemas[request_file] = model_schema(request)
        schemas[result_file] = model_schema(request.RESULT)
    schemas[REPLY_FILE] = model_schema(RpcReply[Any])
    return schemas


def current_schemas() -> dict[str, Schema]:
    """Schemas of every registered contract."""
    from snab_contracts import EVENTS
    from snab_contracts.rpc import REQUESTS

    return build_schemas(EVENTS, REQUESTS)


@dataclass(frozen=True)
class Finding:
    file: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


@dataclass
class Report:
    """``breaking``: incompatible changes; ``stale``: the snapshot folder needs an export;
    ``written``: files an export wrote."""

    breaking: list[Finding] = field(default_factory=list)
    stale: list[Finding] = field(default_factory=list)
    written: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaking


def read_snapshots(directory: Path) -> dict[str, Schema]:
    if not directory.is_dir():
        return {}
    return {
        path.name: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(directory.glob("*.json"))
    }


def compare(current: Mapping[str, Schema], snapshots: Mapping[str, Schema]) -> Report:
    report = Report()
    current_versions = _event_versions(current)
    for name, schema in sorted(current.items()):
        old = snapshots.get(name)
        if old is None:
            report.stale.append(Finding(name, "new (no snapshot yet)"))
            continue
        if old == schema:
            continue
        problems = breaking_changes(old, schema)
        if problems:
            report.breaking.extend(Finding(name, problem) for problem in problems)
        else:
            report.stale.append(Finding(name, "changed compatibly"))
    for name in sorted(set(snapshots) - set(current)):
        match = _EVENT_FILE.match(name)
        if match and not match["subject"].startswith("rpc."):
            version = current_versions.get(match["subject"])
            if version is not None and version > int(match["version"]):
                continue  # an older version, kept for old consumers
            if version is not None:
                report.breaking.append(
                    Finding(name, f"the model's version went down to v{version}")
                )
                continue
        report.breaking.append(Finding(name, "model removed (its snapshot is still here)"))
    return report


def check(directory: Path = SNAPSHOT_DIR, current: Mapping[str, Schema] | None = None) -> Report:
    """Compare the current models with the snapshots in ``directory``."""
    return compare(current_schemas() if current is None else current, read_snapshots(directory))


def export(
    directory: Path = SNAPSHOT_DIR,
    current: Mapping[str, Schema] | None = None,
    *,
    force: bool = False,
) -> Report:
    """Write the current schemas into ``directory``.

    Nothing is written when a change is incompatible, unless ``force`` (which also deletes
    the snapshots of removed models): use it only for a deliberate break that every
    consumer follows in the same change.
    """
    current = current_schemas() if current is None else current
    snapshots = read_snapshots(directory)
    report = compare(current, snapshots)
    if report.breaking and not force:
        return report
    directory.mkdir(parents=True, exist_ok=True)
    for name, schema in current.items():
        if snapshots.get(name) != schema:
            (directory / name).write_text(_dump(schema), encoding="utf-8")
            report.written.append(name)
    if force:
        removed = {f.file for f in report.breaking if f.file not in current}
        for name in removed:
            (directory / name).unlink()
    return report


def _dump(schema: Schema) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _event_versions(files: Iterable[str]) -> dict[str, int]:
    versions: dict[str, int] = {}
    for name in files:
        match = _EVENT_FILE.match(name)
        if match and not match["subject"].startswith("rpc."):
            versions[match["subject"]] = int(match["version"])
    return versions
