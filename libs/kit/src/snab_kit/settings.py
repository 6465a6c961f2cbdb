"""Settings shared by every service; each service extends ``ServiceSettings``."""

from __future__ import annotations

import re
from email.utils import parseaddr
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BeforeValidator, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from snab_contracts.mail import MailAddress

_ADDR_SPEC = re.compile(r"[^@\s<>(),;:\"\[\]\\]+@[\w-]+(?:\.[\w-]+)*")


def parse_mailbox(value: object) -> object:
    """``"Снабжение <zakupki@broker.example>"`` or ``"zakupki@broker.example"`` → a
    ``MailAddress`` (display name + address), checked once at start so that no header is
    ever built from the raw setting."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    name, address = parseaddr(text)
    if not _ADDR_SPEC.fullmatch(address) or text.count("@") != 1:
        raise ValueError(
            f"{text!r} is not a mailbox: write 'Name <box@example.com>' or 'box@example.com'"
        )
    return MailAddress(email=address, name=name.strip())


Mailbox = Annotated[MailAddress, BeforeValidator(parse_mailbox)]
"""A mailbox setting such as EMAIL_FROM: display name and address, validated at start."""


class ServiceSettings(BaseSettings):
    """Read from the environment and ``.env``; names as in the project's configuration table."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", env_ignore_empty=True)

    database_url: str = "postgresql://postgres@127.0.0.1:5432/snab"
    nats_url: str = Field(
        default="nats://127.0.0.1:4222",
        description="One server, or the servers of a cluster separated by commas: "
        "nats://user:password@nats-1:4222,nats-2:4222,nats-3:4222 (the scheme and the "
        "login of the first apply to the others that have none).",
    )
    bus_replicas: int = Field(
        default=1,
        ge=1,
        le=5,
        description="Copies of every stream and KV bucket that `snab-bus migrate` keeps: "
        "3 on a three-node NATS cluster, so that losing one node loses nothing.",
    )
    bus_namespace: str = Field(
        default="",
        description="Prefix for subjects, streams and consumers; lets test runs share one server.",
    )

    http_host: str = "127.0.0.1"
    http_port: int = 0

    debug: bool = False
    log_level: str = "INFO"
    log_format: Literal["json", "console"] = "json"

    # Delivery policy of JetStream consumers.
    max_deliver: int = 5
    retry_backoff_seconds: Annotated[list[float], NoDecode] = Field(
        default_factory=lambda: [1.0, 5.0, 15.0, 60.0],
        description="Delays between those deliveries, e.g. 1,5,15,60.",
    )
    consumer_workers: int = 8
    rpc_workers: int = 16
    rpc_max_request_bytes: int = Field(
        default=256 * 1024,
        ge=1024,
        description="Larger rpc requests are refused before decoding (a request type may "
        "allow more, e.g. an uploaded email).",
    )
    inbox_retention_days: float = 14.0
    dlq_watch_seconds: float = 30.0
    ack_wait_seconds: float = Field(
        default=10.0,
        gt=0,
        description="Seconds before the messages of a crashed consumer go to another one. "
        "Live handlers send heartbeats and a clean stop releases its messages at once, so "
        "this need not cover the slowest handler.",
    )

    outbox_batch_size: int = 200
    outbox_poll_seconds: float = 1.0

    # Object storage: S3-compatible when an endpoint (or the seed's R2 account) is set.
    storage_dir: Path = Path(".data/storage")
    s3_endpoint_url: str | None = None
    s3_bucket: str = "snab"
    s3_access_key: SecretStr | None = None
    s3_secret_key: SecretStr | None = None
    s3_region: str = "auto"
    cloudflare_r2_account_id: str | None = None
    cloudflare_r2_access_key: SecretStr | None = None
    cloudflare_r2_secret_key: SecretStr | None = None

    @field_validator("retry_backoff_seconds", mode="before")
    @classmethod
    def _split_floats(cls, value: object) -> object:
        if isinstance(value, str):
            return [float(part) for part in value.split(",") if part.strip()]
        return value

    @property
    def nats_servers(self) -> list[str]:
        return nats_servers(self.nats_url)

    @property
    def async_database_url(self) -> str:
        return to_async_url(self.database_url)


LOCAL_RUN_ENV = Path(".data/run.env")


SERVERS_FILE_VARIABLE = "SNAB_SERVERS_FILE"
"""Set by ``make run`` for the services it starts: the file that gives NATS_URL and
DATABASE_URL once its servers are up (the services import their code meanwhile)."""


def wait_for_servers(path: Path, *, timeout: float = 180.0, interval: float = 0.05) -> None:
    """Wait until ``path`` exists, then take NATS_URL and DATABASE_URL from it."""
    import time

    from dotenv import load_dotenv

    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"the servers were not ready within {timeout:g} s ({path} missing)")
        time.sleep(interval)
    load_dotenv(path, override=True)


def use_local_run(path: Path = LOCAL_RUN_ENV) -> bool:
    """For command-line tools: when ``make run`` is running on embedded servers, take
    NATS_URL and DATABASE_URL from the file it writes (unless they are set already)."""
    if not path.exists():
        return False
    from dotenv import load_dotenv

    return bool(load_dotenv(path, override=False))


def nats_servers(url: str) -> list[str]:
    """``NATS_URL`` → the list of server URLs the client tries in turn.

    ``nats://u:p@a:4222,b:4222`` → ``["nats://u:p@a:4222", "nats://u:p@b:4222"]``: a part
    without a scheme takes the first part's scheme and login, so a password is written once.
    """
    parts = [part.strip() for part in url.split(",") if part.strip()]
    if not parts:
        raise ValueError("NATS_URL is empty")
    first = urlsplit(parts[0] if "://" in parts[0] else f"nats://{parts[0]}")
    login = first.netloc.rpartition("@")[0]

    def complete(part: str) -> str:
        if "://" in part:
            return part
        return (
            f"{first.scheme}://{part}"
            if "@" in part or not login
            else f"{first.scheme}://{login}@{part}"
        )

    return [complete(part) for part in parts]


def to_async_url(url: str) -> str:
    """``postgresql://`` (as psql and most tools write it) to the asyncpg driver URL."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    raise ValueError("DATABASE_URL must be a postgresql:// URL")
