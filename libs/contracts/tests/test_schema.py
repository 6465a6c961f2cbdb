from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Literal

import pytest
from pydantic import BaseModel, Field, create_model

from snab_contracts import EVENTS, Event
from snab_contracts.__main__ import main
from snab_contracts.base import Contract
from snab_contracts.compat import breaking_changes
from snab_contracts.orders import OrderCreated
from snab_contracts.schema import (
    SNAPSHOT_DIR,
    build_schemas,
    check,
    current_schemas,
    event_file,
    export,
    model_schema,
)


@pytest.fixture
def snapshots(tmp_path: Path) -> Path:
    """A private copy of the committed snapshots."""
    copy = tmp_path / "schemas"
    shutil.copytree(SNAPSHOT_DIR, copy)
    return copy


def _variant(
    model: type[Event],
    *,
    drop: tuple[str, ...] = (),
    add: dict[str, Any] | None = None,
    version: int | None = None,
) -> type[Event]:
    """A copy of an event model with fields dropped or added, or another version."""
    fields: dict[str, Any] = {
        name: (info.annotation, info)
        for name, info in model.model_fields.items()
        if name not in drop
    }
    if version is not None:
        fields["version"] = (Literal[version], version)  # type: ignore[valid-type]
    fields.update(add or {})
    return create_model(model.__name__, __base__=Event, __doc__=model.__doc__, **fields)


def _with(current: dict[str, Any], *events: type[Event]) -> dict[str, Any]:
    """The current schemas with some events replaced by variants."""
    replaced = dict(current)
    for event in events:
        for name in [n for n in replaced if n.startswith(f"{event.SUBJECT}.v")]:
            del replaced[name]
        replaced.update(
            {k: v for k, v in build_schemas([event], []).items() if k.startswith(event.SUBJECT)}
        )
    return replaced


def _messages(report: Any) -> list[str]:
    return [str(f) for f in report.breaking]


def test_committed_snapshots_match_the_models() -> None:
    report = check(SNAPSHOT_DIR)
    out_of_date = [str(f) for f in report.breaking + report.stale]
    assert not out_of_date, "run `make contracts` and commit libs/contracts/schemas:\n" + "\n".join(
        out_of_date
    )


def test_every_event_has_a_versioned_snapshot_file() -> None:
    files = {p.name for p in SNAPSHOT_DIR.glob("*.json")}
    for event in EVENTS:
        assert event_file(event) in files
    assert "rpc.orders.get.json" in files
    assert "rpc.orders.get.result.json" in files
    saved = json.loads((SNAPSHOT_DIR / "order.created.v1.json").read_text(encoding="utf-8"))
    assert saved["properties"]["number"]["pattern"] == r"^ORD-\d{4}-\d{4,}$"


def test_an_unchanged_copy_of_a_model_has_the_same_schema() -> None:
    assert model_schema(_variant(OrderCreated)) == model_schema(OrderCreated)


def test_removing_a_field_is_reported(snapshots: Path) -> None:
    current = _with(current_schemas(), _variant(OrderCreated, drop=("client_name",)))
    report = check(snapshots, current)
    assert _messages(report) == ["order.created.v1.json: client_name: field removed"]


def test_removing_a_field_passes_with_a_version_bump(snapshots: Path) -> None:
    bumped = _variant(OrderCreated, drop=("client_name",), version=2)
    assert bumped.SUBJECT == "order.created"
    assert bumped.VERSION == 2
    current = _with(current_schemas(), bumped)
    assert "order.created.v1.json" not in current

    report = check(snapshots, current)
    assert report.ok, _messages(report)
    assert [str(f) for f in report.stale] == ["order.created.v2.json: new (no snapshot yet)"]

    export(snapshots, current)
    assert (snapshots / "order.created.v1.json").read_text() == (
        SNAPSHOT_DIR / "order.created.v1.json"
    ).read_text()
    written = json.loads((snapshots / "order.created.v2.json").read_text(encoding="utf-8"))
    assert "client_name" not in written["properties"]
    after = check(snapshots, current)
    assert after.ok
    assert not after.stale


