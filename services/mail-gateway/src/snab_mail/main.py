"""Builds the mail-gateway service: intake (IMAP), sending (SMTP or local outbox), rpc."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from snab_contracts.mail import MailAddress
from snab_kit.logging import get_logger
from snab_kit.service import CheckResult, Service
from snab_kit.storage import ObjectStorage, make_storage
from snab_mail import metrics
from snab_mail.db.tables import messaging, metadata
from snab_mail.domain.breaker import CircuitBreaker
from snab_mail.domain.threads import Mailbox
from snab_mail.handlers import rpc as rpc_handlers
from snab_mail.handlers import send as send_handlers
from snab_mail.imap.client import ImapConfig
from snab_mail.imap.lease import KvLease, lease_key
from snab_mail.imap.poller import MailboxPoller, PollerOptions
from snab_mail.imap.sent import SentFolder
from snab_mail.services.intake import Intake
from snab_mail.services.outbound import Sender, SenderOptions
from snab_mail.services.views import MailReader
from snab_mail.settings import MailgatewaySettings
from snab_mail.smtp.transport import LocalOutboxTransport, SmtpTransport, Transport

log = get_logger(__name__)


@dataclass
class MailGateway:
    """The service and its parts (tests and the CLI reach the parts directly)."""

    service: Service
    settings: MailgatewaySettings
    storage: ObjectStorage
    intake: Intake
    reader: MailReader
    sender: Sender
    transport: Transport
    smtp_breaker: CircuitBreaker
    imap_breaker: CircuitBreaker
    poller: MailboxPoller | None


def imap_config(settings: MailgatewaySettings) -> ImapConfig:
    assert settings.imap_server and settings.email_username
    return ImapConfig(
        host=settings.imap_server,
        port=settings.imap_port_or_default,
        security=settings.imap_security,
        username=settings.email_username,
        password=settings.email_password.get_secret_value() if settings.email_password else "",
        timeout=settings.imap_timeout_seconds,
        ca_file=settings.imap_ca_file,
        keepalive=settings.imap_keepalive_seconds,
    )


def assemble(
    settings: MailgatewaySettings | None = None, *, storage: ObjectStorage | None = None
) -> MailGateway:
    settings = settings or MailgatewaySettings()
    service = Service(name="mail", settings=settings, metadata=metadata, tables=messaging)
    storage = storage or make_storage(settings)
    name, address = settings.from_address
    own = MailAddress(email=address, name=name)
    mailbox = Mailbox(
        domains=frozenset({settings.own_domain, address.rpartition("@")[2].lower()}),
        local_part=address.rpartition("@")[0].lower() or None,
    )
    intake = Intake(
        transaction=service.transaction,
        storage=storage,
        limits=settings.limits,
        mailbox=mailbox,
        event_text_chars=settings.mail_event_text_chars,
    )
    reader = MailReader(
        transaction=service.transaction,
        storage=storage,
        limits=settings.limits,
        text_chars=settings.mail_event_text_chars,
    )

    smtp_breaker = CircuitBreaker(
        "smtp",
        failures=settings.mail_breaker_failures,
        open_seconds=settings.mail_breaker_open_seconds,
    )
    imap_breaker = CircuitBreaker(
        "imap",
        failures=settings.mail_breaker_failures,
        open_seconds=settings.mail_breaker_open_seconds,
    )
    metrics.track_breaker(smtp_breaker)
    metrics.track_breaker(imap_breaker)

    transport: Transport
    if settings.smtp_enabled:
        assert settings.smtp_server
        transport = SmtpTransport(
            host=settings.smtp_server,
            port=settings.smtp_port_or_default,
            security=settings.smtp_security,
            login=settings.smtp_login,
            timeout=settings.smtp_timeout_seconds,
            ca_file=settings.smtp_ca_file,
            recheck_seconds=settings.mail_breaker_open_seconds,
        )
        service.background(transport.watch)
    else:
        transport = LocalOutboxTransport(settings.mail_outbox_dir)
    sent_folder = None
    if settings.imap_enabled and settings.smtp_enabled and settings.imap_sent_folder:
        sent_folder = SentFolder(imap_config(settings), settings.imap_sent_folder)
    sender = Sender(
        transaction=service.transaction,
        storage=storage,
        transport=transport,
        breaker=smtp_breaker,
        options=SenderOptions(
            sender=own,
            domain=settings.own_domain,
            max_attempts=settings.smtp_max_attempts,
            backoff_seconds=tuple(settings.smtp_retry_backoff_seconds),
            workers=settings.smtp_workers,
            poll_seconds=settings.smtp_poll_seconds,
            claim_seconds=settings.smtp_claim_seconds,
        ),
        sent_folder=sent_folder,
    )

    poller = None
    if settings.imap_enabled:
        config = imap_config(settings)
        poller = MailboxPoller(
            config=config,
            options=PollerOptions(
                folder=settings.imap_folder,
                poll_seconds=settings.imap_poll_seconds,
                use_idle=settings.imap_idle,
                idle_seconds=settings.imap_idle_seconds,
                batch_size=settings.imap_batch_size,
                batch_bytes=settings.imap_batch_bytes,
                max_fetch_bytes=settings.imap_max_fetch_bytes,
                backfill_days=settings.imap_backfill_days,
                resync_margin=timedelta(hours=settings.imap_resync_margin_hours),
            ),
            intake=intake,
            transaction=service.transaction,
            breaker=imap_breaker,
            lease=KvLease(
                js=lambda: service.js,
                bucket=service.names.bucket("leases"),
                key=lease_key(config.username, settings.imap_folder),
                seconds=settings.imap_lease_seconds,
            ),
        )
        service.background(poller.run)

    send_handlers.register(service, sender, workers=settings.smtp_workers)
    rpc_handlers.register(service, intake, reader, account=settings.account, own=own)
    service.background(sender.run)

    @service.on_startup
    async def say_how_mail_flows() -> None:
        if poller is None:
            log.warning(
                "imap_disabled",
                reason="IMAP_SERVER or EMAIL_USERNAME is not set",
                intake="mail enters only by upload (rpc.mail.ingest) or `snab ingest FILE.eml`",
            )
        if isinstance(transport, LocalOutboxTransport):
            log.warning(
                "smtp_disabled",
                reason="SMTP_SERVER is not set",
                outbox=str(transport.folder.resolve()),
                effect="outgoing mail is written there as .eml files and reported as sent",
            )

    # States and the 503 rule: see snab_mail.health.
    @service.check("smtp")
    async def smtp_health() -> str | CheckResult | None:
        return await transport.check()

    @service.check("imap")
    async def imap_health() -> CheckResult:
        return poller.health() if poller is not None else CheckResult("disabled")

    @service.check("storage")
    async def storage_health() -> str | None:
        return await storage.check()

    return MailGateway(
        service=service,
        settings=settings,
        storage=storage,
        intake=intake,
        reader=reader,
        sender=sender,
        transport=transport,
        smtp_breaker=smtp_breaker,
        imap_breaker=imap_breaker,
        poller=poller,
    )


def build(settings: MailgatewaySettings | None = None) -> Service:
    return assemble(settings).service
