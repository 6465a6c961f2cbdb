"""Settings shared by every service: mailbox settings are parsed once, at start."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from snab_contracts.mail import MailAddress
from snab_kit.settings import Mailbox, ServiceSettings


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