def test_a_version_going_down_is_reported(snapshots: Path) -> None:
    bumped = _with(current_schemas(), _variant(OrderCreated, version=2))
    export(snapshots, bumped)
    report = check(snapshots)
    assert "order.created.v2.json: the model's version went down to v1" in _messages(report)


def test_adding_an_optional_field_is_compatible(snapshots: Path) -> None:
    extended = _variant(OrderCreated, add={"priority": (str | None, None)})
    current = _with(current_schemas(), extended)
    report = check(snapshots, current)
    assert report.ok, _messages(report)
    assert [str(f) for f in report.stale] == ["order.created.v1.json: changed compatibly"]
    export(snapshots, current)
    saved = json.loads((snapshots / "order.created.v1.json").read_text(encoding="utf-8"))
    assert "priority" in saved["properties"]


def test_adding_a_required_field_is_reported(snapshots: Path) -> None:
    extended = _variant(OrderCreated, add={"priority": (str, ...)})
    report = check(snapshots, _with(current_schemas(), extended))
    assert _messages(report) == ["order.created.v1.json: priority: new required field"]


def test_a_new_required_field_with_a_default_is_compatible(snapshots: Path) -> None:
    extended = _variant(OrderCreated, add={"priority": (int, 0)})
    assert check(snapshots, _with(current_schemas(), extended)).ok


def test_making_an_optional_field_required_is_reported(snapshots: Path) -> None:
    stricter = _variant(OrderCreated, add={"client_name": (str, ...)})
    assert _messages(check(snapshots, _with(current_schemas(), stricter))) == [
        "order.created.v1.json: client_name: type changed from null to string",
        "order.created.v1.json: client_name: optional field made required",
    ]


def test_changing_or_narrowing_a_type_is_reported(snapshots: Path) -> None:
    changed = _variant(OrderCreated, add={"items_count": (str, ...)})
    assert _messages(check(snapshots, _with(current_schemas(), changed))) == [
        "order.created.v1.json: items_count: type changed from integer to string"
    ]
    narrowed = _variant(OrderCreated, add={"items_count": (int, Field(ge=1))})
    assert _messages(check(snapshots, _with(current_schemas(), narrowed))) == [
        "order.created.v1.json: items_count: lower bound raised"
    ]


def test_a_description_change_is_compatible(snapshots: Path) -> None:
    described = _variant(
        OrderCreated, add={"client_name": (str | None, Field(None, description="Имя клиента"))}
    )
    report = check(snapshots, _with(current_schemas(), described))
    assert report.ok
    assert len(report.stale) == 1


def test_a_field_removed_from_a_nested_model_is_reported(snapshots: Path) -> None:
    path = snapshots / "order.parsed.v1.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    # The snapshot has a field that the current RequestItem no longer has.
    schema["$defs"]["RequestItem"]["properties"]["grade"] = {"type": "string"}
    path.write_text(json.dumps(schema), encoding="utf-8")
    assert _messages(check(snapshots)) == ["order.parsed.v1.json: items[].grade: field removed"]


def test_an_enum_value_removed_is_reported_and_one_added_is_not(snapshots: Path) -> None:
    path = snapshots / "order.parsed.v1.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    units = list(schema["$defs"]["Unit"]["enum"])
    schema["$defs"]["Unit"]["enum"] = [*units, "бочка"]
    path.write_text(json.dumps(schema), encoding="utf-8")
    assert _messages(check(snapshots)) == [
        'order.parsed.v1.json: items[].unit: value(s) removed: "бочка"'
    ]
    schema["$defs"]["Unit"]["enum"] = [u for u in units if u != "бух"]
    path.write_text(json.dumps(schema), encoding="utf-8")
    report = check(snapshots)
    assert report.ok
    assert [str(f) for f in report.stale] == ["order.parsed.v1.json: changed compatibly"]


def test_a_literal_value_removed_is_reported(snapshots: Path) -> None:
    path = snapshots / "mail.send.v1.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["properties"]["purpose"]["enum"].append("newsletter")
    path.write_text(json.dumps(schema), encoding="utf-8")
    assert _messages(check(snapshots)) == [
        'mail.send.v1.json: purpose: value(s) removed: "newsletter"'
    ]


