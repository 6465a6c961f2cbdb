""".env.example is generated from the settings classes and says the truth about them.

When a test here fails after a setting was added or changed: run `make env-example` and
commit .env.example.
"""

from __future__ import annotations

import re
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Literal

import pytest
from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from tests.deploy.local_runner import envdoc, run

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / ".env.example"
LINE = re.compile(r"^# ([A-Z][A-Z0-9_]*)=(.*)$", re.M)
EXAMPLE_LINE = re.compile(r"^# example: ([A-Z][A-Z0-9_]*)=(.*)$", re.M)


def documented() -> dict[str, str]:
    return dict(LINE.findall(EXAMPLE.read_text()))


def readers() -> dict[str, list[tuple[str, type[BaseSettings], str]]]:
    """Environment variable → (service, settings class, field) of everyone who reads it."""
    found: dict[str, list[tuple[str, type[BaseSettings], str]]] = {}
    classes = {**envdoc.service_settings(), "make run": run.RunSettings}
    for label, cls in classes.items():
        for name in cls.model_fields:
            found.setdefault(envdoc.env_name(cls, name), []).append((label, cls, name))
    return found


def test_env_example_is_what_make_env_example_writes() -> None:
    assert EXAMPLE.read_text() == envdoc.render(), (
        ".env.example is out of date: run `make env-example` and commit it"
    )


def test_check_mode_fails_on_a_stale_file(tmp_path: Path) -> None:
    stale = tmp_path / ".env.example"
    stale.write_text(envdoc.render().replace("# IMAP_FOLDER=INBOX", "# IMAP_FOLDER=Inbox"))
    assert envdoc.main(["--check", "--output", str(stale)]) == 1
    assert envdoc.main(["--output", str(stale)]) == 0
    assert envdoc.main(["--check", "--output", str(stale)]) == 0


def test_every_setting_is_there_once_and_nothing_else() -> None:
    names = LINE.findall(EXAMPLE.read_text())
    listed = [name for name, _ in names]
    assert len(listed) == len(set(listed)), "a setting is listed twice"
    read = set(readers())
    read.discard("HTTP_PORT")  # the kit's field; every service reads its own port variable
    assert set(listed) == read
    # The runner's own settings are there too.
    assert {"SNAB_DATA_DIR", "EMBEDDED_NATS_PORT"} <= set(listed)


def comment_of(env: str) -> str:
    """The comment lines right above ``# ENV=``, joined into one text."""
    lines = EXAMPLE.read_text().splitlines()
    at = lines.index(f"# {env}=" + documented()[env])
    above: list[str] = []
    for line in reversed(lines[:at]):
        if not line.startswith("# ") or LINE.match(line) or line.startswith("# ---"):
            break
        above.append(line[2:])
    return " ".join(reversed(above))


def test_uncommenting_every_line_changes_no_default_except_those_named() -> None:
    """A line is the default of every service that reads it, unless its comment says
    "Default in <service>: X." (a shared setting that one service sets otherwise)."""
    lines = documented()
    for env, uses in readers().items():
        if env not in lines:
            continue
        for label, cls, field in uses:
            reader = envdoc.Reader(label, cls, field)
            if envdoc.reads_back(reader, env, lines[env], reader.default):
                continue
            named = re.search(rf"Default in {label}: (\S*?)\.(?:\s|$)", comment_of(env))
            assert named, f"{env}={lines[env]} is not the default of {label}, and not said"
            assert envdoc.reads_back(reader, env, named.group(1), reader.default), env


def test_the_lines_that_were_wrong_are_right() -> None:
    lines = documented()
    # unset defaults: an empty line (and an example elsewhere), not a made-up value
    for env in ("IMAP_SERVER", "IMAP_SENT_FOLDER", "SMTP_SERVER", "EMAIL_FROM", "IMAP_PORT"):
        assert lines[env] == "", env
    assert lines["SMTP_PORT"] == ""  # depends on SMTP_SECURITY, as the comment says
    assert lines["PROPOSAL_PAYMENT_TERMS"] == ""
    # make run's embedded NATS is not on 4222; an empty NATS_URL starts it
    assert lines["NATS_URL"] == "" and lines["DATABASE_URL"] == ""
    assert lines["EMBEDDED_NATS_PORT"] == "14222"
    text = EXAMPLE.read_text()
    assert "# example: EMAIL_FROM=Снабжение <zakupki@broker.example>" in text
    assert "Default in parser: 2." in comment_of("CONSUMER_WORKERS")


def test_examples_are_valid_values() -> None:
    uses = readers()
    examples = EXAMPLE_LINE.findall(EXAMPLE.read_text())
    assert examples
    for env, value in examples:
        for label, cls, field in uses[env]:
            got = envdoc.read(envdoc.Reader(label, cls, field), env, value)
            assert got is not None, (env, label)


def test_no_secret_has_a_real_value() -> None:
    for env, value in documented().items():
        if re.search(r"PASSWORD|SECRET|TOKEN|API_KEY|ACCESS_KEY", env):
            assert value in ("", "change-me"), env


# -- the generator on settings it has not seen yet ------------------------------------------


class Colour(Enum):
    RED = "red"


class Future(BaseSettings):
    """Settings someone may add tomorrow."""

    model_config = SettingsConfigDict(env_ignore_empty=True, extra="ignore")

    names: list[str] = Field(default_factory=lambda: ["a", "b"])
    weights: dict[str, Decimal] = Field(default_factory=lambda: {"x": Decimal("1.5")})
    mode: Literal["fast", "slow"] = "slow"
    colour: Colour = Colour.RED
    token: SecretStr = SecretStr("change-me")
    ratio: float = 0.25
    aliased: int = Field(default=7, validation_alias=AliasChoices("NEW_NAME", "OLD_NAME"))


@pytest.mark.parametrize("field", list(Future.model_fields))
def test_a_new_setting_of_any_usual_type_is_written_so_that_it_reads_back(field: str) -> None:
    reader = envdoc.Reader("future", Future, field)
    env = envdoc.env_name(Future, field)
    setting = envdoc.Setting(env, reader, [reader])
    value = envdoc._line_value(setting)
    assert envdoc.reads_back(reader, env, value, reader.default), (env, value)
    if field == "aliased":
        assert env == "NEW_NAME"


def test_a_default_that_cannot_be_written_stops_the_generator() -> None:
    class Odd(BaseSettings):
        model_config = SettingsConfigDict(env_ignore_empty=True)
        blob: bytes = b"\xff\x00"

    reader = envdoc.Reader("odd", Odd, "blob")
    with pytest.raises(SystemExit, match="BLOB: cannot write the default"):
        envdoc._line_value(envdoc.Setting("BLOB", reader, [reader]))
