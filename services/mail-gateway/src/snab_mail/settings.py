"""Settings of the mail-gateway service (environment variables, as in the project's table)."""

from __future__ import annotations

from email.utils import parseaddr
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import NoDecode

from snab_kit.settings import Mailbox, ServiceSettings
from snab_mailparse import Limits

Security = Literal["ssl", "starttls", "none"]

_DEFAULT_PORTS: dict[str, dict[str, int]] = {
    "imap": {"ssl": 993, "starttls": 143, "none": 143},
    "smtp": {"ssl": 465, "starttls": 587, "none": 25},
}


class MailgatewaySettings(ServiceSettings):
    http_port: int = Field(default=8101, validation_alias=AliasChoices("MAIL_HTTP_PORT"))

    # The company mailbox.
    email_username: str | None = None
    email_password: SecretStr | None = None
    email_from: Mailbox | None = Field(
        default=None,
        description="From address, e.g. 'Снабжение <zakupki@broker.example>' "
        "(default: EMAIL_USERNAME).",
    )

    # Inbound: IMAP. Disabled while IMAP_SERVER or EMAIL_USERNAME is unset.
    imap_server: str | None = None
    imap_port: int | None = Field(default=None, description="Default: 993 for ssl, else 143.")
    imap_security: Security = "ssl"
    imap_folder: str = "INBOX"
    imap_poll_seconds: float = Field(default=30.0, gt=0)
    imap_idle: bool = Field(default=True, description="Use IDLE when the server lists it.")
    imap_idle_seconds: float = Field(
        default=540.0, gt=0, lt=600, description="Re-issue IDLE after this long (under 10 min)."
    )
    imap_timeout_seconds: float = Field(default=60.0, gt=0)
    imap_keepalive_seconds: float = Field(
        default=20.0,
        gt=0,
        le=300,
        description=(
            "During IDLE, check the connection this often (IDLE is ended and started again); "
            "a server that does not answer within as long is taken as gone and the mailbox "
            "is opened again. A silently dropped connection is noticed within twice this."
        ),
    )
    imap_batch_size: int = Field(default=50, ge=1, le=500, description="Messages per FETCH.")
    imap_batch_bytes: int = Field(default=32 * 1024 * 1024, ge=1024)
    imap_max_fetch_bytes: int = Field(
        default=100 * 1024 * 1024,
        ge=1024,
        description="Above this size only the header is downloaded; the message stays put.",
    )
    imap_backfill_days: int = Field(
        default=0,
        ge=0,
        description="First start on a mailbox: 0 takes only mail arriving from now on.",
    )
    imap_resync_margin_hours: float = Field(
        default=24.0, ge=0, description="After a UIDVALIDITY change, look back this far."
    )
    imap_lease_seconds: float = Field(
        default=30.0,
        gt=0,
        description="A standby replica takes over within 1.25 times this after the leader dies.",
    )
    imap_sent_folder: str | None = Field(
        default=None, description="Append a copy of each sent message here (e.g. Sent)."
    )
    imap_ca_file: Path | None = None

    # Outbound: SMTP. Without SMTP_SERVER, messages go to MAIL_OUTBOX_DIR as .eml files.
    smtp_server: str | None = None
    smtp_port: int | None = Field(
        default=None, description="Default: 465 for ssl, 587 for starttls, 25 for none."
    )
    smtp_security: Security = "ssl"
    smtp_username: str | None = Field(default=None, description="Default: EMAIL_USERNAME.")
    smtp_password: SecretStr | None = Field(default=None, description="Default: EMAIL_PASSWORD.")
    smtp_timeout_seconds: float = Field(default=60.0, gt=0)
    smtp_ca_file: Path | None = None
    smtp_max_attempts: int = Field(default=3, ge=1, le=20)
    smtp_retry_backoff_seconds: Annotated[list[float], NoDecode] = Field(
        default_factory=lambda: [10.0, 60.0]
    )
    smtp_workers: int = Field(default=4, ge=1, le=64)
    smtp_poll_seconds: float = Field(default=1.0, gt=0)
    smtp_claim_seconds: float = Field(
        default=300.0,
        gt=0,
        description="A send not finished in this time is taken over (the process died).",
    )
    mail_outbox_dir: Path = Path(".data/outbox")

    # Circuit breaker around SMTP and IMAP connections.
    mail_breaker_failures: int = Field(default=5, ge=1)
    mail_breaker_open_seconds: float = Field(default=60.0, gt=0)

    # Our Message-IDs: <rfq.{request_id}.{token}@domain>; default: the domain of EMAIL_FROM.
    mail_message_id_domain: str | None = None

    # Hardened parsing of inbound mail (see snab_mailparse.Limits).
    mail_max_bytes: int = Field(default=25 * 1024 * 1024, ge=1024)
    mail_max_header_bytes: int = Field(default=64 * 1024, ge=1024)
    mail_max_parts: int = Field(default=200, ge=1)
    mail_max_depth: int = Field(default=10, ge=1)
    mail_parse_cpu_seconds: float = Field(default=1.5, gt=0)
    mail_event_text_chars: int = Field(
        default=100_000, ge=1000, description="Longer bodies are cut in mail.received."
    )

    @field_validator("smtp_retry_backoff_seconds", mode="before")
    @classmethod
    def _split_smtp_backoff(cls, value: object) -> object:
        if isinstance(value, str):
            return [float(part) for part in value.split(",") if part.strip()]
        return value

    # -- derived values ----------------------------------------------------------------

    @property
    def imap_enabled(self) -> bool:
        return bool(self.imap_server and self.email_username)

    @property
    def smtp_enabled(self) -> bool:
        return bool(self.smtp_server)

    @property
    def imap_port_or_default(self) -> int:
        return self.imap_port or _DEFAULT_PORTS["imap"][self.imap_security]

    @property
    def smtp_port_or_default(self) -> int:
        return self.smtp_port or _DEFAULT_PORTS["smtp"][self.smtp_security]

    @property
    def account(self) -> str:
        """The mailbox login, or 'local' when there is no mailbox."""
        return self.email_username or "local"

    @property
    def from_address(self) -> tuple[str, str]:
        """(display name, address) of our From header."""
        if self.email_from is not None:
            return self.email_from.name, self.email_from.email
        name, address = parseaddr(self.email_username or "")
        if "@" not in address:
            address = f"snab@{self.own_domain}"
        return name, address

    @property
    def own_domain(self) -> str:
        if self.mail_message_id_domain:
            return self.mail_message_id_domain.strip().lower()
        for address in (
            self.email_from.email if self.email_from else None,
            parseaddr(self.email_username or "")[1],
        ):
            if address and "@" in address:
                return address.rsplit("@", 1)[1].strip().lower()
        return "snab.local"

    @property
    def smtp_login(self) -> tuple[str, str] | None:
        user = self.smtp_username or self.email_username
        password = self.smtp_password or self.email_password
        if not user or password is None:
            return None
        return user, password.get_secret_value()

    @property
    def limits(self) -> Limits:
        return Limits(
            max_bytes=self.mail_max_bytes,
            max_header_bytes=self.mail_max_header_bytes,
            max_parts=self.mail_max_parts,
            max_depth=self.mail_max_depth,
            max_cpu_seconds=self.mail_parse_cpu_seconds,
        )
