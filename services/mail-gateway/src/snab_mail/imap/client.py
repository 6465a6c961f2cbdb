"""A logged-in IMAP connection (aioimaplib) with the few commands the gateway needs.

The folder is opened with EXAMINE (read-only) and bodies are fetched with ``BODY.PEEK[]``,
so nothing the user relies on (\\Seen and the rest) is ever changed. aioimaplib has no
STARTTLS helper: the connection is upgraded here with ``loop.start_tls``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import re
import ssl
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import aioimaplib
from aioimaplib.aioimaplib import Command, Response

_UIDVALIDITY = re.compile(rb"\[UIDVALIDITY (\d+)\]", re.IGNORECASE)
_UIDNEXT = re.compile(rb"\[UIDNEXT (\d+)\]", re.IGNORECASE)
_EXISTS = re.compile(rb"^(\d+) EXISTS$", re.IGNORECASE)
_FETCH_START = re.compile(rb"^\d+ FETCH \(", re.IGNORECASE)
_UID = re.compile(rb"\bUID (\d+)", re.IGNORECASE)
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)", re.IGNORECASE)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class ImapError(Exception):
    """The server refused a command, or the connection broke."""


class ConnectionLost(ImapError):
    pass


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


def _check(response: Response, what: str) -> Response:
    if response.result != "OK":
        detail = b" ".join(bytes(line) for line in response.lines[-2:]).decode(errors="replace")
        raise ImapError(f"IMAP {what} failed: {response.result} {detail[:300]}")
    return response


def _uid_set(uids: Sequence[int]) -> str:
    return ",".join(str(uid) for uid in uids)


class ImapSession:
    def __init__(self, client: aioimaplib.IMAP4, config: ImapConfig, lost: asyncio.Event) -> None:
        self.client = client
        self.config = config
        self.lost = lost

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
            await client.wait_hello_from_server()
            if config.security == "starttls":
                assert context is not None
                await session._starttls(context)
            _check(await client.login(config.username, config.password), "LOGIN")
            # The capabilities after login (IDLE among them) can differ from the greeting's.
            async with asyncio.timeout(config.timeout):
                await client.protocol.capability()
        except BaseException:
            await session.close()
            raise
        return session

    async def _starttls(self, context: ssl.SSLContext) -> None:
        protocol = self.client.protocol
        if "STARTTLS" not in protocol.capabilities:
            raise ImapError("the server does not offer STARTTLS")
        loop = asyncio.get_running_loop()
        async with asyncio.timeout(self.config.timeout):
            command = Command("STARTTLS", protocol.new_tag(), loop=protocol.loop)
            _check(await protocol.execute(command), "STARTTLS")
            protocol.transport = await loop.start_tls(
                protocol.transport, protocol, context, server_hostname=self.config.host
            )
            await protocol.capability()

    @property
    def has_idle(self) -> bool:
        return bool(self.client.has_capability("IDLE"))

    async def close(self) -> None:
        logged_in = self.client.get_state() in (aioimaplib.AUTH, aioimaplib.SELECTED)
        with contextlib.suppress(Exception):
            if logged_in and not self.lost.is_set():
                if self.client.has_pending_idle():
                    self.client.idle_done()
                async with asyncio.timeout(5):
                    await self.client.logout()
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

    # -- commands --------------------------------------------------------------------

    async def examine(self, folder: str) -> FolderStatus:
        """Open ``folder`` read-only."""
        self._alive()
        response = _check(await self.client.examine(encode_mailbox(folder)), f"EXAMINE {folder}")
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
        self._alive()
        response = _check(await self.client.uid_search(*criteria, charset=None), "UID SEARCH")
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
        self._alive()
        response = _check(
            await self.client.uid("fetch", _uid_set(uids), "(UID RFC822.SIZE)"), "UID FETCH"
        )
        return {f.uid: f.size for f in parse_fetch(response.lines) if f.size is not None}

    async def fetch(self, uids: Sequence[int], *, header_only: bool = False) -> dict[int, bytes]:
        """Raw messages by UID (without touching flags). A UID missing from the answer was
        expunged meanwhile."""
        self._alive()
        part = "BODY.PEEK[HEADER]" if header_only else "BODY.PEEK[]"
        response = _check(
            await self.client.uid("fetch", _uid_set(uids), f"(UID {part})"), "UID FETCH"
        )
        return {f.uid: f.data for f in parse_fetch(response.lines) if f.data is not None}

    async def noop(self) -> None:
        self._alive()
        _check(await self.client.noop(), "NOOP")

    async def append(self, folder: str, raw: bytes, flags: str = "\\Seen") -> None:
        self._alive()
        async with asyncio.timeout(self.config.timeout + 5):
            response = await self.client.protocol.append(
                raw, encode_mailbox(folder), flags, None, self.config.timeout
            )
        _check(response, f"APPEND {folder}")

    async def wait(self, seconds: float) -> None:
        """Sleep, but wake up (with ConnectionLost) when the server hangs up."""
        self._alive()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self.lost.wait()
        self._alive()

    async def _start_idle(self, seconds: float) -> asyncio.Future[Any]:
        """Send IDLE and wait for the server's go-ahead, unless the connection drops first
        (a server that says BYE right then would otherwise leave us waiting for an hour)."""
        start = asyncio.ensure_future(self.client.idle_start(timeout=seconds + 3600))
        lost = asyncio.ensure_future(self.lost.wait())
        try:
            done, _ = await asyncio.wait(
                {start, lost}, timeout=self.config.timeout, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            lost.cancel()
        if start not in done:
            start.cancel()
            if self.lost.is_set():
                raise ConnectionLost("the IMAP connection was closed while starting IDLE")
            raise ImapError("the server did not accept IDLE in time")
        idle_task: asyncio.Future[Any] = start.result()
        return idle_task

    async def idle(self, seconds: float) -> bool:
        """IDLE until the server reports new mail (True) or ``seconds`` pass (False)."""
        self._alive()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        idle_task = await self._start_idle(seconds)
        new_mail = False
        try:
            while not new_mail:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                push = asyncio.ensure_future(self.client.wait_server_push(timeout=remaining))
                lost = asyncio.ensure_future(self.lost.wait())
                try:
                    done, _ = await asyncio.wait({push, lost}, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    for task in (push, lost):
                        task.cancel()
                if lost in done:
                    raise ConnectionLost("the IMAP connection was closed during IDLE")
                try:
                    lines = push.result()
                except TimeoutError:
                    break
                for line in lines:
                    text = bytes(line).upper()
                    if text.startswith(b"BYE"):
                        raise ConnectionLost(f"server said {bytes(line)[:200]!r}")
                    if text.endswith(b"EXISTS"):
                        new_mail = True
        finally:
            if self.client.has_pending_idle() and not self.lost.is_set():
                self.client.idle_done()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.config.timeout):
                        await asyncio.shield(idle_task)
        if not idle_task.done():
            raise ImapError("IDLE did not end after DONE")
        return new_mail
