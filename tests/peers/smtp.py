"""A scriptable SMTP server (aiosmtpd) on a free port of 127.0.0.1, run in a thread.

with SmtpPeer(credentials=("robot@broker.example", "secret")) as smtp:
    smtp.fail_next(451, stage="rcpt")          # the next RCPT gets 451, then all is fine
    ...code under test sends to smtp.host:smtp.port...
    [message] = smtp.wait_for(1)
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import tempfile
import threading
import warnings
from collections.abc import Awaitable
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self, cast

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from .tls import SelfSignedCert, make_self_signed_cert

Stage = Literal["mail", "rcpt", "data"]
TlsMode = Literal["none", "starttls", "implicit"]

_DEFAULT_TEXT = {
    421: "4.3.2 Service shutting down, try again later",
    450: "4.2.1 Mailbox busy, try again later",
    451: "4.3.0 Temporary failure, try again later",
    452: "4.3.1 Insufficient system storage",
    550: "5.1.1 Mailbox unavailable",
    552: "5.3.4 Message too big",
    554: "5.7.1 Message rejected",
}


@dataclass(frozen=True)
class ReceivedMessage:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes
    message: EmailMessage
    login: str | None
    """The AUTH login of the session, None when the client did not authenticate."""
    tls: bool
    """True when the session ran over TLS (STARTTLS or implicit)."""


@dataclass(frozen=True)
class Rejection:
    stage: Stage
    address: str | None
    """MAIL FROM / RCPT TO address of the refused command; None for DATA."""
    reply: str


@dataclass
class _Rule:
    stage: Stage
    reply: str
    remaining: int
    address: str | None = None


@dataclass
class _State:
    lock: threading.Condition = field(default_factory=threading.Condition)
    rules: list[_Rule] = field(default_factory=list)
    received: list[ReceivedMessage] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    auth_failures: int = 0


class _Handler:
    def __init__(self, state: _State, credentials: tuple[str, str] | None) -> None:
        self._state = state
        self._credentials = credentials

    def _scripted(self, stage: Stage, address: str | None) -> str | None:
        with self._state.lock:
            for rule in self._state.rules:
                if rule.stage != stage or rule.remaining <= 0:
                    continue
                if rule.address is not None and (address or "").lower() != rule.address:
                    continue
                rule.remaining -= 1
                self._state.rejections.append(Rejection(stage, address, rule.reply))
                return rule.reply
        return None

    async def handle_MAIL(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        if reply := self._scripted("mail", address):
            return reply
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 OK"

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if reply := self._scripted("rcpt", address):
            return reply
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if reply := self._scripted("data", None):
            return reply
        raw = envelope.original_content or b""
        auth = session.auth_data
        message = ReceivedMessage(
            mail_from=envelope.mail_from or "",
            rcpt_tos=tuple(envelope.rcpt_tos),
            raw=raw,
            message=BytesParser(policy=policy.default).parsebytes(raw),
            login=auth.login.decode() if isinstance(auth, LoginPassword) else None,
            tls=server.transport is not None
            and server.transport.get_extra_info("ssl_object") is not None,
        )
        with self._state.lock:
            self._state.received.append(message)
            self._state.lock.notify_all()
        return "250 2.0.0 Message accepted for delivery"

    def authenticate(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        mechanism: str,
        auth_data: Any,
    ) -> AuthResult:
        if (
            self._credentials is not None
            and isinstance(auth_data, LoginPassword)
            and (auth_data.login.decode(), auth_data.password.decode()) == self._credentials
        ):
            return AuthResult(success=True, auth_data=auth_data)
        with self._state.lock:
            self._state.auth_failures += 1
        return AuthResult(success=False, handled=False)


class _BoundController(Controller):
    """A Controller serving on a socket bound before start, so the port never races."""

    def __init__(self, handler: _Handler, sock: socket.socket, **kwargs: Any) -> None:
        host, port = sock.getsockname()[:2]
        super().__init__(handler, hostname=host, port=port, **kwargs)
        self._sock = sock

    def factory(self) -> SMTP:
        with warnings.catch_warnings():
            # AUTH without TLS is what a plain test peer is for.
            warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS")
            return cast(SMTP, super().factory())  # type: ignore[no-untyped-call]

    def _create_server(self) -> Awaitable[asyncio.AbstractServer]:
        return self.loop.create_server(self._factory_invoker, sock=self._sock, ssl=self.ssl_context)


class SmtpPeer:
    """A recording SMTP server for tests.

    ``credentials=(login, password)`` enables AUTH PLAIN/LOGIN (required for MAIL unless
    ``auth_required=False``). ``tls="starttls"`` offers STARTTLS (mandatory before MAIL
    with ``require_starttls=True``); ``tls="implicit"`` speaks TLS from the first byte,
    like port 465. Either way ``cert`` trusts the self-signed certificate.
    """

    host = "127.0.0.1"

    def __init__(
        self,
        *,
        credentials: tuple[str, str] | None = None,
        auth_required: bool | None = None,
        tls: TlsMode = "none",
        require_starttls: bool = False,
        server_hostname: str = "mx.peer.test",
    ) -> None:
        self.credentials = credentials
        self.auth_required = credentials is not None if auth_required is None else auth_required
        self.tls = tls
        self.require_starttls = require_starttls
        self.server_hostname = server_hostname
        self.port = 0
        self.cert: SelfSignedCert | None = None
        self._state = _State()
        self._controller: _BoundController | None = None
        self._certdir: tempfile.TemporaryDirectory[str] | None = None

    # --- lifecycle -------------------------------------------------------------------

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> Self:
        if self._controller is not None:
            raise RuntimeError("SmtpPeer is already running")
        kwargs: dict[str, Any] = {
            "server_hostname": self.server_hostname,
            "enable_SMTPUTF8": True,
            "auth_require_tls": False,
            "auth_required": self.auth_required,
        }
        handler = _Handler(self._state, self.credentials)
        if self.credentials is not None:
            kwargs["authenticator"] = handler.authenticate
        if self.tls != "none":
            self._certdir = tempfile.TemporaryDirectory(prefix="snab-smtp-")
            self.cert = make_self_signed_cert(Path(self._certdir.name))
            if self.tls == "starttls":
                kwargs["tls_context"] = self.cert.server_context()
                kwargs["require_starttls"] = self.require_starttls
            else:
                kwargs["ssl_context"] = self.cert.server_context()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind((self.host, 0))
        self.port = sock.getsockname()[1]
        self._controller = _BoundController(handler, sock, **kwargs)
        try:
            self._controller.start()
        except BaseException:
            self._controller = None
            sock.close()
            self.stop()
            raise
        return self

    def stop(self) -> None:
        controller, self._controller = self._controller, None
        if controller is not None:
            controller.stop()
        if self._certdir is not None:
            self._certdir.cleanup()
            self._certdir = None

    def client_context(self) -> ssl.SSLContext:
        """A verifying client context that trusts this peer's certificate."""
        if self.cert is None:
            raise RuntimeError("start SmtpPeer(tls=...) for a certificate")
        return self.cert.client_context()

    # --- scripting ---------------------------------------------------------------------

    def fail_next(
        self,
        code: int,
        text: str | None = None,
        *,
        stage: Stage = "data",
        times: int = 1,
        address: str | None = None,
    ) -> None:
        """Answer the next ``times`` MAIL/RCPT/DATA commands with ``code``.

        ``address`` limits a mail/rcpt rule to that address. Rules are used in the order
        given; once spent, commands are accepted again.
        """
        if not 400 <= code <= 599:
            raise ValueError(f"a failure reply needs a 4xx or 5xx code, not {code}")
        reply = f"{code} {text or _DEFAULT_TEXT.get(code, 'Failed')}"
        rule = _Rule(stage, reply, times, address.lower() if address else None)
        with self._state.lock:
            self._state.rules.append(rule)

    # --- inspection --------------------------------------------------------------------

    @property
    def messages(self) -> list[ReceivedMessage]:
        with self._state.lock:
            return list(self._state.received)

    @property
    def rejections(self) -> list[Rejection]:
        with self._state.lock:
            return list(self._state.rejections)

    @property
    def auth_failures(self) -> int:
        with self._state.lock:
            return self._state.auth_failures

    def clear(self) -> None:
        """Forget received messages, rejections and unspent scripted failures."""
        with self._state.lock:
            self._state.received.clear()
            self._state.rejections.clear()
            self._state.rules.clear()
            self._state.auth_failures = 0

    def wait_for(self, count: int, timeout: float = 10.0) -> list[ReceivedMessage]:
        """Block until at least ``count`` messages arrived; return all of them."""
        with self._state.lock:
            if not self._state.lock.wait_for(
                lambda: len(self._state.received) >= count, timeout=timeout
            ):
                raise TimeoutError(
                    f"expected {count} message(s) within {timeout}s, "
                    f"got {len(self._state.received)}"
                )
            return list(self._state.received)

    async def wait_for_async(self, count: int, timeout: float = 10.0) -> list[ReceivedMessage]:
        """``wait_for`` without blocking the caller's event loop."""
        return await asyncio.to_thread(self.wait_for, count, timeout)
