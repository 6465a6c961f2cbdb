"""``snab-bus migrate`` as an operator runs it."""

from __future__ import annotations

import pytest

from snab_kit.bus import BusNames
from snab_kit.cli import bus_main


@pytest.fixture
def operator_env(nats_url: str, bus: BusNames, monkeypatch: pytest.MonkeyPatch) -> BusNames:
    monkeypatch.setenv("NATS_URL", nats_url)
    monkeypatch.setenv("BUS_NAMESPACE", bus.namespace)
    monkeypatch.setenv("BUS_REPLICAS", "1")
    return bus


def test_three_copies_asked_of_a_single_server_is_a_clear_refusal(
    operator_env: BusNames, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        bus_main(["migrate", "--replicas", "3"])
    assert "NATS refused" in str(stopped.value.code)
    assert "replicas" in str(stopped.value.code)
    assert "stream" not in capsys.readouterr().out


def test_migrate_again_changes_what_exists_and_says_so(
    operator_env: BusNames, capsys: pytest.CaptureFixture[str]
) -> None:
    bus_main(["migrate"])
    lines = capsys.readouterr().out.splitlines()
    assert f"stream {operator_env.stream('MAIL')}: updated" in lines
    assert f"kv {operator_env.bucket('leases')}: exists" in lines
    assert not [line for line in lines if "created" in line]
