"""Settings shared by every service: mailbox settings are parsed once, at start."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from pydantic import ValidationError

from snab_contracts.mail import MailAddress
from snab_kit.settings import Mailbox, ServiceSettings, wait_for_servers


class _WithMailbox(ServiceSettings):
    email_from: Mailbox | None = None


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (
            "Снабжение <zakupki@broker.example>",
            MailAddress(email="zakupki@broker.example", name="Снабжение"),
        ),
        ("zakupki@broker.example", MailAddress(email="zakupki@broker.example")),
        (
            '"Отдел, снабжения" <a.b+rfq@x-y.example>',
            MailAddress(email="a.b+rfq@x-y.example", name="Отдел, снабжения"),
        ),
        ("  Снаб <zakupki@снаб.рф>  ", MailAddress(email="zakupki@снаб.рф", name="Снаб")),
    ],
)
def test_email_from_as_people_write_it(
    written: str, expected: MailAddress, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EMAIL_FROM", written)
    assert _WithMailbox(_env_file=None).email_from == expected  # type: ignore[call-arg]


@pytest.mark.parametrize(
    "written",
    ["Снабжение <zakupki", "zakupki", "Снабжение zakupki@", "a <b@c.example> d <e@f.example>"],
)
def test_a_broken_email_from_stops_the_start_with_its_name(
    written: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EMAIL_FROM", written)
    with pytest.raises(ValidationError) as error:
        _WithMailbox(_env_file=None)  # type: ignore[call-arg]
    assert "email_from" in str(error.value)
    assert "is not a mailbox" in str(error.value)


@pytest.mark.parametrize(
    ("written", "servers"),
    [
        ("nats://127.0.0.1:4222", ["nats://127.0.0.1:4222"]),
        (
            "nats://orders:s3cret@nats-1:4222,nats-2:4222, nats-3:4222",
            [
                "nats://orders:s3cret@nats-1:4222",
                "nats://orders:s3cret@nats-2:4222",
                "nats://orders:s3cret@nats-3:4222",
            ],
        ),
        ("a:4222,b:4222", ["nats://a:4222", "nats://b:4222"]),
        ("tls://u@a:1,v:w@b:2,nats://c:3", ["tls://u@a:1", "tls://v:w@b:2", "nats://c:3"]),
    ],
)
def test_nats_url_names_the_servers_of_a_cluster_with_one_login(
    written: str, servers: list[str]
) -> None:
    assert ServiceSettings(nats_url=written).nats_servers == servers


def test_bus_replicas_are_between_one_and_five() -> None:
    assert ServiceSettings().bus_replicas == 1
    with pytest.raises(ValidationError):
        ServiceSettings(bus_replicas=0)


def test_a_service_started_by_make_run_waits_for_its_servers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NATS_URL", "nats://old:4222")
    ready = tmp_path / "run.env"

    def servers_up() -> None:
        partial = tmp_path / "run.tmp"
        partial.write_text("NATS_URL=nats://127.0.0.1:14222\nDATABASE_URL=postgresql:///snab\n")
        partial.replace(ready)

    timer = threading.Timer(0.3, servers_up)
    timer.start()
    try:
        wait_for_servers(ready, timeout=10)
    finally:
        timer.cancel()
    assert os.environ["NATS_URL"] == "nats://127.0.0.1:14222"
    assert os.environ["DATABASE_URL"] == "postgresql:///snab"
    monkeypatch.delenv("DATABASE_URL")


def test_servers_that_never_come_stop_the_service_with_a_reason(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match=r"servers were not ready within 0\.2 s"):
        wait_for_servers(tmp_path / "run.env", timeout=0.2)
