"""Handing a composed message over: to an SMTP server (aiosmtplib) or to a local folder.

Errors are sorted into permanent (a 5xx reply: retrying cannot help) and transient
(4xx, timeouts, refused connections); ``server_fault`` says whether the server itself
misbehaved, which is what the circuit breaker counts, and ``reason`` is the word /health
shows for it (the server's own words go to the log only).

The SMTP server's state for /health (``SmtpTransport.link``) comes from the sends, and
from a login check at start: a wrong password shows before the first message is sent.
"""

from __future__ import annotations

import asyncio
import os
import ssl
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol
from uuid import UUID

import aiosmtplib

from snab_kit.service import CheckResult
from snab_mail.health import Link, LinkState, Reason, reason_for

BeforeData = Callable[[], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Delivery:
    command_id: UUID
    sender: str
    recipients: Sequence[str]
    raw: bytes


@dataclass(frozen=True, slots=True)
class Delivered:
    response: str
    refused: dict[str, str] = field(default_factory=dict)
    """Recipients the server refused while accepting the others."""


class SendError(Exception):
    def __init__(
        self,
        message: str,
        *,
        permanent: bool,
        code: int | None = None,
        server_fault: bool = True,
        reason: Reason = Reason.SERVER_ERROR,
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.code = code
        self.server_fault = server_fault
        self.reason = reason


def smtp_reason(exc: BaseException) -> Reason:
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        return Reason.AUTHENTICATION
    if isinstance(exc, aiosmtplib.SMTPServerDisconnected):
        return Reason.CONNECTION_LOST
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return Reason.SERVER_ERROR
    if isinstance(exc, aiosmtplib.SMTPException) and "STARTTLS" in str(exc):
        return Reason.TLS  # SMTP_SECURITY=starttls, the server offers none
    return reason_for(exc)


class Transport(Protocol):
    name: str
    idempotent: bool
    """Delivering the same command twice has the effect of once (a file named by its id)."""

    async def deliver(self, delivery: Delivery, before_data: BeforeData) -> Delivered: ...

    async def check(self) -> str | CheckResult | None: ...


def tls_context(ca_file: Path | None) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(ca_file) if ca_file else None)


class SmtpTransport:
    name = "smtp"
    idempotent = False

    def __init__(
        self,
        *,
        host: str,
        port: int,
        security: str,
        login: tuple[str, str] | None,
        timeout: float,
        ca_file: Path | None = None,
        local_hostname: str | None = None,
        recheck_seconds: float = 60.0,
    ) -> None:
        self.host = host
        self.port = port
        self.security = security
        self._login = login
        self.timeout = timeout
        self.ca_file = ca_file
        self.local_hostname = local_hostname
        self.recheck_seconds = recheck_seconds
        self.link = Link(
            "smtp",
            credentials="SMTP_USERNAME/SMTP_PASSWORD (default EMAIL_USERNAME/EMAIL_PASSWORD)",
        )
        self._probe_failed = False

    def _client(self) -> aiosmtplib.SMTP:
        secure = self.security in ("ssl", "starttls")
        return aiosmtplib.SMTP(
            hostname=self.host,
            port=self.port,
            username=self._login[0] if self._login else None,
            password=self._login[1] if self._login else None,
            use_tls=self.security == "ssl",
            start_tls=self.security == "starttls",
            tls_context=tls_context(self.ca_file) if secure else None,
            timeout=self.timeout,
            local_hostname=self.local_hostname,
        )

    async def deliver(self, delivery: Delivery, before_data: BeforeData) -> Delivered:
        try:
            delivered = await self._deliver(delivery, before_data)
        except SendError as exc:
            # A refused recipient or message says nothing about the server itself.
            if exc.server_fault:
                self._probe_failed = False
                self.link.down(exc.reason, str(exc), server=f"{self.host}:{self.port}")
            raise
        self._probe_failed = False
        self.link.up(server=f"{self.host}:{self.port}")
        return delivered

    async def watch(self) -> None:
        """Log in once at start (connect, TLS, AUTH, QUIT), so that a wrong password or
        port shows in /health and the log before the first message is sent. While only
        that check has failed, it is tried again every ``recheck_seconds``; once sends
        happen, their outcomes keep the state (a login check cannot see a server that
        refuses MAIL FROM, and must not call it ok)."""
        while True:
            if self.link.state is LinkState.CONNECTING or self._probe_failed:
                await self.probe()
            await asyncio.sleep(self.recheck_seconds)

    async def probe(self) -> None:
        client = self._client()
        try:
            await client.connect()
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            self._probe_failed = True
            self.link.down(
                smtp_reason(exc), f"{type(exc).__name__}: {exc}", server=f"{self.host}:{self.port}"
            )
            return
        finally:
            await _quit(client)
        self._probe_failed = False
        self.link.up(server=f"{self.host}:{self.port}")

    async def _deliver(self, delivery: Delivery, before_data: BeforeData) -> Delivered:
        client = self._client()
        try:
            await client.connect()
            await before_data()
            refused, response = await client.sendmail(
                delivery.sender, list(delivery.recipients), delivery.raw
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [r.code for r in exc.recipients]
            permanent = bool(codes) and all(500 <= c < 600 for c in codes)
            detail = "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in exc.recipients)
            raise SendError(
                f"all recipients refused: {detail}",
                permanent=permanent,
                code=codes[0] if codes else None,
                server_fault=not permanent,
            ) from exc
        except aiosmtplib.SMTPAuthenticationError as exc:
            # Our credentials or the server's auth backend: not the message's fault.
            raise SendError(
                f"SMTP login failed: {exc.code} {exc.message}",
                permanent=False,
                code=exc.code,
                reason=Reason.AUTHENTICATION,
            ) from exc
        except aiosmtplib.SMTPResponseException as exc:
            permanent = 500 <= exc.code < 600
            raise SendError(
                f"SMTP {exc.code} {exc.message}",
                permanent=permanent,
                code=exc.code,
                server_fault=not permanent,
            ) from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise SendError(
                f"{type(exc).__name__}: {exc}", permanent=False, reason=smtp_reason(exc)
            ) from exc
        finally:
            await _quit(client)
        return Delivered(
            response=response,
            refused={address: f"{r.code} {r.message}" for address, r in refused.items()},
        )

    async def check(self) -> CheckResult:
        return self.link.result()


async def _quit(client: aiosmtplib.SMTP) -> None:
    if client.is_connected:
        try:
            async with asyncio.timeout(5):
                await client.quit()
        except Exception:
            client.close()


class LocalOutboxTransport:
    """Writes each message to ``{folder}/{command id}.eml``: the whole flow works offline."""

    name = "local"
    idempotent = True

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_for(self, command_id: UUID) -> Path:
        return self.folder / f"{command_id}.eml"

    async def deliver(self, delivery: Delivery, before_data: BeforeData) -> Delivered:
        await before_data()
        path = self.path_for(delivery.command_id)

        def write() -> None:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp")
            with open(tmp, "wb") as fh:
                fh.write(delivery.raw)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)

        try:
            await asyncio.to_thread(write)
        except OSError as exc:
            raise SendError(f"cannot write {path}: {exc}", permanent=False) from exc
        return Delivered(response=f"written to {path}")

    async def check(self) -> str | CheckResult:
        """No SMTP server is configured ("local outbox"), which is no failure; a folder
        that cannot be written is one (503): nothing could be sent at all."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return f"failing: local outbox {self.folder}: {exc}"
        if not os.access(self.folder, os.W_OK):
            return f"failing: local outbox {self.folder} is not writable"
        return CheckResult("local outbox")
