"""Every setting of snab, read from the settings classes; writes ``.env.example``.

    python deploy/local/envdoc.py           # write .env.example (make env-example)
    python deploy/local/envdoc.py --check   # exit 1 when .env.example is out of date

The settings are found, not listed: every pydantic-settings class on
``snab_kit.settings.ServiceSettings`` in ``services/*/src/*/settings.py``, and the
runner's own ``RunSettings`` in ``deploy/local/run.py``. A field's environment name is its
``validation_alias`` (first choice) or its name; its comment is its ``description=``
plus the notes below; its line shows the default, written so that the class reads it
back as the same value (checked here for every line, so a default that cannot be
written as an environment value stops the generator instead of being documented wrong).

After adding or changing a setting, run ``make env-example`` and commit the result.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import importlib.util
import json
import os
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from pathlib import Path, PurePath
from types import ModuleType
from typing import Any

from pydantic import AliasChoices, SecretStr
from pydantic_core import to_jsonable_python
from pydantic_settings import BaseSettings

from snab_kit.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[2]
TARGET = ROOT / ".env.example"
WIDTH = 92

# Services in the order of their sections; a service not named here comes after them.
SERVICE_ORDER = ("mail-gateway", "parser", "orders", "documents", "notifier", "gateway-api")
SERVICE_TITLES = {
    "mail-gateway": "Mailbox (mail-gateway)",
    "parser": "Parser",
    "orders": "Orders",
    "documents": "Documents",
    "notifier": "Notifier",
    "gateway-api": "Gateway API and web admin",
}

# Fields of ServiceSettings (read by every service), by section. A field added to the kit
# and not named here lands in the last section, "Shared by every service".
KIT_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Infrastructure", ("database_url", "nats_url", "bus_replicas", "bus_namespace")),
    (
        "Object storage",
        (
            "storage_dir",
            "s3_endpoint_url",
            "s3_bucket",
            "s3_access_key",
            "s3_secret_key",
            "s3_region",
            "cloudflare_r2_account_id",
            "cloudflare_r2_access_key",
            "cloudflare_r2_secret_key",
        ),
    ),
    ("Logs and HTTP", ("debug", "log_level", "log_format", "http_host", "http_port")),
    (
        "Bus delivery",
        (
            "max_deliver",
            "retry_backoff_seconds",
            "consumer_workers",
            "rpc_workers",
            "rpc_max_request_bytes",
            "ack_wait_seconds",
            "outbox_batch_size",
            "outbox_poll_seconds",
            "inbox_retention_days",
            "dlq_watch_seconds",
        ),
    ),
)
SHARED = "Shared by every service"
# A service's own http_host / http_port (GATEWAY_PORT, MAIL_HTTP_PORT, ...) are listed
# together in this section rather than in the service's.
HTTP_SECTION = "Logs and HTTP"
HTTP_FIELDS = ("http_host", "http_port")

# Text above a section's settings.
SECTION_NOTES = {
    "make run": "Read by deploy/local/run.py only.",
    "Object storage": (
        "Raw mail, attachments and documents: S3-compatible storage when S3_ENDPOINT_URL "
        "(or a Cloudflare R2 account) is set, else the local folder STORAGE_DIR."
    ),
    HTTP_SECTION: (
        "Each service serves /health and /metrics on HTTP_HOST and its own port; the "
        "gateway listens on GATEWAY_HOST instead."
    ),
    "Bus delivery": "How the JetStream consumers, the rpc handlers and the outbox relay work.",
    "mail-gateway": (
        "Without IMAP_SERVER (or EMAIL_USERNAME) mail enters by upload or "
        "`.venv/bin/snab ingest FILE.eml`; without SMTP_SERVER outgoing mail is written to "
        "MAIL_OUTBOX_DIR as .eml files."
    ),
    "parser": "Any OpenAI-compatible endpoint works for the LLM extractor.",
}

# Comments for settings whose description= says nothing (or not enough for this file).
NOTES = {
    "SNAB_DATA_DIR": "Command-line tools (snab ingest, snab-bus) find the running servers "
    "only with the default .data.",
    "DEBUG": "true: each service also serves its AsyncAPI docs at /docs/asyncapi.",
    "LOG_FORMAT": "json or console; make run uses console unless this is set.",
    "STORAGE_DIR": "make run: SNAB_DATA_DIR/storage unless this is set.",
    "HTTP_HOST": "0.0.0.0 in containers.",
    "MAX_DELIVER": "Deliveries of a failing message before it goes to dlq.<subject>.",
    "CONSUMER_WORKERS": "Messages a consumer handles at once.",
    "RPC_WORKERS": "rpc requests a service answers at once.",
    "INBOX_RETENTION_DAYS": "How long handled event ids are kept against redeliveries.",
    "DLQ_WATCH_SECONDS": "How often the size of the dead-letter stream is exported "
    "(snab_dlq_size).",
    "IMAP_SECURITY": "ssl, starttls or none.",
    "SMTP_SECURITY": "ssl, starttls or none.",
    "IMAP_SERVER": "Mailbox intake is off while this or EMAIL_USERNAME is unset.",
    "SMTP_SERVER": "Unset: outgoing mail is written to MAIL_OUTBOX_DIR as .eml files.",
    "IMAP_CA_FILE": "CA certificates to trust (a server with a private CA).",
    "SMTP_CA_FILE": "CA certificates to trust (a server with a private CA).",
    "MAIL_OUTBOX_DIR": "make run: SNAB_DATA_DIR/outbox unless this is set.",
    "MAIL_MESSAGE_ID_DOMAIN": "Domain of our Message-IDs; unset: the domain of EMAIL_FROM.",
    "MAIL_MAX_BYTES": "Limits on incoming mail: larger or stranger mail is stored and "
    "flagged for review.",
    "OPENAI_API_KEY": "Unset: the rule-based extractor reads the mail.",
    "OPENAI_BASE_URL": "Unset: OpenAI itself.",
    "PROPOSAL_PAYMENT_TERMS": "Payment terms printed on proposals.",
    "COMPANY_NAME": "Requisites printed on proposals.",
    "SECRET_KEY": "Signing key for access tokens: set a long random value in production.",
    "ADMIN_PASSWORD": "Unset: no admin login.",
}

# Settings whose value depends on who starts the service: their line stays empty, and
# the comment says what "unset" means ({default} is the settings class's default).
UNSET = {
    "DATABASE_URL": "PostgreSQL. Unset under make run: an embedded PostgreSQL 16 in "
    "SNAB_DATA_DIR/postgres; a service started on its own uses {default}.",
    "NATS_URL": "NATS with JetStream. Unset under make run: an embedded nats-server on "
    "EMBEDDED_NATS_PORT; a service started on its own uses {default}.",
}

# Values that are not defaults, shown as "# example: NAME=value" above the setting.
EXAMPLES = {
    "EMAIL_USERNAME": "zakupki@broker.example",
    "EMAIL_FROM": "Снабжение <zakupki@broker.example>",
    "IMAP_SERVER": "imap.mail.ru",
    "IMAP_SENT_FOLDER": "Sent",
    "SMTP_SERVER": "smtp.mail.ru",
    "S3_ENDPOINT_URL": "https://storage.yandexcloud.net",
    "OPENAI_BASE_URL": "https://llm.api.cloud.yandex.net/v1",
    "PROPOSAL_PAYMENT_TERMS": "100% предоплата",
    "COMPANY_KPP": "770001001",
}


@dataclass
class Reader:
    """One settings class that reads a variable, through one of its fields."""

    label: str
    cls: type[BaseSettings]
    field: str

    @property
    def default(self) -> Any:
        return self.cls.model_fields[self.field].get_default(call_default_factory=True)

    @property
    def description(self) -> str:
        return (self.cls.model_fields[self.field].description or "").strip()


@dataclass
class Setting:
    env: str
    home: Reader  # whose default and description the line shows
    readers: list[Reader] = field(default_factory=list)
    value: str = ""


@dataclass
class Section:
    key: str
    title: str
    settings: list[Setting] = field(default_factory=list)


# -- discovery -----------------------------------------------------------------------------


def service_settings() -> dict[str, type[ServiceSettings]]:
    """Service folder name → its settings class, for every ``services/*/src/*/settings.py``
    (a module with several classes gives "folder (ClassName)" for each)."""
    found: dict[str, type[ServiceSettings]] = {}
    for path in sorted(ROOT.glob("services/*/src/*/settings.py")):
        label = path.parents[2].name
        module = importlib.import_module(f"{path.parent.name}.settings")
        classes = [
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, ServiceSettings)
            and value.__module__ == module.__name__
        ]
        for cls in classes:
            found[label if len(classes) == 1 else f"{label} ({cls.__name__})"] = cls
    order = {name: i for i, name in enumerate(SERVICE_ORDER)}
    return dict(
        sorted(
            found.items(),
            key=lambda item: (order.get(item[0].split(" ")[0], len(order)), item[0]),
        )
    )


def run_settings() -> type[BaseSettings]:
    """``RunSettings`` of deploy/local/run.py (loaded by path: deploy/ is no package)."""
    module = _load(ROOT / "deploy" / "local" / "run.py", "snab_local_run")
    cls = module.RunSettings
    assert isinstance(cls, type) and issubclass(cls, BaseSettings)
    return cls


def _load(path: Path, name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def env_name(cls: type[BaseSettings], name: str) -> str:
    """The environment variable a field is read from (the first, when several are)."""
    info = cls.model_fields[name]
    alias = info.validation_alias
    if isinstance(alias, AliasChoices):
        for choice in alias.choices:
            if isinstance(choice, str):
                return choice.upper()
    if isinstance(alias, str):
        return alias.upper()
    if info.alias:
        return info.alias.upper()
    prefix = cls.model_config.get("env_prefix") or ""
    return f"{prefix}{name}".upper()


def http_binding(cls: type[BaseSettings]) -> tuple[str, str, str, int]:
    """(host variable, default host, port variable, default port) of a service."""
    host = cls.model_fields["http_host"].get_default()
    port = cls.model_fields["http_port"].get_default()
    return env_name(cls, "http_host"), str(host), env_name(cls, "http_port"), int(port)


# -- the model of the file -----------------------------------------------------------------


def sections() -> list[Section]:
    services = service_settings()
    kit_env = {env_name(ServiceSettings, name): name for name in ServiceSettings.model_fields}
    out: dict[str, Section] = {"make run": Section("make run", "make run")}
    for title, _ in KIT_SECTIONS:
        out[title] = Section(title, title)
    out[SHARED] = Section(SHARED, SHARED)
    for label in services:
        out[label] = Section(label, SERVICE_TITLES.get(label, label))

    settings: dict[str, Setting] = {}
    where: dict[str, str] = {}
    runner = run_settings()
    for name in runner.model_fields:
        env = env_name(runner, name)
        reader = Reader("make run", runner, name)
        settings[env] = Setting(env, reader, [reader])
        where[env] = "make run"
    kit_section = {name: title for title, names in KIT_SECTIONS for name in names}
    for label, cls in services.items():
        for name in cls.model_fields:
            env = env_name(cls, name)
            reader = Reader(label, cls, name)
            if env in settings:
                settings[env].readers.append(reader)
                continue
            if kit_env.get(env) == name:  # a kit setting: its default is the kit's
                home = Reader("every service", ServiceSettings, name)
                where[env] = kit_section.get(name, SHARED)
            else:
                home = reader
                where[env] = HTTP_SECTION if name in HTTP_FIELDS else label
            settings[env] = Setting(env, home, [reader])

    # Kit settings in the kit's order; the others in the order services declare them.
    kit_order = {name: i for i, name in enumerate(ServiceSettings.model_fields)}
    for env, setting in settings.items():
        out[where[env]].settings.append(setting)
    for section in out.values():
        if section.key in kit_section.values() or section.key == SHARED:
            section.settings.sort(
                key=lambda s: (
                    (1, 0) if s.home.cls is not ServiceSettings else (0, kit_order[s.home.field])
                )
            )
    for setting in settings.values():
        setting.value = _line_value(setting)
    known = set(settings)
    for table in (NOTES, UNSET, EXAMPLES):
        stale = sorted(set(table) - known)
        if stale:
            raise SystemExit(f"envdoc.py documents settings that no longer exist: {stale}")
    return [section for section in out.values() if section.settings]


# -- values --------------------------------------------------------------------------------


def _candidates(value: Any) -> list[str]:
    """Ways to write a default as an environment value, the most readable first."""
    if value is None:
        return [""]
    if isinstance(value, SecretStr):
        return _candidates(value.get_secret_value())
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, Enum):
        return _candidates(value.value)
    if isinstance(value, float):
        return [str(int(value)) if value.is_integer() else repr(value)]
    if isinstance(value, Decimal):
        return [format(value.normalize(), "f")]
    if isinstance(value, int | str | PurePath):
        return [str(value)]
    try:
        written = json.dumps(_jsonable(value), ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError):  # no JSON form: only the plain ones below, if any
        written = ""
    if isinstance(value, list | tuple | set | frozenset):
        plain = ",".join(_first(item) for item in value)
        return [plain, written] if written else [plain]
    if isinstance(value, dict):
        pairs = ",".join(f"{key}={_first(item)}" for key, item in value.items())
        return [pairs, written] if written else [pairs]
    return [written] if written else []


def _first(value: Any) -> str:
    return next(iter(_candidates(value)), "")


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(item) for item in value]
    return to_jsonable_python(value)


def _line_value(setting: Setting) -> str:
    if setting.env in UNSET:
        return ""
    default = setting.home.default
    for text in _candidates(default):
        if reads_back(setting.home, setting.env, text, default):
            return text
    raise SystemExit(
        f"{setting.env}: cannot write the default {default!r} of "
        f"{setting.home.cls.__name__}.{setting.home.field} as an environment value that "
        "reads back the same; teach _candidates() in deploy/local/envdoc.py"
    )


def read(reader: Reader, env: str, text: str) -> Any:
    """What ``reader`` makes of ``env=text`` with nothing else set (no .env either)."""
    with _only_environ({env: text}):
        settings = reader.cls(_env_file=None)  # type: ignore[call-arg]
    return getattr(settings, reader.field)


def reads_back(reader: Reader, env: str, text: str, expected: Any) -> bool:
    try:
        got = read(reader, env, text)
    except Exception:
        return False
    return bool(_plain(got) == _plain(expected))


def _plain(value: Any) -> Any:
    return value.get_secret_value() if isinstance(value, SecretStr) else value


@contextmanager
def _only_environ(values: dict[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


# -- text ----------------------------------------------------------------------------------

HEADER = """\
# snab configuration. Copy to .env in the repository root and uncomment what you change.
# Each setting below shows its default, the value used while it is unset (an empty value
# counts as unset); "# example:" lines show a value that is not a default. One file
# configures the whole system: each service reads only what it uses, and a setting read by
# several services applies to all of them.
#
# Generated from the settings classes by `make env-example`: do not edit by hand."""


