"""Handing a composed message over: to an SMTP server (aiosmtplib) or to a local folder.

Errors are sorted into permanent (a 5xx reply: retrying cannot help) and transient
(4xx, timeouts, refused connections); ``server_fault`` says whether the server itself
misbehaved, which is what the circuit breaker counts.
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
        self, message: str, *, permanent: bool, code: int | None = None, server_fault: bool = True
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.code = code
        self.server_fault = server_fault


class Transport(Protocol):
    name: str
    idempotent: bool
    """Delivering the same command twice has the effect of once (a file named by its id)."""

    async def deliver(self, delivery: Delivery, before_data: BeforeData) -> Delivered: ...

    async def check(self) -> str | None: ...


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
    ) -> None:
        self.host = host
        self.port = port
        self.security = security
        self._login = login
        self.timeout = timeout
        self.ca_file = ca_file
        self.local_hostname = local_hostname

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
                f"SMTP login failed: {exc.code} {exc.message}", permanent=False, code=exc.code
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
            raise SendError(f"{type(exc).__name__}: {exc}", permanent=False) from exc
        finally:
            if client.is_connected:
                try:
                    async with asyncio.timeout(5):
                        await client.quit()
                except Exception:
                    client.close()
        return Delivered(
            response=response,
            refused={address: f"{r.code} {r.message}" for address, r in refused.items()},
        )

    async def check(self) -> str | None:
        return None


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

    async def check(self) -> str | None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return f"local outbox {self.folder}: {exc}"
        return None if os.access(self.folder, os.W_OK) else f"{self.folder} is not writable"
