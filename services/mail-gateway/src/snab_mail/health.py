"""What /health and the log say about the mail servers (IMAP, SMTP).

Each server is a ``Link`` with one of these states:

- ``disabled`` (IMAP not configured) / ``local outbox`` (no SMTP_SERVER: mail is written
  to MAIL_OUTBOX_DIR and reported as sent): by choice, not a problem;
- ``standby``: another replica holds the mailbox lease and reads the mailbox;
- ``connecting``: configured, first contact not finished yet (IMAP: the folder not yet
  read once). The only state that answers 503, and only until the first attempt ends;
- ``ok``;
- ``failing: <reason>``, the reason one of the fixed words of ``Reason``. The server's own
  words (which can carry its software, hostnames, account details) go to the log, never
  to /health. Failing keeps /health at 200 ("degraded") and sets
  ``snab_health_check_ok{check=...}`` to 0, which alerts after 5 minutes: a mailbox that is
  down must not make the replicas unready, they still send mail and answer rpc.

A state change is logged once (``imap_unreachable reason=authentication
check=EMAIL_USERNAME/EMAIL_PASSWORD``), not at every retry.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from enum import StrEnum

from snab_kit.logging import get_logger
from snab_kit.service import CheckResult

log = get_logger(__name__)


class Reason(StrEnum):
    AUTHENTICATION = "authentication"
    TLS = "tls"
    CERTIFICATE = "certificate"
    CONNECTION_REFUSED = "connection refused"
    UNKNOWN_HOST = "unknown host"
    NETWORK = "network"
    TIMEOUT = "timeout"
    CONNECTION_LOST = "connection lost"
    FOLDER = "folder"
    SERVER_ERROR = "server error"
    STALLED = "stalled"


class LinkState(StrEnum):
    CONNECTING = "connecting"
    STANDBY = "standby"
    OK = "ok"
    FAILING = "failing"


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def reason_for(exc: BaseException) -> Reason:
    """The reason for a connection-level failure, looking through the exceptions a client
    library wrapped (aiosmtplib's SMTPConnectError around an ssl.SSLError, say)."""
    for cause in _chain(exc):
        if isinstance(cause, ssl.SSLCertVerificationError):
            return Reason.CERTIFICATE
        if isinstance(cause, ssl.SSLError):
            return Reason.TLS  # e.g. SECURITY=ssl against a plain port
        if isinstance(cause, ConnectionRefusedError):
            return Reason.CONNECTION_REFUSED
        if isinstance(cause, socket.gaierror):
            return Reason.UNKNOWN_HOST
        if isinstance(cause, TimeoutError):
            return Reason.TIMEOUT
        if isinstance(cause, ConnectionResetError | ConnectionAbortedError | BrokenPipeError):
            return Reason.CONNECTION_LOST
        if isinstance(cause, EOFError):
            return Reason.CONNECTION_LOST
    if any(isinstance(cause, OSError) for cause in _chain(exc)):
        return Reason.NETWORK
    return Reason.SERVER_ERROR


# Which settings to look at, per reason ({p} is IMAP or SMTP).
_HINTS: dict[Reason, str] = {
    Reason.TLS: "{p}_SECURITY/{p}_PORT",
    Reason.CERTIFICATE: "{p}_CA_FILE (or the server's certificate)",
    Reason.CONNECTION_REFUSED: "{p}_SERVER/{p}_PORT",
    Reason.UNKNOWN_HOST: "{p}_SERVER",
    Reason.NETWORK: "{p}_SERVER (network, firewall)",
    Reason.TIMEOUT: "{p}_SERVER/{p}_PORT/{p}_SECURITY",
    Reason.CONNECTION_LOST: "{p}_SERVER (network, server restarts)",
    Reason.FOLDER: "IMAP_FOLDER",
    Reason.SERVER_ERROR: "{p}_SERVER (the error in this line)",
    Reason.STALLED: "the log of this service",
}


class Link:
    """The state of one mail server as this replica sees it."""

    def __init__(self, protocol: str, *, credentials: str) -> None:
        self.protocol = protocol
        """'imap' or 'smtp'."""
        self.credentials = credentials
        """The settings to check on an authentication failure."""
        self.state = LinkState.CONNECTING
        self.reason: Reason | None = None

    def hint(self, reason: Reason) -> str:
        if reason is Reason.AUTHENTICATION:
            return self.credentials
        return _HINTS[reason].format(p=self.protocol.upper())

    def connecting(self) -> None:
        self.state, self.reason = LinkState.CONNECTING, None

    def standby(self) -> None:
        self.state, self.reason = LinkState.STANDBY, None

    def up(self, **context: object) -> None:
        if self.state is LinkState.FAILING:
            log.info(f"{self.protocol}_reachable", was=f"failing: {self.reason}", **context)
        self.state, self.reason = LinkState.OK, None

    def down(self, reason: Reason, error: str, **context: object) -> None:
        """The server could not be used; ``error`` (its own words) goes to the log only."""
        if self.state is LinkState.FAILING and self.reason is reason:
            return
        self.state, self.reason = LinkState.FAILING, reason
        log.warning(
            f"{self.protocol}_unreachable",
            reason=str(reason),
            check=self.hint(reason),
            error=error,
            **context,
        )

    def result(self) -> CheckResult:
        if self.state is LinkState.FAILING:
            return CheckResult(f"failing: {self.reason}", failing=True)
        return CheckResult(str(self.state), ready=self.state is not LinkState.CONNECTING)