def _comment(text: str) -> list[str]:
    return [
        f"# {line}"
        for line in textwrap.wrap(text, WIDTH - 2, break_long_words=False, break_on_hyphens=False)
    ]


def _setting_lines(setting: Setting) -> list[str]:
    home = setting.home
    parts: list[str] = []
    if setting.env in UNSET:
        parts.append(UNSET[setting.env].format(default=_first(home.default)))
    if home.description:
        parts.append(_sentence(home.description))
    if NOTES.get(setting.env):
        parts.append(_sentence(NOTES[setting.env]))
    for reader in setting.readers:
        if reader.cls is home.cls:
            continue
        notes: list[str] = []
        if setting.env not in UNSET and not reads_back(
            reader, setting.env, setting.value, reader.default
        ):
            notes.append(f"Default in {reader.label}: {_first(reader.default) or 'unset'}.")
        if reader.description and reader.description != home.description:
            notes.append(f"In {reader.label}: {_sentence(_lower_first(reader.description))}")
        if home.cls is not ServiceSettings and not notes:
            notes.append(f"Also read by {reader.label}.")
        parts.extend(notes)
    lines = _comment(" ".join(p.strip() for p in parts if p.strip()))
    if setting.env in EXAMPLES:
        lines.append(f"# example: {setting.env}={EXAMPLES[setting.env]}")
    lines.append(f"# {setting.env}={setting.value}")
    return lines


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", ")", "!", "?")) else text + "."


def render() -> str:
    out = [HEADER]
    for section in sections():
        out.append("")
        out.append(f"# --- {section.title} ".ljust(WIDTH - 1, "-"))
        if section.key in SECTION_NOTES:
            out.extend(_comment(SECTION_NOTES[section.key]))
            out.append("")
        for setting in section.settings:
            out.extend(_setting_lines(setting))
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="envdoc", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the file differs")
    parser.add_argument("--output", type=Path, default=TARGET)
    args = parser.parse_args(argv)
    text = render()
    current = args.output.read_text() if args.output.exists() else ""
    if args.check:
        if current == text:
            return 0
        diff = difflib.unified_diff(
            current.splitlines(), text.splitlines(), str(args.output), "generated", lineterm=""
        )
        print("\n".join(diff))
        print(f"{args.output} is out of date: run `make env-example`", file=sys.stderr)
        return 1
    if current != text:
        args.output.write_text(text)
        print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