def test_a_removed_model_is_reported(snapshots: Path) -> None:
    shutil.copy(snapshots / "order.created.v1.json", snapshots / "order.archived.v1.json")
    shutil.copy(snapshots / "rpc.orders.get.json", snapshots / "rpc.orders.archive.json")
    assert _messages(check(snapshots)) == [
        "order.archived.v1.json: model removed (its snapshot is still here)",
        "rpc.orders.archive.json: model removed (its snapshot is still here)",
    ]


def test_export_refuses_an_incompatible_change_unless_forced(snapshots: Path) -> None:
    before = (snapshots / "order.created.v1.json").read_text(encoding="utf-8")
    current = _with(current_schemas(), _variant(OrderCreated, drop=("client_name",)))
    report = export(snapshots, current)
    assert not report.ok
    assert (snapshots / "order.created.v1.json").read_text(encoding="utf-8") == before
    export(snapshots, current, force=True)
    assert check(snapshots, current).ok


class _OldLine(Contract):
    name: str
    qty: int = Field(ge=0)
    note: str | None = None


class _OldDoc(Contract):
    lines: list[_OldLine]
    tags: dict[str, int] = Field(default_factory=dict)
    parent: _OldDoc | None = None


class _NewLine(Contract):  # lost a field and narrowed another
    name: str
    qty: int = Field(ge=1)


class _NewDoc(Contract):
    lines: list[_NewLine]
    tags: dict[str, str] = Field(default_factory=dict)
    parent: _NewDoc | None = None


def _schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema()


def test_compat_follows_references_lists_dicts_and_recursion() -> None:
    old = _schema(_OldDoc)
    assert breaking_changes(old, old) == []
    assert breaking_changes(old, _schema(_NewDoc)) == [
        "lines[].qty: lower bound raised",
        "lines[].note: field removed",
        "tags{}: type changed from integer to string",
    ]


def test_compat_allows_widening() -> None:
    class Old(Contract):
        count: int
        kind: Literal["a", "b"]
        name: str = Field(max_length=10)

    class New(Contract):
        count: float | None
        kind: Literal["a", "b", "c"]
        name: str = Field(max_length=20)

    assert breaking_changes(_schema(Old), _schema(New)) == []
    assert breaking_changes(_schema(New), _schema(Old)) == [
        "count: type changed from number to integer",
        "count: type changed from null to integer",
        'kind: value(s) removed: "c"',
        "name: maximum length lowered",
    ]


def test_cli_check_passes_on_the_committed_snapshots(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SNAPSHOT_DIR), "--strict"]) == 0
    assert "match the snapshots" in capsys.readouterr().out


def test_cli_check_fails_with_a_message_per_model(
    snapshots: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, field in [("order.created.v1.json", "region"), ("rpc.orders.get.json", "shard")]:
        path = snapshots / name
        schema = json.loads(path.read_text(encoding="utf-8"))
        schema["properties"][field] = {"type": "string"}
        path.write_text(json.dumps(schema), encoding="utf-8")
    assert main(["check", str(snapshots)]) == 1
    out = capsys.readouterr().out
    assert "2 incompatible change(s) without a version bump" in out
    assert "order.created.v1.json: region: field removed" in out
    assert "rpc.orders.get.json: shard: field removed" in out
    assert "bump the event's version" in out
    assert main(["export", str(snapshots)]) == 1
    assert "nothing written" in capsys.readouterr().out


def test_cli_export_writes_every_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out"
    assert main(["export", str(target)]) == 0
    assert sorted(p.name for p in target.glob("*.json")) == sorted(current_schemas())
    assert main(["check", str(target), "--strict"]) == 0
    (target / "order.created.v1.json").unlink()
    assert main(["check", str(target)]) == 0
    assert main(["check", str(target), "--strict"]) == 1
    assert "order.created.v1.json: new (no snapshot yet)" in capsys.readouterr().out
