"""A logged-in IMAP connection (aioimaplib) with the few commands the gateway needs.

The folder is opened with EXAMINE (read-only) and bodies are fetched with ``BODY.PEEK[]``,
so nothing the user relies on (\\Seen and the rest) is ever changed. aioimaplib has no
STARTTLS helper: the connection is upgraded here with ``loop.start_tls``.

Two ways a connection dies, and how each is noticed:

- closed (the server exits or says BYE, a reset): aioimaplib's ``connection_lost()`` only
  calls our callback, which sets ``lost``. It does not fail the command waiting for an
  answer: that one would wait for its full timeout, and an IDLE (no timeout) or a push
  wait forever. So every wait here also watches ``lost`` (``_answer``).
- silently (a NAT or firewall forgets the connection, the server hangs): nothing arrives
  and the socket stays open. Only a question proves the server is there: during IDLE,
  every ``keepalive`` seconds the IDLE is ended and started again, and a server that does
  not answer within ``keepalive`` seconds is taken as gone (``NoAnswer``).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import re
import ssl
from collections.abc import Awaitable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import aioimaplib
from aioimaplib.aioimaplib import AioImapException, Command, CommandTimeout, Response

from snab_mail.health import Reason, reason_for

T = TypeVar("T")

_UIDVALIDITY = re.compile(rb"\[UIDVALIDITY (\d+)\]", re.IGNORECASE)
_UIDNEXT = re.compile(rb"\[UIDNEXT (\d+)\]", re.IGNORECASE)
_EXISTS = re.compile(rb"^(\d+) EXISTS$", re.IGNORECASE)
_FETCH_START = re.compile(rb"^\d+ FETCH \(", re.IGNORECASE)
_UID = re.compile(rb"\bUID (\d+)", re.IGNORECASE)
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)", re.IGNORECASE)
_RESPONSE_CODE = re.compile(rb"^\[([A-Z-]+)", re.IGNORECASE)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class ImapError(Exception):
    """The server refused a command, or the connection failed. Everything a session
    raises (but cancellation) is one of these; ``reason`` is the word /health shows, the
    message (the server's own words among them) is for the log."""

    reason = Reason.SERVER_ERROR

    def __init__(self, message: str, reason: Reason | None = None) -> None:
        super().__init__(message)
        if reason is not None:
            self.reason = reason


class ConnectionLost(ImapError):
    reason = Reason.CONNECTION_LOST


class NoAnswer(ImapError):
    """The server did not answer in time: it hangs, or the connection died silently."""

    reason = Reason.TIMEOUT


class LoginFailed(ImapError):
    reason = Reason.AUTHENTICATION


class FolderError(ImapError):
    reason = Reason.FOLDER


class TlsUnavailable(ImapError):
    reason = Reason.TLS


def classify(exc: BaseException) -> Reason:
    """The reason for an exception of a session, aioimaplib, ssl or the socket."""
    if isinstance(exc, ImapError):
        return exc.reason
    if isinstance(exc, CommandTimeout):
        return Reason.TIMEOUT
    return reason_for(exc)


@dataclass(frozen=True, slots=True)
class FolderStatus:
    uidvalidity: int
    uidnext: int | None
    exists: int


@dataclass(frozen=True, slots=True)
class Fetched:
    uid: int
    data: bytes | None
    size: int | None = None


@dataclass(frozen=True, slots=True)
class ImapConfig:
    host: str
    port: int
    security: str
    username: str
    password: str
    timeout: float = 60.0
    ca_file: Path | None = None
    keepalive: float = 20.0
    """During IDLE, ask the server this often whether it is there; wait this long for it."""


def encode_mailbox(name: str) -> str:
    """A mailbox name as a quoted IMAP string in modified UTF-7 (RFC 3501 5.1.3)."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            packed = base64.b64encode("".join(pending).encode("utf-16-be")).decode("ascii")
            out.append("&" + packed.rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    return '"' + "".join(out).replace("\\", "\\\\").replace('"', '\\"') + '"'


def imap_date(day: date) -> str:
    return f"{day.day}-{_MONTHS[day.month - 1]}-{day.year}"


def parse_fetch(lines: Iterable[bytes | bytearray]) -> list[Fetched]:
    """FETCH responses as aioimaplib returns them: a ``N FETCH (`` line, then the literal
    (a bytearray) and closing lines. UID may come before or after the literal."""
    records: list[tuple[list[bytes], bytes | None]] = []
    for line in lines:
        if isinstance(line, bytearray):
            if records and records[-1][1] is None:
                records[-1] = (records[-1][0], bytes(line))
            continue
        if _FETCH_START.match(line):
            records.append(([line], None))
        elif records:
            records[-1][0].append(line)
    result = []
    for meta_lines, data in records:
        meta = b" ".join(meta_lines)
        uid = _UID.search(meta)
        if uid is None:
            continue
        size = _SIZE.search(meta)
        result.append(
            Fetched(uid=int(uid.group(1)), data=data, size=int(size.group(1)) if size else None)
        )
    return result


def _detail(response: Response) -> str:
    return b" ".join(bytes(line) for line in response.lines[-2:]).decode(errors="replace")[:300]


def _check(response: Response, what: str) -> Response:
    if response.result != "OK":
        raise ImapError(f"IMAP {what} failed: {response.result} {_detail(response)}")
    return response


def _check_login(response: Response) -> None:
    if response.result == "OK":
        return
    text = f"IMAP LOGIN failed: {response.result} {_detail(response)}"
    last = bytes(response.lines[-1]) if response.lines else b""
    code = _RESPONSE_CODE.match(last)
    match code.group(1).upper() if code else b"":
        case b"PRIVACYREQUIRED":  # no password over an unencrypted connection
            raise LoginFailed(text, Reason.TLS)
        case b"UNAVAILABLE":  # the server's auth backend is down: not our password
            raise LoginFailed(text, Reason.SERVER_ERROR)
        case _:
            raise LoginFailed(text)


def _uid_set(uids: Sequence[int]) -> str:
    return ",".join(str(uid) for uid in uids)


class ImapSession:
    def __init__(self, client: aioimaplib.IMAP4, config: ImapConfig, lost: asyncio.Event) -> None:
        self.client = client
        self.config = config
        self.lost = lost
        self.broken = False
        """The server stopped answering: do not wait for it on close."""
        self.idling = False
        """True while an IDLE is running (the server has said "+ idling")."""

    # -- connection ------------------------------------------------------------------

    @classmethod
    async def open(cls, config: ImapConfig) -> ImapSession:
        lost = asyncio.Event()
        context = None
        if config.security in ("ssl", "starttls"):
            context = ssl.create_default_context(
                cafile=str(config.ca_file) if config.ca_file else None
            )
        client = aioimaplib.IMAP4(
            host=config.host,
            port=config.port,
            timeout=config.timeout,
            conn_lost_cb=lambda _exc: lost.set(),
            ssl_context=context if config.security == "ssl" else None,
        )
        session = cls(client, config, lost)
        try:
            try:
                await session._answer(client.wait_hello_from_server(), "connect")
            except ImapError as exc:
                if exc.reason is not Reason.TIMEOUT:
                    raise
                if client.protocol.transport is None:
                    raise NoAnswer(f"could not connect within {config.timeout:.0f}s") from exc
                # Connected, but not greeted: the server hangs, or it is a TLS port waiting
                # for us to start TLS (IMAP_SECURITY=none or starttls on port 993).
                raise NoAnswer(
                    f"connected, but no greeting within {config.timeout:.0f}s "
                    "(a TLS port spoken to without TLS?)"
                ) from exc
            if config.security == "starttls":
                assert context is not None
                await session._starttls(context)
            _check_login(
                await session._answer(client.login(config.username, config.password), "LOGIN")
            )
            # The capabilities after login (IDLE among them) can differ from the greeting's.
            await session._answer(client.protocol.capability(), "CAPABILITY", config.timeout)
        except BaseException:
            await session.close()
            raise
        return session

    async def _starttls(self, context: ssl.SSLContext) -> None:
        protocol = self.client.protocol
        if "STARTTLS" not in protocol.capabilities:
            raise TlsUnavailable("the server does not offer STARTTLS")
        loop = asyncio.get_running_loop()
        async with asyncio.timeout(self.config.timeout):
            command = Command("STARTTLS", protocol.new_tag(), loop=protocol.loop)
            _check(await self._answer(protocol.execute(command), "STARTTLS"), "STARTTLS")
            protocol.transport = await loop.start_tls(
                protocol.transport, protocol, context, server_hostname=self.config.host
            )
            await self._answer(protocol.capability(), "CAPABILITY")

    @property
    def has_idle(self) -> bool:
        return bool(self.client.has_capability("IDLE"))

    async def close(self) -> None:
        logged_in = self.client.get_state() in (aioimaplib.AUTH, aioimaplib.SELECTED)
        with contextlib.suppress(Exception):
            if logged_in and not self.broken:
                if self.client.has_pending_idle():
                    self.client.idle_done()
                await self._answer(self.client.logout(), "LOGOUT", 5)
        with contextlib.suppress(Exception):
            transport = self.client.protocol.transport
            if transport is not None:
                transport.close()
        # aioimaplib keeps an IDLE command's task that never ends if the server hung up.
        for task in [*self.client.tasks, *self.client.protocol.tasks]:
            task.cancel()

    def _alive(self) -> None:
        if self.lost.is_set():
            raise ConnectionLost("the IMAP connection was closed")

    async def _race(self, work: asyncio.Future[Any], timeout: float | None) -> bool:
        """Wait for ``work`` until it is done (True), the connection is lost or ``timeout``
        passes (False)."""
        if self.lost.is_set():
            return False
        lost = asyncio.ensure_future(self.lost.wait())
        try:
            await asyncio.wait({work, lost}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            lost.cancel()
        return work.done()

    async def _answer(self, call: Awaitable[T], what: str, timeout: float | None = None) -> T:
        """The outcome of ``call``, unless the connection is closed first (ConnectionLost,
        at once) or ``timeout`` passes (NoAnswer). aioimaplib applies its own timeouts to
        most commands; ``timeout`` is for the waits it leaves unbounded. Connection-level
        errors come out as ImapError with their reason."""
        work = asyncio.ensure_future(call)
        try:
            if not await self._race(work, timeout):
                self.broken = True
                if self.lost.is_set():
                    raise ConnectionLost(f"the IMAP connection was closed during {what}")
                raise NoAnswer(f"no answer to {what} within {timeout:.0f}s")
            try:
                return work.result()
            except (OSError, EOFError, AioImapException) as exc:  # TimeoutError, ssl too
                self.broken = True
                raise ImapError(f"{what}: {type(exc).__name__}: {exc}", classify(exc)) from exc
        finally:
            if not work.done():
                work.cancel()  # when the connection was lost before it started: never sent

    # -- commands --------------------------------------------------------------------

    async def examine(self, folder: str) -> FolderStatus:
        """Open ``folder`` read-only."""
        response = await self._answer(self.client.examine(encode_mailbox(folder)), "EXAMINE")
        if response.result != "OK":
            raise FolderError(
                f"IMAP EXAMINE {folder} failed: {response.result} {_detail(response)}"
            )
        # aioimaplib only tracks SELECT; EXAMINE opens the folder just the same.
        self.client.protocol.state = aioimaplib.aioimaplib.SELECTED
        joined = b"\n".join(bytes(line) for line in response.lines)
        validity = _UIDVALIDITY.search(joined)
        if validity is None:
            raise ImapError(f"EXAMINE {folder}: no UIDVALIDITY in the answer")
        uidnext = _UIDNEXT.search(joined)
        exists = 0
        for line in response.lines:
            found = _EXISTS.match(bytes(line))
            if found:
                exists = int(found.group(1))
        return FolderStatus(
            uidvalidity=int(validity.group(1)),
            uidnext=int(uidnext.group(1)) if uidnext else None,
            exists=exists,
        )

    async def search(self, *criteria: str) -> list[int]:
        """UID SEARCH; returns UIDs in ascending order."""
        response = _check(
            await self._answer(self.client.uid_search(*criteria, charset=None), "UID SEARCH"),
            "UID SEARCH",
        )
        uids: set[int] = set()
        for line in response.lines[:-1]:
            text = bytes(line).decode("ascii", errors="replace").strip()
            if text.upper().startswith("SEARCH"):
                text = text[6:]
            uids.update(int(part) for part in text.split() if part.isdigit())
        return sorted(uids)

    async def uids_after(self, last_uid: int) -> list[int]:
        # "N:*" includes the highest UID even when it is below N (RFC 3501 6.4.8).
        return [uid for uid in await self.search("UID", f"{last_uid + 1}:*") if uid > last_uid]

    async def sizes(self, uids: Sequence[int]) -> dict[int, int]:
        response = _check(
            await self._answer(
                self.client.uid("fetch", _uid_set(uids), "(UID RFC822.SIZE)"), "UID FETCH"
            ),
            "UID FETCH",
        )
        return {f.uid: f.size for f in parse_fetch(response.lines) if f.size is not None}

    async def fetch(self, uids: Sequence[int], *, header_only: bool = False) -> dict[int, bytes]:
        """Raw messages by UID (without touching flags). A UID missing from the answer was
        expunged meanwhile."""
        part = "BODY.PEEK[HEADER]" if header_only else "BODY.PEEK[]"
        response = _check(
            await self._answer(
                self.client.uid("fetch", _uid_set(uids), f"(UID {part})"), "UID FETCH"
            ),
            "UID FETCH",
        )
        return {f.uid: f.data for f in parse_fetch(response.lines) if f.data is not None}

    async def noop(self) -> None:
        _check(await self._answer(self.client.noop(), "NOOP"), "NOOP")

    async def append(self, folder: str, raw: bytes, flags: str = "\\Seen") -> None:
        response = await self._answer(
            self.client.protocol.append(
                raw, encode_mailbox(folder), flags, None, self.config.timeout
            ),
            "APPEND",
            self.config.timeout + 5,
        )
        _check(response, f"APPEND {folder}")

    async def wait(self, seconds: float) -> None:
        """Sleep, but wake up (with ConnectionLost) when the server hangs up."""
        self._alive()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self.lost.wait()
        self._alive()

    # -- IDLE ------------------------------------------------------------------------

    async def idle(self, seconds: float) -> bool:
        """IDLE until the server reports new mail (True) or ``seconds`` pass (False).

        The IDLE is ended and started again every ``keepalive`` seconds: the answers to
        DONE and IDLE prove the server is still there (see the module's docstring)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while (remaining := deadline - loop.time()) > 0:
            if await self._idle_round(min(remaining, self.config.keepalive)):
                return True
        return False

    async def _idle_round(self, seconds: float) -> bool:
        """One IDLE command: start it, wait up to ``seconds`` for news, end it."""
        patience = self.config.keepalive
        protocol = self.client.protocol
        # Returns once the server said "+ idling"; Abort if it refused IDLE.
        idle_task = await self._answer(
            self.client.idle_start(timeout=seconds + 3600), "IDLE", patience
        )
        command = protocol.pending_sync_command
        self.idling = True
        new_mail = False
        try:
            loop = asyncio.get_running_loop()
            until = loop.time() + seconds
            while not new_mail and (left := until - loop.time()) > 0:
                push = asyncio.ensure_future(protocol.idle_queue.get())
                try:
                    if not await self._race(push, left):
                        if self.lost.is_set():
                            self.broken = True
                            raise ConnectionLost("the IMAP connection was closed during IDLE")
                        break  # quiet for ``seconds``: time to check the connection
                    new_mail = self._news(push.result())
                finally:
                    push.cancel()
        finally:
            self.idling = False
        self.client.idle_done()
        response = await self._answer(idle_task, "DONE", patience)
        _check(response, "IDLE")
        # aioimaplib hands pushed lines over only while the IDLE is pending: an EXISTS
        # that came with the answer to DONE is still in the command's buffer.
        leftover: list[Any] = list(getattr(command, "buffer", ()))
        while not protocol.idle_queue.empty():
            leftover.extend(protocol.idle_queue.get_nowait())
        return self._news(leftover) or new_mail

    def _news(self, lines: Iterable[Any]) -> bool:
        """Whether lines pushed during IDLE announce new mail; ConnectionLost on BYE."""
        new_mail = False
        for line in lines:
            text = bytes(line).upper()
            if text.startswith(b"BYE"):
                self.broken = True  # the server is going: do not wait for its answers
                raise ConnectionLost(f"server said {bytes(line)[:200]!r}")
            if text.endswith(b"EXISTS"):
                new_mail = True
        return new_mail
